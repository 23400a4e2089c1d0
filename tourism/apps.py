from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TourismConfig(AppConfig):
    name = "tourism"
    verbose_name = _("Pariwisata")

    def ready(self):
        from tourism import campaigns, destination_page, selectors, seo, signals
        from tourism.models import (
            CampaignIndexPage,
            CampaignPage,
            DestinationIndexPage,
            DestinationPage,
            EventIndexPage,
            EventPage,
            HomePage,
        )
        from tourism.page_context import page_context_register
        from tourism.sitemaps import page_entries, sitemap_source_register

        signals.connect()
        sitemap_source_register(page_entries)
        # What each page type's template reads, from the modules that read it (models never import them).
        page_context_register(HomePage, selectors.home_page_context, campaigns.home_campaign_context)
        page_context_register(DestinationIndexPage, selectors.destination_index_context)
        page_context_register(DestinationPage, destination_page.destination_page_context)
        page_context_register(EventIndexPage, selectors.event_index_context)
        page_context_register(CampaignIndexPage, campaigns.campaign_index_context)
        page_context_register(CampaignPage, campaigns.campaign_page_context)
        # Every page's language switch leads to its translation wherever that lives (tourism.seo).
        for page_type in (HomePage, DestinationIndexPage, DestinationPage, EventIndexPage, EventPage,
                          CampaignIndexPage, CampaignPage):
            page_context_register(page_type, seo.language_switch_context)
