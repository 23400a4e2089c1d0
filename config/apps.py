"""Site-wide wiring that belongs to no single app: the page cache's purge, the renditions made
at publish time, the admin's date-time years (config/admin_dates.py) and its whole numbers
(config/digits.py). Listed in INSTALLED_APPS as "config.apps.SiteWideConfig"."""

from django.apps import AppConfig


class SiteWideConfig(AppConfig):
    name = "config"
    label = "sitewide"
    verbose_name = "Gebrak Banjar"

    def ready(self):
        from django.apps import apps
        from django.db.models.signals import post_delete, post_save
        from modelcluster.fields import ParentalKey
        from wagtail.models import Page
        from wagtail.signals import (
            page_published,
            page_slug_changed,
            page_unpublished,
            post_page_move,
        )

        from config import admin_dates, dependencies, digits, health, page_cache, renditions

        health.health_status_register("cache", health.cache_status)
        admin_dates.register_date_time_years()
        digits.register_admin_whole_numbers()

        # A content write makes stale what showed it (config/dependencies.py; a model no app
        # registered: everything; page_cache.IGNORED_MODELS: nothing). Pages are Wagtail's, so
        # registered here: a page read records "page:<id>"; a page saved, published, unpublished
        # or deleted makes stale what read it and the pages that list what is below them.
        for model in apps.get_models():
            if issubclass(model, Page):
                dependencies.track(model, page_cache.page_shown_as)
                dependencies.on_change(model, page_cache.page_changes)
                continue
            # A page's inline rows (gallery, tags, featured destinations), written when it is
            # published (which purges the page and what lists it): what read that page.
            parent = next((field for field in model._meta.get_fields()
                           if isinstance(field, ParentalKey) and issubclass(field.related_model, Page)), None)
            if parent is not None:
                dependencies.on_change(model, page_cache.page_row_changes(parent.attname))
        post_save.connect(page_cache.purge_on_model_change, dispatch_uid="page-cache-purge-save")
        post_delete.connect(page_cache.purge_on_model_change, dispatch_uid="page-cache-purge-delete")
        page_published.connect(page_cache.purge_on_model_change, dispatch_uid="page-cache-purge-publish")
        page_unpublished.connect(page_cache.purge_on_model_change, dispatch_uid="page-cache-purge-unpublish")
        post_page_move.connect(page_cache.page_cache_purge_after_commit, dispatch_uid="page-cache-purge-move")
        page_slug_changed.connect(page_cache.page_cache_purge_when_addresses_below_move,
                                  dispatch_uid="page-cache-purge-slug-changed")

        page_published.connect(renditions.on_page_published, dispatch_uid="renditions-page-published")
        for label, handler in [
            ("marketplace.ProductPhoto", renditions.on_product_photo_saved),
            ("marketplace.Shop", renditions.on_shop_saved),
            ("marketplace.Motif", renditions.on_motif_saved),
            ("tourism.VisitorPhoto", renditions.on_visitor_photo_saved),
            ("reviews.ReviewPhoto", renditions.on_review_photo_saved),
        ]:
            try:
                model = apps.get_model(label)
            except LookupError:
                continue
            post_save.connect(handler, sender=model, dispatch_uid=f"renditions-{label}")
