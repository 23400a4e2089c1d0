"""/healthz as the contract (shared/contracts/http-api.md) promises it."""

import os
import socket
import time
from unittest import mock

import pytest
from django.db import DatabaseError

from tests.conftest import require_service

pytestmark = pytest.mark.django_db
# CI's Redis (scripts/ci/redis.sh); never REDIS_URL, which would switch the suite's own caches to it.
REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "")


def test_healthy_site(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["search"]["engine"] in {"database", "elasticsearch"}
    assert body["search"]["status"] in {"ok", "down"}
    assert body["payments"]["mode"] in {"emulator", "test", "live"}
    assert body["cache"] == {"backend": "local", "status": "ok"}  # no REDIS_URL: memory and disk
    assert response["Cache-Control"].startswith("max-age=0")


def test_unreachable_database_is_503(client):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=DatabaseError("gone")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"


def test_only_get(client):
    assert client.post("/healthz").status_code == 405


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(url) and bool(redis.Redis.from_url(url, socket_timeout=2).ping())
    except redis.RedisError:
        return False


def test_a_redis_that_answers_is_reported(client, settings):
    require_service(redis_answers(REDIS_TEST_URL), "Redis", "apt-get install -y redis-server; "
                    "scripts/ci/redis.sh start; export REDIS_TEST_URL=redis://127.0.0.1:16379/0")
    settings.REDIS_URL = REDIS_TEST_URL
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["cache"] == {"backend": "redis", "status": "ok"}


def test_a_redis_where_nothing_listens_is_reported_and_the_site_stays_in(client, settings):
    """Redis down is reported; the site serves without its caches (tests/reliability/test_redis_outage.py),
    and every instance shares the one Redis: a load balancer taking them out would take out the site."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.REDIS_URL = f"redis://127.0.0.1:{port}/0"
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["cache"] == {"backend": "redis", "status": "down"}


def test_a_redis_that_hangs_makes_the_health_check_wait_a_second_not_hang(client, settings):
    """A port that takes the connection and never answers (a Redis stuck on its disk, a half-dead
    network): /healthz says so within two seconds, where a monitor would otherwise time out."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # the kernel completes connections; nobody ever reads or answers
        settings.REDIS_URL = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        started = time.monotonic()
        response = client.get("/healthz")
        took = time.monotonic() - started
    assert response.status_code == 200
    assert response.json()["cache"] == {"backend": "redis", "status": "down"}
    assert took < 2, f"/healthz took {took:.1f} s with a Redis that never answers"
