"""Buying the last units reaches the search index, though checkout changes stock with queryset updates."""

import pytest

from tests.marketplace.orders import factories

pytestmark = pytest.mark.django_db


def in_stock_slugs(client) -> set[str]:
    response = client.get("/api/search", {"type": "product", "in_stock": "1"})
    assert response.status_code == 200
    return {result["slug"] for result in response.json()["results"]}


def test_reserving_the_last_unit_hides_the_product_from_in_stock_search(client, home_page,
                                                                      django_capture_on_commit_callbacks):
    # Indexing runs after commit; the test runs inside a transaction, so run those callbacks.
    with django_capture_on_commit_callbacks(execute=True):
        last_one = factories.product(shop=factories.shop(), stock=1, slug="selendang-terakhir",
                                     is_published=True)
    assert "selendang-terakhir" in in_stock_slugs(client)
    with django_capture_on_commit_callbacks(execute=True):
        factories.order_start((last_one, 1))
    last_one.refresh_from_db()
    assert last_one.stock == 0
    assert "selendang-terakhir" not in in_stock_slugs(client)


def test_the_buyers_checkout_only_enqueues_the_indexing(client, home_page, settings, monkeypatch,
                                                         django_capture_on_commit_callbacks):
    """Issue 12: a bulk write to the index inside a buyer's checkout. The worker does it now."""
    from search import indexing
    from tests.task_worker import run_worker_here, use_database_backend

    with django_capture_on_commit_callbacks(execute=True):
        last_one = factories.product(shop=factories.shop(), stock=1, slug="selendang-terakhir",
                                     is_published=True)
    use_database_backend(settings, monkeypatch)
    indexed = []
    index_keys = indexing.index_keys
    monkeypatch.setattr(indexing, "index_keys", lambda keys: indexed.append(list(keys)) or index_keys(keys))
    with django_capture_on_commit_callbacks(execute=True):
        factories.order_start((last_one, 1))
    assert indexed == []  # nothing indexed while the buyer waited
    assert "selendang-terakhir" in in_stock_slugs(client)
    run_worker_here()
    assert f"product:{last_one.pk}" in indexed[0]
    assert "selendang-terakhir" not in in_stock_slugs(client)


def test_selling_one_of_many_leaves_the_index_alone(client, home_page, settings, monkeypatch,
                                                    django_capture_on_commit_callbacks):
    """The index knows only whether a product is in stock: a campaign's sales of a well-stocked cloth
    give the worker nothing to do, and the sale of the last one still reaches it."""
    from django_tasks_db.models import DBTaskResult

    from tests.task_worker import use_database_backend

    with django_capture_on_commit_callbacks(execute=True):
        many = factories.product(shop=factories.shop(), stock=40, slug="kain-banyak", is_published=True)
    use_database_backend(settings, monkeypatch)

    def indexings() -> int:
        return DBTaskResult.objects.filter(task_path="search.indexing.documents_index").count()

    with django_capture_on_commit_callbacks(execute=True):
        factories.order_start((many, 3))
    assert indexings() == 0
    with django_capture_on_commit_callbacks(execute=True):
        factories.order_start((many, 37))  # the last ones
    assert indexings() == 1
