"""Rendered pieces of public pages, kept until content changes.

The page cache (config/page_cache.py) serves whole pages, but only to visitors
without a session. A tourist with something in the cart, anyone signed in, a
filtered or paginated listing, or the first visitor after a publish gets a page
rendered afresh. Its costly parts (listings of destinations and products, a
destination's body, gallery and nearby places, the meta tags) are the same for
everyone, so templates keep them with Django's own `{% cache %}` tag:

    {% cache fragment_cache.seconds destination page.pk fragment_cache.vary using=fragment_cache.alias %}

`fragment_cache` comes from the context processor below, read once per request:

- `vary`: the content generation of the page cache, read before rendering (a write to a
  model no app registered with config/dependencies.py makes every fragment stale at once,
  as it does the pages), the scheme and host (fragments hold absolute URLs) and the
  reading language; the tag adds the fragment's name and what the template varies on.
- The cache itself (`TaggedLocMemCache`, `TaggedRedisCache`) keeps with each fragment
  the tags its request had recorded when it was stored (config/dependencies.py: the
  products, pages and listings read so far) and serves it only while none of them
  changed: a purchase makes stale the fragments that showed the product bought, a
  publish those that showed the page or listed its siblings. A fragment served adds its
  tags to the request's, so a whole page built from stored fragments still knows what it
  shows.
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
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.utils.translation import get_language
from redis.exceptions import RedisError

from config import dependencies
from config.page_cache import content_generation
from config.redis_cache import SavingsRedisCache

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


class TaggedFragments:
    """A cache backend mixin for `{% cache %}`: each fragment stored with its request's
    beginning and tags, found only while they are fresh (see the module's docstring)."""

    def get(self, key, default=None, version=None):
        entry = super().get(key, None, version)
        if not isinstance(entry, tuple) or len(entry) != 3:
            return default
        value, started, tags = entry
        if not dependencies.fresh(tags, started):
            return default
        dependencies.shown(*tags)
        return value

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        record = dependencies.storable()
        if record is None:  # outside a request nothing says what the fragment shows; or part failed
            return
        tags = dependencies.snapshot()
        dependencies.prepare(tags, record.started)
        super().set(key, (value, record.started, tags), timeout, version)


class TaggedLocMemCache(TaggedFragments, LocMemCache):
    """The fragments' cache without Redis: each process's memory."""


class TaggedRedisCache(TaggedFragments, SavingsRedisCache):
    """The fragments' cache on Redis: a fragment is only a saving, so a Redis unreachable or hung
    (config.redis_cache), here or for the versions of what it shows (config.dependencies, on the
    pages' cache, which does not forgive writes), renders it afresh instead of failing the page."""

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except (RedisError, OSError):
            logger.warning("fragment %s not read: Redis unavailable", key)
            return default

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except (RedisError, OSError):
            logger.warning("fragment %s not stored: Redis unavailable", key)
