"""The one module that talks to Stripe (or the local emulator)."""

from django.conf import settings


def payments_mode() -> str:
    """`live` with a real Stripe key, else `emulator` (localstripe)."""
    key = settings.STRIPE_SECRET_KEY
    if key and not settings.STRIPE_API_BASE:
        return "live" if key.startswith("sk_live") else "test"
    return "emulator"


def payments_status() -> dict:
    """For /healthz: which Stripe the site talks to. Not probed: Stripe being slow
    must not make the health check slow."""
    return {"mode": payments_mode(), "status": "ok"}
