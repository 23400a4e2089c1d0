"""Rendered pieces of public pages, kept until content changes.

The page cache (config/page_cache.py) serves whole pages, but only to visitors
without a session. A tourist with something in the cart, anyone signed in, a
filtered or paginated listing, or the first visitor after a publish gets a page
rendered afresh. Its costly parts (listings of destinations and products, a
destination's body, gallery and nearby places, the meta tags) are the same for
everyone, so `{% fragment_cache %}` (config/templatetags/fragment_cache.py) keeps
them rendered, keyed by:

- the content generation of the page cache, read once per request before
  rendering: any content write (publish, product, stock, snippet...) makes every
  fragment stale at once, exactly as it does the pages;
- the reading language, the scheme and host (fragments hold absolute URLs), the
  fragment's name and what the template says it varies on (a page's id).

Never in DEBUG, never in a Wagtail preview (unsaved content), never for a
non-GET request. What differs per visitor (CSRF tokens, the cart badge,
messages) stays outside fragments: the templates decide, and say so.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.utils.translation import get_language

from config.page_cache import content_generation

logger = logging.getLogger(__name__)


def fragment_cache_enabled(request) -> bool:
    return (settings.FRAGMENT_CACHE_SECONDS > 0 and not settings.DEBUG and request is not None
            and request.method in ("GET", "HEAD") and not getattr(request, "is_preview", False))


def fragment_key(request, generation: int, name: str, vary_on: list) -> str:
    """Django's key for `{% cache %}` fragments, varied also on what every fragment depends on."""
    return make_template_fragment_key(name, [generation, request.scheme, request.get_host(), get_language(), *vary_on])


def fragment_cached(request, name: str, vary_on: list, render) -> str:
    """The stored rendering of this fragment, or `render()` stored for the next request."""
    if not fragment_cache_enabled(request):
        return render()
    generation = content_generation(request)
    if generation is None:
        return render()
    cache = caches[settings.FRAGMENT_CACHE_ALIAS]
    try:
        key = fragment_key(request, generation, name, vary_on)
        html = cache.get(key)
    except Exception:  # noqa: BLE001 - a broken cache must not take pages down
        logger.exception("fragment cache unavailable")
        return render()
    if html is None:
        html = render()
        try:
            cache.set(key, html, timeout=settings.FRAGMENT_CACHE_SECONDS)
        except Exception:  # noqa: BLE001
            logger.exception("fragment cache could not store %s", name)
    return html
