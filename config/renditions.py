"""Make image renditions when content is published, never inside a visitor's request.

A rendition made during a page view costs the visitor the decoding and resizing of
a photo (hundreds of milliseconds for a 1600px original) and a write. So each
image gets, at publish or save time, every size the templates in site/templates
ask of it in its role (hero, card, gallery, body picture, product photo ...).
tests/reliability/test_renditions.py proves an anonymous GET of each published
page type creates no Rendition rows; a template that starts asking for a new
size must add it here.

The specs are written as the template tags expand them: `{% srcset_image img
fill-{480x320,960x640} format-webp %}` asks for "fill-480x320|format-webp" and
"fill-960x640|format-webp".
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction

logger = logging.getLogger(__name__)


def _expand(spec: str) -> list[str]:
    """ "fill-{480x320,960x640}|format-webp" -> the two specs it stands for."""
    if "{" not in spec:
        return [spec]
    head, rest = spec.split("{", 1)
    options, tail = rest.split("}", 1)
    return [f"{head}{option}{tail}" for option in options.split(",")]


def _specs(*specs: str) -> tuple[str, ...]:
    return tuple(expanded for spec in specs for expanded in _expand(spec))


JSONLD = "fill-1200x630|format-jpeg"  # tourism.seo.JSONLD_RENDITION (structured data)
# Tourism pages (site/templates/tourism/...)
TOURISM_MAIN = _specs(
    "fill-{640x480-c50,960x540-c50,1440x810-c50}|format-webp",  # destination and event hero
    "fill-{480x320,720x480,960x640}|format-webp",  # destination, event and campaign cards
    "fill-{160x120,320x240}|format-webp",  # "nearby" thumbnails
    JSONLD,
)
HOME_HERO = _specs("fill-{640x800-c50,1280x720-c50,1920x1080-c50}|format-webp")
GALLERY = _specs("fill-{480x360,960x720}|format-webp")
BODY_IMAGE = _specs("width-{480,960,1440}|format-webp")
CAMPAIGN_HERO = _specs("fill-{640x480-c50,1280x640-c50,1920x800-c50}|format-webp")
# Kampung Sasirangan (site/templates/marketplace/...)
PRODUCT_PHOTO = _specs(
    "fill-{600x600,900x900,1200x1200}|format-webp",  # product page main photo
    "fill-160x160|format-webp",  # product page thumbnails, dashboard
    "fill-{400x400,800x800}|format-webp",  # product cards
)
SHOP_PHOTO = _specs("fill-{320x320,640x640}|format-webp", "fill-160x160|format-webp", JSONLD)
MOTIF_IMAGE = _specs("fill-{600x600,900x900}|format-webp", "fill-{320x320,640x640}|format-webp")


def renditions_prepare(*, image, specs: Iterable[str]) -> None:
    """Make the renditions of `image` that do not exist yet (existing ones cost one query), one at a time.

    Not `image.get_renditions(*specs)`: for several missing renditions Wagtail decodes the original
    in three threads at once, and each rendition holds about twice the decoded photo (the decode,
    then auto_orient's and the crop's copies). For a photo at the 40-megapixel limit (160 MB
    decoded) that was 830 MB at once; one at a time it is about 310 MB
    (tests/reliability/test_upload_limits.py measures it).
    """
    if image is None:
        return
    from wagtail.images.models import Filter

    try:
        wanted = [Filter(spec=spec) for spec in dict.fromkeys(specs)]
        existing = image.find_existing_renditions(*wanted)
        for missing in (spec_filter for spec_filter in wanted if spec_filter not in existing):
            image.get_rendition(missing)
    except Exception:  # noqa: BLE001 - a bad file must not fail a publish; the page view will try again
        logger.exception("renditions of image %s could not be made", getattr(image, "pk", None))


def _stream_images(value) -> Iterable:
    """Every image inside a StreamField value, however deeply nested."""
    from wagtail.images import get_image_model

    image_model = get_image_model()
    stack = [value]
    while stack:
        current = stack.pop()
        if isinstance(current, image_model):
            yield current
        elif hasattr(current, "raw_data") or isinstance(current, (list, tuple)):
            stack.extend(getattr(child, "value", child) for child in current)
        elif isinstance(current, dict):
            stack.extend(current.values())


def page_image_roles(page) -> list[tuple[object, tuple[str, ...]]]:
    """(image, specs) for everything a published page shows."""
    from wagtail.fields import StreamField

    roles = []
    if getattr(page, "main_image", None) is not None:
        roles.append((page.main_image, TOURISM_MAIN))
    if getattr(page, "hero_image", None) is not None:
        roles.append((page.hero_image, HOME_HERO))
    for item in getattr(page, "gallery_images", None).all() if hasattr(page, "gallery_images") else []:
        roles.append((item.image, GALLERY))
    for field in page._meta.get_fields():
        if isinstance(field, StreamField):
            specs = BODY_IMAGE + (CAMPAIGN_HERO if type(page).__name__ == "CampaignPage" else ())
            for image in _stream_images(getattr(page, field.name)):
                roles.append((image, specs))
    return roles


def page_renditions_prepare(*, page) -> None:
    for image, specs in page_image_roles(page.specific):
        renditions_prepare(image=image, specs=specs)


# --- Signal handlers (connected in config.apps) -----------------------------------------------

def _after_commit(work) -> None:
    transaction.on_commit(work)


def on_page_published(sender, instance, **kwargs):
    _after_commit(lambda: page_renditions_prepare(page=instance))


def on_product_photo_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _after_commit(lambda: renditions_prepare(image=instance.image, specs=PRODUCT_PHOTO))


def on_shop_saved(sender, instance, raw=False, **kwargs):
    if not raw and instance.photo_id:
        _after_commit(lambda: renditions_prepare(image=instance.photo, specs=SHOP_PHOTO))


def on_motif_saved(sender, instance, raw=False, **kwargs):
    if not raw and instance.image_id:
        _after_commit(lambda: renditions_prepare(image=instance.image, specs=MOTIF_IMAGE))


def on_visitor_photo_saved(sender, instance, raw=False, **kwargs):
    if not raw and instance.image_id:
        _after_commit(lambda: renditions_prepare(image=instance.image, specs=GALLERY))
