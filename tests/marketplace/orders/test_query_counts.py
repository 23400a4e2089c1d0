"""The cart, an order's status page and the artisan's order and earnings pages cost the same
number of queries for 2 things as for 6 (no query per line, per shop or per photo)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace.orders import cart
from tests.marketplace.factories import add_photo
from tests.marketplace.orders import factories as f

pytestmark = pytest.mark.django_db


def queries(client, url) -> int:
    client.get(url)  # warm: renditions made, session loaded once
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def products(count, *, shops):
    made = []
    for number in range(count):
        product = f.product(shop=shops[number % len(shops)], price_idr=100_000 + number, stock=5)
        add_photo(product, is_main=True)
        made.append(product)
    return made


def fill(client, goods):
    session = client.session
    session[cart.SESSION_KEY] = {f"{product.pk}:0": 1 for product in goods}
    session.save()


def test_cart_page(client):
    shops = [f.shop() for _ in range(3)]
    fill(client, products(2, shops=shops[:2]))
    few = queries(client, "/id/kampung-sasirangan/keranjang/")
    fill(client, products(6, shops=shops))
    assert queries(client, "/id/kampung-sasirangan/keranjang/") == few


def test_order_status_page(client):
    shops = [f.shop() for _ in range(3)]
    small = f.paid_order(*[(product, 1) for product in products(2, shops=shops[:2])])
    large = f.paid_order(*[(product, 1) for product in products(6, shops=shops)])
    assert queries(client, large.get_absolute_url()) == queries(client, small.get_absolute_url())


def test_artisans_orders_and_earnings(client):
    shop = f.shop()
    kain = f.product(shop=shop, stock=50)
    client.force_login(shop.owner)
    for _ in range(2):
        f.paid_order((kain, 1))
    few = {url: queries(client, url) for url in ("/toko/pesanan/", "/toko/pendapatan/")}
    for _ in range(4):
        f.paid_order((kain, 1), (f.product(shop=shop, stock=5), 2))
    assert {url: queries(client, url) for url in few} == few
