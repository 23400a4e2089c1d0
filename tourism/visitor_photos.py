"""Visitors' photos of destinations: submitted by tourists, moderated by editors, credited.

The photo goes through exactly the checks artisans' photos do (marketplace.uploads:
type by content, size and pixel limits before decoding, EXIF location removed).
On top: a rate limit per address (in the cache only) and a honeypot field that
people never see and spam robots fill in. A photo is public only once approved.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.images import get_image_model
from wagtail.models import Collection, Locale

from marketplace.uploads import max_upload_bytes, photo_save, photo_validate
from tourism.models import DestinationPage, VisitorPhoto, VisitorPhotoLicence, VisitorPhotoStatus

# Five photos an hour from one address is plenty for a family's trip and little for a robot.
RATE_LIMIT = 5
RATE_WINDOW_SECONDS = 3600
GALLERY_RENDITIONS = ["fill-480x360|format-webp", "fill-960x720|format-webp"]
COLLECTION_NAME = "Foto pengunjung"
# The honeypot's name looks like a field robots like to fill.
HONEYPOT_FIELD = "website"


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
        from tourism.models import INSTAGRAM_VALIDATOR

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
    default_locale = Locale.get_default()
    if destination.locale_id == default_locale.pk:
        return destination
    return destination.get_translation_or_none(default_locale) or destination


def visitor_photo_submit(*, destination: DestinationPage, upload, name: str, instagram: str = "",
                         caption: str = "") -> VisitorPhoto:
    """Check and store a visitor's photo, waiting for moderation. ValidationError when refused."""
    checked = photo_validate(upload=upload)
    original = destination_original(destination)
    with transaction.atomic():
        image = photo_save(photo=checked, title=f"Foto pengunjung: {original.title} ({name})"[:255],
                           collection=visitor_collection())
        return VisitorPhoto.objects.create(
            destination=original, image=image, name=name, instagram=instagram, caption=caption,
            licence=VisitorPhotoLicence.CC_BY_4, consented_at=timezone.now())


def visitor_photo_decide(*, photo: VisitorPhoto, approve: bool, decided_by) -> VisitorPhoto:
    photo.status = VisitorPhotoStatus.APPROVED if approve else VisitorPhotoStatus.REJECTED
    photo.decided_at = timezone.now()
    photo.decided_by = decided_by
    photo.save(update_fields=["status", "decided_at", "decided_by"])
    return photo


def visitor_photos_approved(*, destination: DestinationPage, limit: int = 24) -> list[VisitorPhoto]:
    """Approved photos of the destination (either language), oldest first; never pending or rejected."""
    default_locale = Locale.get_default()
    filters = ({"destination_id": destination.pk} if destination.locale_id == default_locale.pk else
               {"destination__translation_key": destination.translation_key,
                "destination__locale": default_locale})
    return list(
        VisitorPhoto.objects.filter(status=VisitorPhotoStatus.APPROVED, **filters)
        .prefetch_related(Prefetch("image", queryset=get_image_model().objects.prefetch_renditions(*GALLERY_RENDITIONS)))
        .order_by("decided_at", "pk")[:limit]
    )


def visitor_photos_pending() -> list[VisitorPhoto]:
    return list(
        VisitorPhoto.objects.filter(status=VisitorPhotoStatus.PENDING)
        .select_related("destination")
        .prefetch_related(Prefetch("image", queryset=get_image_model().objects.prefetch_renditions(
            "max-480x360|format-webp")))
        .order_by("submitted_at", "pk")
    )


def request_too_large(request) -> bool:
    """Refuse a body far larger than any allowed photo before Django reads it."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > max_upload_bytes() + 1024 * 1024
