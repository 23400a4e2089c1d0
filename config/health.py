"""What /healthz reports besides the database: each app that talks to an outside service
registers a function that describes it, in its AppConfig.ready() (marketplace.payments:
Stripe; search: the search engine; config itself: the shared cache, Redis). config knows no
app; the apps know this list. They are reported, never a 503: the site serves without each of
them (the database engine searches, the caches forgive Redis: config/redis_cache.py).
"""

from collections.abc import Callable

from django.conf import settings

STATUS_SOURCES: dict[str, Callable[[], object]] = {}
# Seconds /healthz waits for Redis to connect and to answer PING: a Redis that hangs makes the
# health check say "down" after about a second, never hang with it.
REDIS_HEALTH_TIMEOUT = 1.0


def health_status_register(name: str, status: Callable[[], object]) -> None:
    """Report `status()` under `name` in /healthz's body."""
    STATUS_SOURCES[name] = status


def cache_status() -> dict:
    """The shared cache: Redis when REDIS_URL is set (pages, fragments, and Django's default cache:
    without it each page is rendered afresh and sign-in counts start over), asked PING on a connection of its own with a short timeout and
    no retry; else each machine's memory and disk, which cannot be down."""
    if not settings.REDIS_URL:
        return {"backend": "local", "status": "ok"}
    import redis

    from config.redis_cache import quick_client_options

    client = redis.Redis.from_url(settings.REDIS_URL, **quick_client_options(REDIS_HEALTH_TIMEOUT))
    try:
        client.ping()
        return {"backend": "redis", "status": "ok"}
    except (redis.RedisError, OSError):
        return {"backend": "redis", "status": "down"}
    finally:
        client.close()
