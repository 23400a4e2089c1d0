"""The visitor's address, read one way everywhere: sign-in lock-outs, rate limits.

Behind proxies (a CDN, a load balancer) every request arrives from the proxy, so
keying on `REMOTE_ADDR` would put every visitor in one bucket. Each proxy appends the
address it saw to X-Forwarded-For; with TRUSTED_PROXY_COUNT proxies in front, the
entry that many places from the right was written by the outermost trusted proxy and
is the visitor's. Entries further left are whatever the visitor sent and are never
read. With no proxy configured (the default) the header is ignored entirely: anyone
can send it.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.utils.crypto import salted_hmac


def _valid_ip(candidate: str) -> bool:
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return False
    return True


def client_ip(request) -> str:
    """The visitor's IP address ('' when the server was not told one)."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        # Fewer entries than proxies, or garbage: the request did not come through the
        # proxies as configured, so only the connection's own address can be trusted.
        if len(forwarded) >= proxies and _valid_ip(forwarded[-proxies]):
            return forwarded[-proxies]
    return remote


def client_key(request) -> str:
    """A stand-in for the address in cache keys: the same visitor gets the same key,
    and the cache never holds the address itself."""
    return salted_hmac("gebrak.client-address", client_ip(request) or "unknown").hexdigest()[:24]
