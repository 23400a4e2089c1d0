"""Site-wide middleware."""

import logging
from functools import cache

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http.request import split_domain_port
from django.middleware.locale import LocaleMiddleware
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern

logger = logging.getLogger(__name__)


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


class SiteLookupMiddleware:
    """Wagtail finds the Site of every request with a query (Site.find_for_request), and
    sites change about never. Found once per host and content generation with Wagtail's
    public get_site_for_hostname, then handed to Wagtail on the request
    (config/wagtail_site.py, the one adapter to Wagtail's internals). Saving a Site moves the
    generation on (config/page_cache.py), so a changed site is found afresh. Each request
    gets a copy of its own of the remembered site (config.page_cache.GenerationMemo).
    """

    def __init__(self, get_response):
        from config.page_cache import GenerationMemo

        self.get_response = get_response
        self.sites = GenerationMemo()

    def __call__(self, request):
        from wagtail.models import Site
        from wagtail.models.sites import get_site_for_hostname

        from config.page_cache import LANGUAGE_PREFIXES, content_generation
        from config.wagtail_site import hand_site_to_wagtail

        if not request.path.startswith(LANGUAGE_PREFIXES):  # the pages; the API and /healthz need no site
            return self.get_response(request)
        generation = content_generation(request)
        if generation is None:  # without the cache, Wagtail looks the site up itself, as always
            return self.get_response(request)
        try:
            host = (split_domain_port(request.get_host())[0], request.get_port())
        except DisallowedHost:  # CommonMiddleware answers 400; nothing to look up
            return self.get_response(request)
        try:
            site = self.sites.get(generation, host, default=False)
            if site is False:  # never looked up (None: no site for this host)
                try:
                    site = get_site_for_hostname(*host)
                except Site.DoesNotExist:
                    site = None
                if site is not None:
                    # Wagtail routes every request from `site.root_page.localized.specific`: a query
                    # for `.specific` each time, though routing reads only the root's tree columns.
                    # The root as its own type with its own fields left unread asks none; the home
                    # page served loads them (tourism.models.HomePage.route).
                    site.root_page = site.root_page.get_specific(deferred=True)
                self.sites.set(generation, host, site)
            hand_site_to_wagtail(request, site)
        except Exception:  # noqa: BLE001 - a broken database: Wagtail looks the site up itself, as always
            logger.exception("site lookup skipped")
        return self.get_response(request)
