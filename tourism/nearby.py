"""What is near a destination: other destinations and artisans' shops, nearest first.

A few hundred rows at most, so distances are computed in Python (haversine) over
one query per kind; no per-row queries.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from config import dependencies
from config.remembered import remember_read
from config.renditions import picture_columns
from tourism.models import DestinationIndexPage, DestinationPage
from tourism.providers import LOCATED_SHOPS, SHOPS_BY_IDS, provided
from tourism.routing import default_locale, public_pages
from tourism.selectors import listed_below_indexes, localize_pages, with_card_images

EARTH_RADIUS_KM = 6371.0088
# Far enough to cross the regency (about 100 km end to end), near enough for a day trip.
MAX_DISTANCE_KM = 60
# What a point on the index page's map reads, with what localize_pages and Page.get_url read: a
# destination's body (its JSON parsed for every row) is not one of them.
MAP_POINT_FIELDS = ("title", "url_path", "locale", "translation_key", "latitude", "longitude", "category",
                    "district")


def haversine_km(lat1, lon1, lat2, lon2) -> float:
    """Great-circle distance in kilometres between two points given in degrees."""
    phi1, phi2 = math.radians(float(lat1)), math.radians(float(lat2))
    d_phi = phi2 - phi1
    d_lambda = math.radians(float(lon2) - float(lon1))
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@dataclass
class Nearby:
    place: object
    distance_km: float


def _nearest(rows, *, latitude, longitude, limit: int, max_km: float) -> list[Nearby]:
    found = [Nearby(row, haversine_km(latitude, longitude, row.latitude, row.longitude)) for row in rows]
    found = [item for item in found if item.distance_km <= max_km]
    found.sort(key=lambda item: (item.distance_km, str(item.place)))
    return found[:limit]


# What a nearby place's line reads (site/templates/tourism/includes/nearby.html), with what
# localize_pages and Page.get_url read.
NEARBY_FIELDS = ("title", "url_path", "locale", "translation_key", "latitude", "longitude", "category", "district",
                 *picture_columns("main_image"))


@dataclass(frozen=True)
class _Point:
    """A located destination or shop before it is read in full: where it is, and its title or name
    (the tie-break)."""

    pk: int
    latitude: object
    longitude: object
    title: str

    def __str__(self) -> str:
        return self.title


def _located():
    return (public_pages(DestinationPage.objects.live())
            .filter(locale_id=default_locale()[0], latitude__isnull=False, longitude__isnull=False))


def located_destinations() -> tuple[tuple, ...]:
    """(pk, latitude, longitude, title, translation_key) of every live destination with a place on
    the map. Every destination page asks; remembered (config.remembered) until a destination is
    published, moved, unpublished or added below the index pages, the only place they live."""
    def read():
        dependencies.shown(*listed_below_indexes(DestinationIndexPage))
        return tuple(_located().values_list("pk", "latitude", "longitude", "title", "translation_key"))

    return remember_read("located-destinations", read)


def destinations_nearby(*, destination, limit: int = 4, max_km: float = MAX_DISTANCE_KM) -> list[Nearby]:
    """Other live destinations nearest to this one, in the reader's language; their thumbnails'
    renditions are the caller's to attach (config.renditions.renditions_attach, NEARBY_THUMB).

    Every candidate's point first, then only the nearest ones' rows: reading every located
    destination as a page, with its image and renditions, to show four was a third of a
    destination page's first render."""
    if not destination.has_location:
        return []
    points = [_Point(pk, latitude, longitude, title) for pk, latitude, longitude, title, translation_key
              in located_destinations() if translation_key != destination.translation_key]
    nearest = _nearest(points, latitude=destination.latitude, longitude=destination.longitude,
                       limit=limit, max_km=max_km)
    if not nearest:
        return []
    rows = {page.pk: page for page in with_card_images(
        _located().filter(pk__in=[item.place.pk for item in nearest])
        .select_related("category", "district").only(*NEARBY_FIELDS), filter_specs=None)}
    nearest = [Nearby(rows[item.place.pk], item.distance_km) for item in nearest if item.place.pk in rows]
    # Their translations without renditions too: the caller attaches the thumbnails' sizes, not the
    # cards' (a picture whose sizes are not among those fetched shows the worker's placeholder).
    localized = localize_pages([item.place for item in nearest], filter_specs=None, only=NEARBY_FIELDS)
    return [Nearby(page, item.distance_km) for page, item in zip(localized, nearest, strict=True)]


def shops_nearby(*, latitude, longitude, limit: int = 4, max_km: float = MAX_DISTANCE_KM) -> list[Nearby]:
    """Approved artisans' shops nearest to the point (the marketplace provides what is public): every
    shop's point first, then only the nearest ones' rows; their photos' renditions are the caller's
    to attach (config.renditions.renditions_attach, NEARBY_SHOP_THUMB)."""
    if latitude is None or longitude is None:
        return []
    located = provided(LOCATED_SHOPS)
    if not located:
        return []
    points = [_Point(pk, shop_latitude, shop_longitude, name) for pk, shop_latitude, shop_longitude, name in located]
    nearest = _nearest(points, latitude=latitude, longitude=longitude, limit=limit, max_km=max_km)
    if not nearest:
        return []
    rows = provided(SHOPS_BY_IDS, ids=[item.place.pk for item in nearest]) or {}
    return [Nearby(rows[item.place.pk], item.distance_km) for item in nearest if item.place.pk in rows]


def destinations_map_points(*, url_for) -> list[dict]:
    """Every live destination with a location, for the index page's map (embedded, no extra request).
    `url_for(page)` is the page's URL in the reader's language (the template tag's localurl)."""
    pages = list(_located().select_related("category", "district").only(*MAP_POINT_FIELDS).order_by("title"))
    points = []
    for original, page in zip(pages, localize_pages(pages, filter_specs=None, only=MAP_POINT_FIELDS), strict=True):
        points.append({
            "title": page.title, "url": url_for(page),
            # Where a place is belongs to the place: the original's, whatever a translation says.
            "lat": float(original.latitude), "lon": float(original.longitude),
            "category": page.category.key, "categoryName": page.category.name,
            "district": page.district.name,
        })
    return points
