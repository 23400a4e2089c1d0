"""Stock never oversells under real concurrency: 20 buyers race for the last 5 units, again and
again, each in a thread of its own with its own database connection. Exactly 5 are sold, stock
never goes below zero, stock + reserved + sold stays what it was, and nobody deadlocks, also when
carts hold the same products in opposite orders and sizes of one product.

On PostgreSQL the transactions really run side by side (the conditional UPDATE waits for the
other's row lock). SQLite, the default, serialises writers: there the rule holds because every
transaction begins IMMEDIATE and waits for the lock (config/settings/base.py), which is what the
SQLite variant checks. The test database is in memory there, shared by connections through
SQLite's shared cache, whose table locks fail at once instead of waiting; so the variant copies
the test database to a file and races in a process of its own, with the settings every SQLite
site runs (WAL, IMMEDIATE, a 20 s wait).
"""

import json
import threading
from collections import Counter

import pytest
from django.db import connection, connections
from django.db.models import Sum

from marketplace.models import Product, ProductSize
from marketplace.orders import checkout
from marketplace.orders.models import OrderLine, StockState
from tests.another_process import database_url_for_another_process, run_python
from tests.conftest import require_service
from tests.marketplace.factories import add_size
from tests.marketplace.orders import factories as f

pytestmark = pytest.mark.django_db(transaction=True)
BUYERS = 20
UNITS = 5
ROUNDS = 10


@pytest.fixture
def postgresql():
    if connection.vendor == "sqlite":
        pytest.skip("in-process race needs PostgreSQL; the SQLite variant below races in a process of its own")
    require_service(connection.vendor == "postgresql", "PostgreSQL", "set DATABASE_URL to a PostgreSQL database")


def race(buy) -> Counter:
    """Start BUYERS threads at once; each calls buy(number) and reports 'bought', 'refused' or the error."""
    barrier = threading.Barrier(BUYERS)
    outcomes: Counter = Counter()
    lock = threading.Lock()

    def buyer(number):
        try:
            barrier.wait(timeout=30)
            buy(number)
            outcome = "bought"
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


def _units(product, state) -> int:
    return OrderLine.objects.filter(product=product, stock_state=state).aggregate(units=Sum("quantity"))["units"] or 0


# --- The races, as plain functions: run in the test's process (PostgreSQL) or in a process of
# their own on a file copy of the test database (SQLite). Each returns a JSON-able report a round.

def race_for_the_last_units(*, rounds: int = ROUNDS) -> list[dict]:
    """BUYERS buyers, one unit each, for UNITS units; every other buyer also pays at once."""
    f.rate_table()  # before the buyers: they price their parcels from it at once
    shop = f.shop(name="Sasirangan Ibu Aminah")
    report = []
    for round_number in range(rounds):
        kain = f.product(shop=shop, title_id=f"Kain putaran {round_number}", stock=UNITS)

        def buy(number, kain=kain):
            (f.paid_order if number % 2 else f.order_start)((kain, 1))

        outcomes = race(buy)
        report.append({"outcomes": dict(outcomes), "stock": Product.objects.get(pk=kain.pk).stock,
                       "reserved": _units(kain, StockState.RESERVED), "sold": _units(kain, StockState.CONSUMED),
                       "lines": OrderLine.objects.filter(product=kain).count()})
    return report


def race_with_mixed_carts(*, rounds: int = ROUNDS // 2) -> list[dict]:
    """Carts of a cloth and two sizes of a shirt, half of them in the opposite order."""
    f.rate_table()
    shop_a, shop_b = f.shop(name="Toko A"), f.shop(name="Toko B")
    report = []
    for round_number in range(rounds):
        kain = f.product(shop=shop_a, title_id=f"Kain {round_number}", stock=UNITS)
        kemeja = f.product(shop=shop_b, title_id=f"Kemeja {round_number}", stock=2 * UNITS)
        medium, large = add_size(kemeja, "M", UNITS), add_size(kemeja, "L", UNITS)

        def buy(number, kain=kain, kemeja=kemeja, medium=medium, large=large):
            items = [(kain, 1), (kemeja, medium, 1), (kemeja, large, 1)]
            if number % 2:
                items.reverse()
            f.order_start(*items)

        outcomes = race(buy)
        report.append({"outcomes": dict(outcomes), "stock": [Product.objects.get(pk=kain.pk).stock,
                                                             Product.objects.get(pk=kemeja.pk).stock],
                       "sizes": list(ProductSize.objects.filter(product=kemeja).values_list("stock", flat=True)),
                       "reserved": [_units(kain, StockState.RESERVED), _units(kemeja, StockState.RESERVED)],
                       "orders": OrderLine.objects.filter(product=kain).values("sub_order__order").distinct().count()})
    return report


def assert_exactly_the_last_units_sold(report):
    for round_number, result in enumerate(report):
        assert result["outcomes"] == {"bought": UNITS, "refused": BUYERS - UNITS}, (round_number, result)
        assert result["stock"] == 0 and result["lines"] == UNITS, (round_number, result)
        assert result["stock"] + result["reserved"] + result["sold"] == UNITS, (round_number, result)
    # Buyers who paid at once and buyers still paying both won units (which ones win is chance).
    assert sum(result["sold"] for result in report) > 0 and sum(result["reserved"] for result in report) > 0


def assert_mixed_carts_sold_once(report):
    for round_number, result in enumerate(report):
        assert result["outcomes"] == {"bought": UNITS, "refused": BUYERS - UNITS}, (round_number, result)
        assert result["stock"] == [0, 0] and result["sizes"] == [0, 0], (round_number, result)
        assert result["reserved"] == [UNITS, 2 * UNITS] and result["orders"] == UNITS, (round_number, result)


# --- PostgreSQL: in the test's process --------------------------------------------------------

def test_twenty_buyers_for_the_last_five_units(postgresql):
    assert_exactly_the_last_units_sold(race_for_the_last_units())


def test_mixed_carts_in_opposite_orders_and_sizes_never_deadlock(postgresql):
    assert_mixed_carts_sold_once(race_with_mixed_carts())


def test_one_checkout_form_sent_again_at_once_takes_its_stock_back_once(postgresql):
    """The same checkout form sent again by many taps at once after its attempt's reservation ran out
    (Back, then taps on a slow connection), while Stripe's webhook for that attempt arrives: the attempt
    takes its units back once, or the payment does; never twice, and a paid line is never set back to
    held (found by a review: the attempt found again was not locked before its lines were taken)."""
    from marketplace.orders import stock
    from marketplace.orders.models import Order, OrderStatus

    f.rate_table()
    shop = f.shop(name="Sasirangan Ibu Aminah")
    for round_number in range(ROUNDS // 2):
        kain = f.product(shop=shop, title_id=f"Kain {round_number}", stock=3)
        key = f"form-{round_number:02d}-" + "k" * 20
        attempt = f.order_start((kain, 1), key=key)
        attempt.stripe_payment_intent_id = f"pi_race_{round_number}"
        attempt.save(update_fields=["stripe_payment_intent_id"])
        stock.stock_release(order=attempt)  # its reservation ran out

        def send_or_pay(number, kain=kain, key=key, attempt=attempt):
            if number == 0:  # the webhook of the payment made on the pay page before
                checkout.order_mark_paid(order=Order.objects.get(pk=attempt.pk), intent=f.intent_for(attempt))
            else:
                assert f.order_start((kain, 1), key=key).pk == attempt.pk

        outcomes = race(send_or_pay)
        assert outcomes == Counter({"bought": BUYERS}), outcomes
        attempt.refresh_from_db()
        assert attempt.status == OrderStatus.PAID
        assert list(OrderLine.objects.filter(sub_order__order=attempt).values_list("stock_state", flat=True)) == [
            StockState.CONSUMED]
        assert Product.objects.get(pk=kain.pk).stock == 2


# --- SQLite: the same races in a process of their own, on a file --------------------------------

SQLITE_RACE = """
import json, sys
import django
django.setup()
from tests.marketplace.orders import test_concurrency as races
print(json.dumps([races.race_for_the_last_units(rounds=int(sys.argv[1])),
                  races.race_with_mixed_carts(rounds=int(sys.argv[1]))]))
"""


def test_on_sqlite_too_exactly_the_last_units_are_sold(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite variant; on PostgreSQL the tests above race in-process")
    # The test database as it is (its schema and what the migrations put in), copied to a file.
    result = run_python(SQLITE_RACE, str(ROUNDS // 2), database_url=database_url_for_another_process(tmp_path))
    assert result.returncode == 0, result.stderr[-3000:]
    last_units, mixed_carts = json.loads(result.stdout.strip().splitlines()[-1])
    assert len(last_units) == ROUNDS // 2 and len(mixed_carts) == ROUNDS // 2
    assert_exactly_the_last_units_sold(last_units)
    assert_mixed_carts_sold_once(mixed_carts)
