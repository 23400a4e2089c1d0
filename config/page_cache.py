"""Whole-page cache for anonymous visitors of the public site.

Tourists on phones read the same pages over and over; rendering a destination
costs a dozen queries and a template, serving it from the cache costs one cache
read. What is cached, and for whom:

- only GET/HEAD of pages under a language prefix (/id/..., /en/...), keyed by
  scheme, host, path and query string (the path carries the language);
- only for visitors with no cookie that could change the page: any cookie but
  the CSRF and language cookies (a session: signed in, a cart, a message) means
  no cache at all, neither read nor written;
- only responses that are 200, set no cookie but the CSRF one, and are not
  marked private or no-store.

Pages with a form (a product's "add to cart") carry a CSRF token, which belongs
to one visitor. They are stored with the token replaced by a placeholder and
without the cookie; each visitor served from the cache gets a token of their own
(their CSRF cookie's secret, or a new one with its cookie), masked afresh, as
Django's CsrfViewMiddleware would have done. So no visitor ever sees another's.

Purging: every cached key contains a generation number, and any write to
content (a page published, unpublished, moved or deleted; a product, shop,
snippet or image saved) moves the generation on, so the next request renders
afresh. Coarse, but a page never shows stale content after a publish, however
many listings the change appears in. The generation lives in the same cache as
the pages, so several worker processes purge together (Redis, or the file cache
when there is no Redis). Time-dependent listings (upcoming events) are bounded
by PAGE_CACHE_SECONDS.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import time

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware import csrf
from django.utils.cache import cc_delim_re, patch_vary_headers

logger = logging.getLogger(__name__)

GENERATION_KEY = "page-cache:generation"
# As long as a masked CSRF token (64 characters), so the page's length never changes.
CSRF_PLACEHOLDER = b"PAGECACHECSRFTOKEN" + b"0" * (csrf.CSRF_TOKEN_LENGTH - 18)
MASKED_TOKEN = re.compile(f"[a-zA-Z0-9]{{{csrf.CSRF_TOKEN_LENGTH}}}".encode())
SECRET = re.compile(f"^[a-zA-Z0-9]{{{csrf.CSRF_SECRET_LENGTH}}}$")
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
    if not hasattr(request, "_content_generation"):
        try:
            request._content_generation = page_cache_generation()
        except Exception:  # noqa: BLE001 - a broken cache must not take pages down
            logger.exception("content generation unavailable")
            request._content_generation = None
    return request._content_generation


class GenerationMemo:
    """What one process remembers until the content generation moves on: a dict, emptied
    when a request reads a newer generation (generations only grow). For facts every page asks and content writes
    change (the Site of a host, where a path leads, whether any page is restricted)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._generation = None
        self._values: dict = {}

    def get(self, generation: int, key, default=None):
        with self._lock:
            if self._generation is None or generation > self._generation:
                self._generation, self._values = generation, {}
            elif generation < self._generation:
                # A request that read the generation before a purge: what is remembered is newer
                # than what it may see, and emptying it for this one would throw the newer away.
                return default
            return self._values.get(key, default)

    def set(self, generation: int, key, value) -> None:
        with self._lock:
            if generation == self._generation:  # a newer generation meanwhile: the value may be stale
                self._values[key] = value


def page_cache_purge(**_signal_kwargs) -> None:
    """Make every cached page stale (the next anonymous request renders afresh)."""
    cache = _cache()
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, time.time_ns(), timeout=None)


def purge_on_model_change(sender, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    if sender._meta.label_lower in IGNORED_MODELS:
        return
    page_cache_purge()


def _cacheable_request(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if not request.path.startswith(LANGUAGE_PREFIXES):
        return False
    if "utm_medium" in request.GET:
        return False  # an arrival through a shared link: tourism.sharing counts it inside
    harmless = {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}
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

    None when a token cannot be told apart for sure (then the page is not stored).
    """
    secret = request.META.get("CSRF_COOKIE")
    content = response.content
    if secret:
        def placeholder(match):
            token = match.group(0).decode("ascii")
            return CSRF_PLACEHOLDER if csrf._unmask_cipher_token(token) == secret else match.group(0)

        content = MASKED_TOKEN.sub(placeholder, content)
        if secret.encode() in content:
            return None  # the bare secret in the page: never share it
    elif response.cookies:
        return None
    stored = HttpResponse(content, status=response.status_code)
    for header, value in response.items():
        stored[header] = value
    return stored


def _with_own_csrf_token(request, response) -> None:
    """Give a visitor served a stored page with a form a token of their own (and its cookie)."""
    if CSRF_PLACEHOLDER not in response.content:
        return
    secret = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
    if not SECRET.match(secret):
        secret = csrf._get_new_csrf_string()
        response.set_cookie(settings.CSRF_COOKIE_NAME, secret, max_age=settings.CSRF_COOKIE_AGE,
                            domain=settings.CSRF_COOKIE_DOMAIN, path=settings.CSRF_COOKIE_PATH,
                            secure=settings.CSRF_COOKIE_SECURE, httponly=settings.CSRF_COOKIE_HTTPONLY,
                            samesite=settings.CSRF_COOKIE_SAMESITE)
        patch_vary_headers(response, ("Cookie",))
    token = csrf._mask_cipher_secret(secret).encode("ascii")
    response.content = response.content.replace(CSRF_PLACEHOLDER, token)


def _key(request, generation: int) -> str:
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(address.encode("utf-8", "surrogateescape")).hexdigest()
    return f"page-cache:{generation}:{digest}"


class PageCacheMiddleware:
    """Serve and store anonymous public pages (see the module's docstring).

    Sits right after SecurityMiddleware and WhiteNoise, before sessions: a hit
    costs no session or database access. Everything inside it (CSP, CSRF, the
    view) has run when a page is stored, so a stored page carries its headers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not page_cache_enabled() or not _cacheable_request(request):
            return self.get_response(request)
        generation = content_generation(request)
        if generation is None:
            return self.get_response(request)
        try:
            key = _key(request, generation)
            stored = _cache().get(key)
        except Exception:  # noqa: BLE001 - a broken cache must not take pages down
            logger.exception("page cache unavailable")
            return self.get_response(request)
        if stored is not None:
            response = stored
            response["X-Page-Cache"] = "hit"
            _with_own_csrf_token(request, response)
            if request.method == "HEAD":
                response.content = b""
            return response
        response = self.get_response(request)
        if request.method == "GET" and _cacheable_response(response):
            to_store = _without_csrf_token(request, response)
            if to_store is not None:
                try:
                    # Stored under the generation read before rendering: a publish meanwhile makes it stale.
                    _cache().set(key, to_store, timeout=settings.PAGE_CACHE_SECONDS)
                except Exception:  # noqa: BLE001
                    logger.exception("page cache could not store %s", request.path)
                response["X-Page-Cache"] = "miss"
        return response
