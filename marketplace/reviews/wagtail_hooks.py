"""Buyers' reviews in the Wagtail admin: the moderation queue (new and reported reviews), approve, or
reject with a reason the buyer receives by email. Like the visitors' photo queue (tourism)."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from config.media import STORAGE_ERRORS, MediaUnavailable, private_storage
from marketplace.reviews import selectors, services
from marketplace.reviews.forms import DecisionForm
from marketplace.reviews.models import Review, ReviewPhoto

MODERATE = "reviews.moderate_review"


def _require(request):
    if not request.user.has_perm(MODERATE):
        raise PermissionDenied


def review_queue(request):
    _require(request)
    return TemplateResponse(request, "reviews/admin/queue.html", {
        "reviews": selectors.reviews_waiting(),
        "header_title": _("Ulasan pembeli menunggu moderasi"),
        "page_title": _("Ulasan pembeli"),
    })


@require_POST
def review_decide(request, pk):
    _require(request)
    review = get_object_or_404(Review.objects.select_related("product"), pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pilih setujui atau tolak."))
        return redirect("reviews_queue")
    try:
        if form.cleaned_data["decision"] == "approve":
            services.review_approve(review=review, by=request.user)
            messages.success(request, _("Ulasan %(name)s untuk “%(product)s” disetujui dan tampil di halaman produk.")
                             % {"name": review.author_name, "product": review.product.title_id})
        else:
            services.review_reject(review=review, by=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("Ulasan %(name)s ditolak; pembeli diberi tahu alasannya lewat email.")
                             % {"name": review.author_name})
    except services.ReviewError as error:
        messages.error(request, error.message)
    except MediaUnavailable as error:
        messages.error(request, str(error))
    return redirect("reviews_queue")


@require_GET
def pending_photo(request, pk):
    """A waiting photo, to moderators only: read from the private storage, or a signed URL (buckets)."""
    _require(request)
    photo = get_object_or_404(ReviewPhoto, pk=pk)
    if not photo.pending_file:
        raise Http404("not waiting")
    storage = private_storage()
    try:
        return HttpResponseRedirect(storage.url(photo.pending_file))
    except ValueError:  # a local folder has no URL: read it out here
        pass
    try:
        handle = storage.open(photo.pending_file, "rb")
    except STORAGE_ERRORS:
        raise Http404("the file is not there") from None
    response = FileResponse(handle, content_type=mimetypes.guess_type(photo.pending_file)[0])
    response["Cache-Control"] = "private, no-store"
    return response


@hooks.register("register_admin_urls")
def review_admin_urls():
    return [
        path("gebrak/ulasan/", review_queue, name="reviews_queue"),
        path("gebrak/ulasan/<int:pk>/putuskan/", review_decide, name="reviews_decide"),
        path("gebrak/ulasan/foto/<int:pk>/", pending_photo, name="reviews_pending_photo"),
    ]


class ModeratorMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(MODERATE)


@hooks.register("register_admin_menu_item")
def review_queue_menu_item():
    return ModeratorMenuItem(gettext_lazy("Ulasan pembeli"), reverse("reviews_queue"), icon_name="comment", order=265)
