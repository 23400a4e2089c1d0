"""What /healthz reports besides the database: each app that talks to an outside service
registers a function that describes it, in its AppConfig.ready() (marketplace.payments:
Stripe; search: the search engine; config itself: the shared cache, Redis). config knows no
app; the apps know this list.

A source registered `required=True` whose status says "down" makes /healthz 503, as the
database does: the site cannot serve its pages without it. The others are only reported.
"""

from collections.abc import Callable

from django.conf import settings

STATUS_SOURCES: dict[str, Callable[[], object]] = {}
REQUIRED_SOURCES: set[str] = set()
# Seconds /healthz waits for Redis to connect and to answer PING: a Redis that hangs makes the
# health check say "down" after about a second, never hang with it.
REDIS_HEALTH_TIMEOUT = 1.0


def health_status_register(name: str, status: Callable[[], object], *, required: bool = False) -> None:
    """Report `status()` under `name` in /healthz's body; if `required`, its "down" makes /healthz 503."""
    STATUS_SOURCES[name] = status
    if required:
        REQUIRED_SOURCES.add(name)
    else:
        REQUIRED_SOURCES.discard(name)


def is_down(status: object) -> bool:
    return isinstance(status, dict) and status.get("status") == "down"


def cache_status() -> dict:
    """The shared cache: Redis when REDIS_URL is set (pages, fragments, and Django's default cache,
    which Wagtail reads on every page), asked PING on a connection of its own with a short timeout and
    no retry; else each machine's memory and disk, which cannot be down."""
    if not settings.REDIS_URL:
        return {"backend": "local", "status": "ok"}
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=REDIS_HEALTH_TIMEOUT,
                                  socket_timeout=REDIS_HEALTH_TIMEOUT, retry=Retry(NoBackoff(), 0))
    try:
        client.ping()
        return {"backend": "redis", "status": "ok"}
    except (redis.RedisError, OSError):
        return {"backend": "redis", "status": "down"}
    finally:
        client.close()
