"""The review link of one bought product: `<line id>.<signature>`, signed with the site's secret.

Guests buy without accounts, so the link itself is what lets a buyer review: it is sent in the
email when the parcel is delivered, shown on the order's status page (reachable only by its own
secret link) and in a signed-in buyer's orders. The signature (HMAC-SHA256 with SECRET_KEY and a
salt of its own) cannot be made without the secret, so a guessed or altered link names nothing
(404). It carries no order token: a forwarded review link opens that one review form and never
the order, its address or its other lines.
"""

from __future__ import annotations

from django.core import signing
from django.urls import reverse
from django.utils import translation

SALT = "marketplace.reviews.link"
# "." cannot be part of a signature (URL-safe base64) and needs no escaping in a path.
SEPARATOR = "."
PATTERN = r"[0-9]{1,18}\.[A-Za-z0-9_-]{20,100}"


def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT, sep=SEPARATOR)


def review_link_token(*, line_pk: int) -> str:
    return _signer().sign(str(line_pk))


def review_link_line_pk(token: str) -> int | None:
    """The order line a link names, or None when it was not signed by this site."""
    try:
        return int(_signer().unsign(token))
    except (signing.BadSignature, ValueError, TypeError):
        return None


def review_path(*, line_pk: int, language: str | None = None) -> str:
    """The review form's path in `language` (the reader's by default)."""
    with translation.override(language or translation.get_language() or "id"):
        return reverse("reviews:write", kwargs={"link": review_link_token(line_pk=line_pk)})


class ReviewLinkConverter:
    regex = PATTERN

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value
