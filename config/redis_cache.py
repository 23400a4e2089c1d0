"""Django's RedisCache for the caches on Redis (REDIS_URL), made to survive Redis.

With Django's RedisCache a Redis that refused connections made every page answer 500 (Wagtail
reads the site's root paths from the default cache on each page), and one that hung held every
page until gunicorn's timeout (redis-py waits without limit, then retries). Now:

- Redis has `TIMEOUT_SECONDS` to connect or answer, and no retry.
- **Reads** (`get`, `get_many`, `has_key`) Redis cannot serve answer as an empty cache would: the
  default, nothing. Every reader already treats "not there" as "work it out afresh": a page
  rendered again, a fragment not trusted without its versions (config/dependencies.py).
- **Writes that invalidate** are never answered falsely: the page cache's generation and the
  tags' versions (config/page_cache.py, config/dependencies.py, on the "pages" cache) and every
  `delete` raise as before, so a purge that did not happen is an error someone sees, never a
  page made private served from a stale copy.
- **Writes that only save work** are forgiven on the caches that hold nothing else
  (`SavingsRedisCache`: the default cache and the fragments): `set` stores nothing, `add` answers
  "already there" (a throttle keeps throttling: no Stripe call per refresh of an order's page),
  `incr` the step (a lock-out count starts over: signing in stays possible).
- After a failure the thread that met it leaves Redis alone for `PAUSE_SECONDS`, so a page does
  not wait the timeout for each of its cache reads: reads answer empty at once, writes that
  invalidate raise at once. Each thread its own pause (nothing mutable shared between threads).

/healthz reports Redis (config/health.py): the site serves without it, slower and without its
shared counts.
"""

from __future__ import annotations

import functools
import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.retry import Retry

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 0.5
PAUSE_SECONDS = 5.0


def quick_client_options(timeout: float) -> dict:
    """redis-py's options for a client that gives up quickly: `timeout` seconds to connect or to
    answer, no retry (redis-py waits without limit by default, then retries)."""
    return {"socket_connect_timeout": timeout, "socket_timeout": timeout, "retry": Retry(NoBackoff(), 0)}


class _Pause(threading.local):
    until = 0.0


def _guarded(method, answer_when_down=None):
    """`method` against Redis, with the thread's pause; on failure `answer_when_down(*args, **kwargs)`,
    or the error itself when there is no such answer (a write that invalidates)."""
    @functools.wraps(method)
    def guarded(self, *args, **kwargs):
        if time.monotonic() < self.pause.until:
            if answer_when_down is None:
                raise RedisConnectionError(f"Redis left alone for {PAUSE_SECONDS} s after a failure")
            return answer_when_down(*args, **kwargs)
        try:
            return method(self, *args, **kwargs)
        except (RedisError, OSError) as error:  # refused, reset, timed out (not a missing key's ValueError)
            self.pause.until = time.monotonic() + PAUSE_SECONDS
            logger.warning("cache %s: Redis unavailable (%s: %s); without it for %s s in this thread",
                           self.key_prefix or "default", method.__name__, error, PAUSE_SECONDS)
            if answer_when_down is None:
                raise
            return answer_when_down(*args, **kwargs)
    return guarded


class ForgivingRedisCache(RedisCache):
    """Reads forgiven, writes raising (see the module's docstring): the page cache's, whose writes are
    the site's invalidations."""

    def __init__(self, server, params):
        params = {**params, "OPTIONS": {**quick_client_options(TIMEOUT_SECONDS), **params.get("OPTIONS", {})}}
        super().__init__(server, params)
        self.pause = _Pause()

    get = _guarded(RedisCache.get, lambda key, default=None, version=None: default)
    get_many = _guarded(RedisCache.get_many, lambda keys, version=None: {})
    has_key = _guarded(RedisCache.has_key, lambda key, version=None: False)
    add = _guarded(RedisCache.add)
    set = _guarded(RedisCache.set)
    set_many = _guarded(RedisCache.set_many)
    touch = _guarded(RedisCache.touch)
    incr = _guarded(RedisCache.incr)
    delete = _guarded(RedisCache.delete)
    delete_many = _guarded(RedisCache.delete_many)
    clear = _guarded(RedisCache.clear)


class SavingsRedisCache(ForgivingRedisCache):
    """Writes forgiven too: for a cache that holds only savings, throttles and counts (the default
    cache, the fragments), never an invalidation. Deletes still raise."""

    add = _guarded(RedisCache.add, lambda *args, **kwargs: False)
    set = _guarded(RedisCache.set, lambda *args, **kwargs: None)
    set_many = _guarded(RedisCache.set_many, lambda data, timeout=DEFAULT_TIMEOUT, version=None: list(data))
    touch = _guarded(RedisCache.touch, lambda *args, **kwargs: False)
    incr = _guarded(RedisCache.incr, lambda key, delta=1, version=None: delta)
