"""What is near a destination: other destinations and artisans' shops, nearest first.

A few hundred rows at most, so distances are computed in Python (haversine) over
one query per kind; no per-row queries.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from wagtail.models import Locale

from config.renditions import renditions_prefetch
from tourism.models import DestinationPage
from tourism.providers import LOCATED_SHOPS, provided
from tourism.routing import default_locale, public_pages
from tourism.selectors import localize_pages

EARTH_RADIUS_KM = 6371.0088
# Far enough to cross the regency (about 100 km end to end), near enough for a day trip.
MAX_DISTANCE_KM = 60
THUMB_RENDITIONS = ["fill-160x120|format-webp", "fill-320x240|format-webp"]


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


def destinations_nearby(*, destination, limit: int = 4, max_km: float = MAX_DISTANCE_KM) -> list[Nearby]:
    """Other live destinations nearest to this one, in the reader's language."""
    if not destination.has_location:
        return []
    candidates = (
        public_pages(DestinationPage.objects.live())
        .filter(locale_id=default_locale()[0], latitude__isnull=False, longitude__isnull=False)
        .exclude(translation_key=destination.translation_key)
        .select_related("category", "district", "main_image")
        .prefetch_related(renditions_prefetch("main_image", THUMB_RENDITIONS))
    )
    nearest = _nearest(candidates, latitude=destination.latitude, longitude=destination.longitude,
                       limit=limit, max_km=max_km)
    # Their translations with the thumbnails' sizes, not the cards' (a picture whose sizes are not
    # among those fetched shows the worker's placeholder: config.image_tags).
    localized = localize_pages([item.place for item in nearest], filter_specs=THUMB_RENDITIONS)
    return [Nearby(page, item.distance_km) for page, item in zip(localized, nearest, strict=True)]


def shops_nearby(*, latitude, longitude, limit: int = 4, max_km: float = MAX_DISTANCE_KM) -> list[Nearby]:
    """Approved artisans' shops nearest to the point (the marketplace provides what is public)."""
    if latitude is None or longitude is None:
        return []
    shops = provided(LOCATED_SHOPS)
    if shops is None:
        return []
    return _nearest(shops, latitude=latitude, longitude=longitude, limit=limit, max_km=max_km)


def destinations_map_points(*, url_for) -> list[dict]:
    """Every live destination with a location, for the index page's map (embedded, no extra request).
    `url_for(page)` is the page's URL in the reader's language (the template tag's localurl)."""
    pages = list(
        DestinationPage.objects.live().public()
        .filter(locale=Locale.get_default(), latitude__isnull=False, longitude__isnull=False)
        .select_related("category", "district").order_by("title")
    )
    points = []
    for page in localize_pages(pages):
        points.append({
            "title": page.title, "url": url_for(page),
            "lat": float(page.latitude), "lon": float(page.longitude),
            "category": page.category.key, "categoryName": page.category.name,
            "district": page.district.name,
        })
    return points
