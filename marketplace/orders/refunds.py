"""Refunds: from the admin (an order or one sub-order, whole or in part), from an artisan's
cancellation, automatically when stock ran out after a late payment, and from Stripe's
own dashboard (`charge.refunded`, handled in webhooks.py).

A refund made here is first recorded as pending with its split over the sub-orders
(committed), then sent to Stripe by a task (`refund_submit_task`, tried again later
while Stripe does not answer) with the idempotency key `refund-<id>`, then marked
succeeded and written to the ledger. A pending refund counts as already refunded, so
two editors cannot refund the same money twice, and `charge.refunded` for a refund we
made adds nothing: the webhook compares Stripe's total refunded with ours (pending and
succeeded) and records only a difference, which is a refund made outside the site.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.tasks import enqueue_on_commit, retried_task
from marketplace.orders import emails, payouts
from marketplace.orders.models import (
    Order,
    OrderStatus,
    Refund,
    RefundPart,
    RefundSource,
    RefundStatus,
    SubOrder,
)
from marketplace.payments import methods, stripe_client
from marketplace.payments.models import PaymentMethod

logger = logging.getLogger(__name__)
COUNTED_STATUSES = [RefundStatus.PENDING, RefundStatus.SUCCEEDED]


class RefundError(Exception):
    """A refund that cannot be made; the message is for the person asking, in their language."""


class PartialRefundRefused(RefundError):
    """The order was paid in a way that is refunded only in full (methods.PARTIAL_REFUNDS), and this
    refund is less than all that is left of the order's payment."""


# Refunds that must respect what the way to pay allows: made by a person (an editor, an artisan
# cancelling their part). The automatic one (out of stock after a late payment) is sent regardless.
PARTIAL_RULE_SOURCES = (RefundSource.EDITOR, RefundSource.ARTISAN_CANCEL)

# Where a refund's money goes, per way to pay, and how soon it is seen: (for the buyer, for the staff
# who make it). Card: Stripe's refunds documentation (5–10 business days). QRIS and GoPay: back
# through the same provider; Stripe's pages for them could not be read here, so no figure is given
# (docs/decisions.md, "Refunds said per way to pay").
REFUND_DESTINATIONS = {
    PaymentMethod.CARD: (
        gettext_lazy("Dana kembali ke kartu yang Anda pakai untuk membayar, biasanya terlihat dalam 5–10 hari "
                     "kerja, tergantung bank penerbit kartu."),
        gettext_lazy("Dana kembali ke kartu pembeli lewat Stripe (biasanya terlihat dalam 5–10 hari kerja)."),
    ),
    PaymentMethod.QRIS: (
        gettext_lazy("Dana kembali ke aplikasi bank atau dompet digital yang Anda pakai untuk memindai kode QRIS, "
                     "biasanya dalam beberapa hari kerja, tergantung bank atau dompet digitalnya."),
        gettext_lazy("Dana kembali lewat Stripe ke aplikasi bank atau dompet digital yang dipakai pembeli untuk "
                     "memindai kode QRIS."),
    ),
    PaymentMethod.GOPAY: (
        gettext_lazy("Dana kembali ke saldo GoPay Anda, biasanya dalam beberapa hari kerja."),
        gettext_lazy("Dana kembali lewat Stripe ke saldo GoPay pembeli."),
    ),
}


def refund_destination(*, order: Order, staff: bool = False) -> str:
    """Where the money of a refund of `order` goes and when it is seen, in the active language: for the
    buyer ("your card", "your GoPay balance"...) or, `staff`, for the editor making it."""
    method = methods.method_of(order.stripe_payment_intent_id)
    for_buyer, for_staff = REFUND_DESTINATIONS.get(method, REFUND_DESTINATIONS[PaymentMethod.CARD])
    return str(for_staff if staff else for_buyer)


def refund_allocate(*, remaining: dict[int, int], amount_idr: int) -> dict[int, int]:
    """Split `amount_idr` over sub-orders in proportion to what each still has to refund.

    Whole rupiah by the largest-remainder method (ties to the lower id): the parts add up
    to exactly `amount_idr` and none exceeds its sub-order's remaining amount.
    """
    total = sum(remaining.values())
    if amount_idr <= 0 or amount_idr > total:
        raise ValueError(f"cannot allocate {amount_idr} over {total}")
    shares = {key: amount_idr * value // total for key, value in remaining.items()}
    left = amount_idr - sum(shares.values())
    by_remainder = sorted(remaining, key=lambda key: (-(amount_idr * remaining[key] % total), key))
    for key in by_remainder[:left]:
        shares[key] += 1
    return {key: share for key, share in shares.items() if share}


def refundable_by_sub_order(*, order: Order) -> dict[int, int]:
    """What each sub-order of a paid order can still give back (pending refunds count as given)."""
    sub_orders = list(order.sub_orders.all())
    counted = dict(RefundPart.objects.filter(sub_order__order=order, refund__status__in=COUNTED_STATUSES)
                   .values("sub_order_id").annotate(total=Sum("amount_idr")).values_list("sub_order_id", "total"))
    # Goods and shipping: a full refund of a sub-order gives back its shipping too (payouts.py).
    return {sub_order.pk: sub_order.total_idr - counted.get(sub_order.pk, 0) for sub_order in sub_orders}


def refunded_total(*, order: Order) -> int:
    return order.refunds.filter(status__in=COUNTED_STATUSES).aggregate(total=Sum("amount_idr"))["total"] or 0


def partial_refund_refusal(*, order: Order, amount_idr: int, order_remaining: int) -> str:
    """Why a refund of `amount_idr` cannot be made when `order_remaining` is left of the order's payment:
    the way it was paid is refunded only in full (methods.PARTIAL_REFUNDS); empty when it can."""
    if amount_idr >= order_remaining:
        return ""
    return methods.partial_refund_refusal(methods.method_of(order.stripe_payment_intent_id))


def sub_order_refund_refusal(*, sub_order: SubOrder) -> str:
    """The same for all that is left of one sub-order (an artisan's cancel), asked before anything is done."""
    remaining = refundable_by_sub_order(order=sub_order.order)
    part = remaining.get(sub_order.pk, 0)
    if part <= 0:
        return ""
    return partial_refund_refusal(order=sub_order.order, amount_idr=part, order_remaining=sum(remaining.values()))


def _lock_paid_order(order_pk: int) -> Order:
    order = Order.objects.select_for_update().get(pk=order_pk)
    if order.status != OrderStatus.PAID or not order.stripe_payment_intent_id:
        raise RefundError(_("Hanya pesanan yang sudah dibayar yang dapat dikembalikan dananya."))
    return order


def refund_request(*, order: Order, sub_order: SubOrder | None = None, amount_idr: int | None = None,
                   reason: str = "", source: str = RefundSource.EDITOR, by=None) -> Refund:
    """Record a refund as pending, split over the sub-orders. `amount_idr` None: all that is left.

    Then `refund_submit_on_commit` (or use `refund_make`).
    """
    with transaction.atomic():
        order = _lock_paid_order(order.pk)
        remaining = refundable_by_sub_order(order=order)
        order_remaining = sum(remaining.values())
        if sub_order is not None:
            if sub_order.order_id != order.pk:
                raise RefundError(_("Sub-pesanan itu bukan bagian dari pesanan ini."))
            remaining = {sub_order.pk: remaining.get(sub_order.pk, 0)}
        available = sum(remaining.values())
        if amount_idr is None:
            amount_idr = available
        if available <= 0:
            raise RefundError(_("Tidak ada lagi yang dapat dikembalikan: seluruh dananya sudah dikembalikan."))
        if amount_idr <= 0:
            raise RefundError(_("Jumlah pengembalian harus lebih dari Rp 0."))
        if amount_idr > available:
            raise RefundError(_("Paling banyak Rp %(available)s yang masih dapat dikembalikan.")
                              % {"available": f"{available:,}".replace(",", ".")})
        if source in PARTIAL_RULE_SOURCES:
            # QRIS is refunded only in full (methods.PARTIAL_REFUNDS): the editor or the artisan is told
            # so, and nothing is written.
            refusal = partial_refund_refusal(order=order, amount_idr=amount_idr, order_remaining=order_remaining)
            if refusal:
                raise PartialRefundRefused(refusal)
        refund = Refund.objects.create(order=order, amount_idr=amount_idr, source=source, reason=reason[:300],
                                       created_by=by if getattr(by, "is_authenticated", False) else None)
        RefundPart.objects.bulk_create(
            [RefundPart(refund=refund, sub_order_id=sub_order_id, amount_idr=share)
             for sub_order_id, share in refund_allocate(remaining=remaining, amount_idr=amount_idr).items()])
    return refund


def refund_submit(*, refund: Refund) -> Refund:
    """Send a pending refund to Stripe and record the outcome; safe to call again (same idempotency key)."""
    refund = Refund.objects.select_related("order").get(pk=refund.pk)
    if refund.status != RefundStatus.PENDING:
        return refund
    try:
        stripe_refund = stripe_client.refund_create(
            payment_intent_id=refund.order.stripe_payment_intent_id, amount_idr=refund.amount_idr,
            idempotency_key=refund.idempotency_key, metadata={"refund": refund.pk, "order": refund.order_id})
    except stripe_client.StripeError as error:
        # A clear refusal (invalid request, card error) fails it; a network error leaves it pending
        # for payments_reconcile to send again with the same idempotency key.
        if getattr(error, "http_status", None) and 400 <= error.http_status < 500:
            Refund.objects.filter(pk=refund.pk, status=RefundStatus.PENDING).update(
                status=RefundStatus.FAILED, failure_message=str(getattr(error, "user_message", "") or error)[:300],
                completed_at=timezone.now())
        logger.warning("Refund %s for order %s not made: %s", refund.pk, refund.order_id, error)
        refund.refresh_from_db()
        return refund
    return refund_mark_succeeded(refund=refund, stripe_refund_id=stripe_refund.id)


def refund_mark_succeeded(*, refund: Refund, stripe_refund_id: str | None) -> Refund:
    with transaction.atomic():
        refund = Refund.objects.select_for_update().select_related("order").get(pk=refund.pk)
        if refund.status == RefundStatus.SUCCEEDED:
            return refund
        refund.status = RefundStatus.SUCCEEDED
        refund.stripe_refund_id = stripe_refund_id
        refund.completed_at = timezone.now()
        refund.save(update_fields=["status", "stripe_refund_id", "completed_at"])
        payouts.ledger_record_refund(refund=refund)
        transaction.on_commit(lambda: emails.refund_email(refund=refund), robust=True)
    return refund


def refund_make(**kwargs) -> Refund:
    """Record the refund and hand it to the task queue (the admin's way). Its status is pending
    until the worker has Stripe's answer (at once where tasks run at once: the tests)."""
    refund = refund_request(**kwargs)
    refund_submit_enqueue(refund)
    refund.refresh_from_db()
    return refund


class StripeUnreachable(Exception):
    """Stripe did not answer; the task is tried again later (the idempotency key makes that safe)."""


@retried_task(attempts=8, first_delay_seconds=30, priority=5)
def refund_submit_task(*, refund_pk: int) -> str:
    """Send a pending refund to Stripe; returns its status ("succeeded", or "failed": Stripe refused)."""
    refund = refund_submit(refund=Refund(pk=refund_pk))
    if refund.status == RefundStatus.PENDING:
        raise StripeUnreachable(f"refund {refund_pk} is still pending: Stripe did not answer")
    return refund.status


def refund_submit_enqueue(refund: Refund) -> None:
    """Hand a recorded (committed) refund to the task queue, which sends it to Stripe."""
    refund_submit_task.enqueue(refund_pk=refund.pk)


def refund_submit_on_commit(refund: Refund) -> None:
    """The same, from inside the transaction that records the refund: once it commits."""
    enqueue_on_commit(refund_submit_task, refund_pk=refund.pk)


def refunds_resubmit_pending(*, older_than_seconds: int = 60) -> int:
    """Pending refunds whose Stripe call did not come back: send again (same idempotency key)."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    count = 0
    for refund in Refund.objects.filter(status=RefundStatus.PENDING, created_at__lt=cutoff).exclude(
            source=RefundSource.STRIPE):
        refund_submit(refund=refund)
        count += 1
    return count

