"""Fixtures shared by the whole suite.

Services that are not always present (PostgreSQL, Elasticsearch, Chromium) go
through `require_service`: on a laptop their tests are skipped with one line
saying how to get the service; with CI=true they fail instead, because CI must
prove them.
"""

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


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
def _isolated_media(settings, tmp_path):
    """Each test writes uploads and renditions to its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
