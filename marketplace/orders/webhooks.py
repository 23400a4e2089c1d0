"""Stripe's events about orders and refunds: the handlers that `marketplace.payments.webhooks`
dispatches to by type (its `HANDLERS`), once the event is stored, from the task
`stripe_event_handle`.

- `payment_intent.succeeded` -> `checkout.order_mark_paid`
- `payment_intent.payment_failed` -> `checkout.order_payment_failed`
- `charge.refunded` -> a refund made outside the site (Stripe's dashboard) recorded

Each is idempotent and safe in any order, and runs in no transaction of ours: the work it calls
keeps its own short transactions, with any call to Stripe outside them. They live here, above
both checkout and refunds, so that neither of those imports the other back (import-linter's
acyclic contract).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from marketplace.orders import checkout, refunds
from marketplace.orders.models import Order, OrderStatus, Refund, RefundPart, RefundSource
from marketplace.payments import stripe_client

logger = logging.getLogger(__name__)


# --- payment_intent.* --------------------------------------------------------------------------

def _order_for_intent(intent: dict) -> Order | None:
    """The order a PaymentIntent is for: the one that keeps its id; else, by the metadata, an order
    that could have had it without keeping it (its creation's answer was lost, or it was replaced
    after an emulator decline). Nothing else: another database's order 7 is not ours."""
    order = Order.objects.filter(stripe_payment_intent_id=intent.get("id")).first()
    if order is not None:
        return order
    order_pk = str((intent.get("metadata") or {}).get("order", ""))
    if not re.fullmatch(r"[0-9]{1,18}", order_pk):  # not "²" (a digit to isdigit) nor past a bigint
        return None
    return (Order.objects.filter(pk=int(order_pk))
            .filter(Q(stripe_payment_intent_id__isnull=True) | Q(payment_intent_count__gt=1)).first())


def payment_intent_succeeded(*, event: dict) -> None:
    """`payment_intent.succeeded`: the order is marked paid."""
    intent = event["data"]["object"]
    order = _order_for_intent(intent)
    if order is None:
        logger.warning("payment_intent.succeeded for a PaymentIntent no order has: %s", intent.get("id"))
        return
    checkout.order_mark_paid(order=order, intent=intent)


def payment_intent_payment_failed(*, event: dict) -> None:
    """`payment_intent.payment_failed`: the stock is given back (unless the buyer tried again since)."""
    intent = event["data"]["object"]
    order = _order_for_intent(intent)
    if order is None:
        logger.info("payment_intent.payment_failed for a PaymentIntent no order has: %s", intent.get("id"))
        return
    checkout.order_payment_failed(order=order, intent=intent, event_created=event.get("created"))


# --- charge.refunded -----------------------------------------------------------------------------

@dataclass
class _ChargeFacts:
    payment_intent_id: str
    amount_refunded_idr: int
    paid: bool


def _charge_facts(charge: dict) -> _ChargeFacts:
    return _ChargeFacts(payment_intent_id=str(charge.get("payment_intent") or ""),
                        amount_refunded_idr=stripe_client.from_minor_units(charge.get("amount_refunded") or 0),
                        paid=charge.get("status") == "succeeded" or bool(charge.get("paid")))


def charge_refunded(*, event: dict) -> None:
    """`charge.refunded`: record what Stripe refunded beyond what the site did.

    Idempotent and order-proof: Stripe's `amount_refunded` only grows, so a stale or
    repeated event finds nothing new. A refund of an order not yet marked paid (its
    `payment_intent.succeeded` still on the way) first marks it paid.
    """
    facts = _charge_facts(event["data"]["object"])
    order = Order.objects.filter(stripe_payment_intent_id=facts.payment_intent_id).first() if facts.payment_intent_id else None
    if order is None:
        logger.info("charge.refunded for a PaymentIntent no order has: %s", facts.payment_intent_id)
        return
    if order.status != OrderStatus.PAID and facts.paid:
        # Asked before any transaction opens: no row stays locked while Stripe answers.
        intent = stripe_client.payment_intent_retrieve(facts.payment_intent_id).to_dict()
        checkout.order_mark_paid(order=order, intent=intent)
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status != OrderStatus.PAID:
            return
        outside = facts.amount_refunded_idr - refunds.refunded_total(order=order)
        if outside <= 0:
            return
        remaining = refunds.refundable_by_sub_order(order=order)
        outside = min(outside, sum(remaining.values()))
        if outside <= 0:
            return
        refund = Refund.objects.create(order=order, amount_idr=outside, source=RefundSource.STRIPE,
                                       reason=_("Dikembalikan lewat dasbor Stripe"))
        RefundPart.objects.bulk_create(
            [RefundPart(refund=refund, sub_order_id=sub_order_id, amount_idr=share)
             for sub_order_id, share in refunds.refund_allocate(remaining=remaining, amount_idr=outside).items()])
        refunds.refund_mark_succeeded(refund=refund, stripe_refund_id=None)
