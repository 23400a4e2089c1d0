"""Gebrak in the Wagtail admin: the moderation queue of visitors' photos and the sharing dashboard."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from tourism import share_stats, visitor_photos
from tourism.models import VisitorPhoto

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
    visitor_photos.visitor_photo_decide(photo=photo, approve=decision == "approve", decided_by=request.user)
    if decision == "approve":
        messages.success(request, _("Foto dari %(name)s disetujui dan tampil di galeri %(place)s.")
                         % {"name": photo.name, "place": photo.destination.title})
    else:
        messages.success(request, _("Foto dari %(name)s ditolak; foto itu tidak akan tampil.") % {"name": photo.name})
    return redirect("tourism_visitor_photos")


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


@hooks.register("register_admin_urls")
def gebrak_admin_urls():
    return [
        path("gebrak/foto-pengunjung/", visitor_photo_queue, name="tourism_visitor_photos"),
        path("gebrak/foto-pengunjung/<int:pk>/putuskan/", visitor_photo_decide, name="tourism_visitor_photo_decide"),
        path("gebrak/viralitas/", share_dashboard_view, name="tourism_share_dashboard"),
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

