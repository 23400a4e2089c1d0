"""Site-wide middleware."""

from functools import cache

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern


@cache
def _unprefixed_roots(urlconf: str) -> frozenset[str]:
    """First path segments served outside the language prefix (api, payments, toko, ...)."""
    roots = {settings.STATIC_URL.strip("/"), settings.MEDIA_URL.strip("/")}
    pending = list(get_resolver(urlconf).url_patterns)
    while pending:
        pattern = pending.pop()
        if isinstance(pattern, URLResolver) and isinstance(pattern.pattern, LocalePrefixPattern):
            continue
        route = str(pattern.pattern).lstrip("^")
        if route:
            roots.add(route.split("/")[0].rstrip("$"))
        elif isinstance(pattern, URLResolver):
            pending.extend(pattern.url_patterns)
    return frozenset(root for root in roots if root)


class LanguageLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, except that a 404 under a path that never carries a
    language (/api/..., /payments/..., /toko/...) stays a 404.

    Django redirects any 404 to /id/<path> when that path would resolve, and Wagtail's
    catch-all page route makes every path look resolvable, so /api/search/typo would
    otherwise redirect to a page that does not exist either.
    """

    def process_response(self, request, response):
        if response.status_code == 404:
            root = request.path_info.lstrip("/").split("/")[0]
            if root in _unprefixed_roots(getattr(request, "urlconf", None) or settings.ROOT_URLCONF):
                return response
        return super().process_response(request, response)
