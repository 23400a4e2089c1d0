"""Site-wide facts remembered per content generation (config/remembered.py; tourism/routing.py's
default locale, locales' codes, whether any page is restricted) carry no page's tags: a page that reads them is
purged by what it shows, not by what the request that first asked them showed (issue 12)."""

from __future__ import annotations

import pytest

from config import dependencies
from config.remembered import remember_fact, remember_read
from tests.reliability.test_page_cache import page_cache_on  # noqa: F401 - autouse: the page cache on
from tests.tourism import factories

pytestmark = pytest.mark.django_db


def test_facts_first_asked_by_a_destinations_request_carry_none_of_its_tags(client, home_page):
    place = factories.destination(slug="pasar-terapung", title="Pasar Terapung")
    assert client.get(place.url).status_code == 200  # the first request of the generation asks them
    for key in ("default-locale", "locale-codes", "any-view-restriction"):
        def not_remembered(key=key):
            pytest.fail(f"{key} was not remembered by the first request")

        with dependencies.recording() as record:
            assert remember_fact(key, not_remembered) is not None, key
        assert record.tags == set(), f"{key} brought {sorted(record.tags)} to every page reading it"


def test_a_remembered_read_reads_in_the_requests_language():
    """A read remembered for the page (config.remembered.remember_read) runs in a context of its own:
    it still reads in the reader's language (an English page's campaign banner is the English one)."""
    from django.utils import translation

    with translation.override("en"), dependencies.recording():
        assert remember_read(("language-read", "en"), translation.get_language) == "en"
