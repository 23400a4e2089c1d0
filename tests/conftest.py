"""Fixtures shared by the whole suite.

Services that are not always present (PostgreSQL, Elasticsearch, Chromium) go
through `require_service`: on a laptop their tests are skipped with one line
saying how to get the service; with CI=true they fail instead, because CI must
prove them.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the site's default language. A request in English leaves English active in
    the thread (Django's LocaleMiddleware does not switch back), and a later test's message read in
    process, outside a request, came out in English."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


def require_service(available: bool, name: str, how: str) -> None:
    """Skip (laptop) or fail (CI) when a service the test needs is absent."""
    if available:
        return
    message = f"{name} is not available: {how}"
    if IN_CI:
        pytest.fail(f"CI requires {message}", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Build the page tree (home, destinations, events in both languages) once per
    test database: every page test needs it and it costs dozens of queries."""
    from tourism.site_structure import ensure_site_structure

    with django_db_blocker.unblock():
        ensure_site_structure()


@pytest.fixture
def home_page(db):
    """The Indonesian home page. Rebuilt if a transactional test flushed the tree."""
    from tourism.site_structure import ensure_site_structure

    return ensure_site_structure()


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path, request):
    """Each test writes uploads and renditions to its own folders, or, when the media are on
    S3 (AWS_STORAGE_BUCKET_NAME: CI's media pass), under its own key prefix in the buckets."""
    settings.MEDIA_ROOT = tmp_path / "media"
    if settings.AWS_STORAGE_BUCKET_NAME:
        from tests.object_storage import prefix_for_test, s3_storages

        settings.STORAGES = s3_storages(settings, prefix_for_test(request.node.nodeid))
    else:
        settings.STORAGES = {**settings.STORAGES, "private": {
            **settings.STORAGES["private"], "OPTIONS": {"location": tmp_path / "private-media"}}}


@pytest.fixture(autouse=True)
def _nothing_remembered():
    """Each test starts with empty caches: what an earlier test left there (a rate limit's count,
    a rendition Wagtail remembers by image id, a stored page, a fragment) names rows that test
    rolled back. On SQLite their ids come back for this test's rows, on PostgreSQL they do not, so
    a remembered value stands in for this test's own or leads to a row that is gone. Emptying the
    page cache also moves the content generation on, which empties what each process remembers
    in memory (config/page_cache.GenerationMemo: sites, routes, products)."""
    from django.conf import settings
    from django.core.cache import caches

    # Wagtail keeps renditions in the "renditions" cache when there is one, else in the default.
    for alias in {"default", settings.PAGE_CACHE_ALIAS, settings.FRAGMENT_CACHE_ALIAS, "renditions"} & settings.CACHES.keys():
        caches[alias].clear()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def localstripe_server():
    """A real localstripe process (the Stripe emulator) for the whole test session."""
    executable = Path(sys.executable).with_name("localstripe")
    require_service(executable.exists(), "localstripe", "it is in requirements/dev.lock: run `make setup`")
    port = _free_port()
    process = subprocess.Popen([str(executable), "--port", str(port), "--from-scratch"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.1)
    else:
        process.kill()
    require_service(process.poll() is None, "localstripe", "it did not start; run it by hand to see why")
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def stripe_emulator(settings, localstripe_server):
    """Point the Stripe client at the emulator, as `make run` does."""
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_PUBLISHABLE_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""
    settings.STRIPE_API_BASE = localstripe_server
    return localstripe_server


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The browser journeys run first among the tests that commit for real (after
    pytest-django has put those last). They restore the migrated state (serialized_rollback),
    which needs the content types and permissions tables as migrations left them; any other
    committing test's flush makes them again with new ids, and the restore then fails on
    their unique names."""

    def commits(item) -> bool:
        marker = item.get_closest_marker("django_db")
        return marker is not None and bool(marker.kwargs.get("transaction"))

    start = next((index for index, item in enumerate(items) if commits(item)), None)
    if start is None:
        return
    tail = items[start:]
    journeys = [item for item in tail if item.nodeid.startswith("tests/e2e/")]
    items[start:] = journeys + [item for item in tail if not item.nodeid.startswith("tests/e2e/")]
