"""Stock never oversells under real concurrency: 20 buyers race for the last 5 units, again and
again, on PostgreSQL (where transactions really run side by side). Exactly 5 are sold, stock
never goes below zero, and nobody deadlocks, also when carts hold the same products in
opposite orders and sizes of one product."""

import threading
from collections import Counter

import pytest
from django.db import connection, connections

from marketplace.models import Product, ProductSize
from marketplace.orders import checkout
from marketplace.orders.models import Order, OrderLine
from tests.conftest import require_service
from tests.marketplace.factories import add_size
from tests.marketplace.orders import factories as f

pytestmark = pytest.mark.django_db(transaction=True)
BUYERS = 20
ROUNDS = 10


@pytest.fixture(autouse=True)
def needs_postgresql():
    if connection.vendor == "sqlite":
        # SQLite runs one writer at a time, so there is no race to lose; CI runs this in its
        # PostgreSQL pass.
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://...): SQLite serialises every writer")
    require_service(connection.vendor == "postgresql", "PostgreSQL", "set DATABASE_URL to a PostgreSQL database")


def race(buy) -> Counter:
    """Start BUYERS threads at once; each calls buy(number) and reports 'sold', 'refused' or the error."""
    barrier = threading.Barrier(BUYERS)
    outcomes: Counter = Counter()
    lock = threading.Lock()

    def buyer(number):
        try:
            barrier.wait(timeout=30)
            buy(number)
            outcome = "sold"
        except checkout.CheckoutError as error:
            outcome = "refused" if error.code == "out_of_stock" else f"error: {error.code}"
        except Exception as error:  # noqa: BLE001 - a deadlock or anything else must show in the count
            outcome = f"error: {type(error).__name__}: {error}"
        finally:
            connections.close_all()
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=buyer, args=(number,)) for number in range(BUYERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a buyer never finished (deadlock?)"
    return outcomes


def test_twenty_buyers_for_the_last_five_units():
    shop = f.shop(name="Sasirangan Ibu Aminah")
    for round_number in range(ROUNDS):
        kain = f.product(shop=shop, title_id=f"Kain putaran {round_number}", stock=5)
        outcomes = race(lambda number, kain=kain: f.order_start((kain, 1)))
        assert outcomes == {"sold": 5, "refused": BUYERS - 5}, outcomes
        assert Product.objects.get(pk=kain.pk).stock == 0
        assert OrderLine.objects.filter(product=kain).count() == 5


def test_mixed_carts_in_opposite_orders_and_sizes_never_deadlock():
    shop_a, shop_b = f.shop(name="Toko A"), f.shop(name="Toko B")
    for round_number in range(ROUNDS // 2):
        kain = f.product(shop=shop_a, title_id=f"Kain {round_number}", stock=5)
        kemeja = f.product(shop=shop_b, title_id=f"Kemeja {round_number}", stock=10)
        medium, large = add_size(kemeja, "M", 5), add_size(kemeja, "L", 5)

        def buy(number, kain=kain, kemeja=kemeja, medium=medium, large=large):
            items = [(kain, 1), (kemeja, medium, 1), (kemeja, large, 1)]
            if number % 2:
                items.reverse()
            f.order_start(*items)

        outcomes = race(buy)
        assert outcomes == {"sold": 5, "refused": BUYERS - 5}, outcomes
        assert Product.objects.get(pk=kain.pk).stock == 0
        assert Product.objects.get(pk=kemeja.pk).stock == 0
        assert list(ProductSize.objects.filter(product=kemeja).values_list("stock", flat=True)) == [0, 0]
    assert Order.objects.count() == 5 * (ROUNDS // 2)
