"""Stripe failing as it does in production, and webhooks arriving as they do.

Stripe is a tiny server on loopback (fake_stripe.py) posing as STRIPE_API_BASE:
it times out or answers 500 while the buyer tries to pay. Whatever happens there
is one PaymentIntent per order at Stripe, the order waits (awaiting payment,
its stock held), the buyer gets a clear message, and `manage.py
payments_reconcile` settles the order from Stripe's side once Stripe answers.

Webhooks are signed here (tests/marketplace/payments/stripe_signing.py) and sent
three times, out of order, stale, and badly signed.
"""

from __future__ import annotations

import copy
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from marketplace.models import Product
from marketplace.orders.models import Order, OrderStatus, PayoutLine, StockState
from marketplace.payments import stripe_client
from marketplace.payments.models import StripeEvent
from tests.marketplace.orders import factories as f
from tests.marketplace.payments.stripe_signing import post_event, recorded_event, signature_header
from tests.reliability.fake_stripe import FakeStripe

pytestmark = pytest.mark.django_db
SECRET = "whsec_reliability"
# The real client waits 10 s and tries 3 times; shortened here so a hang costs the test
# seconds, not half a minute. What is proved (one PaymentIntent, the order waits) does not
# depend on the figure.
CLIENT_TIMEOUT = 1


@pytest.fixture
def stripe_fake(settings, monkeypatch):
    fake = FakeStripe(hang_seconds=CLIENT_TIMEOUT + 2)
    settings.STRIPE_SECRET_KEY = "sk_test_reliability"
    settings.STRIPE_API_BASE = fake.url
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    monkeypatch.setattr(stripe_client, "TIMEOUT_SECONDS", CLIENT_TIMEOUT)
    stripe_client._client_for.cache_clear()
    yield fake
    stripe_client._client_for.cache_clear()
    fake.close()


@pytest.fixture
def order():
    kain = f.product(shop=f.shop(name="Toko Kain Aminah"), price_idr=175_000, stock=3)
    return f.order_start((kain, 2))


def prepare(client, order):
    return client.post(f"/id/kampung-sasirangan/checkout/{order.token}/siapkan/")


def reconcile() -> str:
    Order.objects.filter(status=OrderStatus.AWAITING_PAYMENT).update(
        created_at=timezone.now() - timedelta(minutes=5))
    out = StringIO()
    call_command("payments_reconcile", stdout=out, stderr=out)
    return out.getvalue()


@pytest.mark.parametrize("fault", ["hang", "error500"])
def test_stripe_failing_leaves_one_intent_and_a_waiting_order_that_reconciles(client, stripe_fake, order, fault):
    stripe_fake.mode = fault
    for _attempt in range(2):  # the buyer tries, then tries again
        started = time.monotonic()
        response = prepare(client, order)
        elapsed = time.monotonic() - started
        assert response.status_code == 503
        assert "Pesanan Anda tersimpan" in response.json()["message"]
        # Three tries at most (NETWORK_RETRIES), each given up after the timeout, plus backoff.
        assert elapsed < (stripe_client.NETWORK_RETRIES + 1) * (CLIENT_TIMEOUT + 2.5), f"{elapsed:.1f} s"
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert order.stripe_payment_intent_id in ("", None)
    assert set(order.sub_orders.values_list("lines__stock_state", flat=True)) == {StockState.RESERVED}
    # Every attempt carried the same idempotency key, so Stripe made at most one PaymentIntent.
    keys = stripe_fake.create_requests()
    assert len(keys) >= 2 and len(set(keys)) == 1
    assert len(stripe_fake.intents) <= 1

    # A reconcile while Stripe still fails changes nothing and says so.
    reconcile()
    assert Order.objects.get(pk=order.pk).status == OrderStatus.AWAITING_PAYMENT
    assert len(set(stripe_fake.create_requests())) == 1 and len(stripe_fake.intents) <= 1

    # Stripe is back: reconcile finds (or makes, with the same key) the one PaymentIntent ...
    stripe_fake.mode = "ok"
    reconcile()
    order.refresh_from_db()
    assert order.stripe_payment_intent_id and len(stripe_fake.intents) == 1
    assert order.status == OrderStatus.AWAITING_PAYMENT
    # ... and once the buyer has paid it at Stripe, settles the order without any webhook.
    stripe_fake.pay(order.stripe_payment_intent_id)
    reconcile()
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert len(stripe_fake.intents) == 1
    ledger = PayoutLine.objects.filter(sub_order__order=order).count()
    assert ledger > 0
    reconcile()  # again: nothing more to do
    assert PayoutLine.objects.filter(sub_order__order=order).count() == ledger


def test_a_payment_intent_stripe_answers_404_for_is_settled_not_retried(client, stripe_fake, order):
    """Stripe's own 404 (`resource_missing`): the order is given up, its stock released; a Stripe
    that is down (the test above) leaves it waiting instead."""
    assert prepare(client, order).status_code == 200
    order.refresh_from_db()
    del stripe_fake.intents[order.stripe_payment_intent_id]
    output = reconcile()
    assert "canceled_missing: 1" in output and "could not be checked" not in output
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELED
    assert set(order.sub_orders.values_list("lines__stock_state", flat=True)) == {StockState.RELEASED}
    assert Product.objects.get(pk=order.sub_orders.get().lines.get().product_id).stock == 3


def test_prepare_after_a_lost_answer_reuses_the_same_intent(client, stripe_fake, order):
    stripe_fake.mode = "error500"  # made at Stripe, answer lost
    assert prepare(client, order).status_code == 503
    stripe_fake.mode = "ok"
    response = prepare(client, order)
    assert response.status_code == 200
    assert len(stripe_fake.intents) == 1
    [intent] = stripe_fake.intents.values()
    assert response.json()["client_secret"] == intent["client_secret"]


# --- Webhooks ---------------------------------------------------------------------------------------

def event_for(order, name, **changes):
    event = copy.deepcopy(recorded_event(name))
    event["data"]["object"].update(id=order.stripe_payment_intent_id,
                                   amount=stripe_client.to_minor_units(order.total_idr),
                                   metadata={"order": str(order.pk), "order_number": order.number})
    event.update(changes)
    return event


@pytest.fixture
def order_with_intent(order, stripe_fake, client):
    assert prepare(client, order).status_code == 200
    order.refresh_from_db()
    return order


def test_a_webhook_replayed_three_times_pays_once(client, order_with_intent):
    event = event_for(order_with_intent, "payment_intent.succeeded", id="evt_reliability_paid")
    outcomes = [post_event(client, event, SECRET).json()["outcome"]]
    ledger = PayoutLine.objects.filter(sub_order__order=order_with_intent).count()
    outcomes += [post_event(client, event, SECRET).json()["outcome"] for _ in range(2)]
    assert outcomes == ["handled", "duplicate", "duplicate"]
    order_with_intent.refresh_from_db()
    assert order_with_intent.status == OrderStatus.PAID
    assert ledger > 0
    assert PayoutLine.objects.filter(sub_order__order=order_with_intent).count() == ledger
    assert StripeEvent.objects.filter(event_id="evt_reliability_paid").count() == 1


def test_a_failure_arriving_after_the_success_changes_nothing(client, order_with_intent):
    now = int(time.time())
    paid = event_for(order_with_intent, "payment_intent.succeeded", id="evt_paid_late", created=now)
    failed = event_for(order_with_intent, "payment_intent.payment_failed", id="evt_failed_early", created=now - 60)
    failed["data"]["object"].update(status="requires_payment_method",
                                    last_payment_error={"code": "card_declined"})
    assert post_event(client, paid, SECRET).status_code == 200
    assert post_event(client, failed, SECRET).status_code == 200
    order_with_intent.refresh_from_db()
    assert order_with_intent.status == OrderStatus.PAID
    assert set(order_with_intent.sub_orders.values_list("lines__stock_state", flat=True)) == {StockState.CONSUMED}


def test_a_stale_failure_from_before_the_latest_attempt_keeps_the_stock_held(client, order_with_intent):
    failed = event_for(order_with_intent, "payment_intent.payment_failed", id="evt_failed_stale",
                       created=int(time.time()) - 3600)
    failed["data"]["object"].update(status="requires_payment_method",
                                    last_payment_error={"code": "card_declined"})
    assert post_event(client, failed, SECRET).status_code == 200
    order_with_intent.refresh_from_db()
    assert order_with_intent.status == OrderStatus.AWAITING_PAYMENT
    assert set(order_with_intent.sub_orders.values_list("lines__stock_state", flat=True)) == {StockState.RESERVED}


@pytest.mark.parametrize("spoil", ["wrong secret", "tampered body", "old signature", "no header", "garbage header"])
def test_badly_signed_webhooks_are_refused_and_change_nothing(client, order_with_intent, spoil):
    import json

    event = event_for(order_with_intent, "payment_intent.succeeded", id=f"evt_bad_{spoil.replace(' ', '_')}")
    body = json.dumps(event).encode()
    header = signature_header(body, SECRET)
    if spoil == "wrong secret":
        header = signature_header(body, "whsec_someone_else")
    elif spoil == "tampered body":
        body = body.replace(b'"idr"', b'"usd"')
    elif spoil == "old signature":  # a captured request replayed later (Stripe's tolerance is 5 minutes)
        header = signature_header(body, SECRET, timestamp=int(time.time()) - 3600)
    elif spoil == "no header":
        header = None
    elif spoil == "garbage header":
        header = "t=abc,v1=zzz"
    extra = {"HTTP_STRIPE_SIGNATURE": header} if header is not None else {}
    response = client.post("/payments/stripe/webhook/", data=body, content_type="application/json", **extra)
    assert response.status_code == 400
    assert response.json()["error"]
    order_with_intent.refresh_from_db()
    assert order_with_intent.status == OrderStatus.AWAITING_PAYMENT
    assert not StripeEvent.objects.filter(event_id=event["id"]).exists()
