"""Store every image in the library re-encoded (no location, nothing hidden), however it arrived.

Artisans' photos are re-encoded before they are stored (marketplace.uploads). Editors
upload through the Wagtail admin, whose forms store the file first; this rewrites
the stored file right after, once per new file (not on every title edit).

Right after the commit, not inside the transaction: Wagtail's image edit view saves in one, and
with the media in a bucket the rewrite is a read, a write and a delete over the network, which
must not hold the database's locks (nor a decode of the photo).

And a product's cover (Product.cover_image, what its cards show) follows its photos, however they
change: the dashboard's form, a catalog import, a photo or its image deleted.
"""

from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete, post_init, post_save
from wagtail.images import get_image_model

from marketplace.models import ProductPhoto, product_cover_refresh
from marketplace.uploads import image_reencode


def _remember_file(sender, instance, **kwargs):
    # Read the raw value: touching a deferred field here would cost a query per image.
    value = instance.__dict__.get("file")
    instance._stored_file_name = getattr(value, "name", value) or ""


def _strip_new_file(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw or not instance.file:
        return
    if update_fields is not None and "file" not in update_fields:
        return
    if getattr(instance, "_metadata_checked", False):
        instance._metadata_checked = False
        instance._stored_file_name = instance.file.name
        return
    if not created and instance.file.name == getattr(instance, "_stored_file_name", None):
        return
    instance._stored_file_name = instance.file.name  # asked once, however often it is saved before the commit
    # robust: the upload is committed; a rewrite that fails is logged (Django's on_commit logger)
    # rather than answered with an error for an image that is saved.
    transaction.on_commit(partial(_reencode, instance), robust=True)


def _reencode(instance):
    image_reencode(instance)
    instance._stored_file_name = instance.file.name


def _product_cover_refresh(sender, instance, raw=False, **kwargs):
    if not raw:
        product_cover_refresh(instance.product_id)


def connect():
    post_save.connect(_product_cover_refresh, sender=ProductPhoto, dispatch_uid="marketplace-product-cover-saved")
    post_delete.connect(_product_cover_refresh, sender=ProductPhoto, dispatch_uid="marketplace-product-cover-deleted")
    image_model = get_image_model()
    post_init.connect(_remember_file, sender=image_model, dispatch_uid="marketplace-image-remember-file")
    post_save.connect(_strip_new_file, sender=image_model, dispatch_uid="marketplace-image-strip-metadata")
