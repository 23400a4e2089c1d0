from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    """Buyers' reviews of what they received from Kampung Sasirangan's artisans."""

    name = "marketplace.reviews"
    label = "reviews"
    verbose_name = _("Ulasan")

    def ready(self):
        from config import dependencies
        from marketplace import cache_tags
        from marketplace.orders.signals import sub_order_delivered
        from marketplace.reviews import emails
        from marketplace.reviews.models import Review, ReviewPhoto, ReviewReport, ReviewVote

        sub_order_delivered.connect(emails.review_invitation_on_delivery, dispatch_uid="reviews-invitation")
        # Reviews show on their product's page (and its JSON-LD) and its shop's page, which shows the
        # product's card: an approval, a helpful vote or a report makes those stale in the page
        # caches (config/dependencies.py), not the whole site.
        dependencies.on_change(Review, lambda review: (cache_tags.product(review.product_id),))
        for model in (ReviewPhoto, ReviewReport, ReviewVote):
            dependencies.on_change(model, lambda row: (cache_tags.product(row.review.product_id),))
