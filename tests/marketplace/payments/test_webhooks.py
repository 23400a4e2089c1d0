"""The webhook endpoint: signature on the raw body, each event once, unknown types harmless."""

import json
import time

import pytest

from marketplace.payments import webhooks
from marketplace.payments.models import StripeEvent
from tests.marketplace.payments.stripe_signing import post_event, recorded_event, signature_header

pytestmark = pytest.mark.django_db
SECRET = "whsec_test_gebrak"
applied = []


def record_payment(*, event):
    applied.append(event["data"]["object"]["id"])


@pytest.fixture(autouse=True)
def webhook_setup(settings, monkeypatch):
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    settings.STRIPE_SECRET_KEY = "sk_test_gebrak"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_gebrak"
    monkeypatch.setitem(webhooks.HANDLERS, "payment_intent.succeeded",
                        "tests.marketplace.payments.test_webhooks.record_payment")
    applied.clear()


def test_signed_event_is_handled_once(client):
    event = recorded_event("payment_intent.succeeded")
    first = post_event(client, event, SECRET)
    assert first.status_code == 200
    assert first.json()["outcome"] == "handled"
    replay = post_event(client, event, SECRET)
    assert replay.status_code == 200
    assert replay.json()["outcome"] == "duplicate"
    assert applied == ["pi_3QgebrakPI0001"]
    stored = StripeEvent.objects.get()
    assert (stored.event_id, stored.type, stored.object_id, stored.handled) == (
        "evt_3QgebrakSucceeded01", "payment_intent.succeeded", "pi_3QgebrakPI0001", True)


def test_unknown_type_is_recorded_and_answered_200(client):
    response = post_event(client, recorded_event("customer.created"), SECRET)
    assert response.status_code == 200
    assert response.json()["outcome"] == "ignored"
    assert StripeEvent.objects.get().handled is False


@pytest.mark.parametrize("case", ["missing", "wrong secret", "tampered body", "stale", "garbage"])
def test_bad_signature_is_400_and_changes_nothing(client, case):
    event = recorded_event("payment_intent.succeeded")
    body = json.dumps(event).encode()
    headers = {
        "wrong secret": signature_header(body, "whsec_someone_else"),
        "tampered body": signature_header(json.dumps({**event, "id": "evt_other"}).encode(), SECRET),
        "stale": signature_header(body, SECRET, timestamp=int(time.time()) - 3600),
        "garbage": "not-a-signature",
    }
    extra = {} if case == "missing" else {"HTTP_STRIPE_SIGNATURE": headers[case]}
    response = client.post("/payments/stripe/webhook/", data=body, content_type="application/json", **extra)
    assert response.status_code == 400
    assert "error" in response.json()
    assert not StripeEvent.objects.exists()
    assert applied == []


def test_signed_non_json_is_400(client):
    body = b"this is not json"
    response = client.post("/payments/stripe/webhook/", data=body, content_type="application/json",
                           HTTP_STRIPE_SIGNATURE=signature_header(body, SECRET))
    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


def test_failing_handler_leaves_no_record_so_stripe_retries(client, monkeypatch):
    monkeypatch.setitem(webhooks.HANDLERS, "payment_intent.succeeded",
                        "tests.marketplace.payments.test_webhooks.explode")
    response = post_event(client, recorded_event("payment_intent.succeeded"), SECRET)
    assert response.status_code == 503
    assert not StripeEvent.objects.exists()


def explode(*, event):
    raise RuntimeError("database hiccup")


def test_get_is_not_allowed(client):
    assert client.get("/payments/stripe/webhook/").status_code == 405
