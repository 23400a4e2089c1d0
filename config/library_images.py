"""The image library's upload form (WAGTAILIMAGES_IMAGE_FORM_BASE): Wagtail's, refusing with a
message an image Pillow cannot finish decoding.

Wagtail's image field decodes an upload to count its pixels and lets Pillow's `OSError` for a
truncated or damaged file through: a 500 for the editor. And an image with a side longer than WebP
allows (16383 pixels: a phone's panorama) was taken, then its edit page and any size at least that
long failed, since every size is written as WebP (WAGTAILIMAGES_FORMAT_CONVERSIONS). `LibraryImageForm` serves the library's
upload, its multiple uploader, the page editor's chooser upload and a file replaced in an image's
edit view alike (all build their form from that setting).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image as PILImage
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

from config.photos import WEBP_MAX_SIDE


class LibraryImageField(WagtailImageField):
    """Wagtail's image field; a file that stops decoding part-way, or with a side longer than any
    rendition may have, is refused with a message."""

    def check_image_pixel_size(self, f):
        try:
            super().check_image_pixel_size(f)
            with PILImage.open(f) as picture:  # its header: Wagtail's check decoded it already
                width, height = picture.size
        except (OSError, SyntaxError, ValueError, EOFError):
            # Pillow's errors for data that ends early or does not decode (Wagtail catches only
            # its decompression-bomb errors here). The message names no file: the multiple
            # uploader's script inserts its messages as HTML (it shows each file's name itself),
            # and a name is whatever the uploader chose.
            raise ValidationError(
                _("Berkas ini bukan gambar yang utuh: rusak atau terpotong. Simpan ulang gambarnya di "
                  "ponsel atau komputer, lalu unggah lagi."),
                code="broken_image") from None
        finally:
            f.seek(0)
        if max(width, height) > WEBP_MAX_SIDE:
            raise ValidationError(
                _("Gambar ini %(width)s×%(height)s piksel; sisi terpanjangnya paling banyak %(max)s piksel. "
                  "Perkecil dulu, lalu unggah lagi."),
                code="side_too_long", params={"width": width, "height": height, "max": WEBP_MAX_SIDE})


class LibraryImageForm(BaseImageForm):
    """Wagtail's image form with `LibraryImageField` as its file field.

    Wagtail builds the file field itself (`wagtail.images.forms.formfield_for_dbfield`, passed to
    `modelform_factory`), and a field declared here would be added to forms that leave the file
    out (the multiple uploader's edit form), so each form's own field is replaced as it is made."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("file")
        if field is not None and not isinstance(field, LibraryImageField):
            self.fields["file"] = LibraryImageField(
                label=field.label, required=field.required, widget=field.widget, initial=field.initial)
