"""sitemap.xml through django.contrib.sitemaps: every public URL in each language it exists in,
with hreflang alternates and x-default (the Indonesian URL, the original of every page).

What is listed comes from sources that the apps register in their AppConfig.ready():
tourism its pages, marketplace its listings, products, shops and motifs. A source returns
SitemapEntry objects, one per thing, with the path of the thing in each language that has it.

One section, so /sitemap.xml stays the list itself; past 50,000 URLs (the protocol's limit,
Sitemap.limit) Django pages it as /sitemap.xml?p=2 and further, and robots.txt names every page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.utils import translation
from wagtail.models import Page

from tourism.routing import default_locale, locale_codes, public_pages


@dataclass
class SitemapEntry:
    urls: dict  # {language: path}
    lastmod: object = None


EntrySource = Callable[[], Iterable[SitemapEntry]]
ENTRY_SOURCES: list[EntrySource] = []


def sitemap_source_register(source: EntrySource) -> EntrySource:
    """Add a source of sitemap entries (an app's AppConfig.ready() calls this once)."""
    if source not in ENTRY_SOURCES:
        ENTRY_SOURCES.append(source)
    return source


def page_entries() -> list[SitemapEntry]:
    """The live, public pages, grouped with their translations. The default locale, the locales'
    codes and whether any page is restricted as every page asks them (tourism.routing), remembered."""
    default_id, codes = default_locale()[0], locale_codes()
    pages = list(public_pages(Page.objects.live()).filter(depth__gt=1)
                 .order_by("path").only("pk", "translation_key", "url_path", "locale", "last_published_at",
                                         "depth", "path"))
    groups: dict = {}
    lastmods: dict = {}
    for page in pages:
        # Only pages under a site (not Wagtail's bare root) have URLs.
        url_parts = page.get_url_parts()
        language = codes.get(page.locale_id)  # a locale made since the codes were remembered: next time
        if not url_parts or language is None:
            continue
        groups.setdefault(page.translation_key, {})[language] = url_parts[2]
        if page.locale_id == default_id or page.translation_key not in lastmods:
            lastmods[page.translation_key] = page.last_published_at
    return [SitemapEntry(urls=urls, lastmod=lastmods.get(key)) for key, urls in groups.items()]


class SiteSitemap(Sitemap):
    i18n = True
    alternates = True
    languages = [code for code, _name in settings.LANGUAGES]

    def items(self) -> list[SitemapEntry]:
        return [entry for source in ENTRY_SOURCES for entry in source()]

    def get_languages_for_item(self, item: SitemapEntry) -> list[str]:
        """Only the languages the thing exists in: an untranslated page has no English URL."""
        return [code for code in self.languages if code in item.urls]

    def location(self, item: SitemapEntry) -> str:
        return item.urls[translation.get_language()]

    def lastmod(self, item: SitemapEntry):
        # The date in UTC, as stored (the template would show a datetime's date in WITA).
        return item.lastmod.date() if item.lastmod else None

    def get_urls(self, page=1, site=None, protocol=None):
        """Alternates only where there is more than one language, then x-default: the Indonesian
        URL itself (Django's x_default would drop the /id/ prefix, a URL this site does not serve)."""
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        for url in urls:
            alternates = url["alternates"]
            if len(alternates) < 2:
                url["alternates"] = []
                continue
            default = next((alternate for alternate in alternates
                            if alternate["lang_code"] == settings.LANGUAGE_CODE), None)
            if default is not None:
                alternates.append({"location": default["location"], "lang_code": "x-default"})
        return urls


SITEMAPS = {"site": SiteSitemap}
