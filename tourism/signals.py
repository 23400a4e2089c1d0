"""Redraw a page's share images when it is published (tourism.share_images)."""

import logging

from django.db import transaction
from wagtail.signals import page_published

logger = logging.getLogger(__name__)


def _redraw_share_images(sender, instance, **kwargs):
    from tourism.share_images import page_share_images_refresh

    def redraw():
        try:
            page_share_images_refresh(instance.specific)
        except Exception:  # noqa: BLE001 - a failed drawing must not fail publishing; it is redrawn on request
            logger.exception("share images of page %s could not be redrawn", instance.pk)

    # After the commit: the drawing reads the published page as the public will.
    transaction.on_commit(redraw)


def connect():
    page_published.connect(_redraw_share_images, dispatch_uid="tourism-share-images-redraw")
