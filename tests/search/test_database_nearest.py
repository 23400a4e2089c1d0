"""Near a point, the database engine orders matches by distance (then score, then key) and puts
the ones without a location last, on every page: the order it computes without trigonometry for
thousands of matches is the great-circle order, page by page."""

from __future__ import annotations

import random

import pytest

from search.documents import SearchRecord, index_fields
from search.results import haversine_km
from tests.search.conftest import api

pytestmark = pytest.mark.django_db

POINT = (-3.41, 114.85)


def test_pages_near_a_point_follow_the_great_circle_distance_with_unlocated_last(client):
    from search import engine_database

    rng = random.Random(3)
    records = []
    for number in range(240):
        located = number % 8 != 0  # 30 without a location
        # Some share a place exactly (a shop's products): their order is score, then key.
        latitude, longitude = ((-3.3, 114.9) if number % 10 == 1 else (rng.uniform(-3.7, -3.1), rng.uniform(114.5, 115.3)))
        records.append(SearchRecord(
            key=f"destination:waduk-{number:03d}", type="destination", slug=f"waduk-{number:03d}",
            title={"id": f"Waduk {number}"}, summary={"id": "waduk " * rng.randint(1, 3)},
            url={"id": f"/id/waduk-{number}/"}, popularity=rng.choice([1.0, 1.5, 2.0]),
            latitude=latitude if located else None, longitude=longitude if located else None))
    engine_database.store({record.key: index_fields(record) for record in records})

    pages = [api(client, q="waduk", near=f"{POINT[0]},{POINT[1]}", per_page=50, page=number) for number in (1, 2, 3, 4, 5)]
    shown = [result for body in pages for result in body["results"]]
    assert pages[0]["total"] == 240 and len(shown) == 240
    assert len({result["slug"] for result in shown}) == 240

    located = [result for result in shown if result["distance_km"] is not None]
    assert len(located) == 210 and shown[:210] == located  # those without a location come last
    for result in located:
        record = records[int(result["slug"].rsplit("-", 1)[1])]
        assert result["distance_km"] == pytest.approx(haversine_km(*POINT, record.latitude, record.longitude), abs=0.01)
    distances = [result["distance_km"] for result in located]
    assert distances == sorted(distances)
    # Where the distance is the same, the better score first; the unlocated by score too.
    same_place = [result for result in located if result["slug"] in {f"waduk-{n:03d}" for n in range(1, 240, 10)}]
    assert len(same_place) >= 20
    assert [result["score"] for result in same_place] == sorted((result["score"] for result in same_place), reverse=True)
    unlocated = shown[210:]
    assert [result["score"] for result in unlocated] == sorted((result["score"] for result in unlocated), reverse=True)
