"""Draw a page's share images when it is published, delete them when it is unpublished: on the task
queue's worker, after the commit (tourism.share_images.page_share_images_make), so the publish never
waits for Pillow. And a
campaign published, unpublished or deleted makes stale whatever showed which campaign runs."""

from django.db.models.signals import post_delete
from wagtail.signals import page_published, page_unpublished

from config.page_cache import purge_tags
from config.tasks import enqueue_on_commit


def _draw_share_images(sender, instance, **kwargs):
    from tourism.share_images import page_share_images_make

    # After the commit: the drawing reads the published page as the public will.
    enqueue_on_commit(page_share_images_make, page_id=instance.pk)


def _english_unpublished_with_its_original(sender, instance, **kwargs):
    """An Indonesian page unpublished by any way (the page listing's bulk action, its expiry time run by
    the worker's schedule, code) takes its live English translations down with it; the admin's own
    unpublish page says so first (tourism.wagtail_hooks.english_unpublished_with_its_original) and has
    done it by the time this runs, so then there is nothing left to do."""
    from wagtail.models import Page

    from tourism.routing import default_locale

    if instance.locale_id != default_locale()[0]:
        return
    for translation in Page.objects.translation_of(instance, inclusive=False).filter(alias_of__isnull=True,
                                                                                        live=True):
        translation.specific.unpublish()


def _campaigns_changed(sender, instance, **kwargs):
    from tourism.sharing import CAMPAIGNS

    purge_tags((CAMPAIGNS,))


def connect():
    from tourism.models import CampaignPage

    page_published.connect(_draw_share_images, dispatch_uid="tourism-share-images-redraw")
    # Unpublished: the same task deletes them (it draws only for a live, public page).
    page_unpublished.connect(_draw_share_images, dispatch_uid="tourism-share-images-remove")
    page_unpublished.connect(_english_unpublished_with_its_original, dispatch_uid="tourism-english-unpublished")
    for name, signal in (("published", page_published), ("unpublished", page_unpublished), ("deleted", post_delete)):
        signal.connect(_campaigns_changed, sender=CampaignPage, dispatch_uid=f"tourism-campaign-{name}")
