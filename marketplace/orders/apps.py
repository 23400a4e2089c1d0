from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    """Kampung Sasirangan's buying side: cart, checkout, orders, refunds and what artisans are owed."""

    name = "marketplace.orders"
    label = "orders"
    verbose_name = _("Pesanan")

    def ready(self):
        from marketplace.orders import cart

        cart.connect_signals()
        checks.register(check_platform_fee, checks.Tags.compatibility)


def check_platform_fee(app_configs=None, **kwargs):
    """A PLATFORM_FEE_PERCENT that is not a percentage stops `manage.py check`, not the first checkout."""
    from django.core.exceptions import ImproperlyConfigured

    from marketplace.orders.payouts import fee_basis_points

    try:
        fee_basis_points()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="orders.E001")]
    return []
