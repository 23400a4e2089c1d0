"""Rendered pieces of public pages, kept until content changes.

The page cache (config/page_cache.py) serves whole pages, but only to visitors
without a session. A tourist with something in the cart, anyone signed in, a
filtered or paginated listing, or the first visitor after a publish gets a page
rendered afresh. Its costly parts (listings of destinations and products, a
destination's body, gallery and nearby places, the meta tags) are the same for
everyone, so templates keep them with Django's own `{% cache %}` tag:

    {% cache fragment_cache.seconds destination page.pk fragment_cache.vary using=fragment_cache.alias %}

`fragment_cache` comes from the context processor below, read once per request:

- `vary`: the content generation of the page cache, read before rendering (any content
  write, a publish, a product, stock, a snippet..., makes every fragment stale at once,
  exactly as it does the pages), the scheme and host (fragments hold absolute URLs) and the
  reading language; the tag adds the fragment's name and what the template varies on.
- `seconds` and `alias`: FRAGMENT_CACHE_SECONDS and the "fragments" cache; or, never in
  DEBUG, a Wagtail preview (unsaved content), a non-GET request, or when the generation
  cannot be read, the "no-fragments" cache (Django's DummyCache), which stores and finds
  nothing, so the fragment renders afresh.

What differs per visitor (CSRF tokens, the cart badge, messages) stays outside fragments:
the templates decide, and say so.
"""

from __future__ import annotations

import logging
from functools import cached_property

from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from django.utils.translation import get_language

from config.page_cache import content_generation

logger = logging.getLogger(__name__)
NO_FRAGMENTS_ALIAS = "no-fragments"


def fragment_cache_enabled(request) -> bool:
    return (settings.FRAGMENT_CACHE_SECONDS > 0 and not settings.DEBUG and request is not None
            and request.method in ("GET", "HEAD") and not getattr(request, "is_preview", False))


class FragmentCache:
    """What a template's `{% cache %}` needs, worked out on first use in the request."""

    def __init__(self, request):
        self.request = request

    @cached_property
    def generation(self) -> int | None:
        if not fragment_cache_enabled(self.request):
            return None
        return content_generation(self.request)

    @property
    def alias(self) -> str:
        return settings.FRAGMENT_CACHE_ALIAS if self.generation is not None else NO_FRAGMENTS_ALIAS

    @property
    def seconds(self) -> int:
        return settings.FRAGMENT_CACHE_SECONDS if self.generation is not None else 0

    @property
    def vary(self) -> str:
        # Read at render time: a view may switch the language after the context processor ran.
        return f"{self.generation}|{self.request.scheme}|{self.request.get_host()}|{get_language()}"


def fragment_cache(request) -> dict:
    """Context processor (settings.TEMPLATES): `fragment_cache` for `{% cache %}`."""
    return {"fragment_cache": FragmentCache(request)}


class ForgivingRedisCache(RedisCache):
    """The fragments' cache on Redis: a fragment is only a saving, so Redis being unreachable
    renders it afresh (and logs) instead of failing the page."""

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except Exception:  # noqa: BLE001 - a broken cache must not take pages down
            logger.exception("fragment cache unavailable")
            return default

    def set(self, key, value, timeout=None, version=None):
        try:
            super().set(key, value, timeout, version)
        except Exception:  # noqa: BLE001
            logger.exception("fragment cache could not store %s", key)
