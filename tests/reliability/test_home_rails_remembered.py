"""The home page's rails remembered until what each shows changes (issue 12, the first render;
tourism.selectors.home_sections): the first visitor after a purchase reads the products' rail
again and nothing else; an event that is over leaves its rail at once, with nobody publishing;
and a picture the worker made afterwards is shown, not a remembered placeholder."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.marketplace import factories as shop_factories
from tests.marketplace.orders import factories as order_factories
from tests.task_worker import run_worker_here, use_database_backend
from tests.tourism import factories

pytestmark = pytest.mark.django_db

RAIL_TABLES = {"destinations": 'FROM "tourism_destinationpage"', "events": 'FROM "tourism_eventpage"',
               "products": 'FROM "marketplace_product"'}


def rails_read(captured) -> set[str]:
    return {rail for rail, table in RAIL_TABLES.items() if any(table in query["sql"] for query in captured)}


def card_titles(html: str) -> list[str]:
    return [title.get_text(strip=True) for title in BeautifulSoup(html, "html.parser").select(".card__title")]


def test_a_purchase_reads_the_products_rail_again_and_leaves_the_others_remembered(
        client, home_page, django_capture_on_commit_callbacks):
    factories.destination(slug="pasar-terapung", title="Pasar Terapung Lok Baintan")
    factories.event(slug="festival-jukung", title="Festival Jukung", start=timezone.now() + timedelta(days=3))
    shop = order_factories.shop(name="Sasirangan Bu Ida", slug="sasirangan-bu-ida")
    product = order_factories.product(shop=shop, title_id="Kain Gigi Haruan", slug="kain-gigi-haruan", stock=1)
    client.get("/id/")
    with CaptureQueriesContext(connection) as captured:
        warm = client.get("/id/")
    assert rails_read(captured) == set()  # all three remembered
    assert "card--sold-out" not in warm.text

    with django_capture_on_commit_callbacks(execute=True):
        order_factories.order_start((product, 1))  # the last one: sold out

    with CaptureQueriesContext(connection) as captured:
        after = client.get("/id/")
    assert "card--sold-out" in after.text  # the buyer's purchase shows at once
    assert rails_read(captured) == {"products"}
    assert {"Pasar Terapung Lok Baintan", "Festival Jukung", "Kain Gigi Haruan"} <= set(card_titles(after.text))


def test_an_event_over_leaves_the_home_page_with_nobody_publishing(client, home_page, monkeypatch):
    now = timezone.now()
    factories.event(slug="pasar-malam", title="Pasar Malam", start=now - timedelta(hours=2),
                    end=now + timedelta(hours=1))
    factories.event(slug="festival-jukung", title="Festival Jukung", start=now + timedelta(hours=3))
    client.get("/id/")
    assert {"Pasar Malam", "Festival Jukung"} <= set(card_titles(client.get("/id/").text))

    # Two hours on: the night market is over; nothing was published, nothing purged.
    later_ns = time.time_ns() + 2 * 3600 * 10**9
    real_time_ns = time.time_ns
    monkeypatch.setattr(time, "time_ns", lambda: real_time_ns() + 2 * 3600 * 10**9)
    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(hours=2, seconds=(time.time_ns() - later_ns) / 1e9))
    titles = card_titles(client.get("/id/").text)
    assert "Pasar Malam" not in titles and "Festival Jukung" in titles


def test_a_picture_the_worker_made_later_shows_on_the_home_page(client, home_page, settings, monkeypatch,
                                                                django_capture_on_commit_callbacks):
    use_database_backend(settings, monkeypatch)
    picture = shop_factories.ImageFactory(file=shop_factories.ContentFile(
        shop_factories.jpeg_bytes(size=(1600, 1000)), name="jukung.jpg"))
    factories.destination(slug="pasar-terapung", title="Pasar Terapung", main_image=picture)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.get("/id/")
    card = BeautifulSoup(first.text, "html.parser").select_one(".card__image")
    assert card.has_attr("data-placeholder")  # not made yet: asked of the worker

    run_worker_here()
    card = BeautifulSoup(client.get("/id/").text, "html.parser").select_one(".card__image")
    assert not card.has_attr("data-placeholder") and ".webp" in card["srcset"]


def test_a_cloth_back_in_stock_takes_its_place_in_the_products_rail_again(
        client, home_page, django_capture_on_commit_callbacks):
    # In stock first: a reservation given back (a checkout abandoned, its time over) puts the cloth back
    # ahead of the sold-out one that took its place, though the rail never showed it meanwhile.
    shop = order_factories.shop(name="Sasirangan Bu Ida", slug="sasirangan-bu-ida")
    back = order_factories.product(shop=shop, title_id="Kain Gigi Haruan", slug="kain-gigi-haruan", stock=1)
    for slug in ("kain-a", "kain-b", "kain-c"):
        order_factories.product(shop=shop, title_id=slug, slug=slug, stock=5)
    order_factories.product(shop=shop, title_id="Kain Habis", slug="kain-habis", stock=0)
    assert "Kain Gigi Haruan" in card_titles(client.get("/id/").text)

    with django_capture_on_commit_callbacks(execute=True):
        order = order_factories.order_start((back, 1))  # reserved: sold out meanwhile
    titles = card_titles(client.get("/id/").text)
    assert "Kain Gigi Haruan" not in titles and "Kain Habis" in titles

    from marketplace.orders.stock import stock_release

    with django_capture_on_commit_callbacks(execute=True):
        stock_release(order=order)
    titles = card_titles(client.get("/id/").text)
    assert "Kain Gigi Haruan" in titles and "Kain Habis" not in titles
