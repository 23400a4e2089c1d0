from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = _("Kampung Sasirangan")

    def ready(self):
        from marketplace import cache_tags, selectors, shareables, signals
        from marketplace.sitemaps import marketplace_entries
        from tourism.providers import (
            HOME_HIGHLIGHTS,
            LOCATED_SHOPS,
            PRODUCTS_BY_IDS,
            PRODUCTS_NEWEST_IDS,
            SHOPS_BY_IDS,
            provider_register,
        )
        from tourism.shareables import shareable_register
        from tourism.sitemaps import sitemap_source_register

        signals.connect()
        # What the page caches keep, and what a purchase or an edit makes stale.
        cache_tags.register()
        # What tourism's pages, meta tags, share images and sitemap show of the marketplace.
        sitemap_source_register(marketplace_entries)
        shareable_register(shareables.PRODUCT)
        shareable_register(shareables.SHOP)
        provider_register(HOME_HIGHLIGHTS, selectors.products_highlighted)
        provider_register(LOCATED_SHOPS, selectors.shops_public_located)
        provider_register(SHOPS_BY_IDS, selectors.shops_public_by_ids)
        provider_register(PRODUCTS_BY_IDS, selectors.products_public_by_ids)
        provider_register(PRODUCTS_NEWEST_IDS, selectors.products_newest_ids)
        # Shops and products as stops of a visitor's trip plan (tourism/trips/registry.py).
        from marketplace import trip_stops

        trip_stops.register()
