"""Artisans' photos: the site's photo checks and storage (config/photos.py), kept in the image
library's Kampung Sasirangan collection so editors find them together."""

from config import photos
from config.photos import (  # noqa: F401 - what the marketplace's forms and views use
    ALLOWED_FORMATS,
    CheckedPhoto,
    image_reencode,
    max_image_pixels,
    max_upload_bytes,
    photo_reencode,
    photo_validate,
    photos_discard,
    photos_validate,
)


def marketplace_collection():
    """The image library's collection for artisans' photos."""
    from wagtail.models import Collection

    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name="Kampung Sasirangan").first()
    return existing or root.add_child(name="Kampung Sasirangan")


def photo_store(*, photo: CheckedPhoto, title: str, uploaded_by=None, collection=None):
    """config.photos.photo_store, in the artisans' collection unless another is named."""
    return photos.photo_store(photo=photo, title=title, uploaded_by=uploaded_by,
                              collection=collection or marketplace_collection())


def photo_save(*, photo: CheckedPhoto, title: str, uploaded_by=None, collection=None):
    """config.photos.photo_save, in the artisans' collection unless another is named."""
    return photos.photo_save(photo=photo, title=title, uploaded_by=uploaded_by,
                             collection=collection or marketplace_collection())
