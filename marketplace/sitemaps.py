"""The marketplace's part of sitemap.xml (tourism/sitemaps.py lists it; apps.py registers it):
the listings, and every public product, shop and motif in the languages it has."""

from django.urls import reverse
from django.utils import translation

from marketplace import selectors
from marketplace.models import Motif
from tourism.seo import LANGUAGES, language_urls
from tourism.sitemaps import SitemapEntry


def marketplace_entries() -> list[SitemapEntry]:
    entries = []
    for name in ("marketplace:index", "marketplace:shops", "marketplace:motifs"):
        urls = {}
        for language in LANGUAGES:
            with translation.override(language):
                urls[language] = reverse(name)
        entries.append(SitemapEntry(urls=urls))
    for product in selectors.products_public().only("pk", "slug", "title_en", "updated_at"):
        entries.append(SitemapEntry(urls=language_urls(product), lastmod=product.updated_at))
    for shop in selectors.shops_public().only("pk", "slug", "story_en", "updated_at"):
        entries.append(SitemapEntry(urls=language_urls(shop), lastmod=shop.updated_at))
    for motif in Motif.objects.only("slug"):
        urls = {}
        for language in LANGUAGES:
            with translation.override(language):
                urls[language] = motif.get_absolute_url()
        entries.append(SitemapEntry(urls=urls))
    return entries
