"""A page's sections read lazily (tourism.page_context.lazy_entries) that fail: Django's template
engine shows them empty instead of raising, so the failure is logged with its traceback, and
neither the page nor its fragments are stored with the empty sections: once the fault is gone, the
next visitor sees them again."""

from __future__ import annotations

import logging

import pytest

from tests.reliability.test_page_cache import page_cache_on  # noqa: F401 - autouse: the page cache on
from tests.tourism import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fragments_on(settings):
    settings.FRAGMENT_CACHE_SECONDS = 300


def test_a_section_that_fails_is_logged_and_nothing_of_the_page_is_stored(client, home_page, monkeypatch, caplog):
    visited = factories.destination(slug="pasar-terapung", title="Pasar Terapung")
    factories.destination(slug="riam-kanan", title="Waduk Riam Kanan")

    def broken(**kwargs):
        raise TypeError("visitor_photos_approved() got an unexpected keyword argument")

    monkeypatch.setattr("tourism.destination_page.visitor_photos_approved", broken)
    with caplog.at_level(logging.ERROR, logger="tourism.page_context"):
        failed = client.get(visited.url)
    assert failed.status_code == 200 and "Waduk Riam Kanan" not in failed.text  # the engine showed it empty
    reports = [record for record in caplog.records if record.name == "tourism.page_context"]
    assert len(reports) == 1 and reports[0].exc_info[0] is TypeError, "the failure was not reported, or more than once"
    assert client.get(visited.url).get("X-Page-Cache") != "hit", "the page with the empty sections was stored"

    monkeypatch.undo()
    mended = client.get(visited.url)
    assert "Waduk Riam Kanan" in mended.text, "a stored fragment kept the sections empty"
    assert client.get(visited.url)["X-Page-Cache"] == "hit"


def test_the_home_pages_sections_that_fail_show_empty_with_a_200(client, home_page, monkeypatch, caplog):
    """Its hero is read with its rails (`{% if hero_image %}`, which would have raised the failure
    as a 500): the page is served with the rails and the hero picture left out, and not stored."""
    factories.destination(slug="pasar-terapung", title="Pasar Terapung")

    def broken(**kwargs):
        raise TypeError("events_upcoming() got an unexpected keyword argument")

    monkeypatch.setattr("tourism.selectors.events_upcoming", broken)
    with caplog.at_level(logging.ERROR, logger="tourism.page_context"):
        failed = client.get("/id/")
    assert failed.status_code == 200 and "Pasar Terapung" not in failed.text
    assert len([record for record in caplog.records if record.name == "tourism.page_context"]) == 1
    assert client.get("/id/").get("X-Page-Cache") != "hit"

    monkeypatch.undo()
    assert "Pasar Terapung" in client.get("/id/").text
