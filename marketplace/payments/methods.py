"""Card, QRIS and GoPay: what each way to pay needs from the pay page, and what it allows afterwards.

A QRIS or GoPay PaymentIntent is confirmed on the server (stripe_client.payment_intent_confirm_method);
Stripe answers with a next action: a QR code to show (its raw `data`, drawn here as SVG with segno,
and an `expires_at`) or a page to send the buyer to (`url`). Its name inside `next_action` is read
from `next_action.type`, so the code does not depend on which of Stripe's names (`display_qr_code`,
`qris_display_qr_code`, `redirect_to_url`...) the pinned API version uses. The emulator (localstripe)
knows only cards: there the QR holds the PaymentIntent's id, and "simulate the scan" pays it.

Refunds: a method that cannot be refunded in part (QRIS, see docs/decisions.md) is refunded only in
full; `partial_refund_refusal` says so in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import segno
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.payments.models import PaymentIntentMethod, PaymentMethod

# How long a QRIS code is shown when Stripe gives no expiry (and in the emulator). The stock
# reservation (STOCK_RESERVATION_MINUTES, 30) outlasts it, so a renewal keeps the same goods.
QR_LIFETIME = timedelta(minutes=15)
PARTIAL_REFUNDS = {PaymentMethod.CARD: True, PaymentMethod.QRIS: False, PaymentMethod.GOPAY: True}
EMULATOR_QR_PREFIX = "GEBRAK-EMULATOR-QRIS:"


@dataclass(frozen=True)
class NextAction:
    qr_data: str = ""
    redirect_url: str = ""
    expires_at: datetime | None = None


def method_label(method: str) -> str:
    return str(dict(PaymentMethod.choices).get(method, method))


def _timestamp(value) -> datetime | None:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return datetime.fromtimestamp(value, tz=UTC)
    return None


def next_action_read(intent: dict, *, now: datetime | None = None) -> NextAction:
    """The QR code or the page Stripe's next action asks for (nothing when there is none)."""
    action = intent.get("next_action") or {}
    details = action.get(action.get("type") or "") if isinstance(action, dict) else None
    if not isinstance(details, dict):
        return NextAction()
    qr = details.get("qr_code") if isinstance(details.get("qr_code"), dict) else details
    data = qr.get("data") if isinstance(qr.get("data"), str) else ""
    url = next((details[key] for key in ("url", "mobile_auth_url", "hosted_instructions_url")
                if isinstance(details.get(key), str) and details[key].startswith("https://")), "")
    expires = _timestamp(qr.get("expires_at")) or _timestamp(details.get("expires_at"))
    if data and expires is None:
        expires = (now or timezone.now()) + QR_LIFETIME
    return NextAction(qr_data=data, redirect_url="" if data else url, expires_at=expires)


def emulator_next_action(*, payment_intent_id: str, method: str, now: datetime | None = None) -> NextAction:
    """What the emulator's QRIS shows: the PaymentIntent's id in a QR code, for QR_LIFETIME. (GoPay's
    page is the pay page itself there, with the same "simulate" control.)"""
    if method != PaymentMethod.QRIS:
        return NextAction()
    return NextAction(qr_data=EMULATOR_QR_PREFIX + payment_intent_id, expires_at=(now or timezone.now()) + QR_LIFETIME)


def record(*, order_id: int, payment_intent_id: str, method: str, action: NextAction) -> PaymentIntentMethod:
    """Note how a new PaymentIntent is paid (inside the caller's transaction)."""
    row, _created = PaymentIntentMethod.objects.update_or_create(
        payment_intent_id=payment_intent_id,
        defaults={"order_id": order_id, "method": method, "qr_data": action.qr_data,
                  "redirect_url": action.redirect_url, "expires_at": action.expires_at})
    return row


def for_intent(payment_intent_id: str | None) -> PaymentIntentMethod | None:
    if not payment_intent_id:
        return None
    return PaymentIntentMethod.objects.filter(payment_intent_id=payment_intent_id).first()


def method_of(payment_intent_id: str | None) -> str:
    """How a PaymentIntent is paid: card unless noted otherwise."""
    row = for_intent(payment_intent_id)
    return row.method if row is not None else PaymentMethod.CARD


def allows_partial_refunds(method: str) -> bool:
    return PARTIAL_REFUNDS.get(method, True)


def partial_refund_refusal(method: str) -> str:
    """Why only a full refund is possible, for the editor or the artisan; empty when partial ones are."""
    if allows_partial_refunds(method):
        return ""
    return (_("Pembayaran %(method)s tidak dapat dikembalikan sebagian: hanya seluruh sisa pembayaran pesanan "
              "yang dapat dikembalikan sekaligus. Untuk sebagian saja, kembalikan dana kepada pembeli lewat "
              "transfer bank.") % {"method": method_label(method)})


def qr_svg(data: str) -> str:
    """The QR code as inline SVG (no script, no style: fits the Content-Security-Policy)."""
    return segno.make(data, error="m", micro=False).svg_inline(scale=6, border=4, title="QRIS")
