"""Thin views of the Gebrak issue: share images, share counting, sitemap and robots, visitors' photos.

The work is in tourism.share_images, tourism.sharing, tourism.seo and tourism.visitor_photos.
"""


from django.contrib.sitemaps import views as sitemap_views
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.media import MediaUnavailable, media_store_guard
from tourism import seo, share_images, sharing, visitor_photos
from tourism.models import DestinationPage, ShareEvent
from tourism.routing import public_pages
from tourism.sitemaps import SITEMAPS


@require_GET
def og_image(request, key):
    """The 1200x630 share image of a page, product or shop in one language, as the worker drew it.

    Never drawn here: an image not drawn yet is answered at once with the generic share image
    (200, cached a minute) and its drawing is enqueued (tourism.share_images)."""
    spec = share_images.spec_for_key(key)
    if spec is None:
        raise Http404("no such share image")
    try:
        with media_store_guard(f"serving the share image {key}"):
            content = share_images.share_image_stored(spec)
    except MediaUnavailable:
        # The link preview is fetched again later; a 503 is not cached as the picture.
        return HttpResponse(status=503, headers={"Retry-After": "120", "Cache-Control": "no-store"})
    if content is None:
        share_images.share_image_request(spec)
        return HttpResponse(share_images.generic_image(), content_type="image/jpeg",
                            headers={"Cache-Control": "public, max-age=60"})
    response = HttpResponse(content, content_type="image/jpeg")
    # The meta tags name the version (?v=): that URL never changes content; the bare one may.
    fresh = request.GET.get("v") == spec.digest
    response["Cache-Control"] = "public, max-age=31536000, immutable" if fresh else "public, max-age=3600"
    return response


def _error(message, field, status=400):
    return JsonResponse({"error": str(message), "field": field}, status=status)


@csrf_exempt  # a counter: it changes nobody's data, and navigator.sendBeacon cannot send a token
@require_POST
def share_beacon(request):
    """Count one click on a share button: target, channel, campaign. 204, or 4xx saying what was wrong."""
    if sharing.tracking_refused(request):
        return HttpResponse(status=204)
    if sharing.rate_limit_exceeded(request=request, scope="share", limit=120, window_seconds=3600):
        return _error(_("Terlalu banyak permintaan. Coba lagi nanti."), "", status=429)
    channel = request.POST.get("channel", "")
    if channel not in sharing.CHANNELS:
        return _error(_("Saluran berbagi tidak dikenal."), "channel")
    target = sharing.share_target_parse(request.POST.get("target", ""))
    if target is None:
        return _error(_("Halaman yang dibagikan tidak ditemukan."), "target")
    campaign = request.POST.get("campaign", "")
    if campaign and not (sharing.CAMPAIGN_PATTERN.match(campaign) and sharing.campaign_is_known(campaign)):
        return _error(_("Kampanye tidak dikenal."), "campaign")
    sharing.share_count(event=ShareEvent.CLICK, channel=channel, target=target, campaign=campaign)
    return HttpResponse(status=204)


@require_GET
@cache_control(public=True, max_age=3600)
def sitemap_xml(request):
    response = sitemap_views.sitemap(request, sitemaps=SITEMAPS)
    response["Content-Type"] = "application/xml; charset=utf-8"
    return response


@require_GET
@cache_control(public=True, max_age=86400)
def robots_txt(request):
    return HttpResponse(seo.robots_txt(request), content_type="text/plain; charset=utf-8")


@require_http_methods(["GET", "POST"])
def visitor_photo_submit(request, page_id):
    """A tourist sends a photo of a destination; it waits for an editor's approval."""
    destination = public_pages(DestinationPage.objects.live()).select_related("district").filter(pk=page_id).first()
    if destination is None:
        raise Http404("no such destination")
    localized = destination.localized
    if request.method == "GET" and localized.pk != destination.pk and localized.live:
        # The address names one language's page: the language switch keeps the number, and the other
        # language's reader belongs on their own page of the same place (its name in their language).
        query = f"?{request.GET.urlencode()}" if request.GET else ""
        return redirect(reverse("visitor_photos:submit", kwargs={"page_id": localized.pk}) + query)
    context = {"destination": destination, "page_title": _("Kirim foto Anda")}
    if request.method == "GET":
        context["sent"] = request.GET.get("terkirim") == "1"
        context["form"] = visitor_photos.VisitorPhotoForm()
        return render(request, "tourism/visitor_photo_form.html", context)

    form = visitor_photos.VisitorPhotoForm()
    if sharing.rate_limit_exceeded(request=request, scope="visitor-photo", limit=visitor_photos.RATE_LIMIT,
                                   window_seconds=visitor_photos.RATE_WINDOW_SECONDS):
        context.update(form=form, refusal=_("Anda sudah mengirim beberapa foto dalam satu jam terakhir. "
                                            "Coba lagi nanti."))
        return render(request, "tourism/visitor_photo_form.html", context, status=429)
    if visitor_photos.request_too_large(request):
        context.update(form=form, refusal=_("Foto terlalu besar. Ukuran maksimal 10 MB."))
        return render(request, "tourism/visitor_photo_form.html", context, status=413)

    form = visitor_photos.VisitorPhotoForm(request.POST, request.FILES)
    if form.is_spam:
        # Robots are told it worked and nothing is kept.
        return HttpResponseRedirect(f"{request.path}?terkirim=1", status=303)
    if form.is_valid():
        try:
            visitor_photos.visitor_photo_submit(
                destination=destination, upload=form.cleaned_data["photo"], name=form.cleaned_data["name"],
                instagram=form.cleaned_data["instagram"], caption=form.cleaned_data["caption"])
        except ValidationError as error:
            form.add_error("photo", error)
        except MediaUnavailable as error:
            form.add_error(None, error.message)
            context["form"] = form
            response = render(request, "tourism/visitor_photo_form.html", context, status=503)
            response["Retry-After"] = "120"
            return response
        else:
            return HttpResponseRedirect(f"{request.path}?terkirim=1", status=303)
    context["form"] = form
    return render(request, "tourism/visitor_photo_form.html", context, status=400)
