"""Buying the last units reaches the search index, though checkout changes stock with queryset updates."""

import pytest

from tests.marketplace.orders import factories

pytestmark = pytest.mark.django_db(transaction=True)


def in_stock_slugs(client) -> set[str]:
    response = client.get("/api/search", {"type": "product", "in_stock": "1"})
    assert response.status_code == 200
    return {result["slug"] for result in response.json()["results"]}


def test_reserving_the_last_unit_hides_the_product_from_in_stock_search(client, home_page):
    shop = factories.shop()
    last_one = factories.product(shop=shop, stock=1, slug="selendang-terakhir", is_published=True)
    assert "selendang-terakhir" in in_stock_slugs(client)
    factories.order_start((last_one, 1))
    last_one.refresh_from_db()
    assert last_one.stock == 0
    assert "selendang-terakhir" not in in_stock_slugs(client)
