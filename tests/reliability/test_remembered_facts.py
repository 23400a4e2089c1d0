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


def test_a_read_that_recorded_no_tag_is_asked_again_and_one_that_did_until_its_tag_changes():
    """Nothing would tell an untagged entry stale (an empty answer reads no row): it is not kept.
    A read that says what it shows is kept, and read again once that changes."""
    reads = []

    def untagged():
        reads.append("untagged")
        return ()

    def tagged():
        reads.append("tagged")
        dependencies.shown("rate-table-of-a-test")
        return ()

    for _ in range(2):
        with dependencies.recording():
            assert remember_read(("untagged-read",), untagged) == ()
            assert remember_read(("tagged-read",), tagged) == ()
    assert reads == ["untagged", "tagged", "untagged"]

    dependencies.changed("rate-table-of-a-test")
    with dependencies.recording() as record:
        remember_read(("tagged-read",), tagged)
    assert reads[-1] == "tagged" and "rate-table-of-a-test" in record.tags
