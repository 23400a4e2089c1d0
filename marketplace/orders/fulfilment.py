"""What happens to a paid sub-order: the artisan ships it (or cancels it while it is still on their
shelf), then the buyer receives it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.orders import emails, refunds, stock
from marketplace.orders.models import SENT_STATUSES, RefundSource, SubOrder, SubOrderStatus
from marketplace.orders.signals import sub_order_delivered


class FulfilmentError(Exception):
    """The sub-order is not in a state for this; the message is for the artisan (Indonesian)."""


def _lock(sub_order: SubOrder) -> SubOrder:
    return SubOrder.objects.select_for_update().select_related("order", "shop").get(pk=sub_order.pk)


def suborder_mark_shipped(*, sub_order: SubOrder, courier: str, tracking_number: str) -> SubOrder:
    with transaction.atomic():
        sub_order = _lock(sub_order)
        if sub_order.status == SubOrderStatus.SHIPPED:
            raise FulfilmentError(_("Pesanan ini sudah ditandai dikirim."))
        if sub_order.status != SubOrderStatus.PAID:
            raise FulfilmentError(_("Hanya pesanan yang sudah dibayar dan belum dibatalkan yang dapat dikirim."))
        sub_order.status = SubOrderStatus.SHIPPED
        sub_order.courier = courier
        sub_order.tracking_number = tracking_number
        sub_order.shipped_at = timezone.now()
        sub_order.save(update_fields=["status", "courier", "tracking_number", "shipped_at"])
        transaction.on_commit(lambda: emails.sub_order_shipped_email(sub_order=sub_order), robust=True)
    return sub_order


def suborder_mark_delivered(*, sub_order: SubOrder) -> SubOrder:
    """The buyer has the parcel (they said so, or the artisan read it in the courier's tracking).

    After the commit `signals.sub_order_delivered` goes out (reviews invite the buyer to review what
    they bought). A second call changes nothing and sends nothing.
    """
    with transaction.atomic():
        sub_order = _lock(sub_order)
        if sub_order.status == SubOrderStatus.DELIVERED:
            return sub_order
        if sub_order.status != SubOrderStatus.SHIPPED:
            raise FulfilmentError(_("Hanya pesanan yang sudah dikirim yang dapat ditandai diterima."))
        sub_order.status = SubOrderStatus.DELIVERED
        sub_order.delivered_at = timezone.now()
        sub_order.save(update_fields=["status", "delivered_at"])
        transaction.on_commit(lambda: sub_order_delivered.send(sender=SubOrder, sub_order=sub_order), robust=True)
    return sub_order


def suborder_cancel(*, sub_order: SubOrder, reason: str, by=None) -> SubOrder:
    """Cancel a paid, unshipped sub-order: its units go back to stock and its money back to the buyer.

    The refund is recorded in the same transaction and sent to Stripe by a task after the commit.
    """
    with transaction.atomic():
        sub_order = _lock(sub_order)
        if sub_order.status in SENT_STATUSES:
            raise FulfilmentError(_("Pesanan yang sudah dikirim tidak dapat dibatalkan."))
        if sub_order.status != SubOrderStatus.PAID:
            raise FulfilmentError(_("Hanya pesanan yang sudah dibayar dan belum dibatalkan yang dapat dibatalkan."))
        stock.stock_return(lines=list(sub_order.lines.all()))
        sub_order.status = SubOrderStatus.CANCELED
        sub_order.canceled_at = timezone.now()
        sub_order.cancel_reason = reason[:300]
        sub_order.save(update_fields=["status", "canceled_at", "cancel_reason"])
        refund = None
        if refunds.refundable_by_sub_order(order=sub_order.order).get(sub_order.pk, 0) > 0:
            refund = refunds.refund_request(order=sub_order.order, sub_order=sub_order,
                                            source=RefundSource.ARTISAN_CANCEL, reason=reason, by=by)
        transaction.on_commit(lambda: emails.sub_order_canceled_email(sub_order=sub_order), robust=True)
    if refund is not None:
        refunds.refund_submit_enqueue(refund)
    return sub_order
