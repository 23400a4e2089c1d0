"""The artisan reads the approved reviews of their products and replies once to each, publicly.

Who may: the dashboard's own decorator (a signed-in artisan with an approved shop); which review
is theirs: services.review_reply (another shop's is a 404).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from marketplace.dashboard_views import not_found, shop_owner_required
from marketplace.reviews import selectors, services
from marketplace.reviews.forms import ReplyForm
from marketplace.reviews.models import Review


def _list(request, shop, *, forms=None, status=200):
    reviews = selectors.reviews_for_shop_owner(shop=shop)
    forms = forms or {}
    return render(request, "reviews/dashboard/review_list.html", {
        "shop": shop, "section": "reviews",
        "rows": [(review, forms.get(review.pk) or ReplyForm(prefix=f"balas-{review.pk}")) for review in reviews],
    }, status=status)


@never_cache
@shop_owner_required(approved=True)
@require_GET
def review_list(request, shop):
    return _list(request, shop)


@shop_owner_required(approved=True)
@require_POST
def review_reply(request, shop, pk):
    review = Review.objects.filter(pk=pk, shop=shop).first()
    if review is None:
        return not_found(request, shop=shop)
    form = ReplyForm(request.POST, prefix=f"balas-{review.pk}")
    if not form.is_valid():
        messages.error(request, _("Balasan belum terkirim; periksa isiannya."))
        return _list(request, shop, forms={review.pk: form}, status=400)
    try:
        services.review_reply(review=review, shop=shop, text=form.cleaned_data["text"])
    except services.ReviewError as error:
        messages.error(request, error.message)
        return _list(request, shop, status=error.status)
    messages.success(request, _("Balasan Anda tampil di bawah ulasan %(name)s.") % {"name": review.author_name})
    return HttpResponseRedirect(f"{reverse('dashboard:reviews')}#ulasan-{review.pk}")
