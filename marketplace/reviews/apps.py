from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    """Buyers' reviews of what they received from Kampung Sasirangan's artisans."""

    name = "marketplace.reviews"
    label = "reviews"
    verbose_name = _("Ulasan")

    def ready(self):
        from marketplace.orders.signals import sub_order_delivered
        from marketplace.reviews import emails

        sub_order_delivered.connect(emails.review_invitation_on_delivery, dispatch_uid="reviews-invitation")
