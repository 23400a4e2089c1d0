from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    """Kampung Sasirangan's buying side: cart, checkout, orders, refunds and what artisans are owed."""

    name = "marketplace.orders"
    label = "orders"
    verbose_name = _("Pesanan")

    def ready(self):
        from marketplace.orders import cart

        cart.connect_signals()
