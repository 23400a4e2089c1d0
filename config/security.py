"""The Content Security Policy's per-request part (sign-in lock-outs are
config.sign_in, the client's address config.client_address).

django-csp writes the policy from settings.CONTENT_SECURITY_POLICY;
`ContentSecurityPolicyMiddleware` adds the origin of Stripe.js, which depends on the
payments mode (Stripe or the local emulator), at request time.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware, PolicyParts


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
