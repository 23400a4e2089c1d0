"""Draw a page's share images when it is published: on the task queue's worker, after the commit
(tourism.share_images.page_share_images_make), so the publish never waits for Pillow."""

from wagtail.signals import page_published

from config.tasks import enqueue_on_commit


def _draw_share_images(sender, instance, **kwargs):
    from tourism.share_images import page_share_images_make

    # After the commit: the drawing reads the published page as the public will.
    enqueue_on_commit(page_share_images_make, page_id=instance.pk)


def connect():
    page_published.connect(_draw_share_images, dispatch_uid="tourism-share-images-redraw")
