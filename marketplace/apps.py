from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = _("Kampung Sasirangan")

    def ready(self):
        from marketplace import signals
        from marketplace.sitemaps import marketplace_entries
        from tourism.sitemaps import sitemap_source_register

        signals.connect()
        sitemap_source_register(marketplace_entries)
