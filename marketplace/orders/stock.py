"""Stock for orders: reserve, release, consume, return. It never oversells.

Reserving is a conditional UPDATE (`stock = stock - n WHERE stock >= n`) inside
the caller's transaction: two buyers of the last unit cannot both succeed, on
PostgreSQL (the second UPDATE waits for the first's row lock and re-checks the
condition) as on SQLite (one writer at a time). The database's CHECK (stock >= 0)
is the backstop. A reservation holds the units for
settings.STOCK_RESERVATION_MINUTES; an expired one is given back by
`stock_release_expired`, which the task queue's worker runs every minute
(marketplace/orders/tasks.py), never a buyer's request.

Rows are always locked in one order, every product (by id) before every size
(by id), the same order the dashboard's product form writes in, so concurrent
checkouts and edits never deadlock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.dispatch import Signal
from django.utils import timezone

from marketplace.models import Product, ProductSize, stock_as_shown
from marketplace.orders.models import Order, OrderLine, OrderStatus, StockState

# Sent with product_ids when stock moved by queryset updates, which send no post_save, and what a
# page shows of it changed (sold out, the last few; _stock_moved); the search index listens
# (search/signals.py): marketplace does not know search.
stock_changed = Signal()


class OutOfStock(Exception):
    """Not enough stock for a line; `line` says which, `available` how many are left."""

    def __init__(self, line: OrderLine, available: int):
        super().__init__(f"only {available} of {line.title} left")
        self.line = line
        self.available = available


def reservation_deadline(now=None):
    return (now or timezone.now()) + timedelta(minutes=settings.STOCK_RESERVATION_MINUTES)


def _quantities(lines: Iterable[OrderLine]) -> tuple[dict[int, int], dict[int, int]]:
    per_product: dict[int, int] = defaultdict(int)
    per_size: dict[int, int] = defaultdict(int)
    for line in lines:
        if line.product_id is None:
            continue
        per_product[line.product_id] += line.quantity
        if line.size_id is not None:
            per_size[line.size_id] += line.quantity
    return per_product, per_size


def _take(lines: list[OrderLine]) -> None:
    """Take the lines' units from stock or raise OutOfStock; the caller's transaction undoes a partial take."""
    per_product, per_size = _quantities(lines)
    for product_id in sorted(per_product):
        wanted = per_product[product_id]
        if not Product.objects.filter(pk=product_id, stock__gte=wanted).update(stock=F("stock") - wanted):
            line = next(line for line in lines if line.product_id == product_id)
            available = Product.objects.filter(pk=product_id).values_list("stock", flat=True).first() or 0
            raise OutOfStock(line, available)
    for size_id in sorted(per_size):
        wanted = per_size[size_id]
        if not ProductSize.objects.filter(pk=size_id, stock__gte=wanted).update(stock=F("stock") - wanted):
            line = next(line for line in lines if line.size_id == size_id)
            available = ProductSize.objects.filter(pk=size_id).values_list("stock", flat=True).first() or 0
            raise OutOfStock(line, available)
    _stock_moved(lines, per_product, per_size, taken=True)


def _stock_moved(lines: list[OrderLine], per_product: dict[int, int], per_size: dict[int, int], *,
                 taken: bool) -> None:
    """Queryset updates send no signals: tell search and the page caches about the products whose
    stock *as a page shows it* changed (models.stock_as_shown: sold out, the last few, a size sold
    out). Selling the 40th of 100 changes no page, so the pages that show it stay cached.

    The stocks are read back inside the caller's transaction, which holds the rows' locks (SQLite:
    the database's), so "before" is exactly this move's own."""
    sign = 1 if taken else -1
    moved = set()
    for product_id, stock in Product.objects.filter(pk__in=per_product).values_list("pk", "stock"):
        if stock_as_shown(stock) != stock_as_shown(stock + sign * per_product[product_id]):
            moved.add(product_id)
    if per_size:
        product_of_size = {line.size_id: line.product_id for line in lines if line.size_id is not None}
        for size_id, stock in ProductSize.objects.filter(pk__in=per_size).values_list("pk", "stock"):
            if (stock <= 0) != (stock + sign * per_size[size_id] <= 0):
                moved.add(product_of_size[size_id])
    if moved:
        _stock_changed(sorted(moved))


def _stock_changed(product_ids) -> None:
    from functools import partial

    from marketplace import cache_tags

    stock_changed.send(sender=Product, product_ids=list(product_ids))
    # After the commit, so a rolled-back reservation purges nothing and no page renders the old stock meanwhile;
    # only what showed these products (config/dependencies.py).
    transaction.on_commit(partial(cache_tags.stock_moved, list(product_ids)))


def _give_back(lines: list[OrderLine]) -> None:
    per_product, per_size = _quantities(lines)
    for product_id in sorted(per_product):
        Product.objects.filter(pk=product_id).update(stock=F("stock") + per_product[product_id])
    for size_id in sorted(per_size):
        ProductSize.objects.filter(pk=size_id).update(stock=F("stock") + per_size[size_id])
    _stock_moved(lines, per_product, per_size, taken=False)


def _set_state(lines: list[OrderLine], state: str) -> None:
    OrderLine.objects.filter(pk__in=[line.pk for line in lines]).update(stock_state=state)
    for line in lines:
        line.stock_state = state


def stock_reserve(*, lines: list[OrderLine]) -> None:
    """Hold the lines' units for their buyer; all of them or (OutOfStock) none."""
    with transaction.atomic():
        _take(lines)
        _set_state(lines, StockState.RESERVED)


def stock_held(*, order: Order | None) -> dict[str, int]:
    """What an unpaid order holds, per cart line key ("<product>:<size or 0>")."""
    if order is None or order.status != OrderStatus.AWAITING_PAYMENT:
        return {}
    held: dict[str, int] = defaultdict(int)
    for product_id, size_id, quantity in OrderLine.objects.filter(
            sub_order__order=order, stock_state=StockState.RESERVED).values_list("product_id", "size_id", "quantity"):
        held[f"{product_id}:{size_id or 0}"] += quantity
    return dict(held)


def stock_release(*, order: Order) -> int:
    """Give a not-yet-paid order's reserved units back; returns how many lines."""
    lines = list(OrderLine.objects.filter(sub_order__order=order, stock_state=StockState.RESERVED))
    if lines:
        _give_back(lines)
        _set_state(lines, StockState.RELEASED)
    order.reserved_until = None
    Order.objects.filter(pk=order.pk).update(reserved_until=None)
    return len(lines)


def stock_consume(*, lines: list[OrderLine]) -> None:
    """Reserved units are sold: they already left the stock when reserved."""
    _set_state([line for line in lines if line.stock_state == StockState.RESERVED], StockState.CONSUMED)


def stock_retake(*, lines: list[OrderLine]) -> None:
    """Take released units again for a payment that arrived late (OutOfStock if they are gone)."""
    with transaction.atomic():
        _take(lines)
        _set_state(lines, StockState.CONSUMED)


def stock_return(*, lines: list[OrderLine]) -> None:
    """Sold units come back to the shelf (a cancelled sub-order)."""
    sold = [line for line in lines if line.stock_state == StockState.CONSUMED]
    if sold:
        _give_back(sold)
        _set_state(sold, StockState.RETURNED)


def stock_release_expired(*, now=None) -> int:
    """Release the reservations of unpaid orders whose time ran out; returns how many orders.

    The order stays payable: a payment that still arrives is honoured if the stock is
    there (checkout.order_mark_paid), else refunded.
    """
    now = now or timezone.now()
    released = 0
    expired = (Order.objects.filter(status=OrderStatus.AWAITING_PAYMENT, reserved_until__lt=now)
               .values_list("pk", flat=True))
    for order_pk in list(expired):
        with transaction.atomic():
            order = (Order.objects.select_for_update()
                     .filter(pk=order_pk, status=OrderStatus.AWAITING_PAYMENT, reserved_until__lt=now).first())
            if order is not None:
                stock_release(order=order)
                released += 1
    return released
