"""Open Graph share images: 1200x630, drawn with Pillow, one per page (or product, shop) and language.

What a link looks like when pasted into WhatsApp, Facebook, X or Telegram: the
page's main image, its title in the reader's language, and the campaign's brand.

Each image is stored in the media storage under a name that carries a hash of
everything drawn on it (title, kicker, hashtag, the picture's file and focal
point), so a change to any of them makes a new file and old ones are removed.
Images are drawn by the task queue's worker (`share_image_make`, about 0.1-0.3 s
each), never in a visitor's or a crawler's request: publishing a page enqueues its
image in its language and redraws those of its other images that exist
(tourism.signals); anything else that changes (a product's photo, the running
campaign) gets a new hash, and the first request for it enqueues the drawing. Until
the worker has drawn it, that request is answered at once with the generic share
image (`GENERIC_IMAGE`, a valid 1200x630 JPEG, cached a minute): WhatsApp and
Facebook keep the first answer they get for a link, and a generic picture of the
site is a better first answer than an error. The meta tags name the hash in `?v=`
so that the social networks' own caches fetch the new picture. A page unpublished,
deleted or made private (tourism.signals) has its stored images deleted by the worker,
and the view answers 404 for it at once: the files are public under the media URL.

JPEG, not PNG: a photographic PNG at this size is 600 KB or more, and WhatsApp
drops previews of large images; JPEG keeps it near 100 KB.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont, ImageOps

from config.tasks import enqueue_on_commit, retried_task, task_result_exists

logger = logging.getLogger(__name__)

WIDTH, HEIGHT = 1200, 630
# Bump when the drawing changes, so every image is redrawn.
DRAW_VERSION = 4
FOLDER = "og"
FONT_DIR = Path(settings.BASE_DIR) / "site" / "static" / "fonts" / "share"
BOLD_FONT = FONT_DIR / "PlusJakartaSans-Bold.ttf"
MEDIUM_FONT = FONT_DIR / "PlusJakartaSans-Medium.ttf"
BRAND = "Gebrak Banjar"
LANGUAGES = ("id", "en")
# Served while an image waits for the worker: drawn by `generic_image_draw` (the brand, no page).
GENERIC_IMAGE = Path(settings.BASE_DIR) / "site" / "static" / "img" / "share-generic.jpg"

RIVER = (10, 49, 66)
GOLD = (243, 183, 59)
RED = (143, 31, 35)
TEAL = (19, 122, 127)
CREAM = (251, 247, 239)


@dataclass
class ShareImageSpec:
    """Everything drawn on one share image."""

    key: str            # e.g. "12-id", "produk-4-en": names the file and the URL
    language: str
    title: str
    kicker: str
    hashtag: str
    image: object = None  # a Wagtail image, or None for the plain river background

    @property
    def digest(self) -> str:
        picture = None
        if self.image is not None:
            picture = [self.image.file.name, self.image.file_hash, self.image.focal_point_x,
                       self.image.focal_point_y, self.image.focal_point_width, self.image.focal_point_height]
        payload = json.dumps([DRAW_VERSION, self.title, self.kicker, self.hashtag, BRAND, picture])
        return hashlib.sha256(payload.encode()).hexdigest()[:12]

    @property
    def file_name(self) -> str:
        return f"{FOLDER}/{self.key}-{self.digest}.jpg"


# --- What goes on the image ---------------------------------------------------------------

def _kicker_for_page(page) -> str:
    from tourism.models import CampaignPage, DestinationPage, EventPage

    if isinstance(page, DestinationPage):
        return _("Destinasi · %(district)s, Kabupaten Banjar") % {"district": page.district.name}
    if isinstance(page, EventPage):
        return _("Acara · %(date)s") % {"date": date_format(page.start.astimezone(_wita()), "j M Y")}
    if isinstance(page, CampaignPage):
        return _("Kampanye Gebrak Pariwisata")
    return _("Kabupaten Banjar · Kalimantan Selatan")


def _wita():
    from zoneinfo import ZoneInfo

    return ZoneInfo(settings.TIME_ZONE)


def _hashtag(*, page=None) -> str:
    from tourism.sharing import campaign_for_sharing

    return campaign_for_sharing(request=None, obj=page)[1]


def page_spec(*, page, language: str, hashtag: str | None = None) -> ShareImageSpec:
    """The share image of a Wagtail page as readers of `language` see it."""
    page = page.specific
    with translation.override(language):
        kicker = _kicker_for_page(page)
    image = getattr(page, "main_image", None) or getattr(page, "hero_image", None)
    return ShareImageSpec(key=f"{page.pk}-{language}", language=language, title=page.title, kicker=kicker,
                          hashtag=hashtag if hashtag is not None else _hashtag(page=page), image=image)


def product_spec(*, product, language: str, hashtag: str | None = None) -> ShareImageSpec:
    with translation.override(language):
        title, kicker = product.title, _("Sasirangan · %(shop)s") % {"shop": product.shop.name}
    photo = product.main_photo
    return ShareImageSpec(key=f"produk-{product.pk}-{language}", language=language, title=title, kicker=kicker,
                          hashtag=hashtag if hashtag is not None else _hashtag(),
                          image=photo.image if photo else None)


def shop_spec(*, shop, language: str, hashtag: str | None = None) -> ShareImageSpec:
    with translation.override(language):
        kicker = _("Perajin Kampung Sasirangan · %(district)s") % {"district": shop.district.name}
    return ShareImageSpec(key=f"toko-{shop.pk}-{language}", language=language, title=shop.name, kicker=kicker,
                          hashtag=hashtag if hashtag is not None else _hashtag(), image=shop.photo)


def spec_for(obj, *, language: str, hashtag: str | None = None) -> ShareImageSpec | None:
    from wagtail.models import Page

    from tourism.shareables import shareable_for

    shareable = shareable_for(obj)
    if shareable is not None:
        return shareable.share_image_spec(obj, language=language, hashtag=hashtag)
    if isinstance(obj, Page):
        return page_spec(page=obj, language=language, hashtag=hashtag)
    return None


def og_image_url(obj, *, language: str, hashtag: str | None = None) -> str:
    """The path of the object's share image, with `?v=` naming what is drawn on it."""
    spec = spec_for(obj, language=language, hashtag=hashtag)
    if spec is None:
        return ""
    return reverse("tourism:og_image", kwargs={"key": spec.key}) + f"?v={spec.digest}"


# --- Drawing ------------------------------------------------------------------------------

def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


def _cover(picture: PILImage.Image, centering=(0.5, 0.5)) -> PILImage.Image:
    """Crop and scale to 1200x630 around `centering` (fractions of width and height)."""
    picture = ImageOps.exif_transpose(picture).convert("RGB")
    return ImageOps.fit(picture, (WIDTH, HEIGHT), PILImage.Resampling.LANCZOS, centering=centering)


def _centering(image) -> tuple[float, float]:
    """The editor's focal point as fractions of the picture, else its centre."""
    focal = image.get_focal_point()
    if focal is None or not image.width or not image.height:
        return 0.5, 0.5
    return (min(max(focal.centroid_x / image.width, 0.0), 1.0),
            min(max(focal.centroid_y / image.height, 0.0), 1.0))


def _background(image) -> PILImage.Image:
    if image is not None:
        try:
            with image.open_file() as handle:
                with PILImage.open(handle) as picture:
                    # JPEG decodes at a fraction of its size when that is still large enough.
                    picture.draft("RGB", (WIDTH * 2, HEIGHT * 2))
                    return _cover(picture, _centering(image))
        except (OSError, ValueError, PILImage.DecompressionBombError):
            logger.warning("share image: cannot read image %s, drawing the plain background", image.pk)
    canvas = PILImage.new("RGB", (WIDTH, HEIGHT), RIVER)
    draw = ImageDraw.Draw(canvas)
    # Sasirangan-like diagonal stitches, so a page without a picture still looks like Banjar.
    for offset in range(-HEIGHT, WIDTH, 90):
        draw.line([(offset, HEIGHT), (offset + HEIGHT, 0)], fill=(16, 70, 88), width=14)
        for step in range(0, HEIGHT, 42):
            x, y = offset + step, HEIGHT - step
            draw.ellipse([x - 5, y - 5, x + 5, y + 5], fill=(28, 92, 104))
    return canvas


def _shade(canvas: PILImage.Image) -> PILImage.Image:
    """Darken towards the bottom (where the title sits) so white text stays readable on any photo."""
    gradient = PILImage.linear_gradient("L").resize((WIDTH, HEIGHT))
    # 30% river blue at the top, 88% at the bottom.
    alpha = gradient.point(lambda value: int(77 + (224 - 77) * value / 255))
    overlay = PILImage.new("RGB", (WIDTH, HEIGHT), RIVER)
    return PILImage.composite(overlay, canvas, alpha)


def _wrap(text: str, font: ImageFont.FreeTypeFont, max_width: int) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if font.getlength(candidate) <= max_width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def _fit_title(text: str, max_width: int, max_lines: int = 3) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    for size in (76, 68, 60, 54, 48):
        font = _font(BOLD_FONT, size)
        lines = _wrap(text, font, max_width)
        if len(lines) <= max_lines and all(font.getlength(line) <= max_width for line in lines):
            return font, lines
    lines = _wrap(text, font, max_width)[:max_lines]
    # Cut with an ellipsis: the last line (text is missing after it), and any other that is
    # one word wider than the image.
    for index, line in enumerate(lines):
        if index < len(lines) - 1 and font.getlength(line) <= max_width:
            continue
        while line and font.getlength(line + "…") > max_width:
            line = line.rsplit(" ", 1)[0] if " " in line else line[:-1]
        lines[index] = line + "…"
    return font, lines


def share_image_draw(spec: ShareImageSpec) -> bytes:
    """The JPEG bytes of the share image."""
    canvas = _shade(_background(spec.image))
    draw = ImageDraw.Draw(canvas)
    margin = 64

    # Brand, top left: a gold mark and the site's name.
    draw.rounded_rectangle([margin, 52, margin + 14, 100], radius=4, fill=GOLD)
    draw.text((margin + 30, 50), BRAND, font=_font(BOLD_FONT, 38), fill=CREAM)
    # The campaign's hashtag, top right, on sasirangan red.
    if spec.hashtag:
        tag_font = _font(BOLD_FONT, 30)
        tag_width = int(tag_font.getlength(spec.hashtag))
        right = WIDTH - margin
        draw.rounded_rectangle([right - tag_width - 40, 48, right, 104], radius=28, fill=RED)
        draw.text((right - tag_width - 20, 56), spec.hashtag, font=tag_font, fill=GOLD)

    # Title and kicker, bottom left.
    title_font, lines = _fit_title(spec.title, WIDTH - 2 * margin)
    line_height = int(title_font.size * 1.15)
    bottom = HEIGHT - 76
    top = bottom - line_height * len(lines)
    kicker_font = _font(MEDIUM_FONT, 30)
    kicker = spec.kicker
    while kicker and kicker_font.getlength(kicker) > WIDTH - 2 * margin:
        kicker = kicker[:-2].rstrip() + "…"
    draw.text((margin, top - 52), kicker, font=kicker_font, fill=GOLD)
    for number, line in enumerate(lines):
        draw.text((margin, top + number * line_height), line, font=title_font, fill=(255, 255, 255))

    # A sasirangan band along the bottom edge: red, gold and teal stitches.
    band_top = HEIGHT - 22
    draw.rectangle([0, band_top, WIDTH, HEIGHT], fill=RED)
    for x in range(0, WIDTH, 48):
        draw.polygon([(x, HEIGHT), (x + 24, band_top), (x + 48, HEIGHT)], fill=GOLD)
        draw.ellipse([x + 18, band_top + 8, x + 30, band_top + 20], fill=TEAL)

    output = io.BytesIO()
    canvas.save(output, "JPEG", quality=85, optimize=True, progressive=True)
    return output.getvalue()


# --- Storage ------------------------------------------------------------------------------

def share_image_ensure(spec: ShareImageSpec) -> str:
    """The stored file name of the image, drawing it first if needed; older versions are removed."""
    name = spec.file_name
    if not default_storage.exists(name):
        content = share_image_draw(spec)
        saved = default_storage.save(name, ContentFile(content))
        if saved != name:  # drawn at the same moment by another request
            default_storage.delete(saved)
        _remove_stored(spec.key, keep=Path(name).name)
    return name


def _remove_stored(key: str, *, keep: str = "") -> list[str]:
    """Delete the stored drawings of `key` but `keep` (a file name); returns what was deleted."""
    try:
        _folders, files = default_storage.listdir(FOLDER)
    except (FileNotFoundError, NotImplementedError, OSError):
        return []
    prefix = f"{key}-"
    removed = []
    for file_name in files:
        rest = file_name[len(prefix):] if file_name.startswith(prefix) else ""
        # "12-id-<hash>.jpg" must not match "12-id-..." of another key such as "produk-12-id".
        if rest and "-" not in rest and file_name != keep:
            default_storage.delete(f"{FOLDER}/{file_name}")
            removed.append(f"{FOLDER}/{file_name}")
    return removed


def _stored_files() -> list[str]:
    try:
        _folders, files = default_storage.listdir(FOLDER)
    except (FileNotFoundError, NotImplementedError, OSError):
        return []
    return files


def _stored_keys() -> set[str]:
    return {name.rsplit("-", 1)[0] for name in _stored_files()}


def _remove_stored_of(keys: set[str]) -> list[str]:
    """Delete every stored drawing of these keys, reading the folder once; returns what was deleted."""
    removed = []
    for file_name in _stored_files():
        # "12-id-<hash>.jpg" is of "12-id", never of "produk-12-id".
        if file_name.rsplit("-", 1)[0] in keys:
            default_storage.delete(f"{FOLDER}/{file_name}")
            removed.append(f"{FOLDER}/{file_name}")
    return removed


def _page_keys(page_ids) -> set[str]:
    return {f"{page_id}-{language}" for page_id in page_ids for language in LANGUAGES}


def page_share_images_refresh(page) -> list[str]:
    """Draw the page's share image in its own language, and redraw those of its images in other
    languages that exist already (the worker's `page_share_images_make`, after a publish).

    A page's image is drawn at publish so that the first crawler to fetch a shared link gets it,
    not the generic one it would keep. Another language's image of the same page (shown while the
    page has no translation) is drawn only once asked for.
    """
    stored = _stored_keys()
    own = page.locale.language_code
    redrawn = []
    for language in LANGUAGES:
        spec = page_spec(page=page, language=language)
        if language == own or spec.key in stored:
            redrawn.append(share_image_ensure(spec))
    return redrawn


# --- Who asks for which image, and the worker that draws it ---------------------------------------

OG_KEY = re.compile(r"^(?:(?P<kind>[a-z]{1,20})-)?(?P<pk>[0-9]{1,18})-(?P<language>id|en)$")


def spec_for_key(key: str) -> ShareImageSpec | None:
    """What the image of `key` ("12-id", "produk-4-en") draws; None when no public page, product or
    shop has it."""
    from wagtail.models import Page

    from tourism.routing import public_pages
    from tourism.shareables import shareable_of

    match = OG_KEY.match(key)
    if match is None:
        return None
    pk, language = int(match["pk"]), match["language"]
    if match["kind"]:
        shareable = shareable_of(og_prefix=match["kind"])
        thing = shareable.share_image_public().filter(pk=pk).first() if shareable is not None else None
        return shareable.share_image_spec(thing, language=language, hashtag=None) if thing is not None else None
    page = public_pages(Page.objects.live()).filter(pk=pk).first()
    return page_spec(page=page.specific, language=language) if page is not None else None


def share_image_stored(spec: ShareImageSpec) -> bytes | None:
    """The drawn image's bytes, or None when the worker has not drawn it yet (storage errors raise)."""
    if not default_storage.exists(spec.file_name):
        return None
    with default_storage.open(spec.file_name, "rb") as handle:
        return handle.read()


def share_image_request(spec: ShareImageSpec) -> None:
    """Have the worker draw this image, unless a run for exactly this drawing was enqueued already
    (many crawlers fetch a link shared in a group at once)."""
    if not task_result_exists(share_image_make, key=spec.key, digest=spec.digest):
        enqueue_on_commit(share_image_make, key=spec.key, digest=spec.digest)


@cache
def generic_image() -> bytes:
    """The generic share image's bytes (read once; bytes are immutable)."""
    return GENERIC_IMAGE.read_bytes()


def generic_image_draw() -> bytes:
    """The generic share image: the brand and the place, no page's title. Its JPEG is kept in the
    repository (GENERIC_IMAGE), drawn by this once; draw it again when the drawing changes."""
    with translation.override("id"):
        spec = ShareImageSpec(key="generic", language="id", title="Wisata & Sasirangan Banjar",
                              kicker="Kabupaten Banjar · Kalimantan Selatan", hashtag="")
    return share_image_draw(spec)


@retried_task(attempts=3, first_delay_seconds=30)
def share_image_make(*, key: str, digest: str = "") -> str:
    """Draw and store the share image of `key` as it is now (`digest` names the drawing that was
    asked for; a newer one is drawn instead). Idempotent: a stored image is not drawn again.
    Returns the stored file name, "" when the page, product or shop is no longer public."""
    spec = spec_for_key(key)
    return share_image_ensure(spec) if spec is not None else ""


@retried_task(attempts=3, first_delay_seconds=30)
def page_share_images_make(*, page_id: int) -> list[str]:
    """After a publish: the page's share images (page_share_images_refresh). After an unpublish, or
    once the page is no longer public: its stored images are deleted, in every language, since their
    addresses (in the page's og:image while it was live) kept showing the title and summary of a page
    withdrawn (found by an editor's walk). Returns the files drawn or deleted."""
    from wagtail.models import Page

    page = Page.objects.live().public().filter(pk=page_id).first()
    if page is None:
        return _remove_stored_of(_page_keys([page_id]))
    return page_share_images_refresh(page.specific)


@retried_task(attempts=3, first_delay_seconds=30)
def page_tree_share_images_remove(*, page_id: int) -> list[str]:
    """After a page is made private (Wagtail's privacy setting: a password, logged-in users, groups),
    or moved, perhaps under a private page:
    the stored images of it and of the pages below it, which the restriction covers too, are deleted;
    their addresses showed a private page's title and picture to anyone. Read when the worker runs:
    a page public again by then (the restriction taken off) keeps its images. Returns what was deleted."""
    from wagtail.models import Page

    page = Page.objects.filter(pk=page_id).first()
    if page is None:  # deleted since: being deleted unpublished it, which deleted its images
        return []
    tree = Page.objects.descendant_of(page, inclusive=True)
    public = set(tree.live().public().values_list("pk", flat=True))
    return _remove_stored_of(_page_keys(set(tree.values_list("pk", flat=True)) - public))
