"""Photo uploads, for every app that takes them (artisans' products and shops, visitors'
photos, reviews): checked by content, limited in size and pixels, stored re-encoded.

Artisans and visitors upload from phones, whose photos carry the place they were taken (EXIF
GPS), often the artisan's home. Wagtail's renditions copy the original's EXIF
into JPEG and PNG renditions (Willow passes `info["exif"]` on), so the only safe
place to remove it is the stored original. And a valid picture may carry more than
a picture: a script in a comment, a zip or `<?php` after the image's end, which a
byte-for-byte copy would keep. So every stored original is written anew from its
decoded pixels (turned upright when the camera said so) with its colour profile,
nothing else: no uploaded byte sequence is stored as it came.

Decoding is what an upload costs (a 116 KB PNG of 6300x6300 zeros is 160 MB once decoded), so
it is bounded before a pixel is decoded: each photo is decoded at most at `max_decoded_pixels()`
(a JPEG at a reduced scale through Pillow's `draft`, so its stored original is at most
`max_stored_side()` on its long side; a PNG or WebP, which cannot be decoded smaller, is refused
above it), and the photos of one request together at most at `request_pixel_budget()`.

`photos_validate` checks every photo of a request (the three upload forms call it, through
`photo_validate` for a single one), `photo_save` stores it as a Wagtail image in the collection
the caller names (`photo_store` writes the file alone, for callers that save the image in a
transaction); marketplace/uploads.py gives the artisans' photos their collection.
`image_reencode` does the same for images that reach the image library another way
(editors' uploads in the Wagtail admin, the catalogue import, the demo): a post_save
signal (marketplace/signals.py) has it run once the save has committed.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError

from config.media import STORAGE_ERRORS, media_store_guard

logger = logging.getLogger(__name__)

# Judged by what Pillow finds in the file, never by the name's extension.
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# The longest side libwebp writes. Every rendition, the admin's "original" too, is WebP
# (WAGTAILIMAGES_FORMAT_CONVERSIONS), so an image with a longer side can have no picture made of it:
# the library's form (config.library_images) and the catalogue import refuse it.
WEBP_MAX_SIDE = 16383


def max_upload_bytes() -> int:
    return getattr(settings, "WAGTAILIMAGES_MAX_UPLOAD_SIZE", 10 * 1024 * 1024)


def max_image_pixels() -> int:
    """Pixels a photo may claim in its header (Wagtail's own limit, for editors' uploads too)."""
    return getattr(settings, "WAGTAILIMAGES_MAX_IMAGE_PIXELS", 40_000_000)


def max_stored_side() -> int:
    """The long side of a stored upload: the largest rendition a page asks (1920x1080) fits.
    Phones' 4000x3000 and 4032x3024 JPEGs are then decoded at half scale (3 megapixels)."""
    return getattr(settings, "PHOTO_MAX_STORED_SIDE", 2000)


def max_decoded_pixels() -> int:
    """Pixels one photo may be decoded at (4 bytes each in memory): a JPEG is decoded smaller to
    fit, a PNG or WebP above it is refused."""
    return getattr(settings, "PHOTO_MAX_DECODED_PIXELS", 16_000_000)


def request_pixel_budget() -> int:
    """Pixels the photos of one request may be decoded at together, checked from their headers."""
    return getattr(settings, "PHOTO_REQUEST_PIXEL_BUDGET", 64_000_000)


@dataclass
class CheckedPhoto:
    """An upload that passed every check, with the bytes to store."""

    name: str
    content: bytes
    width: int
    height: int
    format: str


def _display_name(upload) -> str:
    return os.path.basename(getattr(upload, "name", "") or "") or _("foto")


def _too_large(display_name: str, size: int) -> ValidationError:
    return ValidationError(
        _("Foto “%(name)s” terlalu besar (%(size)s). Ukuran maksimal %(max)s.") % {
            "name": display_name, "size": filesizeformat(size), "max": filesizeformat(max_upload_bytes())},
        code="too_large")


def _upload_file(upload, display_name: str):
    """The upload as a file to open (in memory or Django's temporary file: it is never copied),
    refused when too large before a byte is read, or empty."""
    size = getattr(upload, "size", None)
    if size is not None and size > max_upload_bytes():
        raise _too_large(display_name, size)
    if size == 0:
        raise ValidationError(_("Berkas “%(name)s” kosong.") % {"name": display_name}, code="empty")
    if size is None:  # not a Django upload: read it to know
        data = upload.read(max_upload_bytes() + 1)
        if len(data) > max_upload_bytes():
            raise _too_large(display_name, len(data))
        return io.BytesIO(data)
    upload.seek(0)
    return upload


def _open_header(file, display_name: str) -> PILImage.Image:
    """Open the image reading only its header; refuse what is not an allowed photo or too large."""
    too_many_pixels = _("Foto “%(name)s” terlalu besar resolusinya. Maksimal %(max)s megapiksel.") % {
        "name": display_name, "max": max_image_pixels() // 1_000_000}
    try:
        with warnings.catch_warnings():
            # Pillow warns above its own limit and raises above twice that, both before
            # decoding; treat both as "too many pixels".
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            picture = PILImage.open(file)
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        raise ValidationError(too_many_pixels, code="too_many_pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("Berkas “%(name)s” bukan foto JPEG, PNG, atau WebP.") % {"name": display_name},
            code="not_an_image") from None
    if picture.format not in ALLOWED_FORMATS:
        raise ValidationError(
            _("Berkas “%(name)s” bukan foto JPEG, PNG, atau WebP.") % {"name": display_name},
            code="not_an_image")
    width, height = picture.size
    # Checked from the header, before a single pixel is decoded: a 14000x14000 PNG
    # compresses to well under a megabyte and would need gigabytes of memory.
    if width * height > max_image_pixels():
        message = _("Foto “%(name)s” terlalu besar resolusinya (%(width)s×%(height)s piksel). "
                    "Maksimal %(max)s megapiksel.") % {
            "name": display_name, "width": width, "height": height, "max": max_image_pixels() // 1_000_000}
        raise ValidationError(message, code="too_many_pixels")
    if getattr(picture, "n_frames", 1) > 1:
        raise ValidationError(
            _("Foto “%(name)s” bergerak (animasi). Unggah foto biasa.") % {"name": display_name},
            code="animated")
    return picture


def _pixels_at(size: tuple[int, int], scale: int) -> int:
    return -(-size[0] // scale) * -(-size[1] // scale)


def decode_scale(picture: PILImage.Image) -> int:
    """How much smaller (1, 2, 4 or 8 times each side) a photo opened but not decoded will be
    decoded: a JPEG as small as keeps its long side at least `max_stored_side()`, smaller still
    if that is over `max_decoded_pixels()`; other formats whole (Pillow decodes them no other way)."""
    if picture.format != "JPEG":
        return 1
    scale = 1
    while scale < 8 and max(picture.size) // (scale * 2) >= max_stored_side():
        scale *= 2
    while scale < 8 and _pixels_at(picture.size, scale) > max_decoded_pixels():
        scale *= 2
    return scale


@dataclass
class _Opened:
    """An upload whose header passed, with how it will be decoded."""

    file: object
    display_name: str
    picture: PILImage.Image
    scale: int


def _header_checked(upload) -> _Opened:
    """Everything that can be judged before decoding: size, type, header pixels, decoded pixels."""
    display_name = _display_name(upload)
    file = _upload_file(upload, display_name)
    picture = _open_header(file, display_name)
    scale = decode_scale(picture)
    if _pixels_at(picture.size, scale) > max_decoded_pixels():
        picture.close()
        raise ValidationError(
            _("Foto “%(name)s” (%(width)s×%(height)s piksel) terlalu besar untuk PNG atau WebP: maksimal "
              "%(max)s megapiksel. Simpan sebagai JPEG atau perkecil dulu.") % {
                "name": display_name, "width": picture.width, "height": picture.height,
                "max": max_decoded_pixels() // 1_000_000},
            code="too_many_pixels")
    return _Opened(file=file, display_name=display_name, picture=picture, scale=scale)


def _decoded(opened: _Opened) -> CheckedPhoto:
    """Decode one checked upload at its scale, shrink it to the stored size and write it anew."""
    picture, display_name = opened.picture, opened.display_name
    image_format = picture.format
    if opened.scale > 1:
        picture.draft(picture.mode, (picture.width // opened.scale, picture.height // opened.scale))
    try:
        picture.load()
    except (OSError, SyntaxError, ValueError, PILImage.DecompressionBombError):
        raise ValidationError(
            _("Foto “%(name)s” rusak atau tidak lengkap. Coba unggah ulang.") % {"name": display_name},
            code="broken") from None
    # In place, before turning it upright: what remains of the decode is the stored size.
    picture.thumbnail((max_stored_side(), max_stored_side()))
    content, width, height = _reencode(picture)
    picture.close()
    stem = slugify(os.path.splitext(display_name)[0])[:60] or "foto"
    return CheckedPhoto(name=f"{stem}.{ALLOWED_FORMATS[image_format]}", content=content,
                        width=width, height=height, format=image_format)


def _reencode(picture: PILImage.Image) -> tuple[bytes, int, int]:
    """The decoded picture written anew, upright, with its colour profile and nothing else.

    Returns the bytes and the upright width and height. The picture is turned in place (a copy
    of a 40-megapixel photo would double what an upload costs) and its `info` emptied first:
    Pillow's writers fall back to what the original carried (a JPEG's comment, a PNG's
    transparency and profile), and nothing of the original but its pixels may reach the file.
    """
    image_format = picture.format
    icc_profile = picture.info.get("icc_profile")
    transparency = picture.info.get("transparency")
    ImageOps.exif_transpose(picture, in_place=True)
    picture.info = {}
    options = {}
    if icc_profile:
        options["icc_profile"] = icc_profile
    if image_format == "JPEG":
        # The original's chroma subsampling, so a 4:4:4 photo of fine stitching stays sharp.
        options.update(quality=90, optimize=True, subsampling="keep")
    elif image_format == "PNG":
        if transparency is not None and picture.mode in {"P", "L", "RGB"}:
            options["transparency"] = transparency
        options["optimize"] = True
    elif image_format == "WEBP":
        options.update(quality=90, method=4)
    output = io.BytesIO()
    # `exif=b""` and no pnginfo, xmp or comment: none of the original's metadata is written.
    picture.save(output, image_format, exif=b"", **options)
    width, height = picture.size
    return output.getvalue(), width, height


def photo_reencode(data: bytes, *, display_name: str = "") -> tuple[bytes, int, int]:
    """The image decoded whole and written anew (see `_reencode`): its bytes, width and height.
    For images editors put in the library (their size is theirs to choose), not for uploads."""
    picture = _open_header(io.BytesIO(data), display_name)
    picture.load()
    return _reencode(picture)


def photos_validate(*, uploads) -> list[CheckedPhoto]:
    """Check the photos of one request, the one check of every upload form; each photo's bytes to store.

    Raises one ValidationError listing every refusal, each in Indonesian and naming its photo.
    What the headers show is judged first, for all of them, before any pixel is decoded: size,
    type, pixels, and the request's budget (`request_pixel_budget()`, the photos in the order
    sent: the first that goes over it and every later one that does not fit are named). Then the
    photos are decoded one at a time, each at its reduced scale (`decode_scale`).
    """
    errors, opened, spent = [], [], 0
    for upload in uploads:
        try:
            checked = _header_checked(upload)
        except ValidationError as error:
            errors.append(error)
            continue
        pixels = _pixels_at(checked.picture.size, checked.scale)
        if spent + pixels > request_pixel_budget():
            checked.picture.close()
            errors.append(ValidationError(
                _("Foto “%(name)s” melebihi batas satu kiriman: foto-foto yang dipilih bersama lebih dari "
                  "%(max)s megapiksel. Simpan tanpa foto ini, lalu unggah foto ini tersendiri.") % {
                    "name": checked.display_name, "max": request_pixel_budget() // 1_000_000},
                code="request_pixels"))
            continue
        spent += pixels
        opened.append(checked)
    if not errors:
        photos = []
        for checked in opened:
            try:
                photos.append(_decoded(checked))
            except ValidationError as error:
                errors.append(error)
        if not errors:
            return photos
    for checked in opened:
        checked.picture.close()
    raise ValidationError(errors)


def photo_validate(*, upload) -> CheckedPhoto:
    """Check one uploaded photo (`photos_validate` for a request that sends one); raise
    ValidationError with an Indonesian message and its code when refused."""
    try:
        return photos_validate(uploads=[upload])[0]
    except ValidationError as error:
        raise error.error_list[0] from None


def photo_store(*, photo: CheckedPhoto, title: str, collection, uploaded_by=None):
    """Write a checked photo's file to the media storage; its Wagtail image is returned unsaved.

    Call it before the transaction that saves the image: with the media in a bucket this
    is a network call, which must not hold the database's locks, and a storage that
    refuses or does not answer (MediaUnavailable) then fails the upload before anything
    is written to the database. If that transaction fails, `photos_discard` removes the files.
    """
    from wagtail.images import get_image_model

    image = get_image_model()(
        title=title[:255] or photo.name,
        width=photo.width,
        height=photo.height,
        uploaded_by_user=uploaded_by,
        collection=collection,
        file_size=len(photo.content),
        file_hash=hashlib.sha1(photo.content).hexdigest(),
    )
    with media_store_guard(f"storing the photo {photo.name}"):
        image.file.save(photo.name, ContentFile(photo.content), save=False)
    # Saving the file re-reads dimensions through Django's ImageField; ours are already known.
    image.width, image.height = photo.width, photo.height
    image._metadata_checked = True
    return image


def photos_discard(images) -> None:
    """Remove the files of images stored by `photo_store` whose database rows were never written."""
    for image in images:
        try:
            image.file.storage.delete(image.file.name)
        except STORAGE_ERRORS:
            logger.warning("could not remove %s, stored for a save that failed", image.file.name)


def photo_save(*, photo: CheckedPhoto, title: str, collection, uploaded_by=None):
    """Store a checked photo as a Wagtail image (renditions, WebP and srcset then work)."""
    image = photo_store(photo=photo, title=title, uploaded_by=uploaded_by, collection=collection)
    try:
        image.save()
    except Exception:
        photos_discard([image])
        raise
    return image


def image_reencode(image) -> bool:
    """Write a stored Wagtail image's file anew (see `_reencode`); True when it was rewritten.

    `file_hash` stays the hash of the file as it arrived: Wagtail's duplicate warning compares a
    new upload's hash with it, and the demo and the catalogue import find the picture they made
    from a file by it (a new hash would make them store every picture again on each run).
    """
    storage = image.file.storage
    with storage.open(image.file.name, "rb") as handle:
        data = handle.read()
    try:
        content, width, height = photo_reencode(data, display_name=os.path.basename(image.file.name))
    except ValidationError:
        # Not ours to refuse: Wagtail's own form already judged the file.
        return False
    old_name = image.file.name
    new_name = storage.save(old_name, ContentFile(content))
    if new_name != old_name:
        storage.delete(old_name)
    type(image).objects.filter(pk=image.pk).update(file=new_name, width=width, height=height,
                                                   file_size=len(content))
    image.file.name = new_name
    image.width, image.height = width, height
    image.file_size = len(content)
    # Renditions made from the file as it arrived (there should be none) would still carry its metadata.
    image.renditions.all().delete()
    return True
