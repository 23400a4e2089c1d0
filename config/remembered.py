"""Reads every page asks again and again, remembered per content generation (config.page_cache).

Two kinds, each with its own rule for the page cache's tags (config/dependencies.py):

- a **site-wide fact** (the default locale, the locales' codes, whether any page is restricted):
  kept without any tag. `GenerationMemo.set` would keep the tags the current request has recorded
  so far, and every page that later read the fact would carry them (a product page the tags of the
  destination whose request first asked, so a publish of that destination purged it). A locale or
  a restriction written moves the content generation on (neither is a registered model), which
  empties the memo.
- a **read** (the running campaign, the courier rate table): kept with only the tags the read
  itself recorded, until a row it read or a thing it said it shows changes; a read that recorded
  none is asked again, never kept.

Each caller gets a copy of its own (GenerationMemo), never a value another thread reads. When the
cache that holds the generation cannot be read, nothing is remembered: the database is asked.
"""

from __future__ import annotations

import contextvars

from django.utils import translation

from config import dependencies
from config.page_cache import GenerationMemo, current_generation

_remembered = GenerationMemo()
_NOT_REMEMBERED = object()


def generation_or_none() -> int | None:
    """The request's content generation (current_generation), or None when the cache cannot say."""
    try:
        return current_generation()
    except Exception:  # noqa: BLE001 - without the cache, ask the database
        return None


def _remembered_or_not(key) -> tuple[int | None, object]:
    """(the generation, what it remembers under `key` or _NOT_REMEMBERED); a None generation
    remembers nothing."""
    generation = generation_or_none()
    if generation is None:
        return None, _NOT_REMEMBERED
    return generation, _remembered.get(generation, key, _NOT_REMEMBERED)


def remember_fact(key, read):
    """`read()` once per content generation, remembered without tags (see the module's docstring)."""
    generation, found = _remembered_or_not(key)
    if found is not _NOT_REMEMBERED:
        return found
    value = read()
    if generation is not None:
        contextvars.Context().run(_remembered.set, generation, key, value)  # a context with no request
    return value


def remember_read(key, read):
    """`read()` once per content generation, until a row it read or a thing it said it shows
    (`dependencies.shown`) changes. The entry keeps only the tags `read` recorded, never those its
    first request had recorded before; the request shows them as a later one does when it finds
    the entry. Outside a request (a task, a command) there is nothing to spare: `read()`.

    A read that called `dependencies.incomplete()` (a picture's renditions still to be made) is
    not remembered either: the next request reads it again. A read that recorded no tag is not
    remembered: nothing would tell the entry stale, and it would stay for the whole generation.
    That is how "there is none" answers (no row read) outlived the row an editor then made: a
    read whose answer may be empty says what it shows
    (`dependencies.shown`), and what a change of generation alone makes stale is a fact
    (`remember_fact`)."""
    request_record = dependencies.current()
    if request_record is None or request_record.preview:
        return read()  # outside a request, or a preview of an editor's draft (dependencies.previewing)
    generation, found = _remembered_or_not(key)
    if found is not _NOT_REMEMBERED:
        return found
    if generation is None:
        return read()

    language = translation.get_language()

    def read_and_remember():
        # A context of its own holds no active language: the request's, for a read that words or
        # localizes what it returns (its key names the language then).
        with dependencies.recording(started=request_record.started) as record, translation.override(language):
            value = read()
            if record.tags and not record.incomplete:
                _remembered.set(generation, key, value)
        return value, tuple(record.tags)

    value, tags = contextvars.Context().run(read_and_remember)
    dependencies.shown(*tags)
    return value
