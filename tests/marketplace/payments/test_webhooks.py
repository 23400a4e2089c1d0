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
    """The tests run tasks at once, so the answer carries the handler's outcome; a worker's is "queued"."""
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


def test_the_event_is_stored_and_answered_at_once_and_a_failing_handler_is_tried_again(client, settings,
                                                                                      monkeypatch):
    """With the database backend, as in production: the answer comes before the handler runs; the
    worker runs it, and when it fails (the database away for a moment) runs it again later."""
    from config import tasks
    from tests.task_worker import run_worker_here, use_database_backend

    use_database_backend(settings, monkeypatch)
    monkeypatch.setattr(tasks, "backoff_delay", lambda **kwargs: 0)
    monkeypatch.setitem(webhooks.HANDLERS, "payment_intent.succeeded",
                        "tests.marketplace.payments.test_webhooks.fail_once")
    response = post_event(client, recorded_event("payment_intent.succeeded"), SECRET)
    assert (response.status_code, response.json()["outcome"]) == (200, "queued")
    stored = StripeEvent.objects.get()
    assert stored.processed_at is None and applied == []
    assert post_event(client, recorded_event("payment_intent.succeeded"), SECRET).json()["outcome"] == "duplicate"
    run_worker_here()
    assert applied == ["failed", "pi_3QgebrakPI0001"]
    stored.refresh_from_db()
    assert stored.processed_at is not None and stored.handled


def fail_once(*, event):
    if not applied:
        applied.append("failed")
        raise RuntimeError("database hiccup")
    record_payment(event=event)


def test_an_event_whose_enqueue_was_lost_is_enqueued_again_by_the_sweep(client, settings):
    from datetime import timedelta

    from django.utils import timezone

    from marketplace.payments import tasks as payment_tasks

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # stored, not run
    event = recorded_event("payment_intent.succeeded")
    webhooks.event_record(event=event)  # stored, then the database went away before the enqueue
    assert payment_tasks.stripe_events_sweep.call() == 0, "too recent: its task may still come"
    StripeEvent.objects.update(received_at=timezone.now() - timedelta(minutes=11))
    assert payment_tasks.stripe_events_sweep.call() == 1
    assert payment_tasks.stripe_events_sweep.call() == 0, "enqueued once, not on every sweep"


def test_get_is_not_allowed(client):
    assert client.get("/payments/stripe/webhook/").status_code == 405
