from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShippingConfig(AppConfig):
    """Kampung Sasirangan's delivery: the couriers' rate table and the options a buyer can choose."""

    name = "marketplace.shipping"
    label = "shipping"
    verbose_name = _("Pengiriman")
