"""The page cache (config/page_cache.py): anonymous readers get stored pages, nobody
gets a stale one after a publish, and nothing personal is ever stored or shared."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.marketplace import factories as shop_factories
from tests.tourism import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300  # the cache itself is emptied before each test (tests/conftest.py)


@pytest.fixture
def destination(home_page):
    return factories.destination(slug="pasar-terapung-lok-baintan", title="Pasar Terapung Lok Baintan")


def test_a_second_anonymous_visit_is_served_from_the_cache_without_queries(client, destination):
    first = client.get(destination.url)
    assert first.status_code == 200 and first["X-Page-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = client.get(destination.url)
    assert second["X-Page-Cache"] == "hit"
    assert len(queries) == 0
    assert second.content == first.content
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert client.head(destination.url)["X-Page-Cache"] == "hit"


def test_publishing_a_change_shows_at_once(client, destination, django_capture_on_commit_callbacks):
    assert "Pasar Terapung Lok Baintan" in client.get(destination.url).text
    assert "Pasar Terapung Lok Baintan" in client.get("/id/destinasi/").text  # the listing is cached too
    assert client.get(destination.url)["X-Page-Cache"] == "hit"
    revision = destination.specific
    revision.title = "Pasar Terapung Lok Baintan Subuh"
    with django_capture_on_commit_callbacks(execute=True):  # the purge follows the commit
        revision.save_revision().publish()
    page = client.get(destination.url)
    assert page["X-Page-Cache"] == "miss"
    assert "Pasar Terapung Lok Baintan Subuh" in page.text
    assert "Pasar Terapung Lok Baintan Subuh" in client.get("/id/destinasi/").text


def test_unpublishing_removes_the_page_at_once(client, destination, django_capture_on_commit_callbacks):
    assert client.get(destination.url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        destination.unpublish()
    assert client.get(destination.url).status_code == 404


def test_a_stock_change_purges_the_product_listing(client, home_page, django_capture_on_commit_callbacks):
    product = shop_factories.ProductFactory(title_id="Kain Gigi Haruan", stock=3)
    listing = "/id/kampung-sasirangan/"
    assert "Kain Gigi Haruan" in client.get(listing).text
    assert client.get(listing)["X-Page-Cache"] == "hit"
    product.is_published = False
    with django_capture_on_commit_callbacks(execute=True):
        product.save()
    assert "Kain Gigi Haruan" not in client.get(listing).text


def test_signed_in_people_and_carts_are_never_served_or_stored(client, destination):
    stored = client.get(destination.url).content
    editor = shop_factories.UserFactory(username="editor", is_staff=True, is_superuser=True)
    client.force_login(editor)
    response = client.get(destination.url)
    assert "X-Page-Cache" not in response  # neither read nor written with a session
    client.logout()
    anonymous = client.get(destination.url)
    assert anonymous["X-Page-Cache"] == "hit"
    assert anonymous.content == stored  # what the editor saw was never stored


def test_pages_with_a_form_give_each_visitor_a_token_of_their_own(home_page):
    """A CSRF token belongs to one visitor: a stored page gets a fresh one per visitor, with its cookie."""
    import re

    from django.test import Client

    product = shop_factories.ProductFactory(slug="kain-gigi-haruan", stock=3)
    url = f"/id/kampung-sasirangan/produk/{product.slug}/"

    def token(response):
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)

    first_visitor, second_visitor = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first = first_visitor.get(url)
    assert first["X-Page-Cache"] == "miss"
    second = second_visitor.get(url)
    assert second["X-Page-Cache"] == "hit"
    assert "PAGECACHECSRFTOKEN" not in second.text
    assert token(first) != token(second)
    assert second.cookies["csrftoken"].value != first.cookies["csrftoken"].value
    # Each can use the form on the page they got; neither can use the other's.
    add = "/id/kampung-sasirangan/keranjang/tambah/"
    assert second_visitor.post(add, {"product": product.pk, "quantity": 1,
                                     "csrfmiddlewaretoken": token(second)}).status_code == 302
    assert first_visitor.post(add, {"product": product.pk, "quantity": 1,
                                    "csrfmiddlewaretoken": token(second)}).status_code == 403
    # A returning visitor with a CSRF cookie keeps it and gets a token that matches it.
    third = Client(enforce_csrf_checks=True)
    third.cookies["csrftoken"] = "a" * 32
    again = third.get(url)
    assert again["X-Page-Cache"] == "hit" and "csrftoken" not in again.cookies
    assert third.post(add, {"product": product.pk, "quantity": 1,
                            "csrfmiddlewaretoken": token(again)}).status_code == 302


def test_only_public_language_pages_and_gets_are_cached(client, destination):
    assert "X-Page-Cache" not in client.get("/api/search", {"q": "pasar"})
    assert "X-Page-Cache" not in client.get("/healthz")
    assert "X-Page-Cache" not in client.get("/toko/masuk/")
    assert client.post(destination.url).status_code in (200, 405)
    assert client.get(destination.url, {"utm": "x"})["X-Page-Cache"] == "miss"  # another address, another entry


def test_arrivals_through_shared_links_are_served_from_the_cache_and_counted(client, destination):
    from tourism.models import ShareTally

    shared = {"utm_source": "whatsapp", "utm_medium": "share", "utm_campaign": ""}
    stored = client.get(destination.url, shared, HTTP_DNT="1")  # stored for the plain address
    assert stored["X-Page-Cache"] == "miss" and not ShareTally.objects.exists()
    for headers in ({"HTTP_DNT": "1"}, {}, {}):
        arrival = client.get(destination.url, shared, **headers)
        assert arrival["X-Page-Cache"] == "hit" and arrival.content == stored.content
    assert [(row.event, row.count) for row in ShareTally.objects.all()] == [("visit", 1)]
    assert "X-Gebrak-Share-Target" not in arrival  # named for the counting, never sent out


def test_nothing_is_cached_with_debug(client, destination, settings):
    settings.DEBUG = True
    client.get(destination.url)
    assert "X-Page-Cache" not in client.get(destination.url)
