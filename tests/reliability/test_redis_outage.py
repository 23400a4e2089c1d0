"""With REDIS_URL the caches are on Redis (config/redis_cache.py). A Redis that refuses connections,
or takes them and never answers, must cost visitors no more than the caches' savings: pages and
sign-in forms still answer, in about the half second the cache waits, and /healthz reports it. But
an invalidation Redis did not take is an error, never a silent success: a page made private must
not be served from a copy that was never purged."""

import os
import socket
import threading
import time

import pytest
from django.core.cache import caches
from redis.exceptions import RedisError

from tests.conftest import require_service
from tests.marketplace.factories import UserFactory

pytestmark = pytest.mark.django_db
# CI's Redis (scripts/ci/redis.sh); never REDIS_URL, which would switch the whole suite's caches to it.
REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "")
CACHE_ALIASES = ("default", "pages", "fragments")


def caches_on(settings, url: str) -> None:
    """The site's caches as production has them with REDIS_URL (config/settings/base.py)."""
    settings.REDIS_URL = url
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "config.redis_cache.SavingsRedisCache", "LOCATION": url},
        "pages": {"BACKEND": "config.redis_cache.ForgivingRedisCache", "LOCATION": url, "KEY_PREFIX": "pages"},
        "fragments": {"BACKEND": "config.fragment_cache.TaggedRedisCache", "LOCATION": url,
                      "KEY_PREFIX": "fragments"},
    }
    settings.FRAGMENT_CACHE_SECONDS = 300


@pytest.fixture
def redis_refusing(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    caches_on(settings, f"redis://127.0.0.1:{port}/0")  # nothing listens there now


@pytest.fixture
def redis_hung(settings):
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(64)  # the kernel completes connections; nobody ever reads or answers
        caches_on(settings, f"redis://127.0.0.1:{silent.getsockname()[1]}/0")
        yield


def test_with_redis_refusing_pages_and_sign_in_still_answer(client, home_page, redis_refusing, axes_on, caplog):
    """Before: every page answered 500 (Wagtail reads the site's root paths from the default cache)."""
    assert client.get("/id/").status_code == 200
    assert client.get("/id/destinasi/").status_code == 200
    artisan = UserFactory(email="aminah@contoh.id", username="aminah@contoh.id")
    wrong = client.post("/toko/masuk/", {"username": artisan.email, "password": "tebakan-salah"})
    assert wrong.status_code == 400  # the form's own answer; the address count starts over without Redis
    health = client.get("/healthz")
    assert health.status_code == 200  # every instance shares the Redis: taking them out takes the site
    assert health.json()["cache"] == {"backend": "redis", "status": "down"}
    assert "Redis unavailable" in caplog.text  # the operator hears of it


def test_with_redis_hung_a_page_waits_the_cache_s_timeout_not_the_server_s(client, home_page, redis_hung):
    """Before: the page waited as long as the socket would (gunicorn cuts it at 60 s with a bare 500).
    Now each cache gives up after half a second and the thread leaves Redis alone for a while."""
    started = time.monotonic()
    assert client.get("/id/").status_code == 200
    first = time.monotonic() - started
    started = time.monotonic()
    assert client.get("/id/destinasi/").status_code == 200
    second = time.monotonic() - started
    # Bounds far above what they measure (about 1.5 s, then no wait): a hang would take minutes.
    assert first < 10, f"the first page took {first:.1f} s with a Redis that never answers"
    assert second < 1, f"the next page waited on Redis again ({second:.1f} s)"


def test_each_thread_finds_out_for_itself(redis_refusing):
    """The pause after a failure is the thread's own (nothing mutable shared between threads): a thread
    that has not met the failure still tries Redis once."""
    cache = caches["default"]
    assert cache.get("anything", "fallback") == "fallback"
    assert time.monotonic() < cache.pause.until
    seen = {}

    def other():
        seen["paused"] = time.monotonic() < caches["default"].pause.until

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert seen == {"paused": False}


def test_an_invalidation_redis_refuses_is_an_error_and_a_throttle_keeps_throttling(redis_refusing):
    from config import dependencies
    from config.page_cache import page_cache_purge

    with pytest.raises(RedisError):
        page_cache_purge()
    with pytest.raises(RedisError):
        dependencies.changed("product:1")
    with pytest.raises(RedisError):
        caches["default"].delete("site-root-paths")  # Wagtail's invalidation of its sites
    # A throttle ("at most once a minute") answers "already asked": no call to Stripe per refresh.
    assert caches["default"].add("orders:reconcile:1", 1, 60) is False
    assert caches["default"].incr("share-count") == 1  # a count starts over: nobody locked out


def test_a_redis_that_answers_keeps_what_the_site_stores(settings):
    """The forgiving cache is still Redis: counts add up across processes, and a missing key's `incr`
    is Django's ValueError (callers rely on it), not an outage."""
    import redis

    def answers() -> bool:
        try:
            return bool(REDIS_TEST_URL) and bool(redis.Redis.from_url(REDIS_TEST_URL, socket_timeout=2).ping())
        except redis.RedisError:
            return False

    require_service(answers(), "Redis", "apt-get install -y redis-server; scripts/ci/redis.sh start; "
                    "export REDIS_TEST_URL=redis://127.0.0.1:16379/0")
    caches_on(settings, REDIS_TEST_URL)
    cache = caches["default"]
    cache.delete_many(["count", "never-set"])
    assert cache.add("count", 1, timeout=30) is True
    assert cache.add("count", 1, timeout=30) is False
    assert cache.incr("count") == 2
    with pytest.raises(ValueError):
        cache.incr("never-set")
    assert cache.pause.until == 0.0  # a missing key is no reason to leave Redis alone
    assert redis.Redis.from_url(REDIS_TEST_URL).exists(cache.make_and_validate_key("count"))

    # A thread that met a failure and leaves Redis alone a while still never skips a purge silently.
    from config.page_cache import GENERATION_KEY, page_cache_purge

    pages = caches["pages"]
    pages.set(GENERATION_KEY, 1, timeout=None)
    pages.pause.until = time.monotonic() + 60
    with pytest.raises(RedisError):
        page_cache_purge()
    pages.pause.until = 0.0
    assert pages.get(GENERATION_KEY) == 1  # not moved on, and the caller knows
    page_cache_purge()
    assert pages.get(GENERATION_KEY) == 2
