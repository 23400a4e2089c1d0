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


def _campaigns_changed(sender, instance, **kwargs):
    from tourism.sharing import CAMPAIGNS

    purge_tags((CAMPAIGNS,))


def connect():
    from tourism.models import CampaignPage

    page_published.connect(_draw_share_images, dispatch_uid="tourism-share-images-redraw")
    # Unpublished: the same task deletes them (it draws only for a live, public page).
    page_unpublished.connect(_draw_share_images, dispatch_uid="tourism-share-images-remove")
    for name, signal in (("published", page_published), ("unpublished", page_unpublished), ("deleted", post_delete)):
        signal.connect(_campaigns_changed, sender=CampaignPage, dispatch_uid=f"tourism-campaign-{name}")
