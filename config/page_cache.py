"""Whole-page cache for anonymous visitors of the public site.

Tourists on phones read the same pages over and over; rendering a destination
costs a dozen queries and a template, serving it from the cache costs one cache
read. What is cached, and for whom:

- only GET/HEAD of pages under a language prefix (/id/..., /en/...), keyed by
  scheme, host, path and query string (the path carries the language);
- only for visitors with no cookie that could change the page: any cookie but
  the CSRF and language cookies and those no page reads (PAGE_CACHE_IGNORED_COOKIES:
  the note of a share arrival, which only a middleware outside this one reads) means
  no cache at all, neither read nor written (a session: signed in, a cart, a message);
- only responses that are 200, set no cookie but the CSRF one, and are not
  marked private or no-store.

Pages with a form (a product's "add to cart") carry a CSRF token, which belongs
to one visitor. Templates take it from `csrf_token` in their context, which
`csrf_token_noted` (a context processor after Django's) hands them and notes on the
request; the page is stored with those tokens replaced by a placeholder and without
the cookie; each visitor served from the cache gets a token of their own
(`django.middleware.csrf.get_token`, their CSRF cookie's secret or a new one with
its cookie, through Django's `requires_csrf_token`). So no visitor ever sees another's,
and no private part of Django is used.

Purging is by what changed (config/dependencies.py): a stored page carries the tags of
what it showed (the products, the pages, the listings) and the time its request began;
it is served only while none of them changed since. A purchase makes stale the pages
that showed the product bought; a publish, the page, the pages that show it and the
listings above it. A write to a model no app registered moves the generation number in
every key on (everything stale, as before). Both after the change's commit, never inside its
transaction (purge_tags). Tag versions and the generation live in the
same cache as the pages, so several worker processes purge together (Redis, or the file
cache when there is no Redis). Time-dependent listings (upcoming events) are bounded by
PAGE_CACHE_SECONDS.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import threading
import time

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import CSRF_TOKEN_LENGTH, get_token
from django.utils.cache import cc_delim_re
from django.utils.functional import SimpleLazyObject
from django.views.decorators.csrf import requires_csrf_token
from wagtail.models import COMMENTS_RELATION_NAME, Page

from config import dependencies

logger = logging.getLogger(__name__)

GENERATION_KEY = "page-cache:generation"
# In every page's key: moved when what a stored page must carry changes (2: the header naming what its
# visits count for, tourism.sharing), so pages stored by the release before are not served by this one.
KEY_FORMAT = 2
# As long as a masked CSRF token (64 characters), so the page's length never changes.
CSRF_PLACEHOLDER = b"PAGECACHECSRFTOKEN" + b"0" * (CSRF_TOKEN_LENGTH - 18)
LANGUAGE_PREFIXES = ("/id/", "/en/")
# Writes to these models never change what a public page shows (counters, queues,
# logs, renditions made on the way), so they do not purge.
IGNORED_MODELS = {
    "sessions.session",
    "admin.logentry",
    "axes.accessattempt",
    "axes.accessfailurelog",
    "axes.accesslog",
    "contenttypes.contenttype",
    "payments.stripeevent",
    # No public page shows an order, a refund or a payout; what buying changes there (stock)
    # purges from marketplace/orders/stock.py, after its commit.
    "orders.order",
    "orders.suborder",
    "orders.orderline",
    "orders.refund",
    "orders.refundpart",
    "orders.payoutaccount",
    "orders.settlement",
    "orders.payoutline",
    "orders.savedcart",
    "search.searchstate",  # the search index's own bookkeeping (written on a stock move)
    "tourism.sharetally",
    "wagtailcore.modellogentry",
    "wagtailcore.pagelogentry",
    "wagtailcore.revision",
    "wagtailcore.taskstate",
    "wagtailcore.workflowstate",
    "wagtailcore.comment",
    "wagtailcore.pagesubscription",
    "wagtailcore.referenceindex",
    "wagtailimages.rendition",
    "wagtailsearch.indexentry",
    "wagtailsearch.querydailyhits",
    "wagtailsearch.query",
    "modelsearch.indexentry",
    "wagtailadmin.editingsession",
    "wagtailusers.userprofile",
    "auth.user",
}


# What Wagtail writes on a page's row when an editor saves a draft (Page.save_revision) or
# locks it for editing: the live page visitors see is unchanged, so nothing is purged.
PAGE_EDITING_FIELDS = frozenset({
    COMMENTS_RELATION_NAME, "latest_revision", "latest_revision_created_at", "draft_title",
    "has_unpublished_changes", "locked", "locked_at", "locked_by",
})

# Whole apps no public page shows: orders, refunds, payouts and saved carts (what buying
# changes there, stock, is told from marketplace/orders/stock.py after its commit), Stripe's
# events and payments, the task queue's rows.
IGNORED_APPS = {"orders", "payments", "django_tasks_database"}


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def page_cache_enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0 and not settings.DEBUG


def page_cache_generation() -> int:
    cache = _cache()
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # A fresh number, never a reset to 1: an evicted counter must not bring old keys back.
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def content_generation(request) -> int | None:
    """The generation for everything one request renders, read once, before rendering: a
    publish meanwhile makes what it stores stale, never what it reads. None when the cache
    cannot be read: then nothing is stored, remembered or served from memory."""
    if not hasattr(request, "content_generation"):
        try:
            request.content_generation = page_cache_generation()
        except Exception:  # noqa: BLE001 - a broken cache must not take pages down
            logger.exception("content generation unavailable")
            request.content_generation = None
        record = dependencies.current()
        if record is not None:
            record.generation = request.content_generation
    return request.content_generation


def current_generation() -> int:
    """The generation the request being served read (content_generation), else the cache's now.
    For code without the request at hand (tourism.routing's site-wide facts, which one page asks
    a dozen times): one read of the cache per request, not one per question."""
    record = dependencies.current()
    if record is not None and record.generation is not None:
        return record.generation
    return page_cache_generation()


class GenerationMemo:
    """What one process remembers for the pages: facts every page asks and content writes
    change (the Site of a host, where a path leads, whether any page is restricted, a
    product page's product). Emptied when a request reads a newer generation (generations
    only grow); an entry is also dropped when something it was made from changed
    (config/dependencies.py: it keeps the tags its request had recorded when it was set).

    Nothing mutable is shared between the threads that read it: a value is kept pickled
    (bytes) and each `get` returns a copy of its own, which its request may change (a
    prefetch, a cached property) without another request seeing it.

    At most `MAX_ENTRIES` are kept (the oldest quarter forgotten when full): entries per page
    (routes, products, a destination's sections) would otherwise grow with the site between
    two publishes. And none is served longer than `MAX_AGE_SECONDS`, the page cache's own bound: a
    change that reached no tag (a queryset update that forgot to say so, a purge lost in a cache
    outage) shows within minutes, as it did when only the page and fragment caches kept pages.
    """

    MAX_ENTRIES = 4000
    MAX_AGE_SECONDS = 300

    def __init__(self):
        self._lock = threading.Lock()
        self._generation = None
        self._values: dict = {}  # key -> (pickled value, started, tags, until): immutable

    def get(self, generation: int, key, default=None):
        with self._lock:
            if self._generation is None or generation > self._generation:
                self._generation, self._values = generation, {}
            elif generation < self._generation:
                # A request that read the generation before a purge: what is remembered is newer
                # than what it may see, and emptying it for this one would throw the newer away.
                return default
            entry = self._values.get(key)
        if entry is None:
            return default
        frozen, started, tags, until = entry
        now = time.time_ns()
        if (until is not None and now >= until) or now - started > self.MAX_AGE_SECONDS * 1_000_000_000:
            return default  # dependencies.stale_from, or kept long enough
        try:
            if not dependencies.fresh(tags, started):
                return default
        except Exception:  # noqa: BLE001 - without the versions, nothing remembered is trusted
            logger.exception("remembered value not checked")
            return default
        dependencies.shown(*tags)  # what a request renders from it shows what it was made from
        return pickle.loads(frozen)

    def set(self, generation: int, key, value, *, after_response: bool = False) -> None:
        """Remember `value`; with `after_response`, as it is once the request's page has rendered
        (with what rendering cached on it: related rows, prefetches), when the page rendered well."""
        if after_response and dependencies.after_response(lambda: self.set(generation, key, value)):
            return
        record = dependencies.current()
        started = record.started if record is not None else time.time_ns()
        until = record.until if record is not None else None
        tags = dependencies.snapshot()
        try:
            dependencies.prepare(tags, started)
            entry = (pickle.dumps(value, pickle.HIGHEST_PROTOCOL), started, tags, until)
        except Exception:  # noqa: BLE001 - not remembered: found afresh next time
            logger.exception("remembered value not kept")
            return
        with self._lock:
            if generation == self._generation:  # a newer generation meanwhile: the value may be stale
                if key not in self._values and len(self._values) >= self.MAX_ENTRIES:
                    for oldest in list(self._values)[: self.MAX_ENTRIES // 4]:
                        del self._values[oldest]
                self._values[key] = entry


def page_cache_purge(**_signal_kwargs) -> None:
    """Make every cached page stale (the next anonymous request renders afresh)."""
    cache = _cache()
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, time.time_ns(), timeout=None)


def page_cache_purge_after_commit(**_signal_kwargs) -> None:
    """page_cache_purge once the change is committed (see purge_tags): a request between the purge
    and the commit would store the old rows under the new generation."""
    transaction.on_commit(page_cache_purge)


def page_cache_purge_when_addresses_below_move(*, instance, **_signal_kwargs) -> None:
    """Wagtail's page_slug_changed (sent after the commit): a page with pages below it renamed moves all
    their addresses in one update of their paths, with no signal per page, and every page that links to
    one of them (a listing's cards, a translation's language switch) would keep the old address: purged
    as a move is. A page without children is purged through its own tags (page_changes)."""
    if not instance.is_leaf():
        page_cache_purge_after_commit()


def page_shown_as(page) -> tuple[str, ...]:
    """What reading a Wagtail page records: the page itself."""
    return (f"page:{page.pk}",)


def page_listed_below(page) -> str:
    """What a page served records (config/wagtail_hooks.py): it may list any page below it
    (an index its children, the home page the featured destinations)."""
    return path_listed_below(page.path)


def path_listed_below(path: str) -> str:
    """What listing the pages below the page at tree path `path` records."""
    return f"below:{path}"


def page_translations_listed(page) -> str:
    """What listing a page's translations records (the hreflang alternates): a translation made,
    published, unpublished or deleted changes the list, though no reader read that row before."""
    return f"translations:{page.translation_key}"


def page_changes(page) -> tuple[str, ...]:
    """What a change of a page makes stale: what read it, what listed its translations, and the
    pages above it (their listings may gain, lose or show it). Ancestors' tree paths come from
    its own path."""
    step = page.steplen
    above = (path_listed_below(page.path[:end]) for end in range(step, len(page.path or ""), step))
    return (f"page:{page.pk}", page_translations_listed(page), *above)


def page_row_changes(attname: str):
    """What a change of a page's inline row (its ParentalKey `attname`) makes stale: what read the page."""

    def tags_of(row) -> tuple[str, ...]:
        return (f"page:{getattr(row, attname)}",)

    return tags_of


def purge_tags(tags) -> None:
    """Make stale what showed these things once the change is committed (at once outside a
    transaction). A request that read the old rows before the commit began before it, so what it
    stores is stale at once; and no cache write (with Redis, a network call) holds the database's
    locks."""
    transaction.on_commit(lambda: dependencies.changed(*tags))


def purge_on_model_change(sender, instance=None, **kwargs) -> None:
    """post_save, post_delete, and Wagtail's page_published and page_unpublished."""
    if kwargs.get("raw"):
        return
    if sender._meta.label_lower in IGNORED_MODELS or sender._meta.app_label in IGNORED_APPS:
        return
    update_fields = kwargs.get("update_fields")
    if update_fields and isinstance(instance, Page) and set(update_fields) <= PAGE_EDITING_FIELDS:
        return  # a draft saved or the page locked: visitors see the live page, unchanged
    tags = dependencies.tags_changed_by(instance) if instance is not None else None
    if tags is None:
        page_cache_purge_after_commit()
    else:
        purge_tags(tags)


def csrf_token_noted(request) -> dict:
    """Context processor (settings.TEMPLATES, after Django's own csrf one): the same lazy
    `csrf_token` as Django's, noted on the request so the page cache can tell it apart."""

    def token():
        value = str(get_token(request))
        noted = request.__dict__.setdefault("csrf_tokens_shown", set())
        noted.add(value.encode("ascii"))
        return value

    return {"csrf_token": SimpleLazyObject(token)}


def _cacheable_request(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if not request.path.startswith(LANGUAGE_PREFIXES):
        return False
    harmless = {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME, *settings.PAGE_CACHE_IGNORED_COOKIES}
    return not (set(request.COOKIES) - harmless)


def _cacheable_response(response) -> bool:
    if response.status_code != 200 or response.streaming:
        return False
    if set(response.cookies) - {settings.CSRF_COOKIE_NAME}:
        return False
    directives = {part.strip().split("=")[0].lower() for part in cc_delim_re.split(response.get("Cache-Control", ""))}
    return not directives & {"private", "no-store", "no-cache"}


def _without_csrf_token(request, response):
    """The response as stored: this visitor's CSRF tokens replaced by the placeholder, no cookie.

    None when the page may hold this visitor's CSRF secret some other way (then it is not stored).
    """
    content = response.content
    for token in getattr(request, "csrf_tokens_shown", ()):
        content = content.replace(token, CSRF_PLACEHOLDER)
    secrets = {request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")}
    if settings.CSRF_COOKIE_NAME in response.cookies:
        secrets.add(response.cookies[settings.CSRF_COOKIE_NAME].value)
    if any(secret and secret.encode() in content for secret in secrets):
        return None  # the bare secret in the page: never share it
    if response.cookies and not getattr(request, "csrf_tokens_shown", None):
        return None  # a CSRF cookie from something that is not the template's token
    stored = HttpResponse(content, status=response.status_code)
    for header, value in response.items():
        stored[header] = value
    return stored


@requires_csrf_token
def _with_own_csrf_token(request, response):
    """A stored page with a form, with a CSRF token of the visitor's own: Django's
    requires_csrf_token reads their CSRF cookie first and sets a new one when they have none
    (or a malformed one), as CsrfViewMiddleware would have for a page rendered afresh."""
    response.content = response.content.replace(CSRF_PLACEHOLDER, get_token(request).encode("ascii"))
    return response


def _serve_stored(request, response):
    if CSRF_PLACEHOLDER not in response.content:
        return response
    had = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    response = _with_own_csrf_token(request, response)
    cookie = response.cookies.get(settings.CSRF_COOKIE_NAME)
    if cookie is not None and had and cookie.value == had:
        del response.cookies[settings.CSRF_COOKIE_NAME]  # their own cookie, unchanged: not sent again
    return response


def _key(request, generation: int) -> str:
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(address.encode("utf-8", "surrogateescape")).hexdigest()
    return f"page-cache:{KEY_FORMAT}:{generation}:{digest}"


class PageCacheMiddleware:
    """Serve and store anonymous public pages (see the module's docstring).

    Sits right after SecurityMiddleware and WhiteNoise, before sessions: a hit
    costs no session or database access. Everything inside it (CSP, CSRF, the
    view) has run when a page is stored, so a stored page carries its headers.
    Every request is recorded (config/dependencies.py) from here on, for the
    fragments and remembered values of visitors the page cache does not serve.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with dependencies.recording() as record:
            response = self._respond(request, record)
            if response.status_code == 200 and not record.incomplete:
                for remember in record.after_response:
                    remember()
            return response

    def _respond(self, request, record):
        if not page_cache_enabled() or not _cacheable_request(request):
            return self.get_response(request)
        generation = content_generation(request)
        if generation is None:
            return self.get_response(request)
        try:
            key = _key(request, generation)
            stored = _cache().get(key)
            if stored is not None and not dependencies.fresh(stored["tags"], stored["started"]):
                stored = None
        except Exception:  # noqa: BLE001 - a broken cache must not take pages down
            logger.exception("page cache unavailable")
            return self.get_response(request)
        if stored is not None:
            response = _serve_stored(request, stored["response"])
            response["X-Page-Cache"] = "hit"
            if request.method == "HEAD":
                response.content = b""
            return response
        response = self.get_response(request)
        if request.method == "GET" and _cacheable_response(response):
            # A part that failed to read rendered empty (dependencies.incomplete): served, not stored.
            to_store = _without_csrf_token(request, response) if not record.incomplete else None
            if to_store is not None:
                tags = tuple(sorted(record.tags))
                try:
                    # Stored under the generation read and the time taken before rendering: a
                    # publish or purchase meanwhile makes it stale.
                    dependencies.prepare(tags, record.started)
                    _cache().set(key, {"response": to_store, "started": record.started, "tags": tags},
                                 timeout=settings.PAGE_CACHE_SECONDS)
                except Exception:  # noqa: BLE001
                    logger.exception("page cache could not store %s", request.path)
                response["X-Page-Cache"] = "miss"
        return response
