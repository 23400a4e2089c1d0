"""Rendered fragments (config/fragment_cache.py) and remembered routes (tourism/routing.py):
visitors the page cache cannot serve (signed in, a cart) get pages faster, and still never
a stale one after a change, another visitor's token or cart, or a stored page in a preview."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale

from tests.marketplace.orders import factories as order_factories
from tests.tourism import factories
from tests.tourism.gebrak_factories import campaign
from tourism.models import CampaignPage, HomePage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fragments_on(settings):
    # Emptied before each test by tests/conftest.py (with the page cache, whose generation empties
    # what this process remembers: routes, pages).
    settings.FRAGMENT_CACHE_SECONDS = 300


@pytest.fixture
def signed_in(db):
    """A signed-in tourist: the page cache never serves them, the fragments do."""
    client = Client()
    client.force_login(get_user_model().objects.create_user("wisatawan", "w@contoh.id", "pw"))
    return client


@pytest.fixture
def destination(home_page):
    return factories.destination(slug="pasar-terapung-lok-baintan", title="Pasar Terapung Lok Baintan")


def _queries(client, url, host="testserver"):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, HTTP_HOST=host)
    assert response.status_code == 200
    return response, len(queries)


@pytest.fixture
def event(destination):
    return factories.event(slug="festival-jukung", title="Festival Jukung", venue=destination)


@pytest.mark.parametrize("url", ["/id/", "/id/destinasi/pasar-terapung-lok-baintan/",
                                 "/en/destinasi/pasar-terapung-lok-baintan/",
                                 # an event's page is a RoutablePageMixin's own view; in English, the
                                 # Indonesian page under the English address
                                 "/id/acara/festival-jukung/", "/en/acara/festival-jukung/"])
def test_a_second_visit_costs_fewer_queries_and_shows_the_same_page(signed_in, event, url):
    first, first_queries = _queries(signed_in, url)
    second, second_queries = _queries(signed_in, url)
    assert second_queries < first_queries
    assert second.content == first.content
    assert "Pasar Terapung Lok Baintan" in second.text


@pytest.mark.parametrize("url", ["/id/acara/festival-jukung/", "/en/acara/festival-jukung/"])
def test_a_second_visit_to_an_events_page_walks_no_tree(signed_in, event, url):
    """Shared event links are a campaign's first visitors: the page a path leads to is remembered
    for an event (a RoutablePageMixin page) as for any other page, its fallback notice with it."""
    signed_in.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = signed_in.get(url)
    assert response.status_code == 200 and "Festival Jukung" in response.text
    assert ("notice--fallback" in response.text) == url.startswith("/en/")
    walked = [query["sql"] for query in queries if 'FROM "wagtailcore_page"' in query["sql"]]
    assert not walked, walked


def test_the_english_home_is_remembered_for_english_pages_and_shows_its_change_at_once(
        signed_in, destination, django_capture_on_commit_callbacks):
    """Wagtail routes every request from the site's root in the reader's language: the English
    home is read once, not on every English page, and an editor's publish of it shows at once."""
    english_home = HomePage.objects.get(locale=Locale.objects.get(language_code="en"))
    signed_in.get("/en/destinasi/pasar-terapung-lok-baintan/")
    with CaptureQueriesContext(connection) as queries:
        assert signed_in.get("/en/destinasi/pasar-terapung-lok-baintan/").status_code == 200
    homes = [query["sql"] for query in queries if 'FROM "tourism_homepage"' in query["sql"]]
    assert not homes, homes
    english_home.hero_title = "Banjar, the river's regency"
    with django_capture_on_commit_callbacks(execute=True):
        english_home.save_revision().publish()
    assert "Banjar, the river&#x27;s regency" in signed_in.get("/en/").text


def test_an_english_home_made_after_english_readers_came_is_routed_from_at_once(
        signed_in, destination, django_capture_on_commit_callbacks):
    """/en/ remembered without an English home (deleted, or not made yet) routes from the new one as
    soon as an editor publishes it: no row was read, the home's translations are the tag."""
    indonesian_home = HomePage.objects.get(locale=Locale.get_default())
    english_locale = Locale.objects.get(language_code="en")
    with django_capture_on_commit_callbacks(execute=True):
        HomePage.objects.get(locale=english_locale).delete()
    signed_in.get("/en/")  # remembered: no English home
    with django_capture_on_commit_callbacks(execute=True):
        english_home = indonesian_home.copy_for_translation(english_locale)
        english_home.hero_title = "Banjar, river and diamonds"
        english_home.save_revision().publish()
    assert "Banjar, river and diamonds" in signed_in.get("/en/").text


def test_a_second_english_home_reads_neither_its_hero_nor_the_running_campaigns_translation(
        signed_in, destination, django_capture_on_commit_callbacks):
    """Foreign tourists land on /en/: its second render reads what the Indonesian home's does,
    not its hero picture or the campaign banner's English page again; a change to the English
    campaign shows at once."""
    running = campaign(english_title="Gebrak Banjar Test")
    english = CampaignPage.objects.get(translation_key=running.translation_key, locale__language_code="en")
    assert "Gebrak Banjar Test" in signed_in.get("/en/").text
    with CaptureQueriesContext(connection) as queries:
        assert "Gebrak Banjar Test" in signed_in.get("/en/").text
    read = [query["sql"] for query in queries
            if query["sql"].startswith('SELECT "wagtailimages_image"') or '"tourism_campaignpage"' in query["sql"]]
    assert not read, read
    english.title = "Gebrak Banjar, the test"
    with django_capture_on_commit_callbacks(execute=True):
        english.save_revision().publish()
    assert "Gebrak Banjar, the test" in signed_in.get("/en/").text


def test_an_events_calendar_file_and_its_page_each_answer_whichever_comes_first(signed_in, event):
    """The event's page is remembered, its sub-route (the .ics) never is: neither answers as the other."""
    for url, kind in [("/id/acara/festival-jukung/kalender/", "text/calendar"),
                      ("/id/acara/festival-jukung/", "text/html"),
                      ("/id/acara/festival-jukung/kalender/", "text/calendar"),
                      ("/id/acara/festival-jukung/", "text/html")]:
        response = signed_in.get(url)
        assert (response.status_code, response["Content-Type"].split(";")[0]) == (200, kind), url
    assert "Festival Jukung" in response.text


def test_a_remembered_events_page_shows_its_change_and_is_gone_when_unpublished(
        signed_in, event, django_capture_on_commit_callbacks):
    assert signed_in.get("/id/acara/festival-jukung/").status_code == 200  # the route is remembered now
    page = event.specific
    page.title = "Festival Jukung Hias"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert "Festival Jukung Hias" in signed_in.get("/id/acara/festival-jukung/").text
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert signed_in.get("/id/acara/festival-jukung/").status_code == 404


def test_a_stored_home_reads_none_of_its_rails(signed_in, destination):
    """The home page's rails (featured destinations, events, Sasirangan) are read only to render
    them: once its fragment is stored, a second visit asks the database for none of them."""
    order_factories.product(shop=order_factories.shop(name="Sasirangan Bu Ida"), title_id="Kain Gigi Haruan",
                            slug="kain-gigi-haruan", stock=4)
    first = signed_in.get("/id/")
    assert "Kain Gigi Haruan" in first.text and "Pasar Terapung Lok Baintan" in first.text
    with CaptureQueriesContext(connection) as queries:
        second = signed_in.get("/id/")
    assert second.content == first.content
    rails = [query["sql"] for query in queries
             if any(table in query["sql"] for table in ('"marketplace_product"', '"tourism_eventpage"',
                                                         '"tourism_homefeatureddestination"'))]
    assert not rails, rails


def test_a_stored_destination_page_reads_none_of_its_pictures_or_neighbours(signed_in, destination):
    """Its gallery, visitors' photos and places nearby are read only to render them."""
    factories.destination(slug="pasar-intan-martapura", title="Pasar Intan Martapura",
                          latitude="-3.4130", longitude="114.8470")
    place = destination.specific
    place.latitude, place.longitude = "-3.3800", "114.7700"
    place.save_revision().publish()
    first = signed_in.get(destination.url)
    assert "Pasar Intan Martapura" in first.text  # nearby
    with CaptureQueriesContext(connection) as queries:
        second = signed_in.get(destination.url)
    assert second.content == first.content
    read = [query["sql"] for query in queries
            if any(table in query["sql"] for table in ('"tourism_destinationgalleryimage"', '"tourism_visitorphoto"',
                                                        '"tourism_destinationpage"', '"marketplace_shop"'))]
    assert not read, read


def test_publishing_a_change_shows_at_once_everywhere(signed_in, destination, django_capture_on_commit_callbacks):
    signed_in.get(destination.url)
    signed_in.get("/id/")
    page = destination.specific
    page.title = "Pasar Terapung Lok Baintan Subuh"
    with django_capture_on_commit_callbacks(execute=True):  # the purge follows the commit
        page.save_revision().publish()
    assert "Pasar Terapung Lok Baintan Subuh" in signed_in.get(destination.url).text
    assert "Pasar Terapung Lok Baintan Subuh" in signed_in.get("/id/").text  # the home's featured rail


def test_a_moved_or_unpublished_page_is_not_served_at_its_old_address(signed_in, destination, django_capture_on_commit_callbacks):
    assert signed_in.get(destination.url).status_code == 200  # the route is remembered now
    page = destination.specific
    page.slug = "lok-baintan"
    with django_capture_on_commit_callbacks(execute=True):  # the purge, and Wagtail's redirect from the old address, follow the commit
        page.save_revision().publish()
    moved = signed_in.get("/id/destinasi/pasar-terapung-lok-baintan/")
    assert (moved.status_code, moved["Location"]) == (301, "/id/destinasi/lok-baintan/")
    assert signed_in.get("/id/destinasi/lok-baintan/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert signed_in.get("/id/destinasi/lok-baintan/").status_code == 404


def test_a_purchase_shows_on_the_product_and_listing_pages(home_page, django_capture_on_commit_callbacks):
    """Stock moves by conditional UPDATEs, which send no signal: the reservation itself purges."""
    shop = order_factories.shop(name="Sasirangan Bu Ida")
    product = order_factories.product(shop=shop, title_id="Kain Gigi Haruan", slug="kain-gigi-haruan", stock=1)
    visitor = Client()
    url = f"/id/kampung-sasirangan/produk/{product.slug}/"
    assert "Habis" not in visitor.get(url).text
    assert "card--sold-out" not in visitor.get("/id/").text  # the home's Sasirangan rail
    with django_capture_on_commit_callbacks(execute=True):
        order_factories.order_start((product, 1))
    assert "Habis" in visitor.get(url).text
    assert "card--sold-out" in visitor.get("/id/").text


def test_each_visitor_keeps_their_own_token_and_cart(home_page):
    shop = order_factories.shop(name="Sasirangan Bu Ida")
    product = order_factories.product(shop=shop, slug="kain-gigi-haruan", stock=5)
    url = f"/id/kampung-sasirangan/produk/{product.slug}/"

    def token(response):
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)

    buyer, other = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first = buyer.get(url)
    assert buyer.post("/id/kampung-sasirangan/keranjang/tambah/",
                      {"product": product.pk, "quantity": 2, "csrfmiddlewaretoken": token(first)}).status_code == 302
    with_cart = buyer.get(url)
    assert "header-cart__count" in with_cart.text
    without_cart = other.get(url)
    assert "header-cart__count" not in without_cart.text
    assert token(without_cart) != token(with_cart)


def test_a_preview_never_shows_the_stored_page(destination, rf):
    """An editor's unsaved change shows in the preview, though the live page's fragments are stored."""
    editor = get_user_model().objects.create_superuser("editor", "e@contoh.id", "pw")
    page = destination.specific
    host = page.get_site().hostname  # the host Wagtail's preview request carries
    visitor = Client()
    visitor.force_login(editor)
    _first, first_queries = _queries(visitor, page.url, host)
    _second, second_queries = _queries(visitor, page.url, host)
    assert second_queries < first_queries  # stored for this host
    page.title = "Judul draf yang belum terbit"
    request = rf.get("/", HTTP_HOST=host)
    request.user = editor
    response = page.make_preview_request(request, page.default_preview_mode)
    response.render()
    # In the page's heading, inside the stored fragment (the <title> is rendered afresh anyway).
    heading = re.search(r'<h1 class="detail__title">([^<]*)</h1>', response.content.decode()).group(1)
    assert heading == "Judul draf yang belum terbit"


def test_making_a_page_private_takes_effect_at_once(client, destination, django_capture_on_commit_callbacks):
    """Remembered 'no page is private' must not outlive the first restriction."""
    from wagtail.models import PageViewRestriction

    assert client.get(destination.url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=destination, restriction_type=PageViewRestriction.PASSWORD,
                                           password="rahasia")
    response = client.get(destination.url)
    assert response.status_code == 200
    assert 'name="password"' in response.text  # the password form, not the page
    assert "detail__title" not in response.text


def test_a_late_request_neither_sees_nor_throws_away_what_newer_ones_remember():
    from config.page_cache import GenerationMemo

    memo = GenerationMemo()
    assert memo.get(2, "route") is None
    memo.set(2, "route", "page of generation 2")
    assert memo.get(1, "route") is None  # read its generation before the purge: must not see newer pages
    memo.set(1, "route", "page of generation 1")  # nor store what it found
    assert memo.get(2, "route") == "page of generation 2"
    assert memo.get(3, "route") is None  # a purge since: forgotten


def test_what_a_process_remembers_stays_bounded_the_oldest_forgotten_first(monkeypatch):
    """Entries per page (routes, products, a destination's sections) grow with the site between two
    publishes; the memo keeps at most MAX_ENTRIES, forgetting the oldest."""
    from config.page_cache import GenerationMemo

    monkeypatch.setattr(GenerationMemo, "MAX_ENTRIES", 8)
    memo = GenerationMemo()
    assert memo.get(1, "page-0") is None  # the generation read, as a request does first
    for number in range(9):
        memo.set(1, f"page-{number}", number)
    assert [memo.get(1, f"page-{number}") for number in range(9)] == [None, None, 2, 3, 4, 5, 6, 7, 8]


def test_nothing_remembered_is_served_longer_than_the_page_cache_would_be(monkeypatch):
    """A change that reached no tag (a write that forgot to say so, a purge lost in an outage) shows
    within GenerationMemo.MAX_AGE_SECONDS, as it did when only the page cache kept pages."""
    import time

    from config.page_cache import GenerationMemo

    memo = GenerationMemo()
    assert memo.get(1, "route") is None
    memo.set(1, "route", "the page as it was")
    assert memo.get(1, "route") == "the page as it was"
    later = time.time_ns() + (GenerationMemo.MAX_AGE_SECONDS + 1) * 1_000_000_000
    monkeypatch.setattr(time, "time_ns", lambda: later)
    assert memo.get(1, "route") is None
