"""Things other than pages that visitors find, share and count: the marketplace's products and
shops. tourism's meta tags and JSON-LD (seo.py), share images (share_images.py), share counting
(sharing.py) and the editors' sharing dashboard (share_stats.py) handle them through what the
owning app registers here in its AppConfig.ready() (marketplace/apps.py), so that tourism never
imports marketplace.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Shareable:
    model: type
    kind: str  # its share counts' target type, e.g. "product"
    og_prefix: str  # its share images' key, e.g. "produk" in /og/produk-12-id.jpg
    view_name: str  # the URL name of its page, e.g. "marketplace:product"
    og_type: str  # Open Graph's og:type
    title_field: str  # the editors' dashboard names it by this field
    public: Callable  # () -> the queryset visitors may see
    share_image_public: Callable  # () -> the same, with what its share image draws
    title: Callable  # (obj) -> str, in the reading language
    description: Callable  # (obj) -> str, in the reading language
    has_english: Callable  # (obj) -> bool: whether its English URL has English text
    share_image_spec: Callable  # (obj, *, language, hashtag) -> share_images.ShareImageSpec
    jsonld: Callable  # (obj, *, request, canonical) -> dict


SHAREABLES: list[Shareable] = []


def shareable_register(shareable: Shareable) -> None:
    if all(known.model is not shareable.model for known in SHAREABLES):
        SHAREABLES.append(shareable)


def shareable_for(obj) -> Shareable | None:
    return next((shareable for shareable in SHAREABLES if isinstance(obj, shareable.model)), None)


def shareable_of(*, kind: str | None = None, og_prefix: str | None = None,
                 view_name: str | None = None) -> Shareable | None:
    for shareable in SHAREABLES:
        if kind is not None and shareable.kind == kind:
            return shareable
        if og_prefix is not None and shareable.og_prefix == og_prefix:
            return shareable
        if view_name is not None and shareable.view_name == view_name:
            return shareable
    return None
