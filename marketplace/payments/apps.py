from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    """Stripe: the client, the webhook endpoint and the record of events received."""

    name = "marketplace.payments"
    label = "payments"
    verbose_name = _("Pembayaran")

    def ready(self):
        from config.health import health_status_register
        from config.security import csp_sources_register
        from marketplace.payments import stripe_client

        checks.register(check_stripe_settings, checks.Tags.security, deploy=True)
        health_status_register("payments", stripe_client.payments_status)
        csp_sources_register(stripe_client.csp_sources)


def check_stripe_settings(app_configs=None, **kwargs):
    """`check --deploy`: a site that cannot take payments says so before it goes live (it would
    run, with checkout switched off; docs/decisions.md, issue 13)."""
    from marketplace.payments import stripe_client

    if stripe_client.payments_mode() != "off":
        return []
    missing = ", ".join(stripe_client.missing_settings())
    return [checks.Error(
        f"Stripe is not configured: {missing} not set, so checkout is switched off and the "
        "webhook refuses every event.",
        hint="Set STRIPE_SECRET_KEY, STRIPE_PUBLISHABLE_KEY and STRIPE_WEBHOOK_SECRET (the "
             "webhook endpoint's signing secret) from the Stripe dashboard.",
        id="payments.E001")]
