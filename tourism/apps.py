from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TourismConfig(AppConfig):
    name = "tourism"
    verbose_name = _("Pariwisata")

    def ready(self):
        from tourism import signals
        from tourism.sitemaps import page_entries, sitemap_source_register

        signals.connect()
        sitemap_source_register(page_entries)
