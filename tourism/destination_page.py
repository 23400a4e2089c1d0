"""What a destination page shows besides itself: its hero picture's renditions, its gallery, visitors'
photos and places nearby.

Read together so that all their pictures' renditions come in one query
(config.renditions.renditions_attach), not one per kind; and read only when the template first
asks, so a stored fragment of the page (config/fragment_cache.py) asks for none of them.
"""

from __future__ import annotations

from config import dependencies
from config.languages import reading_language
from config.page_cache import page_shown_as
from config.remembered import remember_read
from config.renditions import (
    DETAIL_HERO,
    GALLERY,
    JSONLD,
    NEARBY_SHOP_THUMB,
    NEARBY_THUMB,
    renditions_attach_or_read_again,
)
from tourism.nearby import destinations_nearby, shops_nearby
from tourism.page_context import lazy_entries
from tourism.visitor_photos import visitor_photos_approved


def destination_sections(*, destination) -> dict:
    """Remembered (config.remembered.remember_read) until the destination, a row it shows or a list
    it is drawn from changes: a visitor's photo approved, a place published nearby, a shop's place."""
    return remember_read(("destination-sections", destination.pk, reading_language()),
                         lambda: _destination_sections(destination))


def _destination_sections(destination) -> dict:
    dependencies.shown(*page_shown_as(destination))  # its gallery's rows are the page's
    gallery = destination.gallery_items()
    photos = visitor_photos_approved(destination=destination)
    nearby = {
        "destinations": destinations_nearby(destination=destination),
        "shops": shops_nearby(latitude=destination.latitude, longitude=destination.longitude),
    }
    renditions_attach_or_read_again(
        # The hero's, and its JSON-LD picture's, which the page's structured data asks after them.
        [(destination.main_image, (*DETAIL_HERO, JSONLD))] * (destination.main_image is not None)
        + [(item.image, GALLERY) for item in (*gallery, *photos)]
        + [(item.place.main_image, NEARBY_THUMB) for item in nearby["destinations"] if item.place.main_image]
        + [(item.place.photo, NEARBY_SHOP_THUMB) for item in nearby["shops"] if item.place.photo])
    return {"main_image": destination.main_image, "gallery": gallery, "visitor_photos": photos, "nearby": nearby}


def destination_page_context(page, request) -> dict:
    return lazy_entries(lambda: destination_sections(destination=page), ("main_image", "gallery", "visitor_photos", "nearby"))
