"""Public pages of reviews, under the language prefix: the buyer's review form (by its signed link),
and a visitor's "helpful" and report of a review on a product page.

Thin: selectors decide who may see what, services write. A refusal is a 4xx with its reason in
the reader's language; none of these pages is cached (they are someone's own, or a POST).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from config.media import MediaUnavailable
from marketplace.reviews import selectors, services
from marketplace.reviews.forms import ReportForm, ReviewForm
from marketplace.reviews.models import MAX_PHOTOS_PER_REVIEW
from marketplace.uploads import max_upload_bytes
from tourism.sharing import rate_limit_exceeded

# Per address and hour: a family shares one, and a robot with a link gets little done.
WRITE_LIMIT = 20
VOTE_LIMIT = 60
REPORT_LIMIT = 10
WINDOW_SECONDS = 3600


def _body_too_large(request) -> bool:
    """Refuse a body far larger than the allowed photos before Django reads it."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > MAX_PHOTOS_PER_REVIEW * max_upload_bytes() + 1024 * 1024


def _write_page(request, line, *, form=None, refusal="", review=None, status=200):
    order = line.sub_order.order
    return render(request, "reviews/write.html", {
        "line": line, "product": line.product, "shop": line.sub_order.shop, "order": order,
        "public_name": ", ".join(part for part in (services.first_name(order.name),
                                                   services.city_name(order.regency)) if part),
        "form": form, "refusal": refusal, "review": review, "max_photos": MAX_PHOTOS_PER_REVIEW,
    }, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def review_write(request, link):
    line = selectors.line_for_review_link(link=link, user=request.user)
    written = selectors.review_of_line(line=line)
    if request.method != "POST":
        if written is not None:
            return _write_page(request, line, review=written)
        refusal = services.review_refusal(line=line)
        if refusal is not None:
            return _write_page(request, line, refusal=refusal.message, status=refusal.status)
        return _write_page(request, line, form=ReviewForm(initial={"language": (get_language() or "id")[:2]}))

    if rate_limit_exceeded(request=request, scope="review-write", limit=WRITE_LIMIT, window_seconds=WINDOW_SECONDS):
        return _write_page(request, line, form=ReviewForm(), status=429,
                           refusal=_("Terlalu banyak percobaan dari jaringan Anda. Coba lagi dalam satu jam."))
    if _body_too_large(request):
        return _write_page(request, line, form=ReviewForm(), status=413,
                           refusal=_("Foto terlalu besar: paling banyak %(max)s foto, masing-masing maksimal 10 MB.")
                           % {"max": MAX_PHOTOS_PER_REVIEW})
    refusal = services.review_refusal(line=line)
    if refusal is not None:
        return _write_page(request, line, refusal=refusal.message, review=written, status=refusal.status)
    form = ReviewForm(request.POST, request.FILES, photo_count=len(request.FILES.getlist("photos")))
    if not form.is_valid():
        return _write_page(request, line, form=form, status=400)
    try:
        services.review_submit(line=line, rating=form.cleaned_data["rating"], text=form.cleaned_data["text"],
                               language=form.cleaned_data["language"], photos=form.cleaned_data["photos"])
    except services.ReviewError as error:
        return _write_page(request, line, refusal=error.message, review=selectors.review_of_line(line=line),
                           status=error.status)
    except MediaUnavailable as error:
        response = _write_page(request, line, form=form, refusal=str(error), status=503)
        response["Retry-After"] = "120"
        return response
    messages.success(request, _("Terima kasih! Ulasan Anda diterima dan tampil setelah diperiksa editor."))
    return HttpResponseRedirect(request.path, status=303)


def _back_to_product(review):
    return HttpResponseRedirect(f"{review.product.get_absolute_url()}#ulasan-{review.pk}", status=303)


@never_cache
@require_POST
def review_helpful(request, pk):
    review = selectors.review_public_get(pk=pk)
    if rate_limit_exceeded(request=request, scope="review-vote", limit=VOTE_LIMIT, window_seconds=WINDOW_SECONDS):
        messages.error(request, _("Terlalu banyak permintaan dari jaringan Anda. Coba lagi nanti."))
        return render(request, "reviews/report.html", {"review": review}, status=429)
    if services.review_vote_helpful(review=review, visitor=services.visitor_key(request)):
        messages.success(request, _("Terima kasih! Tanda 'membantu' Anda dihitung."))
    else:
        messages.info(request, _("Anda sudah menandai ulasan ini membantu."))
    return _back_to_product(review)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def review_report(request, pk):
    review = selectors.review_public_get(pk=pk)
    if request.method != "POST":
        return render(request, "reviews/report.html", {"review": review, "form": ReportForm()})
    if rate_limit_exceeded(request=request, scope="review-report", limit=REPORT_LIMIT,
                           window_seconds=WINDOW_SECONDS):
        messages.error(request, _("Terlalu banyak laporan dari jaringan Anda. Coba lagi nanti."))
        return render(request, "reviews/report.html", {"review": review, "form": ReportForm()}, status=429)
    form = ReportForm(request.POST)
    if not form.is_valid():
        return render(request, "reviews/report.html", {"review": review, "form": form}, status=400)
    if services.review_report(review=review, visitor=services.visitor_key(request),
                              reason=form.cleaned_data["reason"], note=form.cleaned_data["note"]):
        messages.success(request, _("Terima kasih. Editor akan memeriksa ulasan ini."))
    else:
        messages.info(request, _("Anda sudah melaporkan ulasan ini; editor akan memeriksanya."))
    return redirect(review.product.get_absolute_url())
