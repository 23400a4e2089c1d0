"""Checkout: from a cart to an order, a PaymentIntent, and a paid order.

1. `checkout_start` turns the cart into one order with a sub-order per shop and
   order lines (title and price as they are now), and reserves the stock, all in
   one transaction. A double submit of the same form finds the order it made.
2. `checkout_payment_prepare`, called before every payment attempt, makes the
   order's one PaymentIntent (idempotency key `order-<id>-payment-intent`; its id
   is kept and reused, since the emulator ignores idempotency keys), takes the
   stock again if an earlier failure or the clock released it, and hands the
   client secret to Stripe.js.
3. Stripe's webhooks are the source of truth (their handlers are in webhooks.py):
   `payment_intent.succeeded` marks the order paid (`order_mark_paid`),
   `payment_intent.payment_failed` releases the stock (`order_payment_failed`).
   Both are harmless repeated, late, or in any order: a paid order stays paid,
   and a failure older than the buyer's latest attempt changes nothing.
   `order_reconcile` applies the same from Stripe's side when a webhook is late or
   lost (the confirmation page, and `manage.py payments_reconcile`).
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.models import Product, ProductSize
from marketplace.orders import emails, payouts, pickup, refunds, stock
from marketplace.orders.cart import CartItem
from marketplace.orders.models import (
    Order,
    OrderLine,
    OrderStatus,
    RefundSource,
    StockState,
    SubOrder,
    SubOrderStatus,
)
from marketplace.payments import methods, stripe_client
from marketplace.shipping.options import ShippingChoiceError, shipping_choose, shipping_options
from marketplace.shipping.rates import Destination
from marketplace.shipping.regions import country_find, province_find

logger = logging.getLogger(__name__)
# An unpaid order this old is given up: its PaymentIntent cancelled, its stock released.
ABANDON_AFTER = timedelta(hours=24)


class CheckoutError(Exception):
    """Checkout cannot go on; `message` is for the buyer (in their language), `status` the HTTP status."""

    def __init__(self, message: str, *, status: int = 400, code: str = "invalid", field: str = ""):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.field = field


@dataclass
class Contact:
    name: str
    email: str
    phone: str


@dataclass
class Address:
    province: str
    regency: str
    district: str
    postal_code: str
    street: str
    country: str = "ID"

    def destination(self) -> Destination:
        """Where the parcels go, as the shipping rates read it; CheckoutError (400, the field named) for
        a country or an Indonesian province we do not know."""
        country = country_find(self.country or "")
        if country is None:
            raise CheckoutError(_("Negara tidak dikenal: pilih negara dari daftar."), code="country", field="country")
        if country != "ID":
            return Destination(country=country)
        province = province_find(self.province or "")
        if province is None:
            raise CheckoutError(_("Pilih provinsi dari daftar."), code="province", field="province")
        return Destination(country="ID", province=province, city=self.regency)


def _out_of_stock_error(error: stock.OutOfStock) -> CheckoutError:
    line = error.line
    title = f"{line.title_for_reader} ({line.size_label})" if line.size_label else line.title_for_reader
    if error.available <= 0:
        message = _("Maaf, “%(title)s” baru saja habis. Ubah keranjang Anda lalu coba lagi.") % {"title": title}
    else:
        message = (_("Maaf, “%(title)s” tinggal %(count)s. Ubah keranjang Anda lalu coba lagi.")
                   % {"title": title, "count": error.available})
    return CheckoutError(message, status=409, code="out_of_stock")


def payments_off_message() -> str:
    """What buyers read where checkout is switched off (production without Stripe's keys)."""
    return _("Pembayaran online belum tersedia di situs ini. Keranjang Anda tetap tersimpan; "
             "silakan kembali lagi nanti.")


def _refuse_when_payments_off() -> None:
    if not stripe_client.payments_enabled():
        raise CheckoutError(payments_off_message(), status=503, code="payments_off")


def amount_too_large_message() -> str:
    return (_("Total belanja melebihi batas satu pembayaran kartu (Rp %(max)s). Kurangi jumlah barang.")
            % {"max": f"{stripe_client.MAX_AMOUNT_MINOR // 100:,}".replace(",", ".")})


# --- 1. The order -------------------------------------------------------------------------

def checkout_start(*, items: list[CartItem], contact: Contact, address: Address, delivery: dict[str, str],
                   user=None, language: str = "id", checkout_key: str, replaces: Order | None = None) -> Order:
    """One order, one sub-order per shop, stock reserved; all or nothing.

    `delivery`: the option id the buyer chose per shop slug. The server prices it again
    (marketplace.shipping: `shipping_options` for the address, `shipping_choose`); a choice it did not
    offer, a missing one, or a shop that cannot deliver there is a CheckoutError (400, the shop's field
    named) and nothing is written. The order's total is the goods plus every shop's shipping.

    `checkout_key` is the form's own (one per form shown): the same form sent again as it was (a double
    tap, at once or later) is the order it made; sent again with a change (Back from the pay page, another
    courier chosen, the street corrected) it is a new order, and the attempts it replaces give their stock
    back in the same transaction: those of the same form, and `replaces` (the buyer's last unpaid order,
    when they went back to the cart). A refused attempt leaves them as they were."""
    _refuse_when_payments_off()
    key = order_checkout_key(form_key=checkout_key, items=items, contact=contact, address=address,
                             delivery=delivery)
    existing = Order.objects.filter(checkout_key=key).first()
    if existing is not None:
        if existing.status == OrderStatus.AWAITING_PAYMENT:
            # Back and forth (pickup, a courier, pickup again): the attempt the form asks for again is the
            # one that holds the stock, not the one sent in between.
            with transaction.atomic():
                kept = _attempts_release(form_key=checkout_key, replaces=replaces, keep=existing)
                if kept is not None and kept.status == OrderStatus.AWAITING_PAYMENT:
                    _reservation_retake(kept)
        return existing
    if not items:
        raise CheckoutError(_("Keranjang Anda kosong."), code="empty_cart")
    try:
        with transaction.atomic():
            _attempts_release(form_key=checkout_key, replaces=replaces)
            return _order_create(items=items, contact=contact, address=address, delivery=delivery, user=user,
                                 language=language, checkout_key=key)
    except IntegrityError:
        # The same form sent twice at once: the other request made the order (and this one's release of
        # it, in the same transaction, was rolled back).
        existing = Order.objects.filter(checkout_key=key).first()
        if existing is None:
            raise
        return existing


def _attempts_release(*, form_key: str, replaces: Order | None, keep: Order | None = None) -> Order | None:
    """In the caller's transaction: the buyer's other unpaid attempts give their stock back, those made by
    the same checkout form and `replaces`, all but `keep`; returns `keep` as locked and read again (None if
    it is gone). They stay payable: a payment that still arrives is honoured if the stock is there
    (order_mark_paid), else refunded.

    Every row is locked in one query, in the order of their keys, `keep` among them: whatever else writes
    an attempt's lines (a payment's webhook, the pay page, the expiry sweep) locks its order first, and two
    sends of one form at once then take their turns instead of deadlocking."""
    attempts = Q(checkout_key__startswith=_form_part(form_key))
    for order in (replaces, keep):
        if order is not None:
            attempts |= Q(pk=order.pk)
    kept = None
    for attempt in Order.objects.select_for_update().filter(attempts).order_by("pk"):
        if keep is not None and attempt.pk == keep.pk:
            kept = attempt
        elif attempt.status == OrderStatus.AWAITING_PAYMENT:
            stock.stock_release(order=attempt)
    return kept


def _reservation_retake(order: Order) -> None:
    """In the caller's transaction, `order` locked and awaiting payment: its lines given back earlier are
    held again, for another reservation period, if the stock is there; else they stay released and its pay
    page says so."""
    released = list(OrderLine.objects.filter(sub_order__order=order, stock_state=StockState.RELEASED))
    if not released:
        return
    try:
        stock.stock_reserve(lines=released)
    except stock.OutOfStock:
        return
    Order.objects.filter(pk=order.pk).update(reserved_until=stock.reservation_deadline())


def _form_part(form_key: str) -> str:
    return form_key[:32] + "."


def order_checkout_key(*, form_key: str, items: list[CartItem], contact: Contact, address: Address,
                       delivery: dict[str, str]) -> str:
    """The order's key: the form's key with a digest of what it asked for (the cart's lines, contact,
    address, each shop's delivery), at most 64 characters. Equal for the same form sent as it was."""
    asked = (sorted((item.product_id, item.size_id or 0, item.quantity) for item in items),
             (contact.name, contact.email, contact.phone),
             (address.country or "ID", address.province, address.regency, address.district, address.postal_code,
              address.street),
             sorted((delivery or {}).items()))
    return _form_part(form_key) + hashlib.sha256(repr(asked).encode()).hexdigest()[:31]


def delivery_options(*, items: list[tuple], address: Address, language: str = "id"):
    """What the checkout page offers per shop for `items` ((product, quantity), products with their shop)
    sent to `address`: marketplace.shipping's ShippingOptions, as checkout will price them."""
    quantities: dict = {}
    for product, quantity in items:
        quantities[product] = quantities.get(product, 0) + quantity
    return shipping_options(items=list(quantities.items()), destination=address.destination(), language=language)


def delivery_preselect(*, offered: list[dict], wanted: tuple[str, ...]) -> dict | None:
    """Which of a shop's `offered` options (pickup first, then couriers cheapest first) the checkout page
    shows chosen: the first of `wanted` still offered (what the form sent, then what the buyer's unpaid
    attempt chose: Back from the pay page sends again a form that chose nothing yet), else the cheapest
    courier, else the first; None when nothing is offered. The server prices the choice again when the
    form is sent."""
    by_id = {option["id"]: option for option in offered}
    for option_id in wanted:
        if option_id and option_id in by_id:
            return by_id[option_id]
    return next((option for option in offered if option["kind"] == "courier"), offered[0] if offered else None)


def _deliveries_choose(*, by_shop, address: Address, delivery: dict[str, str], language: str) -> dict:
    """{shop pk: ChosenDelivery}, priced by the server for the address (reads only the rate table)."""
    options = delivery_options(items=[(line.product, line.quantity) for lines in by_shop.values() for line in lines],
                               address=address, language=language)
    try:
        return shipping_choose(options=options, choices=delivery or {}, language=language)
    except ShippingChoiceError as error:
        raise CheckoutError(error.message, code="shipping", field=error.field) from error


def _order_create(*, items, contact, address, delivery, user, language, checkout_key) -> Order:
    products = Product.objects.public().select_related("shop").in_bulk({item.product_id for item in items})
    sizes = ProductSize.objects.in_bulk({item.size_id for item in items if item.size_id})
    by_shop: dict[int, list[OrderLine]] = defaultdict(list)
    shops = {}
    for item in items:
        product = products.get(item.product_id)
        size = sizes.get(item.size_id) if item.size_id else None
        if product is None or (item.size_id and (size is None or size.product_id != product.pk)):
            raise CheckoutError(_("Satu barang di keranjang tidak lagi dijual. Periksa keranjang Anda."),
                                status=409, code="unavailable")
        if item.quantity <= 0:
            raise CheckoutError(_("Jumlah barang harus paling sedikit 1."), code="quantity")
        shops[product.shop_id] = product.shop
        by_shop[product.shop_id].append(OrderLine(
            product=product, size=size, title=product.title_id, title_en=product.title_en,
            size_label=size.label if size else "", unit_price_idr=product.price_idr, quantity=item.quantity,
            stock_state=StockState.RESERVED))
    goods = sum(line.total_idr for lines in by_shop.values() for line in lines)
    if goods <= 0:
        raise CheckoutError(_("Total belanja harus lebih dari Rp 0."), code="zero_total")
    chosen = _deliveries_choose(by_shop=by_shop, address=address, delivery=delivery,
                                language=language)
    total = goods + sum(chosen[shop_id].shipping_idr for shop_id in by_shop)
    try:
        stripe_client.to_minor_units(total)
    except stripe_client.AmountTooLarge as error:
        raise CheckoutError(amount_too_large_message(), code="amount_too_large") from error
    order = Order.objects.create(
        checkout_key=checkout_key, user=user if getattr(user, "is_authenticated", False) else None,
        language=language, name=contact.name, email=contact.email, phone=contact.phone,
        country=address.country or "ID", province=address.province, regency=address.regency, district=address.district,
        postal_code=address.postal_code, street=address.street, total_idr=total,
        reserved_until=stock.reservation_deadline())
    basis_points = payouts.fee_basis_points()
    all_lines = []
    for shop_id in sorted(by_shop):
        lines = by_shop[shop_id]
        choice = chosen[shop_id]
        sub_order = SubOrder.objects.create(
            order=order, shop=shops[shop_id], fee_basis_points=basis_points,
            amount_idr=sum(line.total_idr for line in lines), delivery_kind=choice.kind,
            delivery_option_id=choice.option_id, delivery_label=choice.label[:80], shipping_idr=choice.shipping_idr,
            delivery_days_min=choice.days_min, delivery_days_max=choice.days_max)
        for line in lines:
            line.sub_order = sub_order
        all_lines.extend(lines)
    OrderLine.objects.bulk_create(all_lines)
    try:
        stock.stock_reserve(lines=all_lines)
    except stock.OutOfStock as error:
        raise _out_of_stock_error(error) from error
    return order


# --- 2. The PaymentIntent -----------------------------------------------------------------

@dataclass
class PaymentReady:
    client_secret: str
    payment_intent_id: str


def _payment_intent_make(order: Order, *, method: str = "card", return_url: str = "") -> Order:
    """The order's next PaymentIntent, to be paid by `method` (a QRIS or GoPay one confirmed at once, for
    its QR code or its page: `methods`), made at Stripe in no transaction (a hung Stripe must not hold
    the order's row, nor SQLite's one write lock, while every other buyer waits), then recorded in a
    short one, unless another request recorded one meanwhile (a double click: with Stripe's
    idempotency key it is the same PaymentIntent; the emulator, which ignores keys, made a second,
    which is cancelled). Returns the order as recorded. Raises StripeError when Stripe did not answer.
    """
    number = order.payment_intent_count + 1
    # The method is in the key: an attempt whose answer was lost, retried with another method, must not
    # be refused by Stripe for reusing a key with other parameters.
    key = (f"order-{order.pk}-payment-intent" + (f"-{number}" if number > 1 else "")
           + ("" if method == "card" else f"-{method}"))
    intent = stripe_client.payment_intent_create(
        amount_idr=order.total_idr, metadata={"order": order.pk, "order_number": order.number},
        idempotency_key=key, method=method)
    action = methods.NextAction()
    if method in stripe_client.SERVER_CONFIRMED_METHODS:
        if stripe_client.payments_mode() == "emulator":
            action = methods.emulator_next_action(payment_intent_id=intent.id, method=method)
        else:
            intent = stripe_client.payment_intent_confirm_method(
                payment_intent_id=intent.id, method=method, return_url=return_url, idempotency_key=f"{key}-confirm")
            action = methods.next_action_read(intent.to_dict())
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if (locked.payment_intent_count == order.payment_intent_count
                and locked.status == OrderStatus.AWAITING_PAYMENT):
            locked.stripe_payment_intent_id = intent.id
            locked.stripe_client_secret = intent.client_secret
            locked.payment_intent_count = number
            locked.save(update_fields=["stripe_payment_intent_id", "stripe_client_secret", "payment_intent_count"])
            if method != "card":
                methods.record(order_id=locked.pk, payment_intent_id=intent.id, method=method, action=action)
            return locked
    if locked.stripe_payment_intent_id != intent.id:
        try:
            stripe_client.payment_intent_cancel(intent.id)
        except stripe_client.StripeError as error:
            logger.warning("PaymentIntent %s made twice for order %s not cancelled: %s", intent.id, order.pk, error)
    return locked


def _lock_payable(order_pk: int) -> Order:
    order = Order.objects.select_for_update().get(pk=order_pk)
    if order.status == OrderStatus.PAID:
        raise CheckoutError(_("Pesanan ini sudah dibayar."), status=409, code="already_paid")
    if order.status == OrderStatus.CANCELED:
        raise CheckoutError(_("Pesanan ini sudah dibatalkan. Silakan pesan lagi dari keranjang."),
                            status=409, code="canceled")
    return order


def _stripe_unavailable() -> CheckoutError:
    return CheckoutError(_("Pembayaran sedang tidak dapat disiapkan. Pesanan Anda tersimpan; coba lagi "
                           "sebentar lagi."), status=503, code="payments_unavailable")


def checkout_payment_prepare(*, order: Order, method: str = "card", return_url: str = "",
                             renew: bool = False) -> PaymentReady:
    """Before each payment attempt: stock held for another STOCK_RESERVATION_MINUTES, and the
    order's PaymentIntent for `method` (made once; a new one when the buyer changes the way to pay, when
    the QRIS code has expired, or on `renew` (each GoPay attempt), the earlier one then cancelled).

    Two short transactions around the call to Stripe, never one across it: the stock is taken and
    the attempt noted and committed; Stripe is asked for the PaymentIntent; its id is recorded. If
    Stripe does not answer, the reservation is given back (the order keeps waiting; the buyer's
    next attempt takes the stock again if it is still there) and the buyer reads that it failed.
    """
    _refuse_when_payments_off()
    with transaction.atomic():
        order = _lock_payable(order.pk)
        released = list(OrderLine.objects.filter(sub_order__order=order, stock_state=StockState.RELEASED))
        if released:
            try:
                stock.stock_reserve(lines=released)
            except stock.OutOfStock as error:
                raise _out_of_stock_error(error) from error
        order.reserved_until = stock.reservation_deadline()
        order.payment_prepared_at = timezone.now()
        # A new attempt: an earlier decline must not greet the buyer on the confirmation page
        # (it also stops that page refreshing while the webhook of this attempt is on its way).
        order.last_payment_error = ""
        order.save(update_fields=["reserved_until", "payment_prepared_at", "last_payment_error"])
    if not order.stripe_payment_intent_id:
        try:
            order = _payment_intent_make(order, method=method, return_url=return_url)
        except stripe_client.StripeError as error:
            logger.warning("PaymentIntent for order %s could not be made: %s", order.pk, error)
            _reservation_give_back_unless_intent(order)
            raise _stripe_unavailable() from error
    elif renew or _payment_intent_unusable(order, method):
        order = _payment_intent_replace(order, method=method, return_url=return_url)
    return PaymentReady(client_secret=order.stripe_client_secret, payment_intent_id=order.stripe_payment_intent_id)


def _payment_intent_unusable(order: Order, method: str) -> bool:
    """The order's PaymentIntent is for another way to pay, or is a QRIS code past its expiry."""
    current = methods.for_intent(order.stripe_payment_intent_id)
    if (current.method if current else "card") != method:
        return True
    return method == "qris" and (current.is_expired() or not current.qr_data)


def _payment_intent_replace(order: Order, *, method: str, return_url: str) -> Order:
    """A new PaymentIntent for the same order (and the same reserved stock), then the earlier one
    cancelled so it cannot be paid as well; a payment of it that still arrives is recognised by its
    metadata (`webhooks._order_for_intent`). Stripe not answering leaves the earlier one in place."""
    previous = order.stripe_payment_intent_id
    try:
        order = _payment_intent_make(order, method=method, return_url=return_url)
    except stripe_client.StripeError as error:
        logger.warning("New PaymentIntent for order %s could not be made: %s", order.pk, error)
        raise _stripe_unavailable() from error
    if order.stripe_payment_intent_id != previous:
        try:
            stripe_client.payment_intent_cancel(previous)
        except stripe_client.StripeError as error:
            logger.warning("PaymentIntent %s replaced for order %s not cancelled: %s", previous, order.pk, error)
    return order


def _reservation_give_back_unless_intent(order: Order) -> None:
    """Stripe failed before the order had a PaymentIntent: nobody can pay it now, so its stock goes
    back to the shelf (a PaymentIntent made meanwhile, by another click, keeps it)."""
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status == OrderStatus.AWAITING_PAYMENT and not locked.stripe_payment_intent_id:
            stock.stock_release(order=locked)


DECLINE_CODES = ["card_declined", "insufficient_funds", "expired_card", "incorrect_cvc", "incorrect_number",
                 "invalid_expiry_year", "processing_error", "payment_intent_authentication_failure"]


def card_decline_message(code: str) -> str:
    """What a buyer reads when the card is refused, by Stripe's error code."""
    messages = {
        "card_declined": _("Kartu Anda ditolak oleh bank penerbit. Coba kartu lain atau hubungi bank Anda."),
        "insufficient_funds": _("Saldo kartu tidak cukup. Coba kartu lain."),
        "expired_card": _("Kartu Anda sudah kedaluwarsa. Coba kartu lain."),
        "incorrect_cvc": _("Kode keamanan (CVC) kartu salah. Periksa lalu coba lagi."),
        "incorrect_number": _("Nomor kartu salah. Periksa lalu coba lagi."),
        "invalid_expiry_year": _("Tahun kedaluwarsa kartu tidak valid. Periksa lalu coba lagi."),
        "processing_error": _("Terjadi gangguan saat memproses kartu. Coba lagi sebentar lagi."),
        "payment_intent_authentication_failure": _("Verifikasi 3-D Secure gagal. Coba lagi atau pakai kartu lain."),
    }
    return messages.get(code, _("Pembayaran tidak berhasil. Periksa data kartu atau coba kartu lain."))


# A PaymentIntent's states in which the buyer has paid (or the bank is still at it): never confirmed again.
PAID_OR_PAYING = ("succeeded", "processing")


def emulator_card_pay(*, order: Order, token_id: str) -> dict:
    """What the page's JavaScript does in the emulator, whose Stripe.js stand-in can only make a
    card token and complete 3-D Secure: attach the card to the order's PaymentIntent and confirm.

    localstripe cannot confirm a PaymentIntent again after a declined charge, so after a
    decline the next attempt gets a new PaymentIntent (the old one cancelled). Real Stripe
    never comes here: Stripe.js confirms the card itself.
    """
    if stripe_client.payments_mode() != "emulator":
        raise CheckoutError(_("Tidak tersedia."), status=404, code="not_emulator")
    ready = checkout_payment_prepare(order=order)
    try:
        intent = stripe_client.payment_intent_retrieve(ready.payment_intent_id).to_dict()
        if intent.get("status") in PAID_OR_PAYING:
            # Paid already, its webhook still on its way (the buyer went back to the pay page and
            # paid again): confirming again would be refused as if the card were wrong.
            return {"status": intent["status"], "client_secret": ready.client_secret}
        if intent.get("status") == "requires_payment_method" and intent.get("latest_charge"):
            # No transaction is open across these calls: the order's row is locked only to read and record.
            with transaction.atomic():
                current = _lock_payable(order.pk)
            if current.stripe_payment_intent_id == intent["id"]:
                stripe_client.payment_intent_cancel(intent["id"])
                current = _payment_intent_make(current)
            ready = PaymentReady(client_secret=current.stripe_client_secret,
                                 payment_intent_id=current.stripe_payment_intent_id)
        payment_method_id = stripe_client.payment_method_from_token(token_id)
        intent = stripe_client.payment_intent_confirm_with(payment_intent_id=ready.payment_intent_id,
                                                           payment_method_id=payment_method_id)
    except stripe_client.CardError as error:
        code = error.code or "card_declined"
        return {"status": "failed", "error": code, "message": card_decline_message(code)}
    except stripe_client.StripeError as error:
        if getattr(error, "http_status", None) in {400, 404}:
            return {"status": "failed", "error": "invalid_card", "message": card_decline_message("incorrect_number")}
        logger.warning("Emulator payment for order %s failed: %s", order.pk, error)
        raise _stripe_unavailable() from error
    return {"status": intent.status, "client_secret": ready.client_secret}


# --- 3. Paid, failed, reconciled ------------------------------------------------------------

def order_mark_paid(*, order: Order, intent: dict) -> Order:
    """The payment went through. Reserved stock is sold; stock released in the meantime is taken
    again if it is still there, and a shop's part that cannot be had any more is cancelled and
    refunded. Emails go out after the commit. A second call changes nothing."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status == OrderStatus.PAID:
            if intent.get("id") != order.stripe_payment_intent_id:
                logger.error("Order %s was paid twice (PaymentIntents %s and %s): refund one by hand",
                             order.number, order.stripe_payment_intent_id, intent.get("id"))
            return order
        if (intent.get("amount") != stripe_client.to_minor_units(order.total_idr)
                or str(intent.get("currency", "")).lower() != stripe_client.CURRENCY):
            logger.error("PaymentIntent %s (%s %s) does not match order %s (Rp %s): not marked paid",
                         intent.get("id"), intent.get("amount"), intent.get("currency"), order.number,
                         order.total_idr)
            return order
        if intent.get("id") and intent["id"] != order.stripe_payment_intent_id:
            order.stripe_payment_intent_id = intent["id"]
        sub_orders = list(order.sub_orders.select_related("shop", "shop__owner").prefetch_related("lines"))
        late_refunds = []
        for sub_order in sub_orders:
            lines = list(sub_order.lines.all())
            stock.stock_consume(lines=lines)
            released = [line for line in lines if line.stock_state == StockState.RELEASED]
            sub_order.status = SubOrderStatus.PAID
            if released:
                try:
                    stock.stock_retake(lines=released)
                except stock.OutOfStock:
                    stock.stock_return(lines=lines)
                    sub_order.status = SubOrderStatus.CANCELED
                    sub_order.canceled_at = timezone.now()
                    sub_order.cancel_reason = _("Stok habis sebelum pembayaran diterima; dana dikembalikan.")
                    late_refunds.append(sub_order)
            pickup.pickup_code_assign(sub_order)
            sub_order.save(update_fields=["status", "canceled_at", "cancel_reason", "pickup_code"])
            payouts.ledger_record_sale(sub_order=sub_order)
        order.status = OrderStatus.PAID
        order.paid_at = timezone.now()
        order.reserved_until = None
        order.last_payment_error = ""
        order.save(update_fields=["status", "paid_at", "reserved_until", "last_payment_error",
                                  "stripe_payment_intent_id"])
        for sub_order in late_refunds:
            refund = refunds.refund_request(order=order, sub_order=sub_order, source=RefundSource.OUT_OF_STOCK,
                                            reason=sub_order.cancel_reason)
            refunds.refund_submit_on_commit(refund)
        transaction.on_commit(lambda: emails.order_paid_emails(order_pk=order.pk), robust=True)
    return order


def order_payment_failed(*, order: Order, intent: dict, event_created: int | None = None) -> Order:
    """A payment attempt failed: give the stock back, unless the buyer has tried again since."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status != OrderStatus.AWAITING_PAYMENT or intent.get("id") != order.stripe_payment_intent_id:
            return order
        if (event_created is not None and order.payment_prepared_at is not None
                and datetime.fromtimestamp(event_created, tz=UTC) < order.payment_prepared_at.replace(microsecond=0)):
            return order  # older than the buyer's new attempt: neither its stock nor its message apply
        error = intent.get("last_payment_error") or {}
        order.last_payment_error = str(error.get("code") or error.get("decline_code") or "payment_failed")[:100]
        order.save(update_fields=["last_payment_error"])
        stock.stock_release(order=order)
    return order


def order_cancel_unpaid(*, order: Order) -> Order:
    """Give up an unpaid order: its PaymentIntent cancelled at Stripe, its stock released.

    If Stripe says it was paid after all, it is marked paid instead.
    """
    if order.stripe_payment_intent_id:
        try:
            stripe_client.payment_intent_cancel(order.stripe_payment_intent_id)
        except stripe_client.PaymentIntentNotFound:
            pass  # nothing at Stripe to cancel, nor anything there that could be paid
        except stripe_client.StripeError:
            intent = stripe_client.payment_intent_retrieve(order.stripe_payment_intent_id).to_dict()
            if intent.get("status") == "succeeded":
                return order_mark_paid(order=order, intent=intent)
            if intent.get("status") != "canceled":
                raise
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status != OrderStatus.AWAITING_PAYMENT:
            return order
        stock.stock_release(order=order)
        order.status = OrderStatus.CANCELED
        order.canceled_at = timezone.now()
        order.save(update_fields=["status", "canceled_at"])
        order.sub_orders.update(status=SubOrderStatus.CANCELED, canceled_at=order.canceled_at,
                                cancel_reason=_("Tidak dibayar"))
    return order


def order_reconcile(*, order: Order, now=None) -> str:
    """Settle one unpaid order from Stripe's side; returns what happened.

    "paid", "failed" (stock released), "canceled", "canceled_missing" (Stripe has no such
    PaymentIntent), "intent_created", "waiting" or "unchanged". Raises StripeError when Stripe
    could not be asked.
    """
    now = now or timezone.now()
    if order.status != OrderStatus.AWAITING_PAYMENT:
        return "unchanged"
    if not order.stripe_payment_intent_id:
        # The PaymentIntent was never made, or its answer was lost: the same idempotency key
        # gets the same one back from Stripe.
        try:
            _payment_intent_make(order)
        except stripe_client.StripeError as error:
            logger.warning("Reconcile: no PaymentIntent for order %s yet: %s", order.number, error)
            return "unchanged"
        return "intent_created"
    try:
        intent = stripe_client.payment_intent_retrieve(order.stripe_payment_intent_id).to_dict()
    except stripe_client.PaymentIntentNotFound:
        # Made with other keys, or the emulator lost it: it can never be paid, so the order is given
        # up now (its stock released) rather than asked about again on every run.
        logger.warning("Reconcile: Stripe has no PaymentIntent %s; order %s is canceled as not paid",
                       order.stripe_payment_intent_id, order.number)
        order_cancel_unpaid(order=order)
        return "canceled_missing"
    status = intent.get("status")
    if status == "succeeded":
        order_mark_paid(order=order, intent=intent)
        return "paid"
    if status == "canceled":
        order_cancel_unpaid(order=order)
        return "canceled"
    if now - order.created_at > ABANDON_AFTER:
        order_cancel_unpaid(order=order)
        return "canceled"
    if status == "requires_payment_method" and intent.get("last_payment_error"):
        order_payment_failed(order=order, intent=intent)
        return "failed"
    return "waiting"


@dataclass
class ReconcileReport:
    released: int = 0
    outcomes: dict | None = None
    refunds_resent: int = 0
    transfers_resent: int = 0
    errors: int = 0
    payments_off: bool = False


def orders_reconcile(*, now=None, min_age: timedelta = timedelta(minutes=1)) -> ReconcileReport:
    """Everything Stripe knows that the site may have missed (what `payments_reconcile` runs)."""
    now = now or timezone.now()
    report = ReconcileReport(outcomes=defaultdict(int))
    report.released = stock.stock_release_expired(now=now)
    if not stripe_client.payments_enabled():
        report.payments_off = True
        report.outcomes = {}
        return report
    pending = Order.objects.filter(status=OrderStatus.AWAITING_PAYMENT, created_at__lt=now - min_age).order_by("pk")
    for order in pending:
        try:
            report.outcomes[order_reconcile(order=order, now=now)] += 1
        except stripe_client.StripeError as error:
            logger.warning("Reconcile: order %s: %s", order.number, error)
            report.errors += 1
    report.refunds_resent = refunds.refunds_resubmit_pending()
    try:
        report.transfers_resent = payouts.settlements_transfer_pending()
    except stripe_client.StripeError as error:
        logger.warning("Reconcile: Connect transfers not sent: %s", error)
        report.errors += 1
    report.outcomes = dict(report.outcomes)
    return report
