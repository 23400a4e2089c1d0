"""Visitors' photos of destinations: submitted by tourists, moderated by editors, credited.

The photo goes through exactly the checks artisans' photos do (marketplace.uploads:
type by content, size and pixel limits before decoding, EXIF location removed).
On top: a rate limit per address (in the cache only) and a honeypot field that
people never see and spam robots fill in. A photo is public only once approved:
until then it is a file in the private storage (config.media.private_storage: a
folder outside MEDIA_ROOT, or a bucket nobody reads without a signature), which
moderators see through an admin view that checks their permission; approved, it
becomes a Wagtail image in the public storage; rejected, its file is deleted.
"""

from __future__ import annotations

import io
import logging
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image as PILImage
from wagtail.models import Collection

from config.media import STORAGE_ERRORS, media_store_guard, private_storage
from config.photos import (
    ALLOWED_FORMATS,
    CheckedPhoto,
    max_upload_bytes,
    photo_store,
    photo_validate,
    photos_discard,
)
from config.translations import default_original
from tourism.models import (
    INSTAGRAM_VALIDATOR,
    DestinationPage,
    VisitorPhoto,
    VisitorPhotoLicence,
    VisitorPhotoStatus,
)

logger = logging.getLogger(__name__)

# Five photos an hour from one address is plenty for a family's trip and little for a robot.
RATE_LIMIT = 5
RATE_WINDOW_SECONDS = 3600
COLLECTION_NAME = "Foto pengunjung"
# The honeypot's name looks like a field robots like to fill.
HONEYPOT_FIELD = "website"
# In the private storage; random names, so nothing about the sender or the place is in them.
PENDING_FOLDER = "visitor-photos"


class VisitorPhotoForm(forms.Form):
    photo = forms.FileField(label=_("Foto"), help_text=_("JPEG, PNG, atau WebP; maksimal 10 MB."),
                            widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
    name = forms.CharField(label=_("Nama Anda"), max_length=80,
                           help_text=_("Dicantumkan sebagai kredit di bawah foto."))
    instagram = forms.CharField(label=_("Akun Instagram (opsional)"), max_length=31, required=False,
                                help_text=_("mis. @jalanjalanbanjar"))
    caption = forms.CharField(label=_("Keterangan (opsional)"), max_length=200, required=False)
    consent = forms.BooleanField(
        label=_("Saya memotret foto ini sendiri dan mengizinkan Pemerintah Kabupaten Banjar menerbitkannya "
                "di situs ini dengan lisensi CC BY 4.0, dengan nama saya sebagai kredit."),
        error_messages={"required": _("Centang persetujuan agar foto dapat diterbitkan.")})
    website = forms.CharField(label=_("Jangan diisi"), required=False)

    def clean_instagram(self):
        value = self.cleaned_data["instagram"].strip()
        if value:
            INSTAGRAM_VALIDATOR(value)
        return value.lstrip("@")

    def clean_name(self):
        value = " ".join(self.cleaned_data["name"].split())
        if not value:
            raise ValidationError(_("Tuliskan nama Anda."))
        return value

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get(HONEYPOT_FIELD, "").strip())


def visitor_collection() -> Collection:
    """The image library's collection for visitors' photos, so editors find them together."""
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=COLLECTION_NAME).first()
    return existing or root.add_child(name=COLLECTION_NAME)


def destination_original(destination: DestinationPage) -> DestinationPage:
    """Photos belong to the Indonesian original, so they show in both languages."""
    original = default_original(destination)
    if original is None:  # the original itself (or a translation whose original is gone)
        return destination
    return DestinationPage.objects.filter(pk=original.pk).first() or destination


def visitor_photo_submit(*, destination: DestinationPage, upload, name: str, instagram: str = "",
                         caption: str = "") -> VisitorPhoto:
    """Check a visitor's photo and keep it, private, for moderation.

    ValidationError when the photo is refused; MediaUnavailable when the storage refuses or
    does not answer (then nothing is kept). The file is written before the database row,
    outside any transaction, and removed if the row cannot be written.
    """
    checked = photo_validate(upload=upload)
    original = destination_original(destination)
    storage = private_storage()
    with media_store_guard("storing a visitor's photo"):
        pending_file = storage.save(f"{PENDING_FOLDER}/{uuid.uuid4().hex}.{ALLOWED_FORMATS[checked.format]}",
                                    io.BytesIO(checked.content))
    try:
        return VisitorPhoto.objects.create(
            destination=original, pending_file=pending_file, name=name, instagram=instagram, caption=caption,
            licence=VisitorPhotoLicence.CC_BY_4, consented_at=timezone.now())
    except Exception:
        _pending_file_delete(pending_file)
        raise


def _pending_file_delete(name: str) -> None:
    try:
        private_storage().delete(name)
    except STORAGE_ERRORS:
        logger.warning("could not delete the visitor's photo %s from the private storage", name)


def _pending_photo_read(photo: VisitorPhoto) -> CheckedPhoto:
    """The waiting photo as it was checked and re-encoded on arrival (photo_validate)."""
    with media_store_guard("reading a visitor's photo"), private_storage().open(photo.pending_file, "rb") as handle:
        content = handle.read()
    with PILImage.open(io.BytesIO(content)) as picture:
        width, height, image_format = picture.width, picture.height, picture.format
    return CheckedPhoto(name=f"foto-pengunjung.{ALLOWED_FORMATS[image_format]}", content=content,
                        width=width, height=height, format=image_format)


def visitor_photo_decide(*, photo: VisitorPhoto, approve: bool, decided_by) -> VisitorPhoto:
    """Approve (the photo becomes a public Wagtail image) or reject (its file is deleted).

    MediaUnavailable when the storage fails while approving: the photo then stays waiting.
    """
    images = []
    if approve and photo.image_id is None and photo.pending_file:
        # Copied to the public storage before the transaction; removed again if it fails.
        images.append(photo_store(photo=_pending_photo_read(photo), collection=visitor_collection(),
                                  title=f"Foto pengunjung: {photo.destination.title} ({photo.name})"[:255]))
    pending_file = photo.pending_file
    try:
        with transaction.atomic():
            for image in images:
                image.save()
                photo.image = image
            photo.status = VisitorPhotoStatus.APPROVED if approve else VisitorPhotoStatus.REJECTED
            photo.decided_at = timezone.now()
            photo.decided_by = decided_by
            photo.pending_file = ""
            photo.save(update_fields=["image", "pending_file", "status", "decided_at", "decided_by"])
            if pending_file:
                transaction.on_commit(lambda: _pending_file_delete(pending_file))
    except Exception:
        photos_discard(images)
        photo.pending_file = pending_file
        raise
    return photo


def visitor_photos_approved(*, destination: DestinationPage, limit: int = 24) -> list[VisitorPhoto]:
    """Approved photos of the destination (either language), oldest first; never pending or rejected.
    Their renditions are the caller's to attach (config.renditions.renditions_attach)."""
    original = default_original(destination)  # None for the original itself
    photos = (VisitorPhoto.objects.filter(status=VisitorPhotoStatus.APPROVED, image__isnull=False,
                                          destination_id=original.pk if original else destination.pk)
              .select_related("image"))
    return list(photos.order_by("decided_at", "pk")[:limit])


def visitor_photos_pending() -> list[VisitorPhoto]:
    return list(VisitorPhoto.objects.filter(status=VisitorPhotoStatus.PENDING).select_related("destination")
                .order_by("submitted_at", "pk"))


def pending_photo_url(photo: VisitorPhoto) -> str | None:
    """A signed URL of a waiting photo that expires in minutes (buckets); None for the local
    folder, whose files only the moderation view reads out."""
    try:
        return private_storage().url(photo.pending_file)
    except ValueError:  # config.media.PrivateFileSystemStorage: no URL at all
        return None


def request_too_large(request) -> bool:
    """Refuse a body far larger than any allowed photo before Django reads it."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > max_upload_bytes() + 1024 * 1024
