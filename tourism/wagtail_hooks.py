"""Gebrak in the Wagtail admin: the moderation queue of visitors' photos, the sharing dashboard,
and the dashboard panel of pages whose English is missing or behind."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy

from config.media import MediaUnavailable, media_store_guard, private_storage
from tourism import seo, share_stats, signals, translations, visitor_photos
from tourism.models import VisitorPhoto
from tourism.routing import default_locale

MODERATE = "tourism.moderate_visitorphoto"
VIEW_STATS = "tourism.view_sharetally"


def _require(request, permission):
    if not request.user.has_perm(permission):
        raise PermissionDenied


def visitor_photo_queue(request):
    _require(request, MODERATE)
    return TemplateResponse(request, "tourism/admin/visitor_photo_queue.html", {
        "photos": visitor_photos.visitor_photos_pending(),
        "header_title": _("Foto pengunjung menunggu moderasi"),
        "page_title": _("Foto pengunjung"),
    })


@require_POST
def visitor_photo_decide(request, pk):
    _require(request, MODERATE)
    photo = get_object_or_404(VisitorPhoto.objects.select_related("destination"), pk=pk)
    decision = request.POST.get("decision")
    if decision not in {"approve", "reject"}:
        messages.error(request, _("Pilih setujui atau tolak."))
        return redirect("tourism_visitor_photos")
    try:
        visitor_photos.visitor_photo_decide(photo=photo, approve=decision == "approve", decided_by=request.user)
    except MediaUnavailable as error:
        messages.error(request, error.message)
        return redirect("tourism_visitor_photos")
    if decision == "approve":
        messages.success(request, _("Foto dari %(name)s disetujui dan tampil di galeri %(place)s.")
                         % {"name": photo.name, "place": photo.destination.title})
    else:
        messages.success(request, _("Foto dari %(name)s ditolak; foto itu tidak akan tampil.") % {"name": photo.name})
    return redirect("tourism_visitor_photos")


def visitor_photo_file(request, pk):
    """A waiting photo, for moderators only: a signed URL that expires in minutes when the photos
    are in a bucket, else the file itself; never cached."""
    _require(request, MODERATE)
    photo = get_object_or_404(VisitorPhoto, pk=pk, status="pending")
    if not photo.pending_file:
        raise Http404("no waiting photo")
    signed_url = visitor_photos.pending_photo_url(photo)
    if signed_url:
        response = redirect(signed_url)
    else:
        try:
            with media_store_guard("showing a visitor's photo to a moderator"):
                response = FileResponse(private_storage().open(photo.pending_file, "rb"))
        except MediaUnavailable:
            raise Http404("the waiting photo cannot be read") from None
    response["Cache-Control"] = "private, no-store"
    return response


def share_dashboard_view(request):
    _require(request, VIEW_STATS)
    try:
        days = int(request.GET.get("hari", "30"))
    except ValueError:
        days = 30
    if days not in share_stats.PERIODS:
        days = 30
    context = share_stats.share_dashboard(days=days)
    context.update(periods=share_stats.PERIODS, header_title=_("Viralitas: berbagi dan kunjungan"),
                   page_title=_("Viralitas"))
    return TemplateResponse(request, "tourism/admin/share_dashboard.html", context)


def _may_translate(user, page, english_locale) -> bool:
    """Editing the Indonesian, and editing its English or adding it under the English parent."""
    if not page.permissions_for_user(user).can_edit():
        return False
    english = page.get_translation_or_none(english_locale)
    if english is not None:
        return english.permissions_for_user(user).can_edit()
    parent = page.get_parent()
    english_parent = parent if parent.is_root() else parent.get_translation_or_none(english_locale)
    return english_parent is not None and english_parent.permissions_for_user(user).can_add_subpage()


@require_POST
def english_copy_view(request, pk):
    """Create or refresh the English copy of an Indonesian page, then open it in the editor."""
    page = get_object_or_404(Page, pk=pk, locale__language_code="id", depth__gt=1)
    english_locale = translations.english_locale()
    if english_locale is None:
        raise Http404
    if not _may_translate(request.user, page, english_locale):
        raise PermissionDenied
    result = translations.english_copy_for_translation(page=page, user=request.user)
    if result.created:
        messages.success(request, _("Salinan Inggris “%(title)s” dibuat dari versi Indonesia: terjemahkan, lalu "
                                    "publikasikan.") % {"title": result.page.title})
    elif result.changed_labels:
        messages.success(request, _("Draf Inggris “%(title)s” diperbarui. Yang berubah dalam bahasa Indonesia kini "
                                    "berisi teks Indonesia untuk diterjemahkan: %(fields)s. Halaman Inggris yang "
                                    "tayang tetap sampai draf ini dipublikasikan.")
                         % {"title": result.page.title, "fields": ", ".join(result.changed_labels)})
    else:
        messages.info(request, _("Tidak ada yang berubah dalam bahasa Indonesia sejak versi Inggris “%(title)s” "
                                 "terakhir diperbarui.") % {"title": result.page.title})
    return redirect("wagtailadmin_pages:edit", result.page.pk)


class EnglishBacklogPanel(Component):
    """On the admin home page: pages with no English yet, and pages whose Indonesian was
    published after their English, each with the button that makes the copy to translate."""

    order = 95
    template_name = "tourism/admin/english_backlog_panel.html"

    def get_context_data(self, parent_context):
        backlog = translations.english_translation_backlog()
        return {"backlog": backlog, "csrf_token": parent_context.get("csrf_token"), "lists": [
            (_("Belum ada versi Inggris"), backlog.missing, backlog.missing_count, _("Buat salinan Inggris")),
            (_("Versi Inggris tertinggal"), backlog.outdated, backlog.outdated_count, _("Perbarui salinan Inggris")),
        ]}


@hooks.register("construct_homepage_panels")
def add_english_backlog_panel(request, panels):
    if PagePermissionPolicy().user_has_any_permission(request.user, ["add", "change"]):
        panels.append(EnglishBacklogPanel())


@hooks.register("before_serve_page")
def english_page_where_it_lives(page, request, serve_args, serve_kwargs):
    """An English address that leads to an Indonesian page (the fallback routing) although the page has
    an English translation elsewhere (its slug changed in one language) is sent there (302: the slugs may
    meet again), instead of serving the Indonesian to English readers (tourism.seo.translation_moved_url)."""
    url = seo.translation_moved_url(page, request)
    return redirect(url) if url else None


@hooks.register("register_log_actions")
def register_english_copy_refresh(actions):
    actions.register_action(translations.REFRESH_ACTION, gettext_lazy("Perbarui salinan Inggris"),
                            gettext_lazy("Draf Inggris diperbarui dari bahasa Indonesia"))
    actions.register_action(translations.DATES_ACTION, gettext_lazy("Tanggal acara mengikuti bahasa Indonesia"),
                            gettext_lazy("Tanggal dan jam acara disamakan dengan halaman bahasa Indonesia"))


@hooks.register("register_admin_urls")
def gebrak_admin_urls():
    return [
        path("gebrak/foto-pengunjung/", visitor_photo_queue, name="tourism_visitor_photos"),
        path("gebrak/foto-pengunjung/<int:pk>/putuskan/", visitor_photo_decide, name="tourism_visitor_photo_decide"),
        path("gebrak/foto-pengunjung/<int:pk>/foto/", visitor_photo_file, name="tourism_visitor_photo_file"),
        path("gebrak/viralitas/", share_dashboard_view, name="tourism_share_dashboard"),
        path("gebrak/salinan-inggris/<int:pk>/", english_copy_view, name="tourism_english_copy"),
    ]


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, permission, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


@hooks.register("register_admin_menu_item")
def visitor_photos_menu_item():
    return PermissionMenuItem(gettext_lazy("Foto pengunjung"), reverse("tourism_visitor_photos"), icon_name="image",
                              order=260, permission=MODERATE)


@hooks.register("register_admin_menu_item")
def share_dashboard_menu_item():
    return PermissionMenuItem(gettext_lazy("Viralitas"), reverse("tourism_share_dashboard"), icon_name="pick",
                              order=270, permission=VIEW_STATS)



@hooks.register("construct_translated_pages_to_cascade_actions")
def english_unpublished_with_its_original(pages: list[Page], action: str):
    """Unpublishing an Indonesian page unpublishes its English translation with it, as Wagtail's
    confirmation page then says ("and its translation"): a cancelled event or a closed destination
    stayed live in English, in the sitemap and in English search. Unpublishing the English alone
    leaves the Indonesian; moves and deletions are left to Wagtail (nothing is added for them)."""
    if action != "unpublish":
        return None
    return {page: Page.objects.translation_of(page, inclusive=False).filter(alias_of__isnull=True, live=True)
            for page in pages if page.locale_id == default_locale()[0]}


@hooks.register("before_unpublish_page")
def english_left_to_the_unpublish_page(request, page):
    """The admin's unpublish page unpublishes the English translations named above itself: the cascade
    of every other way (tourism.signals) leaves them to it, so each is unpublished once."""
    signals.admin_unpublish_begins(page.pk)


@hooks.register("after_unpublish_page")
def english_left_to_the_unpublish_page_done(request, page):
    signals.admin_unpublish_ends(page.pk)
