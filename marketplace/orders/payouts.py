"""What artisans are owed, and paying it: a ledger per sub-order, settled per period.

The platform fee is computed per sub-order in whole rupiah from basis points
(PLATFORM_FEE_PERCENT "5" = 500 basis points):

    fee(amount) = floor(amount × basis_points / 10000)

always on what the buyer is finally charged for that sub-order (its amount minus
refunds), so it rounds in the artisan's favour and a refund gives back the fee on
what was refunded. The ledger (PayoutLine) records a sale (+amount) and the fee
(−fee(amount)) when the order is paid, and for each refund part r the refund (−r)
and the fee returned (fee(before) − fee(after)). So for every sub-order, at every
moment, shop's lines + platform fee = amount − refunds.

Shipping (issue 11) goes to the artisan whole: the fee is on goods only. A paid sub-order with
shipping s also records +s (SHIPPING). A refund is counted against the goods first and reaches the
shipping only when the goods are all refunded, so a partial refund of lines gives back no shipping
and a full refund of the sub-order gives back its shipping too; the fee is on the goods left:

    fee_left(refunded) = fee(max(amount − refunded, 0))

and shop's lines + platform fee = amount + shipping − refunds, still exactly.

Settling is a separate step: a settlement takes a shop's unsettled lines of
sub-orders that are shipped or cancelled (nothing is paid out for goods still on
the artisan's shelf) up to the end of a period, if they add up to more than zero
(a negative balance, from a refund after an earlier settlement, waits for the
next sale). The default way is the settlement report, a CSV for the regency's
finance office to pay by bank transfer; with STRIPE_CONNECT_ENABLED, shops whose
Stripe Express account can receive transfers are paid by a Connect transfer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from config.csv_export import csv_text
from config.tasks import retried_task
from marketplace.models import Shop
from marketplace.orders.models import (
    SENT_STATUSES,
    PayoutAccount,
    PayoutKind,
    PayoutLine,
    Refund,
    Settlement,
    SettlementMethod,
    SettlementStatus,
    SubOrder,
    SubOrderStatus,
)
from marketplace.payments import stripe_client

logger = logging.getLogger(__name__)
BASIS_POINTS_PER_WHOLE = 10_000


# --- The fee ----------------------------------------------------------------------------

def fee_basis_points(percent=None) -> int:
    """PLATFORM_FEE_PERCENT ("5", "2.5", "0") as basis points (500, 250, 0)."""
    raw = settings.PLATFORM_FEE_PERCENT if percent is None else percent
    try:
        basis_points = Decimal(str(raw).strip()) * 100
    except InvalidOperation as error:
        raise ImproperlyConfigured(f"PLATFORM_FEE_PERCENT must be a number, got {raw!r}") from error
    if basis_points != basis_points.to_integral_value() or not 0 <= basis_points <= BASIS_POINTS_PER_WHOLE:
        raise ImproperlyConfigured(f"PLATFORM_FEE_PERCENT must be 0–100 with at most two decimals, got {raw!r}")
    return int(basis_points)


def platform_fee(amount_idr: int, basis_points: int) -> int:
    """The regency's fee on what a shop sold, rounded down to the whole rupiah."""
    return amount_idr * basis_points // BASIS_POINTS_PER_WHOLE


# --- The ledger ---------------------------------------------------------------------------

def ledger_record_sale(*, sub_order: SubOrder) -> None:
    """When the order is paid: the sale, its shipping (all the artisan's) and the fee on the goods."""
    fee = platform_fee(sub_order.amount_idr, sub_order.fee_basis_points)
    lines = [PayoutLine(sub_order=sub_order, shop_id=sub_order.shop_id, kind=PayoutKind.SALE,
                        amount_idr=sub_order.amount_idr)]
    if sub_order.shipping_idr:
        lines.append(PayoutLine(sub_order=sub_order, shop_id=sub_order.shop_id, kind=PayoutKind.SHIPPING,
                                amount_idr=sub_order.shipping_idr))
    lines.append(PayoutLine(sub_order=sub_order, shop_id=sub_order.shop_id, kind=PayoutKind.FEE, amount_idr=-fee))
    PayoutLine.objects.bulk_create(lines)


def fee_returned_for(*, goods_idr: int, basis_points: int, refunded_before: int, refund_idr: int) -> int:
    """The fee given back when `refund_idr` more is refunded of a sub-order: refunds count against the
    goods first, the shipping last, and the fee is on the goods left."""
    left_before = max(goods_idr - refunded_before, 0)
    left_after = max(goods_idr - refunded_before - refund_idr, 0)
    return platform_fee(left_before, basis_points) - platform_fee(left_after, basis_points)


def refunded_by_sub_order(sub_order_ids) -> dict[int, int]:
    """Refunds already in the ledger, per sub-order."""
    rows = (PayoutLine.objects.filter(sub_order_id__in=list(sub_order_ids), kind=PayoutKind.REFUND)
            .values("sub_order_id").annotate(total=Sum("amount_idr")))
    return {row["sub_order_id"]: -row["total"] for row in rows}


def ledger_record_refund(*, refund: Refund) -> None:
    """A refund that went through: per part, the refund and the fee given back on it."""
    parts = list(refund.parts.select_related("sub_order"))
    already = refunded_by_sub_order(part.sub_order_id for part in parts)
    lines = []
    for part in parts:
        sub_order = part.sub_order
        fee_returned = fee_returned_for(goods_idr=sub_order.amount_idr, basis_points=sub_order.fee_basis_points,
                                        refunded_before=already.get(sub_order.pk, 0), refund_idr=part.amount_idr)
        lines.append(PayoutLine(sub_order=sub_order, shop_id=sub_order.shop_id, kind=PayoutKind.REFUND,
                                amount_idr=-part.amount_idr, refund=refund))
        if fee_returned:
            lines.append(PayoutLine(sub_order=sub_order, shop_id=sub_order.shop_id, kind=PayoutKind.FEE_RETURN,
                                    amount_idr=fee_returned, refund=refund))
    PayoutLine.objects.bulk_create(lines)


@dataclass
class SubOrderEarnings:
    """One row of an artisan's earnings: what a sub-order sold and what the shop is owed for it."""

    sub_order: SubOrder
    sale_idr: int
    fee_idr: int
    refunds_idr: int
    owed_idr: int
    settled_idr: int

    @property
    def unsettled_idr(self) -> int:
        return self.owed_idr - self.settled_idr

    @property
    def is_settled(self) -> bool:
        return self.owed_idr == self.settled_idr

    @property
    def nothing_owed(self) -> bool:
        """Refunded in full (a cancelled order): nothing was or will be paid out for it."""
        return self.owed_idr == 0 and self.settled_idr == 0 and self.refunds_idr > 0


def earnings_for_shop(*, shop: Shop) -> list[SubOrderEarnings]:
    """Every sub-order of the shop that has ledger lines, newest first, in two queries."""
    sums = (PayoutLine.objects.filter(shop=shop).values("sub_order_id").annotate(
        sale=Sum("amount_idr", filter=Q(kind__in=[PayoutKind.SALE, PayoutKind.SHIPPING]), default=0),
        fee=Sum("amount_idr", filter=Q(kind__in=[PayoutKind.FEE, PayoutKind.FEE_RETURN]), default=0),
        refunds=Sum("amount_idr", filter=Q(kind=PayoutKind.REFUND), default=0),
        owed=Sum("amount_idr", default=0),
        settled=Sum("amount_idr", filter=Q(settlement__isnull=False), default=0),
    ))
    by_sub_order = {row["sub_order_id"]: row for row in sums}
    sub_orders = (SubOrder.objects.filter(pk__in=list(by_sub_order)).select_related("order")
                  .order_by("-order__created_at", "-pk"))
    return [SubOrderEarnings(sub_order=sub_order, sale_idr=by_sub_order[sub_order.pk]["sale"],
                             fee_idr=-by_sub_order[sub_order.pk]["fee"],
                             refunds_idr=-by_sub_order[sub_order.pk]["refunds"],
                             owed_idr=by_sub_order[sub_order.pk]["owed"],
                             settled_idr=by_sub_order[sub_order.pk]["settled"])
            for sub_order in sub_orders]


EARNINGS_CSV_HEADER = ["pesanan", "tanggal", "status", "penjualan_rp", "biaya_platform_rp", "pengembalian_rp",
                       "hak_perajin_rp", "sudah_dibayar_rp", "belum_dibayar_rp"]


def earnings_csv(*, rows: list[SubOrderEarnings]) -> str:
    return csv_text(header=EARNINGS_CSV_HEADER, rows=(
        [row.sub_order.order.number, timezone.localtime(row.sub_order.order.created_at).strftime("%Y-%m-%d %H:%M"),
         row.sub_order.get_status_display(), row.sale_idr, row.fee_idr, row.refunds_idr,
         row.owed_idr, row.settled_idr, row.unsettled_idr]
        for row in rows))


# --- Settling -----------------------------------------------------------------------------

SETTLEABLE_SUB_ORDER_STATUSES = [*SENT_STATUSES, SubOrderStatus.CANCELED]


def period_end_latest() -> date:
    """The last day a settlement may cover: today (WITA). A period ending later would claim days not
    lived yet (the admin proposes last month); and the last day of year 9999, which has no day after
    it, was a 500 when settled."""
    return timezone.localdate()


def _period_end_moment(period_end: date) -> datetime:
    return timezone.make_aware(datetime.combine(period_end + timedelta(days=1), time.min))


def settleable_lines(*, period_end: date):
    return PayoutLine.objects.filter(settlement__isnull=True, created_at__lt=_period_end_moment(period_end),
                                     sub_order__status__in=SETTLEABLE_SUB_ORDER_STATUSES)


@dataclass
class SettlementPreview:
    shop: Shop
    amount_idr: int
    line_count: int
    method: str


def settlement_preview(*, period_end: date) -> list[SettlementPreview]:
    """What settling up to `period_end` would pay each shop (only positive balances)."""
    rows = (settleable_lines(period_end=period_end).values("shop_id")
            .annotate(total=Sum("amount_idr"), count=Count("pk")).filter(total__gt=0).order_by("shop_id"))
    totals = {row["shop_id"]: row for row in rows}
    shops = Shop.objects.filter(pk__in=list(totals)).select_related("payout_account").order_by("name")
    return [SettlementPreview(shop=shop, amount_idr=totals[shop.pk]["total"], line_count=totals[shop.pk]["count"],
                              method=_settlement_method(shop)) for shop in shops]


def _payout_account(shop: Shop) -> PayoutAccount | None:
    try:
        return shop.payout_account
    except PayoutAccount.DoesNotExist:
        return None


def _settlement_method(shop: Shop) -> str:
    account = _payout_account(shop)
    if (settings.STRIPE_CONNECT_ENABLED and account is not None and account.stripe_account_id
            and account.stripe_transfers_active):
        return SettlementMethod.STRIPE
    return SettlementMethod.BANK


def settlements_create(*, period_start: date, period_end: date, by=None) -> list[Settlement]:
    """Settle every shop's positive balance up to `period_end`: record it, then pay Connect shops.

    The lines are attached to their settlement in one transaction (a line is settled once);
    Connect transfers are made by the task queue after the commit (`settlement_transfer_task`),
    each with the idempotency key `settlement-<id>-transfer`; one Stripe refuses is marked failed
    for the finance office to pay instead.
    """
    created = []
    with transaction.atomic():
        for preview in settlement_preview(period_end=period_end):
            # Lock the shop's unsettled lines so two editors settling at once cannot pay twice.
            lines = list(settleable_lines(period_end=period_end).filter(shop=preview.shop)
                         .select_for_update().values_list("pk", "amount_idr"))
            total = sum(amount for _pk, amount in lines)
            if total <= 0:
                continue
            account = _payout_account(preview.shop)
            settlement = Settlement.objects.create(
                shop=preview.shop, period_start=period_start, period_end=period_end, method=preview.method,
                status=SettlementStatus.TRANSFER_PENDING if preview.method == SettlementMethod.STRIPE
                else SettlementStatus.TO_PAY,
                amount_idr=total, created_by=by,
                bank_name=account.bank_name if account else "", account_number=account.account_number if account else "",
                account_holder=account.account_holder if account else "")
            PayoutLine.objects.filter(pk__in=[pk for pk, _amount in lines]).update(settlement=settlement)
            created.append(settlement)
    for settlement in created:
        if settlement.method == SettlementMethod.STRIPE:
            settlement_transfer_task.enqueue(settlement_pk=settlement.pk)
            settlement.refresh_from_db()  # where tasks run at once (the tests), transferred already
    return created


def settlement_transfer(*, settlement: Settlement) -> Settlement:
    """Pay a Connect settlement by a transfer; safe to call again (the idempotency key, and only a
    pending settlement is paid). Stripe refusing it (4xx) marks it failed; Stripe not answering
    raises StripeError and leaves it pending, for the task queue to try again."""
    settlement = Settlement.objects.select_related("shop__payout_account").get(pk=settlement.pk)
    if settlement.status != SettlementStatus.TRANSFER_PENDING:
        return settlement
    account = settlement.shop.payout_account
    try:
        transfer = stripe_client.connect_transfer_create(
            account_id=account.stripe_account_id, amount_idr=settlement.amount_idr,
            idempotency_key=f"settlement-{settlement.pk}-transfer",
            metadata={"settlement": settlement.pk, "shop": settlement.shop_id})
    except stripe_client.StripeError as error:
        if not (getattr(error, "http_status", None) and 400 <= error.http_status < 500):
            raise
        logger.warning("Connect transfer for settlement %s refused: %s", settlement.pk, error)
        settlement.status = SettlementStatus.FAILED
        settlement.failure_message = str(getattr(error, "user_message", "") or error)[:300]
        settlement.save(update_fields=["status", "failure_message"])
        return settlement
    settlement.stripe_transfer_id = transfer.id
    settlement.status = SettlementStatus.TRANSFERRED
    settlement.save(update_fields=["stripe_transfer_id", "status"])
    return settlement


@retried_task(attempts=8, first_delay_seconds=60, priority=5)
def settlement_transfer_task(*, settlement_pk: int) -> str:
    """Pay a Connect shop's settlement by a transfer; Stripe not answering raises, so it is tried again."""
    return settlement_transfer(settlement=Settlement(pk=settlement_pk)).status


def settlements_transfer_pending(*, older_than_seconds: int = 600) -> int:
    """Connect transfers whose task gave up or was lost: try again (same idempotency key)."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    count = 0
    for settlement in Settlement.objects.filter(status=SettlementStatus.TRANSFER_PENDING, created_at__lt=cutoff):
        settlement_transfer(settlement=settlement)
        count += 1
    return count


SETTLEMENT_CSV_HEADER = ["periode_awal", "periode_akhir", "toko", "pemilik_email", "telepon", "nama_bank",
                         "nomor_rekening", "nama_pemilik_rekening", "jumlah_rp", "cara", "status",
                         "id_transfer_stripe"]


def settlement_report_csv(*, period_start: date, period_end: date) -> str:
    """The report for the finance office: one row per shop settled for the period."""
    settlements = (Settlement.objects.filter(period_start=period_start, period_end=period_end)
                   .select_related("shop", "shop__owner").order_by("shop__name", "pk"))
    # Shop name, phone and bank details are the artisan's text: csv_text keeps formulas out of them.
    return csv_text(header=SETTLEMENT_CSV_HEADER, rows=(
        [settlement.period_start.isoformat(), settlement.period_end.isoformat(),
         settlement.shop.name, settlement.shop.owner.email, settlement.shop.phone,
         settlement.bank_name, settlement.account_number, settlement.account_holder,
         settlement.amount_idr, settlement.method, settlement.status, settlement.stripe_transfer_id]
        for settlement in settlements))


# --- Bank details and Stripe Connect -----------------------------------------------------------

def payout_account_for(*, shop: Shop) -> PayoutAccount:
    """The shop's payout account, made (empty) the first time it is needed for a write."""
    account, _created = PayoutAccount.objects.get_or_create(shop=shop)
    return account


def payout_account_read(*, shop: Shop) -> PayoutAccount:
    """The shop's payout account for showing; an unsaved empty one if it has none yet (no write on a GET)."""
    return PayoutAccount.objects.filter(shop=shop).first() or PayoutAccount(shop=shop)


@transaction.atomic
def payout_account_update_bank(*, shop: Shop, bank_name: str, account_number: str, account_holder: str) -> PayoutAccount:
    account = PayoutAccount.objects.select_for_update().filter(shop=shop).first() or PayoutAccount(shop=shop)
    account.bank_name, account.account_number, account.account_holder = bank_name, account_number, account_holder
    account.save()
    return account


def connect_onboarding_link(*, shop: Shop, refresh_url: str, return_url: str) -> str:
    """The Stripe-hosted Express onboarding page for the shop, creating its account the first time.

    Stripe is asked in no transaction; two clicks at once both ask with the same idempotency key,
    get the same account, and the first to record it wins."""
    account = payout_account_for(shop=shop)
    if not account.stripe_account_id:
        stripe_account = stripe_client.connect_account_create(
            email=shop.owner.email, idempotency_key=f"shop-{shop.pk}-connect-account")
        with transaction.atomic():
            account = PayoutAccount.objects.select_for_update().get(pk=account.pk)
            if not account.stripe_account_id:
                account.stripe_account_id = stripe_account.id
                account.save(update_fields=["stripe_account_id"])
    link = stripe_client.connect_account_link_create(account_id=account.stripe_account_id,
                                                     refresh_url=refresh_url, return_url=return_url)
    return link.url


def _apply_account(account: PayoutAccount, stripe_account: dict, updated_at: datetime | None) -> None:
    capabilities = stripe_account.get("capabilities") or {}
    account.stripe_details_submitted = bool(stripe_account.get("details_submitted"))
    account.stripe_transfers_active = capabilities.get("transfers") == "active"
    if updated_at is not None:
        account.stripe_updated_at = updated_at
    account.save(update_fields=["stripe_details_submitted", "stripe_transfers_active", "stripe_updated_at"])


def connect_account_refresh(*, shop: Shop) -> PayoutAccount | None:
    """Read the shop's account from Stripe now (back from onboarding, before the webhook arrives)."""
    account = _payout_account(shop)
    if account is None or not account.stripe_account_id:
        return account
    stripe_account = stripe_client.connect_account_retrieve(account.stripe_account_id).to_dict()
    with transaction.atomic():
        account = PayoutAccount.objects.select_for_update().get(pk=account.pk)
        _apply_account(account, stripe_account, None)
    return account


def account_updated(*, event: dict) -> None:
    """Webhook `account.updated`: can the shop's Express account receive transfers yet?

    Events older than the last one applied are stale and change nothing.
    """
    stripe_account = event["data"]["object"]
    created = event.get("created")
    event_time = datetime.fromtimestamp(created, tz=UTC) if isinstance(created, int) else None
    with transaction.atomic():
        account = (PayoutAccount.objects.select_for_update().filter(stripe_account_id=stripe_account.get("id"))
                   .first())
        if account is None:
            logger.info("account.updated for an account no shop has: %s", stripe_account.get("id"))
            return
        if (event_time is not None and account.stripe_updated_at is not None
                and event_time < account.stripe_updated_at):
            return
        _apply_account(account, stripe_account, event_time)
