"""Recorded Stripe events replayed through the real signature check, against real orders:
each type we handle, duplicates, any order, stale events, refunds made here or in Stripe."""

import copy

import pytest
from django.core import mail
from django.db.models import Sum

from marketplace.models import Product
from marketplace.orders import checkout, refunds
from marketplace.orders.models import (
    Order,
    OrderStatus,
    PayoutAccount,
    PayoutLine,
    Refund,
    RefundSource,
    RefundStatus,
    StockState,
)
from marketplace.payments.models import StripeEvent
from tests.marketplace.orders import factories as f
from tests.marketplace.payments.stripe_signing import post_event, recorded_event

pytestmark = pytest.mark.django_db
SECRET = "whsec_test_gebrak_orders"
RECORDED_INTENT = "pi_3QgebrakPI0001"


@pytest.fixture(autouse=True)
def signed_with_test_secret(settings, stripe_emulator):
    settings.STRIPE_WEBHOOK_SECRET = SECRET


@pytest.fixture
def order():
    """The order the recorded events are about: Rp 350.000 from two shops, both collected at the workshop
    (no shipping), PaymentIntent pi_3QgebrakPI0001."""
    kain = f.product(shop=f.pickup_shop(name="Toko Kain"), price_idr=200_000, stock=2)
    selendang = f.product(shop=f.pickup_shop(name="Toko Selendang"), price_idr=150_000, stock=1)
    order = f.order_start((kain, 1), (selendang, 1), kind="pickup")
    Order.objects.filter(pk=order.pk).update(stripe_payment_intent_id=RECORDED_INTENT)
    order.refresh_from_db()
    return order


def replay(client, name, **changes):
    event = copy.deepcopy(recorded_event(name))
    event.update(changes)
    response = post_event(client, event, SECRET)
    assert response.status_code == 200, response.content
    return response.json()["outcome"]


def product_stocks(order) -> list[int]:
    ids = order.sub_orders.order_by("pk").values_list("lines__product_id", flat=True)
    return [Product.objects.get(pk=pk).stock for pk in ids]


def ledger_total(order) -> int:
    return PayoutLine.objects.filter(sub_order__order=order).aggregate(total=Sum("amount_idr"))["total"] or 0


def test_succeeded_marks_paid_once(client, order, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert replay(client, "payment_intent.succeeded") == "handled"
        assert replay(client, "payment_intent.succeeded") == "duplicate"
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert ledger_total(order) == 350_000 - 10_000 - 7_500
    assert len([m for m in mail.outbox if m.to == ["rina@contoh.id"]]) == 1
    assert product_stocks(order) == [1, 0]


def test_the_same_payment_in_a_new_event_changes_nothing(client, order):
    replay(client, "payment_intent.succeeded")
    ledger = list(PayoutLine.objects.values_list("pk", flat=True))
    assert replay(client, "payment_intent.succeeded", id="evt_3QgebrakSucceeded02") == "handled"
    assert list(PayoutLine.objects.values_list("pk", flat=True)) == ledger


def test_failure_after_success_does_not_unpay(client, order):
    replay(client, "payment_intent.succeeded")
    replay(client, "payment_intent.payment_failed")
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert set(order.sub_orders.values_list("lines__stock_state", flat=True)) == {StockState.CONSUMED}
    assert product_stocks(order) == [1, 0]


def test_failure_releases_stock_and_a_later_success_takes_it_again(client, order):
    replay(client, "payment_intent.payment_failed")
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT and order.last_payment_error == "card_declined"
    assert product_stocks(order) == [2, 1]
    replay(client, "payment_intent.succeeded")
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert product_stocks(order) == [1, 0]


def test_a_failure_older_than_the_buyers_new_attempt_keeps_the_stock(client, order):
    checkout.checkout_payment_prepare(order=order)  # the buyer clicks "Bayar" again, after the failure
    replay(client, "payment_intent.payment_failed")
    assert product_stocks(order) == [1, 0]


def test_late_payment_without_stock_cancels_that_shops_part(client, order, django_capture_on_commit_callbacks):
    replay(client, "payment_intent.payment_failed")
    selendang = order.sub_orders.get(shop__name="Toko Selendang").lines.get().product
    Product.objects.filter(pk=selendang.pk).update(stock=0)  # someone else bought the last one
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        replay(client, "payment_intent.succeeded")
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    statuses = dict(order.sub_orders.values_list("shop__name", "status"))
    assert statuses == {"Toko Kain": "paid", "Toko Selendang": "canceled"}
    refund = Refund.objects.get()
    assert (refund.amount_idr, refund.source, refund.status) == (150_000, RefundSource.OUT_OF_STOCK,
                                                                 RefundStatus.PENDING)
    assert callbacks, "the refund is sent to Stripe after the commit"
    assert product_stocks(order) == [1, 0]


def test_amount_that_does_not_match_is_not_paid(client, order):
    event = copy.deepcopy(recorded_event("payment_intent.succeeded"))
    event["data"]["object"]["amount"] = 100
    post_event(client, event, SECRET)
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT


def test_events_for_unknown_payment_intents_are_recorded_and_harmless(client):
    assert replay(client, "payment_intent.succeeded") == "handled"
    assert replay(client, "charge.refunded") == "handled"
    assert StripeEvent.objects.count() == 2 and not Order.objects.exists()


def test_refund_made_in_stripe_dashboard_is_recorded_once(client, order):
    replay(client, "payment_intent.succeeded")
    assert replay(client, "charge.refunded") == "handled"
    refund = Refund.objects.get()
    assert (refund.amount_idr, refund.source, refund.status) == (50_000, RefundSource.STRIPE, RefundStatus.SUCCEEDED)
    # Split over the shops in proportion: 200 000 : 150 000.
    assert sorted(refund.parts.values_list("amount_idr", flat=True)) == [21_429, 28_571]
    assert replay(client, "charge.refunded") == "duplicate"
    # The same total in a new event, and an older smaller total: nothing new.
    replay(client, "charge.refunded", id="evt_3QgebrakRefunded02")
    stale = copy.deepcopy(recorded_event("charge.refunded"))
    stale["id"] = "evt_3QgebrakRefunded00"
    stale["data"]["object"]["amount_refunded"] = 1_000_000
    post_event(client, stale, SECRET)
    assert Refund.objects.count() == 1
    # What the shops are owed follows: each net amount minus 5 % of it, rounded down.
    assert ledger_total(order) == (171_429 - 8_571) + (128_571 - 6_428)


def test_refund_made_here_is_not_counted_again_by_its_webhook(client, order):
    replay(client, "payment_intent.succeeded")
    refund = refunds.refund_request(order=order, amount_idr=50_000, reason="Warna berbeda")
    refunds.refund_mark_succeeded(refund=refund, stripe_refund_id="re_3QgebrakRE0001")
    replay(client, "charge.refunded")
    assert list(Refund.objects.values_list("amount_idr", "source")) == [(50_000, RefundSource.EDITOR)]


def test_refund_still_pending_here_is_not_counted_again_either(client, order):
    replay(client, "payment_intent.succeeded")
    refunds.refund_request(order=order, amount_idr=50_000, reason="Warna berbeda")
    replay(client, "charge.refunded")
    assert Refund.objects.count() == 1


def test_account_updated_follows_the_newest_event(client):
    account = PayoutAccount.objects.create(shop=f.shop(), stripe_account_id="acct_1QgebrakShop01")
    replay(client, "account.updated")
    account.refresh_from_db()
    assert account.stripe_details_submitted and account.stripe_transfers_active
    older = copy.deepcopy(recorded_event("account.updated"))
    older.update(id="evt_1QgebrakAccount00", created=older["created"] - 60)
    older["data"]["object"]["capabilities"]["transfers"] = "inactive"
    post_event(client, older, SECRET)
    account.refresh_from_db()
    assert account.stripe_transfers_active


def test_the_payment_webhook_is_answered_before_the_order_is_paid_and_the_worker_pays_it(
        client, order, settings, monkeypatch, django_capture_on_commit_callbacks):
    """As in production (the database backend): Stripe's request ends at once; the worker then marks
    the order paid and sends the buyer's and the artisans' emails, themselves tasks."""
    from tests.task_worker import run_worker_here, use_database_backend

    use_database_backend(settings, monkeypatch)
    assert replay(client, "payment_intent.succeeded") == "queued"
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT and mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):  # the handler's commit enqueues the emails
        run_worker_here()
    assert mail.outbox == [], "the emails are tasks of their own"
    run_worker_here()
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and ledger_total(order) == 350_000 - 10_000 - 7_500
    assert StripeEvent.objects.get().processed_at is not None
    assert sorted(address for message in mail.outbox for address in message.to) == sorted(
        ["rina@contoh.id", *order.sub_orders.values_list("shop__owner__email", flat=True)])
