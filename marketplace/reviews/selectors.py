"""Reads of reviews: who may see which, and what a product's or shop's page shows.

- The public sees approved reviews of public products only, with the first name and city.
- A review link (links.py) opens the form of its own bought line; a signed-in buyer never opens
  the form of another account's order (404), and a bad link names nothing (404).
- The artisan sees the approved reviews of their own shop.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Avg, Count, Prefetch, Window, prefetch_related_objects
from django.http import Http404
from wagtail.images import get_image_model

from config import dependencies
from config.remembered import remember_read
from config.renditions import REVIEW_PHOTO, renditions_complete
from marketplace import cache_tags
from marketplace.orders.models import OrderLine
from marketplace.reviews.links import review_link_line_pk
from marketplace.reviews.models import Review, ReviewPhoto, ReviewStatus

# ?ulasan=... on a product page: the most helpful first (the default), or the newest.
SORTS = {"membantu": ("-helpful_count", "-created_at", "-pk"), "terbaru": ("-created_at", "-pk")}
DEFAULT_SORT = "membantu"
PAGE_REVIEWS = 20
SHOP_REVIEWS = 6


@dataclass
class ReviewSummary:
    """A product's or shop's approved reviews: how many, their average, the first of them."""

    count: int = 0
    average: float | None = None
    reviews: list[Review] = field(default_factory=list)
    sort: str = DEFAULT_SORT

    @property
    def average_rounded(self) -> float | None:
        return round(self.average, 1) if self.average is not None else None


def _photos_prefetch() -> Prefetch:
    images = get_image_model().objects.prefetch_renditions(*REVIEW_PHOTO)  # made by the worker at approval
    return Prefetch("photos", queryset=ReviewPhoto.objects.filter(
        image__isnull=False).prefetch_related(Prefetch("image", queryset=images)))


def _with_photos(queryset):
    return queryset.prefetch_related(_photos_prefetch())


def _summary(queryset, *, sort: str, limit: int) -> ReviewSummary:
    """Count, average and the first `limit` reviews in one query: the totals are window aggregates
    over every approved review, computed before the LIMIT."""
    sort = sort if sort in SORTS else DEFAULT_SORT
    reviews = list(queryset.annotate(total=Window(Count("pk")), mean=Window(Avg("rating")))
                   .order_by(*SORTS[sort])[:limit])
    if not reviews:
        return ReviewSummary(sort=sort)
    # Only onto reviews there are: building the prefetch's querysets cost a product page without
    # reviews (most of them) a twentieth of its first render.
    prefetch_related_objects(reviews, _photos_prefetch())
    return ReviewSummary(count=reviews[0].total, average=float(reviews[0].mean), reviews=reviews, sort=sort)


def product_reviews(*, product, sort: str = DEFAULT_SORT, limit: int = PAGE_REVIEWS) -> ReviewSummary:
    """Remembered (config.remembered.remember_read) until a review of the product, its photos, votes
    or reports change (marketplace.reviews.apps: the product's tag)."""
    sort = sort if sort in SORTS else DEFAULT_SORT

    def read() -> ReviewSummary:
        dependencies.shown(cache_tags.product(product.pk))
        summary = _summary(Review.objects.filter(product=product, status=ReviewStatus.APPROVED), sort=sort,
                           limit=limit)
        if not all(renditions_complete(photo.image, REVIEW_PHOTO)
                   for review in summary.reviews for photo in review.photos.all()):
            dependencies.incomplete()  # a photo the worker is still making: read again, not remembered
        return summary

    return remember_read(("product-reviews", product.pk, sort, limit), read)


def shop_reviews(*, shop, limit: int = SHOP_REVIEWS) -> ReviewSummary:
    """The shop's approved reviews of its public products, newest first."""
    queryset = Review.objects.public().filter(shop=shop).select_related("product")
    return _summary(queryset, sort="terbaru", limit=limit)


def line_for_review_link(*, link: str, user=None) -> OrderLine:
    """The bought line a review link names, or 404 (bad signature, no such line, another account's)."""
    line_pk = review_link_line_pk(link)
    if line_pk is None:
        raise Http404("no such review link")
    line = (OrderLine.objects.select_related("sub_order__order", "sub_order__shop", "product__shop")
            .filter(pk=line_pk).first())
    if line is None:
        raise Http404("no such order line")
    owner = line.sub_order.order.user_id
    if owner is not None and user is not None and user.is_authenticated and user.pk != owner:
        raise Http404("another account's order")
    return line


def review_of_line(*, line: OrderLine) -> Review | None:
    """The review already written for this purchase (this line, or the same product by the same buyer)."""
    if line.product_id is None:
        return Review.objects.filter(line=line).first()
    return Review.objects.filter(product_id=line.product_id,
                                 buyer_email=line.sub_order.order.email.lower()).first()


def review_public_get(*, pk) -> Review:
    review = Review.objects.public().select_related("product").filter(pk=pk).first()
    if review is None:
        raise Http404("no such review")
    return review


def reviews_waiting() -> list[Review]:
    """The editors' queue, oldest first: new reviews, then reported ones, with their photos and reports."""
    return list(Review.objects.waiting().select_related("product", "shop")
                .prefetch_related("photos__image", "reports").order_by("created_at", "pk"))


def reviews_for_shop_owner(*, shop) -> list[Review]:
    return list(_with_photos(Review.objects.filter(shop=shop, status=ReviewStatus.APPROVED)
                             .select_related("product")).order_by("-created_at", "-pk"))
