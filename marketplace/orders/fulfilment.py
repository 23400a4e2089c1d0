"""What happens to a paid sub-order: the artisan ships it (or cancels it while it is still on their
shelf), then the buyer receives it.

Courier: paid -> shipped (courier and receipt number; the buyer gets the tracking link; a mistyped
number may be corrected until the parcel arrives) -> delivered.
Pickup at the workshop: paid -> ready for pickup (the buyer is emailed the code, address and hours)
-> collected (the artisan types the code the buyer shows). Collected is received, like delivered:
reviews and payouts follow it the same way (models.RECEIVED_STATUSES).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.orders import emails, pickup, refunds, stock
from marketplace.orders.models import (
    OPEN_STATUSES,
    SENT_STATUSES,
    RefundSource,
    SubOrder,
    SubOrderStatus,
)
from marketplace.orders.signals import sub_order_delivered
from marketplace.payments import methods

logger = logging.getLogger(__name__)


class FulfilmentError(Exception):
    """The sub-order is not in a state for this; the message is for the artisan (Indonesian)."""


def _lock(sub_order: SubOrder) -> SubOrder:
    return SubOrder.objects.select_for_update().select_related("order", "shop").get(pk=sub_order.pk)


def suborder_mark_shipped(*, sub_order: SubOrder, courier: str, tracking_number: str) -> SubOrder:
    """Mark a paid courier sub-order shipped; the buyer is emailed after the commit. The same courier and
    number again (a double tap on a slow connection) is what was done, not an error, and emails nobody."""
    with transaction.atomic():
        sub_order = _lock(sub_order)
        if sub_order.status == SubOrderStatus.SHIPPED:
            if (sub_order.courier, sub_order.tracking_number) == (courier, tracking_number):
                return sub_order
            raise FulfilmentError(_("Pesanan ini sudah ditandai dikirim dengan nomor resi lain. Salah ketik? "
                                    "Perbaiki nomor resinya di bawah."))
        if sub_order.is_pickup:
            raise FulfilmentError(_("Pembeli memilih mengambil sendiri di workshop: tandai “siap diambil”, "
                                    "jangan dikirim."))
        if sub_order.status != SubOrderStatus.PAID:
            raise FulfilmentError(_("Hanya pesanan yang sudah dibayar dan belum dibatalkan yang dapat dikirim."))
        sub_order.status = SubOrderStatus.SHIPPED
        sub_order.courier = courier
        sub_order.tracking_number = tracking_number
        sub_order.shipped_at = timezone.now()
        sub_order.save(update_fields=["status", "courier", "tracking_number", "shipped_at"])
        transaction.on_commit(lambda: emails.sub_order_shipped_email(sub_order=sub_order), robust=True)
    return sub_order


def tracking_correction_refusal(sub_order: SubOrder) -> str | None:
    """Why this sub-order's receipt number cannot be corrected (for the artisan), or None."""
    if sub_order.status in (SubOrderStatus.DELIVERED, SubOrderStatus.COLLECTED):
        return _("Paket sudah diterima pembeli; nomor resinya tidak diubah lagi.")
    if sub_order.status != SubOrderStatus.SHIPPED:
        return _("Hanya pesanan yang sedang dikirim yang nomor resinya dapat diperbaiki.")
    return None


def suborder_correct_tracking(*, sub_order: SubOrder, courier: str, tracking_number: str) -> bool:
    """The artisan mistyped the receipt number (or chose the wrong courier) when marking the parcel
    shipped: while it is on its way the two may be corrected, and the buyer is emailed the new
    tracking link. True when something changed; the same courier and number change nothing and send
    nothing (a second tap). The number it replaces goes to the log, for support in a dispute."""
    with transaction.atomic():
        sub_order = _lock(sub_order)
        refusal = tracking_correction_refusal(sub_order)
        if refusal:
            raise FulfilmentError(refusal)
        if (sub_order.courier, sub_order.tracking_number) == (courier, tracking_number):
            return False
        logger.info("Sub-order %s: receipt number corrected from %s %s to %s %s", sub_order.pk,
                    sub_order.courier, sub_order.tracking_number, courier, tracking_number)
        sub_order.courier = courier
        sub_order.tracking_number = tracking_number
        sub_order.save(update_fields=["courier", "tracking_number"])
        transaction.on_commit(
            lambda: emails.sub_order_shipped_email(sub_order=sub_order, corrected=True), robust=True)
    return True


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


def suborder_mark_ready(*, sub_order: SubOrder) -> SubOrder:
    """The artisan has the buyer's things ready at the workshop: the buyer is emailed the code, the
    address and the hours (after the commit, through the task queue). Ready again (a double tap on a
    slow connection) is what was done, not an error, and emails nobody."""
    with transaction.atomic():
        sub_order = _lock(sub_order)
        if not sub_order.is_pickup:
            raise FulfilmentError(_("Pesanan ini dikirim dengan kurir, bukan diambil sendiri."))
        if sub_order.status == SubOrderStatus.READY_FOR_PICKUP:
            return sub_order
        if sub_order.status != SubOrderStatus.PAID:
            raise FulfilmentError(_("Hanya pesanan yang sudah dibayar dan belum dibatalkan yang dapat "
                                    "ditandai siap diambil."))
        sub_order.status = SubOrderStatus.READY_FOR_PICKUP
        sub_order.ready_at = timezone.now()
        sub_order.save(update_fields=["status", "ready_at"])
        transaction.on_commit(lambda: emails.sub_order_ready_email(sub_order=sub_order), robust=True)
    return sub_order


class WrongPickupCode(FulfilmentError):
    """The code typed is not this sub-order's: nothing changed."""


def suborder_mark_collected(*, sub_order: SubOrder, code: str) -> SubOrder:
    """The buyer came and showed the code: the sub-order is collected (received, as a delivered one).

    A wrong code changes nothing (WrongPickupCode). After the commit `signals.sub_order_delivered`
    goes out, as for a delivered parcel. The right code again on a collected sub-order (a double tap)
    is what was done, not an error, and sends nothing; another code on it is refused.
    """
    with transaction.atomic():
        sub_order = _lock(sub_order)
        if not sub_order.is_pickup:
            raise FulfilmentError(_("Pesanan ini dikirim dengan kurir, bukan diambil sendiri."))
        if sub_order.status == SubOrderStatus.COLLECTED:
            if pickup.pickup_code_matches(sub_order=sub_order, typed=code):
                return sub_order
            raise FulfilmentError(_("Pesanan ini sudah diambil pembeli."))
        if sub_order.status not in OPEN_STATUSES:
            raise FulfilmentError(_("Hanya pesanan yang sudah dibayar dan belum dibatalkan yang dapat diambil."))
        if not pickup.pickup_code_matches(sub_order=sub_order, typed=code):
            raise WrongPickupCode(_("Kode pengambilan salah. Periksa lagi kode di email atau halaman pesanan "
                                    "pembeli; pesanan belum ditandai diambil."))
        sub_order.status = SubOrderStatus.COLLECTED
        sub_order.collected_at = timezone.now()
        if sub_order.ready_at is None:
            sub_order.ready_at = sub_order.collected_at
        sub_order.save(update_fields=["status", "collected_at", "ready_at"])
        transaction.on_commit(lambda: sub_order_delivered.send(sender=SubOrder, sub_order=sub_order), robust=True)
    return sub_order


class CancelNeedsEditors(FulfilmentError):
    """The artisan's part cannot be refunded alone (the way the order was paid is refunded only in
    full): nothing changed, and the message says whom to ask."""


def cancel_needs_editors_message(sub_order: SubOrder) -> str:
    return _("Pesanan %(number)s dibayar dengan %(method)s, yang dananya hanya dapat dikembalikan seluruhnya "
             "sekaligus, dan pesanan ini juga berisi barang dari toko lain. Bagian Anda belum dibatalkan: stok "
             "dan pendapatan Anda tidak berubah. Hubungi editor Dinas Pariwisata Kabupaten Banjar; mereka dapat "
             "mengembalikan dana seluruh pesanan setelah berbicara dengan pembeli, atau mengembalikan dana "
             "bagian Anda lewat transfer bank.") % {
        "number": sub_order.order.number,
        "method": methods.method_label(methods.method_of(sub_order.order.stripe_payment_intent_id))}


def cancel_refusal(*, sub_order: SubOrder) -> str:
    """Why the artisan cannot cancel this open sub-order themselves (shown beside the cancel form
    beforehand); empty when they can."""
    if sub_order.status not in OPEN_STATUSES or not refunds.sub_order_refund_refusal(sub_order=sub_order):
        return ""
    return cancel_needs_editors_message(sub_order)


def suborder_cancel(*, sub_order: SubOrder, reason: str, by=None) -> SubOrder:
    """Cancel a paid sub-order still on the artisan's shelf (not shipped; for pickup, not collected, e.g.
    a buyer who never came): its units go back to stock and its money back to the buyer.

    The refund is recorded in the same transaction and sent to Stripe by a task after the commit.
    When the order was paid in a way that is refunded only in full (QRIS, methods.PARTIAL_REFUNDS)
    and other shops' parts still hold money, the cancel is refused (CancelNeedsEditors) and nothing
    changes: the regency's editors settle it with the buyer (docs/decisions.md). The same reason again
    on a sub-order cancelled with it (a double tap) is what was done: nothing refunded or sent again.
    """
    with transaction.atomic():
        sub_order = _lock(sub_order)
        if sub_order.status == SubOrderStatus.CANCELED and sub_order.cancel_reason == reason[:300]:
            return sub_order
        if sub_order.status == SubOrderStatus.COLLECTED:
            raise FulfilmentError(_("Pesanan yang sudah diambil pembeli tidak dapat dibatalkan."))
        if sub_order.status in SENT_STATUSES:
            raise FulfilmentError(_("Pesanan yang sudah dikirim tidak dapat dibatalkan."))
        if sub_order.status not in OPEN_STATUSES:
            raise FulfilmentError(_("Hanya pesanan yang sudah dibayar dan belum dibatalkan yang dapat dibatalkan."))
        refund = None
        if refunds.refundable_by_sub_order(order=sub_order.order).get(sub_order.pk, 0) > 0:
            try:
                refund = refunds.refund_request(order=sub_order.order, sub_order=sub_order,
                                                source=RefundSource.ARTISAN_CANCEL, reason=reason, by=by)
            except refunds.PartialRefundRefused as error:
                raise CancelNeedsEditors(cancel_needs_editors_message(sub_order)) from error
        stock.stock_return(lines=list(sub_order.lines.all()))
        sub_order.status = SubOrderStatus.CANCELED
        sub_order.canceled_at = timezone.now()
        sub_order.cancel_reason = reason[:300]
        sub_order.save(update_fields=["status", "canceled_at", "cancel_reason"])
        transaction.on_commit(lambda: emails.sub_order_canceled_email(sub_order=sub_order), robust=True)
    if refund is not None:
        refunds.refund_submit_enqueue(refund)
    return sub_order
