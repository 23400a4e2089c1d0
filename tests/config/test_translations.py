"""The default-language original of a translated page (config/translations.py): one remembered read
serves the English fallback routing, share counts, visitors' photos and the English listings."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale

from config import dependencies
from config.translations import default_original
from tests.reliability.test_page_cache import page_cache_on  # noqa: F401 - autouse: the page cache on
from tests.tourism import factories
from tourism.models import DestinationPage

pytestmark = pytest.mark.django_db


def _english(page):
    return DestinationPage.objects.get(translation_key=page.translation_key, locale__language_code="en")


# A page's id or path (or both) looked up by its translation key: the original's, as each caller
# asked for it (the listings its path, the share links its id).
ORIGINAL_LOOKUP = re.compile(r'^SELECT ("wagtailcore_page"\."(id|path)"( AS "\w+")?(, )?)+ FROM "wagtailcore_page" '
                             r'WHERE .*"translation_key" =')


def _original_queries(queries) -> list[str]:
    return [query["sql"] for query in queries if ORIGINAL_LOOKUP.match(query["sql"])]


def test_a_translation_names_its_original_and_the_original_names_none(home_page):
    place = factories.destination(slug="pasar-intan", title="Pasar Intan", english_title="Diamond Market")
    with dependencies.recording():
        assert default_original(_english(place)) == (place.pk, place.path)
        assert default_original(place) is None


def test_an_english_pages_first_render_asks_for_its_original_once(client, home_page):
    """The page's listings (config.wagtail_hooks) and its share links (tourism.sharing) both need
    the original: before, each asked on its own."""
    place = factories.destination(slug="pasar-intan", title="Pasar Intan", english_title="Diamond Market")
    english = _english(place)
    with CaptureQueriesContext(connection) as first:
        response = client.get(english.url)
    assert response.status_code == 200
    assert "Diamond Market" in response.content.decode()
    assert len(_original_queries(first.captured_queries)) == 1, _original_queries(first.captured_queries)

    with CaptureQueriesContext(connection) as again, dependencies.recording():
        assert default_original(english) == (place.pk, place.path)
    assert _original_queries(again.captured_queries) == []


def test_an_original_made_for_a_translation_is_found_at_once(home_page, django_capture_on_commit_callbacks):
    """A page first written in English has no original: one made later is the one its share counts
    and photos go to from then on, without waiting for the content generation to move."""
    place = factories.destination(slug="pasar-intan", title="Pasar Intan", english_title="Diamond Market")
    english = _english(place)
    with django_capture_on_commit_callbacks(execute=True):
        place.delete()
    english = DestinationPage.objects.get(pk=english.pk)
    with dependencies.recording():
        assert default_original(english) is None

    with django_capture_on_commit_callbacks(execute=True):
        made = english.copy_for_translation(Locale.get_default(), copy_parents=True)
        made.save_revision().publish()
    with dependencies.recording():
        assert default_original(DestinationPage.objects.get(pk=english.pk)) == (made.pk, made.path)
