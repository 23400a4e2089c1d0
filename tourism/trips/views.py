"""The trip plan's pages and buttons. Every form works without JavaScript (POST, then back where
the visitor was); site/static/js/trips.js sends the same forms asking for JSON and updates in place.

What is the visitor's own is never stored in a shared cache: every answer here is private and
not stored (never_cache), and save buttons on cached pages learn their state from `status`.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tourism.sharing import ShareTarget, campaign_for_sharing, share_links
from tourism.trips import selectors, services
from tourism.trips.ics import plan_to_ics
from tourism.trips.registry import stops_resolve
from tourism.trips.services import TripError


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _refused(request, error: TripError):
    if _wants_json(request):
        return JsonResponse({"error": error.message}, status=error.status)
    return render(request, "trips/refused.html", {"message": error.message}, status=error.status)


def _back(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return fallback


def _plan_url() -> str:
    return reverse("trips:plan")


@never_cache
@require_safe
def plan_page(request):
    plan = services.plan_for_request(request)
    context = selectors.plan_view(plan, request=request)
    context["editable"] = True
    context["start_date_min"], context["start_date_max"] = services.start_date_bounds()
    back = request.GET.get("dari", "")
    if back.startswith("/") and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        context["back_url"] = back
    if plan is not None:
        share_url = request.build_absolute_uri(reverse("trips:shared", kwargs={"token": plan.share_token}))
        campaign, hashtag = campaign_for_sharing(request=request)
        links = share_links(url=share_url, title=_("Rencana perjalanan saya di Kabupaten Banjar"),
                            campaign=campaign, hashtag=hashtag)
        context["share_url"] = share_url
        context["whatsapp"] = next(link for link in links if link.channel == "whatsapp")
        context["share_target"], context["share_campaign"] = f"trip:{plan.pk}", campaign
        context["calendar_url"] = reverse("trips:calendar", kwargs={"token": plan.share_token})
    response = render(request, "trips/plan.html", context)
    services.plan_remember(request, response)
    return response


def _shared_or_404(token):
    """The plan a read-only link names; a guessed or altered token is the site's plain 404."""
    plan = selectors.plan_by_share_token(token)
    if plan is None:
        raise Http404()
    return plan


@never_cache
@require_safe
def shared_plan(request, token):
    plan = _shared_or_404(token)
    context = selectors.plan_view(plan)
    context["editable"] = False
    context["social"] = selectors.shared_plan_meta(context, request=request)
    context["calendar_url"] = reverse("trips:calendar", kwargs={"token": plan.share_token})
    response = render(request, "trips/plan.html", context)
    # A visit through the shared link (utm_medium=share) counts for this plan (tourism.sharing).
    response.share_target = ShareTarget("trip", plan.pk)
    return response


@never_cache
@require_safe
def shared_calendar(request, token):
    plan = _shared_or_404(token)
    response = HttpResponse(plan_to_ics(plan, request=request), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="rencana-banjar.ics"'
    return response


@never_cache
@require_safe
def status(request):
    """The visitor's saved stops, for the save buttons of pages that every visitor shares."""
    plan = services.plan_for_request(request)
    keys = selectors.saved_keys(plan)
    # The CSRF token for js/trips.js's POSTs: the pages themselves carry none (they are the same for
    # everyone). A visitor without a CSRF cookie is given one only when the script asks (`?csrf=1`, at
    # their first tap): made on every page load, its new cookie raced the one a page with a form makes,
    # and a quick tap from a listing to a product's "add to cart" was refused as a forgery.
    wants_token = settings.CSRF_COOKIE_NAME in request.COOKIES or "csrf" in request.GET
    return JsonResponse({"saved": keys, "count": plan.stops.count() if plan else 0,
                         "csrf": get_token(request) if wants_token else ""})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def stop_save(request):
    if request.method != "POST":
        return _save_confirm(request)
    action = request.POST.get("action", "save")
    try:
        if action not in ("save", "remove"):
            raise TripError(_("Perintah tidak dikenal."))
        kind, object_id = services.stop_key_parse(request.POST.get("stop", ""))
        if action == "save":
            services.stop_canonical(kind=kind, object_id=object_id)  # refused before a plan is made
            plan = services.plan_for_request(request, create=True)
            services.stop_save(plan=plan, kind=kind, object_id=object_id)
            notice = _("Disimpan ke rencana perjalanan.")
        else:
            plan = services.plan_for_request(request)
            if plan is not None:
                services.stop_remove(plan=plan, kind=kind, object_id=object_id)
            notice = _("Dihapus dari rencana perjalanan.")
    except TripError as error:
        return _refused(request, error)
    if _wants_json(request):
        response = JsonResponse({"saved": action == "save", "message": notice,
                                 "count": plan.stops.count() if plan else 0})
    else:
        messages.success(request, notice)
        # Without JavaScript the plan page says what happened, with a way back to where the visitor was.
        back = _back(request, "")
        response = redirect(_plan_url() + (f"?{urlencode({'dari': back})}" if back and back != _plan_url() else ""))
    services.plan_remember(request, response)
    return response


def _save_confirm(request):
    """Without JavaScript a save button opens this page (its form is a GET, so the pages every visitor
    shares carry no token); the POST here saves. Nothing is written on the way."""
    try:
        kind, object_id = services.stop_key_parse(request.GET.get("stop", ""))
        canonical = services.stop_canonical(kind=kind, object_id=object_id)
    except TripError as error:
        return _refused(request, error)
    facts = stops_resolve([(kind, canonical)]).get((kind, canonical))
    if facts is None:
        return _refused(request, TripError(_("Tempat ini tidak ada atau belum terbit."), status=404))
    plan = services.plan_for_request(request)
    back = request.GET.get("next", "")
    if not (back.startswith("/") and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})):
        back = ""
    return render(request, "trips/confirm.html", {
        "facts": facts, "stop_key": f"{kind}:{object_id}", "next": back,
        "already_saved": plan is not None and plan.stops.filter(kind=kind, object_id=canonical).exists()})


def _plan_write(request, write):
    plan = services.plan_for_request(request)
    try:
        if plan is None:
            raise TripError(_("Rencana perjalanan Anda masih kosong."), status=404)
        anchor = write(plan) or ""
    except TripError as error:
        return _refused(request, error)
    if _wants_json(request):
        return JsonResponse({"ok": True})
    return redirect(_plan_url() + anchor)


@never_cache
@require_POST
def stop_move(request):
    def write(plan):
        stop = services.stop_move(plan=plan, stop_id=request.POST.get("stop_id"),
                                  direction=request.POST.get("direction", ""), day=request.POST.get("day"))
        return f"#stop-{stop.pk}"
    return _plan_write(request, write)


@never_cache
@require_POST
def day_add(request):
    def write(plan):
        plan = services.day_add(plan=plan)
        return f"#day-{plan.day_count}"
    return _plan_write(request, write)


@never_cache
@require_POST
def day_remove(request):
    return _plan_write(request, lambda plan: services.day_remove(plan=plan, day=request.POST.get("day")) and "")


@never_cache
@require_POST
def start_date(request):
    return _plan_write(request, lambda plan: services.start_date_set(plan=plan, raw=request.POST.get("start_date"))
                       and "#dates")


# What the service worker keeps, and how long (said in its own first lines and in docs/decisions.md).
OFFLINE_DAYS = 7
OFFLINE_MAX_ENTRIES = 60


@require_safe
def service_worker(request):
    """The plan offline (trips/service_worker.js), served under the plan's path so that its scope is
    the plan pages and nothing else of the site."""
    response = render(request, "trips/service_worker.js",
                      {"scope": _plan_url(), "max_age_days": OFFLINE_DAYS, "max_entries": OFFLINE_MAX_ENTRIES},
                      content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"  # a new version reaches phones on their next visit
    return response
