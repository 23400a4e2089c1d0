"""The Stripe client against the emulator, speaking Stripe's HTTP API for real."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.payments import stripe_client


@given(st.integers(min_value=0, max_value=9_999_999_999))
def test_rupiah_round_trip_through_minor_units(amount):
    assert stripe_client.from_minor_units(stripe_client.to_minor_units(amount)) == amount
    assert stripe_client.to_minor_units(amount) == amount * 100


@pytest.mark.parametrize("bad", [-1, 1.5, "100", True, None])
def test_amounts_must_be_whole_rupiah(bad):
    with pytest.raises(ValueError):
        stripe_client.to_minor_units(bad)


def test_more_than_twelve_digits_is_refused():
    stripe_client.to_minor_units(9_999_999_999)  # Rp 9.999.999.999 fits: 12 digits in minor units
    with pytest.raises(stripe_client.AmountTooLarge):
        stripe_client.to_minor_units(10_000_000_000)


def test_mode_follows_the_environment(settings):
    settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE = "", ""
    assert stripe_client.payments_mode() == "emulator"
    assert stripe_client.stripe_js_url().endswith("/js.stripe.com/v3/")
    settings.STRIPE_SECRET_KEY = "sk_test_abc"
    assert stripe_client.payments_mode() == "off"  # Stripe needs all three
    settings.STRIPE_PUBLISHABLE_KEY, settings.STRIPE_WEBHOOK_SECRET = "pk_test_abc", "whsec_abc"
    assert stripe_client.payments_mode() == "test"
    assert stripe_client.api_base() == "https://api.stripe.com"
    settings.STRIPE_SECRET_KEY = "sk_live_abc"
    assert stripe_client.payments_mode() == "live"
    assert stripe_client.stripe_js_url() == "https://js.stripe.com/v3/"
    # Where the emulator is not allowed (production), no key means off, never the emulator.
    settings.STRIPE_EMULATOR = False
    settings.STRIPE_SECRET_KEY = ""
    assert stripe_client.payments_mode() == "off"
    assert stripe_client.webhook_secret() == ""
    assert stripe_client.payments_status() == {"mode": "off", "status": "not_configured"}


def test_payment_intent_in_rupiah(stripe_emulator):
    intent = stripe_client.payment_intent_create(amount_idr=175_000, metadata={"order": 7},
                                                 idempotency_key="order-7-payment-intent")
    assert intent.amount == 17_500_000 and intent.currency == "idr"
    assert intent.status == "requires_payment_method"
    assert intent.metadata["order"] == "7"
    assert stripe_client.payment_intent_retrieve(intent.id).id == intent.id


def test_card_payment_then_partial_refund(stripe_emulator):
    api = stripe_client.client().v1
    card = api.payment_methods.create(params={"type": "card", "card": {
        "number": "4242424242424242", "exp_month": 12, "exp_year": 2031, "cvc": "123"}})
    intent = api.payment_intents.create(params={"amount": stripe_client.to_minor_units(350_000), "currency": "idr",
                                                "payment_method": card.id, "confirm": True})
    assert intent.status == "succeeded"
    refund = stripe_client.refund_create(payment_intent_id=intent.id, amount_idr=50_000,
                                         idempotency_key=f"refund-{intent.id}-1")
    assert refund.status == "succeeded"
    assert stripe_client.from_minor_units(refund.amount) == 50_000


def test_declined_card_raises_card_error(stripe_emulator):
    api = stripe_client.client().v1
    card = api.payment_methods.create(params={"type": "card", "card": {
        "number": "4000000000000341", "exp_month": 12, "exp_year": 2031, "cvc": "123"}})
    with pytest.raises(stripe_client.CardError) as raised:
        api.payment_intents.create(params={"amount": 10_000_00, "currency": "idr",
                                           "payment_method": card.id, "confirm": True})
    assert raised.value.code == "card_declined"
