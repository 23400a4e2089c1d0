"""Reads of orders: by status link, by buyer, by shop. Who may see what is decided here.

- An order's status page is reachable by its token alone (the unguessable link in
  the confirmation email); a wrong or malformed token is a 404.
- A signed-in buyer sees the orders made while signed in.
- An artisan sees their own shop's sub-orders, never another shop's (404).
"""

from __future__ import annotations

import re

from django.db.models import Count, Prefetch, Q, Sum
from django.http import Http404

from marketplace.models import Shop
from marketplace.orders.models import (
    OPEN_STATUSES,
    DeliveryKind,
    Order,
    OrderLine,
    Refund,
    RefundStatus,
    SubOrder,
    SubOrderStatus,
)

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


# The orders placed on this device (a guest's too): their pks in the session, newest last, so that
# what a visitor bought for pickup can join the trip plan kept on the same device.
DEVICE_ORDERS_SESSION_KEY = "kampung_sasirangan_orders"
DEVICE_ORDERS_KEPT = 20


def device_order_remember(request, order: Order) -> None:
    known = [pk for pk in request.session.get(DEVICE_ORDERS_SESSION_KEY, []) if pk != order.pk]
    request.session[DEVICE_ORDERS_SESSION_KEY] = [*known, order.pk][-DEVICE_ORDERS_KEPT:]


def device_order_ids(request) -> list[int]:
    session = getattr(request, "session", None)
    known = session.get(DEVICE_ORDERS_SESSION_KEY, []) if session is not None else []
    return [pk for pk in known if isinstance(pk, int)]


def _order_queryset():
    return Order.objects.prefetch_related(
        Prefetch("sub_orders", queryset=SubOrder.objects.select_related("shop").order_by("shop__name", "pk")),
        "sub_orders__lines",
        # The buyer reads what has been given back, not what is still on its way.
        Prefetch("refunds", queryset=Refund.objects.filter(status=RefundStatus.SUCCEEDED)),
    )


def order_for_token(*, token: str) -> Order:
    if not isinstance(token, str) or not TOKEN_PATTERN.match(token):
        raise Http404("no such order")
    order = _order_queryset().filter(token=token).first()
    if order is None:
        raise Http404("no such order")
    return order


def orders_for_buyer(*, user) -> list[Order]:
    if user is None or not user.is_authenticated:
        return []
    return list(Order.objects.filter(user=user).prefetch_related(
        Prefetch("sub_orders", queryset=SubOrder.objects.select_related("shop").order_by("shop__name", "pk")),
        "sub_orders__lines")
        .order_by("-created_at", "-pk"))


def order_refunded_idr(order: Order) -> int:
    """From the prefetched refunds (those that went through)."""
    return sum(refund.amount_idr for refund in order.refunds.all())


def sub_orders_for_shop(*, shop: Shop, status: str | None = None) -> list[SubOrder]:
    """The shop's sub-orders that were paid (or later shipped or cancelled), newest first."""
    sub_orders = (SubOrder.objects.filter(shop=shop).exclude(status="awaiting_payment")
                  .select_related("order").prefetch_related("lines")
                  .order_by("-order__created_at", "-pk"))
    if status:
        sub_orders = sub_orders.filter(status=status)
    return list(sub_orders)


def sub_order_for_shop(*, shop: Shop | None, pk) -> SubOrder:
    """One of the shop's own paid sub-orders, or 404 (another shop's, an unpaid one, none)."""
    if shop is None:
        raise Http404("no shop")
    sub_order = (SubOrder.objects.filter(shop=shop, pk=pk).exclude(status="awaiting_payment")
                 .select_related("order", "shop")
                 .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.order_by("pk")))
                 .first())
    if sub_order is None:
        raise Http404("no such sub-order")
    return sub_order


def sub_order_refunded_idr(*, sub_order: SubOrder) -> int:
    return (sub_order.refund_parts.exclude(refund__status=RefundStatus.FAILED)
            .aggregate(total=Sum("amount_idr"))["total"] or 0)


def shop_order_counts(*, shop: Shop) -> dict[str, int]:
    """What waits for the artisan, in one query: parcels to ship (paid, courier), pickups to get
    ready (paid) and pickups ready for the buyer to collect; `waiting` is their sum (the orders tab)."""
    counts = SubOrder.objects.filter(shop=shop, status__in=OPEN_STATUSES).aggregate(
        to_ship=Count("pk", filter=Q(status=SubOrderStatus.PAID, delivery_kind=DeliveryKind.COURIER)),
        to_prepare=Count("pk", filter=Q(status=SubOrderStatus.PAID, delivery_kind=DeliveryKind.PICKUP)),
        to_collect=Count("pk", filter=Q(status=SubOrderStatus.READY_FOR_PICKUP)))
    counts["waiting"] = counts["to_ship"] + counts["to_prepare"] + counts["to_collect"]
    return counts
