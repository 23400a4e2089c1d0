"""Django's RedisCache for every cache on Redis (REDIS_URL), made to forgive Redis.

The caches only save work: a page rendered afresh, a fragment drawn again, a sign-in count
started over. Yet with Django's RedisCache a Redis that refuses connections made every page
answer 500 (Wagtail reads the site's root paths from the default cache on each page), and one
that hangs held every page until gunicorn's timeout (redis-py waits without limit and then
retries). So `ForgivingRedisCache`:

- gives up on Redis after `TIMEOUT_SECONDS` to connect or answer, without retrying;
- answers an operation Redis could not serve as a cache that holds nothing would: `get` its
  default, `add` and `set` "stored" (a rate limit or lock-out counts from nothing, so it lets the
  visitor through rather than lock everyone out), `incr` the step, `delete` nothing; and logs it;
- after a failure, leaves Redis alone for `PAUSE_SECONDS` in the thread that met it (each thread
  its own pause: nothing mutable shared between threads), so a page does not wait a timeout for
  each of its dozen cache reads.

/healthz still reports Redis (config/health.py): the site serves without it, slower and without
its shared counts.
"""

from __future__ import annotations

import functools
import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 0.5
PAUSE_SECONDS = 5.0


class _Pause(threading.local):
    until = 0.0


def _forgiving(answer_when_down):
    """The operation, or `answer_when_down(*args, **kwargs)` when Redis cannot serve it."""
    def decorate(method):
        @functools.wraps(method)
        def forgiving(self, *args, **kwargs):
            if time.monotonic() < self.pause.until:
                return answer_when_down(*args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            except (RedisError, OSError):  # refused, reset, timed out (not a missing key's ValueError)
                self.pause.until = time.monotonic() + PAUSE_SECONDS
                logger.exception("cache %s: Redis unavailable, %s answered without it for %s s",
                                 self.key_prefix or "default", method.__name__, PAUSE_SECONDS)
                return answer_when_down(*args, **kwargs)
        return forgiving
    return decorate


def _default(key, default=None, version=None):
    return default


def _stored(*args, **kwargs):
    return True


def _nothing(*args, **kwargs):
    return None


def _incremented(key, delta=1, version=None):
    return delta


class ForgivingRedisCache(RedisCache):
    def __init__(self, server, params):
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        params = {**params, "OPTIONS": {
            "socket_connect_timeout": TIMEOUT_SECONDS, "socket_timeout": TIMEOUT_SECONDS,
            "retry": Retry(NoBackoff(), 0), **params.get("OPTIONS", {})}}
        super().__init__(server, params)
        self.pause = _Pause()

    get = _forgiving(_default)(RedisCache.get)
    add = _forgiving(_stored)(RedisCache.add)
    set = _forgiving(_nothing)(RedisCache.set)
    touch = _forgiving(lambda *args, **kwargs: False)(RedisCache.touch)
    delete = _forgiving(lambda *args, **kwargs: False)(RedisCache.delete)
    get_many = _forgiving(lambda keys, version=None: {})(RedisCache.get_many)
    has_key = _forgiving(lambda *args, **kwargs: False)(RedisCache.has_key)
    incr = _forgiving(_incremented)(RedisCache.incr)
    set_many = _forgiving(lambda data, timeout=DEFAULT_TIMEOUT, version=None: [])(RedisCache.set_many)
    delete_many = _forgiving(_nothing)(RedisCache.delete_many)
    clear = _forgiving(lambda: False)(RedisCache.clear)
