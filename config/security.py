"""The Content Security Policy's per-request part (sign-in lock-outs are
config.sign_in, the client's address config.client_address).

django-csp writes the policy from settings.CONTENT_SECURITY_POLICY;
`ContentSecurityPolicyMiddleware` adds, at request time, the origins that apps register
(marketplace.payments: Stripe.js's, which depend on the payments mode, Stripe or the local
emulator).
"""

from __future__ import annotations

from collections.abc import Callable

from csp.middleware import CSPMiddleware, PolicyParts

# Functions that return {directive: [origin, ...]} to add to every response's policy.
CSP_SOURCES: list[Callable[[], dict[str, list[str]]]] = []


def csp_sources_register(sources: Callable[[], dict[str, list[str]]]) -> None:
    """An app's origins for the policy, asked for on each response (AppConfig.ready())."""
    if sources not in CSP_SOURCES:
        CSP_SOURCES.append(sources)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, plus the origins the apps register (Stripe's, for the
    payment form)."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only:
            return parts
        update = dict(parts.update or {})
        for sources in CSP_SOURCES:
            for directive, origins in sources().items():
                if origins:
                    update[directive] = [*update.get(directive, []), *origins]
        parts.update = update
        return parts
