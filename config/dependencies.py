"""What a rendered page showed, and what a change makes stale (issue 12).

Every stored page, fragment and remembered value carries the tags of what was read
while it was made ("product:12", "page:34", "products", "below:00010001") and the
time its request began. A change moves the version of its tags on (the time of the
change); an entry is served only while every tag's version is older than its
request's beginning. So a purchase makes stale the pages that showed the product
bought (its page, its shop's page, the listings that showed it), not the whole site;
and a publish the page, the pages that show it and the listings above it.

How tags are recorded, without config knowing any app:
- `track(model, tags_of)`: apps say in AppConfig.ready() which tags an instance of
  their model stands for; each instance read from the database during a request
  (Django's post_init signal) adds them to the request's record.
- `shown(*tags)`: code that lists things (a listing's query, whatever it returns)
  records what a new member would change ("products").
- `on_change(model, tags_of)`: which tags a write to an instance moves on; a model
  nobody registered moves the content generation of config/page_cache.py on, which
  makes everything stale as before.

Versions live in the page cache (Redis, or the shared file cache), so every process
sees a change at once. A tag's version missing (never set, or evicted) makes entries
that carry it stale; one is written when an entry is stored.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import caches
from django.db.models.signals import post_init

logger = logging.getLogger(__name__)

TAG_PREFIX = "page-cache:tag:"
# The time of the latest change of any tag: an entry begun after it needs no tag read.
LAST_CHANGE_KEY = "page-cache:last-change"


class Record:
    """One request's record: when it began and the tags of what it read. Belongs to one
    request (a context variable), never shared between threads."""

    __slots__ = ("after_response", "generation", "incomplete", "preview", "started", "tags", "until", "versions")

    def __init__(self, started: int | None = None):
        self.started = started if started is not None else time.time_ns()
        self.generation: int | None = None  # the content generation it read (config.page_cache)
        self.tags: set[str] = set()
        self.versions: dict[str, int | None] = {}  # versions read during this request
        self.after_response: list[Callable[[], None]] = []  # run once the page is rendered
        self.incomplete = False  # something it shows could not be read: store nothing of it
        self.until: int | None = None  # what it read is stale from this time on (stale_from), or never
        self.preview = False  # an editor's unsaved draft: nothing remembered is read or kept (previewing)


_current: ContextVar[Record | None] = ContextVar("gebrak_dependencies", default=None)


@contextmanager
def recording(*, started: int | None = None):
    """Record what the code inside reads (PageCacheMiddleware wraps each request in it). A record
    of part of a request begins with it (`started`: its record's), or the versions given to tags
    new for that part would be newer than the request and make its own page stale."""
    token = _current.set(Record(started))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def after_response(callback: Callable[[], None]) -> bool:
    """Run `callback` once this request's page has rendered well (False outside a request)."""
    record = _current.get()
    if record is None:
        return False
    record.after_response.append(callback)
    return True


def current() -> Record | None:
    return _current.get()


def incomplete() -> None:
    """Note that part of what is being rendered failed and shows empty: the page, and fragments
    stored after this, are not stored, so the next request reads it again (no-op outside a request)."""
    record = _current.get()
    if record is not None:
        record.incomplete = True


def previewing() -> None:
    """Note that this request renders an editor's unsaved draft (a Wagtail preview): what it reads
    is the draft's, never to be remembered for visitors, and what visitors' requests remembered is
    not the draft's (config.remembered.remember_read reads afresh). Nor is its page stored."""
    record = _current.get()
    if record is not None:
        record.preview = True
        record.incomplete = True


def storable() -> Record | None:
    """The current request's record, when what it rendered may be stored (None: store nothing)."""
    record = _current.get()
    return record if record is not None and not record.incomplete else None


def shown(*tags: str) -> None:
    """Note that what is being rendered shows these things (no-op outside a request)."""
    record = _current.get()
    if record is not None:
        record.tags.update(tags)


def stale_from(moment) -> None:
    """Note that what is being read is stale from `moment` (an aware datetime) on, whatever changes:
    a list of what is still to come loses a member when its time passes (no-op outside a request)."""
    record = _current.get()
    if record is not None:
        nanoseconds = int(moment.timestamp() * 1_000_000_000)
        record.until = nanoseconds if record.until is None else min(record.until, nanoseconds)


def snapshot() -> tuple[str, ...]:
    record = _current.get()
    return tuple(sorted(record.tags)) if record is not None else ()


# --- The registry apps fill in AppConfig.ready() (then only read) -----------------------

_changes: dict[type, Callable[[object], Iterable[str] | None]] = {}


def track(model: type, tags_of: Callable[[object], Iterable[str]]) -> None:
    """Each instance of `model` read during a request records `tags_of(instance)`."""

    def record(sender, instance, **kwargs):
        record = _current.get()
        if record is not None and instance.pk is not None:
            record.tags.update(tags_of(instance))

    post_init.connect(record, sender=model, weak=False, dispatch_uid=f"dependencies-track-{model._meta.label}")


def on_change(model: type, tags_of: Callable[[object], Iterable[str] | None]) -> None:
    """A write to an instance of `model` moves `tags_of(instance)` on (None: everything)."""
    _changes[model] = tags_of


def tags_changed_by(instance) -> tuple[str, ...] | None:
    """The tags a write to `instance` moves on; None when its model is not registered."""
    tags_of = _changes.get(type(instance))
    if tags_of is None:
        return None
    tags = tags_of(instance)
    return None if tags is None else tuple(tags)


# --- Versions ------------------------------------------------------------------------

def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def changed(*tags: str) -> None:
    """Make stale whatever showed these things (call it after the change's commit)."""
    if not tags:
        return
    now = time.time_ns()
    versions = {TAG_PREFIX + tag: now for tag in tags}
    versions[LAST_CHANGE_KEY] = now
    _cache().set_many(versions, timeout=None)


def fresh(tags: Iterable[str], started: int) -> bool:
    """Whether nothing an entry begun at `started` showed has changed since."""
    tags = tuple(tags)
    if not tags:
        return True
    record = _current.get()
    known = record.versions if record is not None else {}
    wanted = [key for key in (LAST_CHANGE_KEY,) if key not in known]
    if wanted:
        known.update({key: None for key in wanted} | _cache().get_many(wanted))
    last = known[LAST_CHANGE_KEY]
    if last is None:
        # Never recorded (a site nobody has edited yet) or evicted: now is a safe bound, since
        # every change so far happened before it, and entries begun after it read no tags.
        # `add`, so a change recorded meanwhile is never overwritten.
        _cache().add(LAST_CHANGE_KEY, time.time_ns(), timeout=None)
    elif last < started:
        return True
    wanted = [TAG_PREFIX + tag for tag in tags if TAG_PREFIX + tag not in known]
    if wanted:
        known.update({key: None for key in wanted} | _cache().get_many(wanted))
    for tag in tags:
        version = known[TAG_PREFIX + tag]
        if version is None or version >= started:
            return False
    return True


def prepare(tags: Iterable[str], started: int) -> None:
    """Before storing an entry: give tags that have no version one older than the entry,
    so it is served until they change (a missing version means stale)."""
    keys = [TAG_PREFIX + tag for tag in tags]
    if not keys:
        return
    found = _cache().get_many(keys)
    for key in keys:
        if key not in found:
            _cache().add(key, started - 1, timeout=None)
