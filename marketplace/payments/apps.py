from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    """Stripe: the client, the webhook endpoint and the record of events received."""

    name = "marketplace.payments"
    label = "payments"
    verbose_name = _("Pembayaran")
