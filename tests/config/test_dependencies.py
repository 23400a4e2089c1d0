"""The versions behind invalidation by what changed (config/dependencies.py): what a site never
edited reads, and that a change still makes stale what showed it."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import caches

from config import dependencies


def counting_reads(monkeypatch, cache) -> list[str]:
    """The keys the page cache's `get_many` is asked from now on: which versions a check read."""
    keys: list[str] = []
    original = cache.get_many

    def read(wanted, *args, **kwargs):
        keys.extend(wanted)
        return original(wanted, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", read)
    return keys


def test_a_site_never_edited_reads_each_tag_version_once_then_no_more(monkeypatch):
    cache = caches[settings.PAGE_CACHE_ALIAS]
    cache.clear()  # no change ever recorded
    stored = time.time_ns()
    dependencies.prepare(["product:1", "products"], stored)
    first = counting_reads(monkeypatch, cache)
    assert dependencies.fresh(["product:1", "products"], stored)
    assert dependencies.TAG_PREFIX + "product:1" in first

    later = time.time_ns()
    monkeypatch.undo()
    second = counting_reads(monkeypatch, cache)
    assert dependencies.fresh(["product:1", "products"], later)
    assert second == [dependencies.LAST_CHANGE_KEY], "a later entry read its tags though nothing changed"


def test_a_change_after_the_bound_was_written_still_makes_what_showed_it_stale():
    cache = caches[settings.PAGE_CACHE_ALIAS]
    cache.clear()
    stored = time.time_ns()
    dependencies.prepare(["product:1", "page:7"], stored)
    assert dependencies.fresh(["product:1", "page:7"], stored)  # writes the bound

    dependencies.changed("product:1")

    assert not dependencies.fresh(["product:1", "page:7"], stored)
    assert dependencies.fresh(["page:7"], stored)
    assert dependencies.fresh(["product:1"], time.time_ns())
