"""Security pieces the settings point at: the login lock-out page and the Content
Security Policy's per-request part (the client's address is config.client_address).

django-axes counts failed sign-ins (Wagtail admin and the artisans' /toko/masuk/
alike: both go through django.contrib.auth.authenticate with the request) and
calls `lockout_response` once a person is locked out. django-csp writes the
policy from settings.CONTENT_SECURITY_POLICY; `ContentSecurityPolicyMiddleware`
adds the origin of Stripe.js, which depends on the payments mode (Stripe or the
local emulator), at request time.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _


def _cool_off_minutes() -> int:
    cool_off = settings.AXES_COOLOFF_TIME
    if isinstance(cool_off, timedelta):
        return max(1, round(cool_off.total_seconds() / 60))
    return max(1, round(float(cool_off or 0) * 60))


def lockout_response(request, original_response=None, credentials=None):
    """429 with a message a person understands, in the language of where they tried.

    The artisans' dashboard is Indonesian whatever the browser asks; the Wagtail
    admin and the rest follow the request's language.
    """
    language = "id" if request.path.startswith("/toko/") else (translation.get_language() or "id")
    minutes = _cool_off_minutes()
    with translation.override(language):
        response = render(request, "security/locked_out.html", {
            "minutes": minutes,
            "reset_url": "/toko/lupa-sandi/" if request.path.startswith("/toko/") else "",
            "message": _("Terlalu banyak percobaan masuk yang gagal. Demi keamanan akun, masuk dengan "
                         "akun ini dari perangkat Anda dikunci selama %(minutes)s menit.") % {"minutes": minutes},
        }, status=429)
    response["Retry-After"] = str(minutes * 60)
    response["Cache-Control"] = "no-store"
    return response


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, plus Stripe's origins for the payment form.

    With a real Stripe key these are js.stripe.com (the script and its card
    frames) and api.stripe.com; with the emulator, the emulator's own address,
    which serves a stand-in Stripe.js.
    """

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only:
            return parts
        from marketplace.payments import stripe_client

        if stripe_client.payments_mode() == "emulator":
            emulator = _origin(stripe_client.api_base())
            scripts = frames = connects = [emulator] if emulator else []
        else:
            scripts = ["https://js.stripe.com"]
            frames = ["https://js.stripe.com", "https://hooks.stripe.com"]
            connects = ["https://api.stripe.com"]
        extra = {"script-src": scripts, "frame-src": frames, "connect-src": connects}
        update = dict(parts.update or {})
        for directive, origins in extra.items():
            if origins:
                update[directive] = [*update.get(directive, []), *origins]
        parts.update = update
        return parts
