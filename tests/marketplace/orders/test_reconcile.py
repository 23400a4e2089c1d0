"""`manage.py payments_reconcile`: what Stripe knows that the site missed (a lost webhook, a
PaymentIntent whose answer never came, a refund whose call failed) is settled from Stripe's
side, and abandoned orders give their stock back."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from marketplace.models import Product
from marketplace.orders import checkout, refunds
from marketplace.orders.models import Order, OrderStatus, RefundStatus
from marketplace.payments import stripe_client
from tests.marketplace.orders import emulator
from tests.marketplace.orders import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def kain(stripe_emulator):
    return f.product(shop=f.shop(), title_id="Kain Gigi Haruan", price_idr=175_000, stock=3)


def age(order, **delta):
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(**delta))


def reconcile() -> str:
    out = StringIO()
    call_command("payments_reconcile", stdout=out, stderr=out)
    return out.getvalue()


def pay_at_stripe(order, api_base, number=emulator.CARD_OK):
    order.refresh_from_db()
    token = emulator.card_token(api_base, number)
    try:
        stripe_client.payment_intent_confirm_with(payment_intent_id=order.stripe_payment_intent_id,
                                                  payment_method_id=stripe_client.payment_method_from_token(token))
    except stripe_client.CardError:
        pass


def test_a_payment_whose_webhook_was_lost_is_settled(kain, stripe_emulator):
    order = f.order_start((kain, 1))
    checkout.checkout_payment_prepare(order=order)
    pay_at_stripe(order, stripe_emulator)
    age(order, minutes=5)
    output = reconcile()
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert "paid: 1" in output


def test_a_declined_payment_releases_the_stock(kain, stripe_emulator):
    order = f.order_start((kain, 2))
    checkout.checkout_payment_prepare(order=order)
    pay_at_stripe(order, stripe_emulator, emulator.CARD_DECLINED)
    age(order, minutes=5)
    assert "failed: 1" in reconcile()
    assert Product.objects.get(pk=kain.pk).stock == 3
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT and order.last_payment_error == "card_declined"


def test_an_order_whose_payment_intent_never_answered_gets_one(kain):
    order = f.order_start((kain, 1))  # Stripe was down: no PaymentIntent yet
    age(order, minutes=5)
    assert "intent_created: 1" in reconcile()
    order.refresh_from_db()
    assert order.stripe_payment_intent_id and order.payment_intent_count == 1
    reconcile()
    order.refresh_from_db()
    assert order.payment_intent_count == 1  # never a second one


def test_an_order_unpaid_for_a_day_is_given_up(kain):
    order = f.order_start((kain, 2))
    checkout.checkout_payment_prepare(order=order)
    age(order, hours=25)
    assert "canceled: 1" in reconcile()
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELED
    assert Product.objects.get(pk=kain.pk).stock == 3
    assert stripe_client.payment_intent_retrieve(order.stripe_payment_intent_id).status == "canceled"


def test_a_refund_whose_call_failed_is_sent_again(kain, stripe_emulator, settings):
    order = f.order_start((kain, 1))
    checkout.checkout_payment_prepare(order=order)
    pay_at_stripe(order, stripe_emulator)
    order = checkout.order_mark_paid(order=order, intent=stripe_client.payment_intent_retrieve(
        Order.objects.get(pk=order.pk).stripe_payment_intent_id).to_dict())
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # Stripe unreachable
    refund = refunds.refund_make(order=order, amount_idr=50_000, reason="Uji")
    assert refund.status == RefundStatus.PENDING
    settings.STRIPE_API_BASE = stripe_emulator
    refund.__class__.objects.filter(pk=refund.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    assert "Pending refunds sent again: 1." in reconcile()
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED


def test_stripe_down_leaves_orders_pending_and_says_so(kain, settings):
    order = f.order_start((kain, 1))
    checkout.checkout_payment_prepare(order=order)
    age(order, minutes=5)
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    output = reconcile()
    assert "could not be checked" in output
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT


def test_an_order_whose_payment_intent_stripe_does_not_have_is_given_up(kain):
    """Stripe answers 404 (the emulator lost its state, or the keys changed): not "unreachable" on
    every run for ever, but settled as not paid at once, its stock released."""
    order = f.order_start((kain, 2))
    checkout.checkout_payment_prepare(order=order)
    Order.objects.filter(pk=order.pk).update(stripe_payment_intent_id="pi_the_emulator_forgot")
    age(order, minutes=5)
    output = reconcile()
    assert "canceled_missing: 1" in output
    assert "could not be checked" not in output
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELED
    assert set(order.sub_orders.values_list("status", flat=True)) == {"canceled"}
    assert Product.objects.get(pk=kain.pk).stock == 3
    assert "none" in reconcile()  # nothing left to ask about


def test_not_found_and_unreachable_are_told_apart(kain, settings):
    with pytest.raises(stripe_client.PaymentIntentNotFound):
        stripe_client.payment_intent_retrieve("pi_never_made")
    with pytest.raises(stripe_client.PaymentIntentNotFound):
        stripe_client.payment_intent_cancel("pi_never_made")
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    with pytest.raises(stripe_client.StripeError) as raised:
        stripe_client.payment_intent_retrieve("pi_never_made")
    assert not isinstance(raised.value, stripe_client.PaymentIntentNotFound)
