"""Validly signed but malformed webhook bodies (issue 13, finding 3): 400 and a warning naming the
event, never a 5xx (Stripe would keep retrying what no retry can fix), and nothing half-written.

Every body goes through the real signature check, with the HMAC computed here
(tests/marketplace/payments/stripe_signing.py), against a real unpaid order.
"""

import copy
import json
import logging
import os
import secrets
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketplace.orders.models import Order, OrderStatus, PayoutLine
from marketplace.payments import stripe_client
from marketplace.payments.models import StripeEvent
from tests.marketplace.orders import factories as f
from tests.marketplace.payments.stripe_signing import recorded_event, signature_header

pytestmark = pytest.mark.django_db
SECRET = "whsec_test_malformed"
SCALE = float(os.environ.get("FUZZ_EXAMPLES", "1"))
# What the fuzzed events got back, printed at the end (pytest -s): proof they reach past the checks.
OUTCOMES: Counter = Counter()


@pytest.fixture(scope="module", autouse=True)
def _report_outcomes():
    yield
    for outcome, count in sorted(OUTCOMES.items()):
        print(f"fuzzed webhook events: {outcome} x {count}")


@pytest.fixture(autouse=True)
def signed_with_test_secret(settings, stripe_emulator):
    settings.STRIPE_WEBHOOK_SECRET = SECRET


@pytest.fixture
def order():
    kain = f.product(shop=f.shop(name="Toko Kain"), price_idr=175_000, stock=2)
    order = f.order_start((kain, 1))
    Order.objects.filter(pk=order.pk).update(stripe_payment_intent_id="pi_3QgebrakPI0001")
    order.refresh_from_db()
    return order


def paid_event(order) -> dict:
    """A well-formed payment_intent.succeeded for the order: what the malformed ones start from."""
    event = copy.deepcopy(recorded_event("payment_intent.succeeded"))
    event["id"] = f"evt_{secrets.token_hex(10)}"
    event["data"]["object"].update(amount=stripe_client.to_minor_units(order.total_idr),
                                   metadata={"order": str(order.pk), "order_number": order.number})
    return event


def post_body(client, body: bytes):
    return client.post("/payments/stripe/webhook/", data=body, content_type="application/json",
                       HTTP_STRIPE_SIGNATURE=signature_header(body, SECRET))


def written(order) -> tuple:
    order.refresh_from_db()
    return (StripeEvent.objects.count(), PayoutLine.objects.count(), order.status)


def drop(path: str):
    def change(event):
        *parents, last = path.split(".")
        target = event
        for name in parents:
            target = target[name]
        del target[last]
    return change


def put(path: str, value):
    def change(event):
        *parents, last = path.split(".")
        target = event
        for name in parents:
            target = target[name]
        target[last] = value
    return change


MALFORMED = {
    "no data": drop("data"),
    "data a list": put("data", [{"object": {}}]),
    "data.object a list": put("data.object", [{"id": "pi_3QgebrakPI0001"}]),
    "no data.object": drop("data.object"),
    "created 10**20": put("created", 10**20),
    "created a string": put("created", "1795000000"),
    "created a float": put("created", 1795000000.5),
    "created negative": put("created", -1),
    "created true": put("created", True),
    "no created": drop("created"),
    "no type": drop("type"),
    "type a number": put("type", 7),
    "type too long": put("type", "payment_intent." + "x" * 100),
    "id a number": put("id", 12345),
    "id a list": put("id", ["evt_1"]),
    "id empty": put("id", ""),
    "id too long": put("id", "evt_" + "x" * 300),
    "amount a string": put("data.object.amount", "17500000"),
    "amount a float": put("data.object.amount", 17500000.0),
    "amount true": put("data.object.amount", True),
    "amount negative": put("data.object.amount", -17500000),
    "amount 10**30": put("data.object.amount", 10**30),
    "currency a number": put("data.object.currency", 360),
    "object id missing": drop("data.object.id"),
    "object id a number": put("data.object.id", 1),
    "object id an object": put("data.object.id", {"id": "pi_3QgebrakPI0001"}),
    "metadata a list": put("data.object.metadata", ["order", "1"]),
    "metadata.order a number": put("data.object.metadata", {"order": 1}),
    "last_payment_error a string": put("data.object.last_payment_error", "card_declined"),
    "NUL in a string": put("data.object.description", "Kain\x00"),
    "nested 50 deep": put("data.object.extra", json.loads("[" * 50 + "]" * 50)),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_event_is_400_logged_and_changes_nothing(client, order, caplog, case):
    event = paid_event(order)
    MALFORMED[case](event)
    before = written(order)
    with caplog.at_level(logging.WARNING, logger="marketplace.payments.webhooks"):
        response = post_body(client, json.dumps(event).encode())
    assert response.status_code == 400, response.content
    assert response.json()["error"]
    assert written(order) == before
    assert order.status == OrderStatus.AWAITING_PAYMENT
    [warning] = [record for record in caplog.records if "malformed" in record.getMessage()]
    if isinstance(event.get("id"), str):
        assert event["id"][:40] in warning.getMessage()


@pytest.mark.parametrize("body", [b"[]", b"null", b"7", b'"evt_1"', b"[" * 100_000 + b"]" * 100_000, b"\xff\xfe"])
def test_a_body_that_is_no_event_at_all_is_400(client, order, body):
    before = written(order)
    assert post_body(client, body).status_code == 400
    assert written(order) == before


@pytest.mark.parametrize("order_field", ["abc", "²", "9" * 30, "-1", "1e3", ""])
def test_metadata_order_not_a_number_finds_no_order(client, order, order_field):
    """A well-formed event whose metadata names no order of ours is recorded and changes nothing."""
    event = paid_event(order)
    event["data"]["object"].update(id="pi_someone_elses", metadata={"order": order_field})
    response = post_body(client, json.dumps(event).encode())
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT and not PayoutLine.objects.exists()


def test_a_type_we_do_not_handle_may_carry_fields_of_other_kinds(client, order):
    """Only what handlers read is held to their types: a cash balance transaction's amount is negative."""
    event = paid_event(order)
    event["type"] = "customer_cash_balance_transaction.created"
    event["data"]["object"] = {"id": "ccsbtxn_1", "object": "customer_cash_balance_transaction", "amount": -5000,
                               "currency": "idr", "metadata": None}
    response = post_body(client, json.dumps(event).encode())
    assert response.status_code == 200 and response.json()["outcome"] == "ignored"


def test_the_well_formed_event_still_pays(client, order):
    """The control: the event every case above spoils is accepted as it is."""
    response = post_body(client, json.dumps(paid_event(order)).encode())
    assert response.status_code == 200 and response.json()["outcome"] == "handled"
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


# --- Fuzzing: any JSON anywhere in the event ------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(10**25), max_value=10**25)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12)
PATHS = ["id", "type", "created", "data", "data.object", "data.object.id", "data.object.amount",
         "data.object.currency", "data.object.status", "data.object.metadata", "data.object.metadata.order",
         "data.object.last_payment_error", "data.object.payment_intent", "data.object.amount_refunded",
         "data.object.capabilities", "livemode", "object"]
TYPES = ["payment_intent.succeeded", "payment_intent.payment_failed", "charge.refunded", "account.updated",
         "customer.created"]


@settings(max_examples=int(150 * SCALE), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(event_type=st.sampled_from(TYPES),
       changes=st.lists(st.tuples(st.sampled_from(PATHS), json_values | st.just(drop)), min_size=1, max_size=3))
def test_fuzzed_events_are_never_a_5xx_nor_half_written(client, order, event_type, changes):
    event = paid_event(order)
    event["type"] = event_type
    for path, value in changes:
        try:
            (drop(path) if value is drop else put(path, value))(event)
        except (KeyError, TypeError, IndexError):
            pass  # a change above already replaced what this path runs through
    before = written(order)
    response = post_body(client, json.dumps(event).encode())
    assert response.status_code in (200, 400), (response.status_code, event)
    OUTCOMES[str(response.json().get("outcome", response.status_code))] += 1
    if response.status_code == 400:
        assert written(order) == before, event
    else:
        assert StripeEvent.objects.filter(event_id=event["id"]).count() == 1
