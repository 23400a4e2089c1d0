"""Browser journeys: Playwright driving Debian's chromium against a live server.

- The browser is /usr/bin/chromium (CHROMIUM_PATH), never one Playwright downloads.
  Without it the journeys are skipped on a laptop and fail in CI (require_service).
- The site runs in pytest-django's live server. Each journey gets a fresh database
  (transactional, restored to the migrated state first: serialized_rollback) and
  imports a slice of the demo (tests/e2e/content.py), so journeys never depend on
  each other's leftovers.
- Payments go to the real Stripe emulator (localstripe), which signs and posts its
  webhooks to the live server, as Stripe would.
- Nothing leaves the machine: every request to a host other than this one is
  aborted in the browser (map tiles are the only outside resource the site asks
  for, and its pages must stay usable without them), and recorded so a test can
  see what was blocked.
- Every journey writes screenshots to tests/e2e/screenshots/<journey>/ (git-ignored).
"""

from __future__ import annotations

import os
import re
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from tests.conftest import require_service

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# As root (CI) chromium needs --no-sandbox; the rest keep it from calling home.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(__file__).parent / "screenshots"
PHONE = {"width": 390, "height": 844}
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
WEBHOOK_ID = "e2e-journeys"
# Long enough for a first page view that makes its image renditions on a busy CI machine.
TIMEOUT_MS = 20_000

# Every journey starts from the migrated database (serialized_rollback) and commits for real,
# so the live server, its worker threads and localstripe's webhooks all see the same data.
E2E_DB = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(scope="package", autouse=True)
def _migrated_state_afterwards(django_db_setup, django_db_blocker):
    """Leave the database as migrations made it. A serialized_rollback test's flush skips
    post_migrate (the next such test restores everything anyway), so after the last journey the
    tables of content types and permissions would stay empty for the transactional tests that
    follow, which rebuild nothing (tests/marketplace/orders/test_concurrency.py on PostgreSQL)."""
    yield
    from django.db import connections

    with django_db_blocker.unblock():
        for connection in connections.all():
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                connection.creation.deserialize_db_from_string(contents)


@pytest.fixture(scope="package")
def playwright_driver():
    """Playwright's sync API keeps an asyncio loop running in this thread while it lives, and
    Django refuses database calls from a thread with a running loop unless told it is safe.
    It is: the test thread only ever waits for the browser. So the permission lasts exactly
    as long as the driver (package scope: gone before the rest of the suite runs)."""
    require_service(Path(CHROMIUM).exists(), "chromium", f"install Debian's chromium ({CHROMIUM}): "
                    "apt-get install -y chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - it is in requirements/dev.lock
        require_service(False, "playwright", "it is in requirements/dev.lock: run `make setup`")
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import expect

    # Assertions wait this long for the page to get there (Playwright's default is 5 s).
    expect.set_options(timeout=TIMEOUT_MS // 2)
    # With a loop running, asgiref hands this thread a second set of database connections (a
    # context-local one): new connection objects, which on SQLite's in-memory database neither
    # share the live server's connection nor carry the migrated state that serialized_rollback
    # restores. So the thread keeps the connections it had.
    from django.db import connections

    before_loop = {alias: connections[alias] for alias in connections}
    try:
        with sync_playwright() as driver:
            for alias, connection in before_loop.items():
                connections[alias] = connection
            yield driver
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture(scope="package")
def browser(playwright_driver):
    chromium = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture(scope="session")
def demo_slice(tmp_path_factory):
    """The slice's catalogue and pictures, drawn once per session."""
    from tests.e2e.content import catalog_write

    return catalog_write(tmp_path_factory.mktemp("e2e-catalog"))


@pytest.fixture
def site(live_server, settings, localstripe_server, demo_slice):
    """The live site with the demo slice, paying through localstripe, whose webhooks reach it."""
    from marketplace.payments import stripe_client
    from search import engine_database, selectors, synonyms
    from tests.e2e.content import content_load
    from tests.e2e.serial import one_request_at_a_time

    server = live_server.thread.httpd
    application = server.get_app()
    if _shares_one_sqlite_connection():
        server.set_app(one_request_at_a_time(application))
    settings.STRIPE_SECRET_KEY = settings.STRIPE_PUBLISHABLE_KEY = settings.STRIPE_WEBHOOK_SECRET = ""
    settings.STRIPE_API_BASE = localstripe_server
    # The journeys use the database engine; Elasticsearch has its own tests (tests/search/).
    settings.ELASTICSEARCH_URLS = []
    # Wagtail's admin links and the sitemap name this host.
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    engine_database._vocabulary_cache.clear()
    selectors.forget_promotions()
    synonyms.forget_synonyms()
    register = f"{localstripe_server}/_config/webhooks/{WEBHOOK_ID}"
    requests.post(register, timeout=5, data={
        "url": f"{live_server.url}/payments/stripe/webhook/",
        "secret": stripe_client.EMULATOR_WEBHOOK_SECRET}).raise_for_status()
    content = content_load(demo_slice)
    _site_for(live_server.url)
    yield Site(url=live_server.url, content=content, stripe=localstripe_server)
    # localstripe cannot forget a webhook; narrow this one to an event that never happens, so
    # the payments of later tests (which share localstripe and the live server) are not posted twice.
    requests.post(register, timeout=5, data={
        "url": f"{live_server.url}/payments/stripe/webhook/", "secret": stripe_client.EMULATOR_WEBHOOK_SECRET,
        "events[0]": "e2e.finished"})
    server.set_app(application)


def _shares_one_sqlite_connection() -> bool:
    from django.db import connection

    return connection.vendor == "sqlite" and connection.is_in_memory_db()


def _site_for(url: str) -> None:
    """Point Wagtail's default site at the live server, so page URLs and the sitemap use it."""
    from wagtail.models import Site as WagtailSite

    parts = urlsplit(url)
    WagtailSite.objects.filter(is_default_site=True).update(hostname=parts.hostname, port=parts.port)


@dataclass
class Site:
    url: str
    content: object
    stripe: str

    @contextmanager
    def database(self):
        """Read the database while the site is live (tests/e2e/serial.py says why)."""
        from tests.e2e.serial import LOCK

        with LOCK:
            yield


@dataclass
class Journey:
    """One browser context (one visitor) with its screenshots and what it saw go wrong."""

    name: str
    context: object
    page: object
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    failed_responses: list[tuple[int, str]] = field(default_factory=list)
    shots: int = 0

    def shot(self, label: str, *, full_page: bool = True) -> Path:
        self.shots += 1
        folder = SCREENSHOTS / self.name
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.shots:02d}-{re.sub(r'[^a-z0-9-]+', '-', label.lower())}.png"
        self.page.screenshot(path=path, full_page=full_page)
        return path


def _journey(browser, name: str, options: dict) -> Journey:
    context = browser.new_context(**{"viewport": PHONE, **options})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    journey = Journey(name=name, context=context, page=page)

    def route(route):
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            journey.blocked.append(route.request.url)
            route.abort("blockedbyclient")

    context.route("**/*", route)
    page.on("pageerror", lambda error: journey.errors.append(f"JavaScript error: {error}"))

    def console(message):
        # Failed loads are recorded with their address by on_response (or were blocked on purpose);
        # anything else red in the console (a CSP refusal, say) is an error.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            journey.errors.append(f"console: {message.text}")

    def on_response(response):
        if response.status >= 400:
            journey.failed_responses.append((response.status, urlsplit(response.url).path))

    page.on("console", console)
    context.on("response", on_response)
    return journey


@pytest.fixture
def journey_factory(browser, request):
    """journey_factory(who, **browser context options) -> Journey, closed after the test. Each
    person (tourist, artisan, editor ...) has their own context: their own cookies and session."""
    made: list[Journey] = []

    def make(who: str = "", **options) -> Journey:
        name = request.node.name.removeprefix("test_") + (f"-{who}" if who else "")
        shutil.rmtree(SCREENSHOTS / name, ignore_errors=True)  # only this run's screenshots
        journey = _journey(browser, name, options)
        made.append(journey)
        return journey

    yield make
    report = getattr(request.node, "e2e_call_report", None)
    for journey in made:
        if report is not None and report.failed:
            # What the browser showed when the test failed, for whoever reads the CI log.
            try:
                print(f"{journey.name}: failed at {journey.page.url}; screenshot "
                      f"{journey.shot('failure', full_page=True)}")
                print(f"  JavaScript/console errors: {journey.errors}; failed responses: {journey.failed_responses}")
            except Exception as error:  # noqa: BLE001 - the report must not hide the failure
                print(f"{journey.name}: no failure screenshot ({error})")
        journey.context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.e2e_call_report = report
    return report
