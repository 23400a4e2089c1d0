"""A payment's webhook through a real worker process, as production runs it: the site stores the
event and answers; `manage.py tasks_worker` (another process) marks the order paid and sends
the emails. On the pass's database: SQLite (a file copy of the test database) or PostgreSQL."""

import sqlite3

import pytest
from django.db import connection

from marketplace.orders.models import Order
from marketplace.payments.models import StripeEvent
from tests.another_process import database_url_for_another_process
from tests.marketplace.orders import factories as f
from tests.marketplace.payments.stripe_signing import post_event, recorded_event
from tests.task_worker import use_database_backend, worker_process

SECRET = "whsec_test_worker_process"


@pytest.mark.django_db(transaction=True)
def test_a_paid_webhook_is_handled_by_a_worker_process(client, settings, monkeypatch, tmp_path):
    use_database_backend(settings, monkeypatch)
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    # Rp 350.000, collected at the workshops (no shipping): the recorded event's amount.
    kain = f.product(shop=f.pickup_shop(name="Toko Kain"), price_idr=200_000, stock=2)
    selendang = f.product(shop=f.pickup_shop(name="Toko Selendang"), price_idr=150_000, stock=1)
    order = f.order_start((kain, 1), (selendang, 1), kind="pickup")
    Order.objects.filter(pk=order.pk).update(stripe_payment_intent_id="pi_3QgebrakPI0001")
    response = post_event(client, recorded_event("payment_intent.succeeded"), SECRET)
    assert (response.status_code, response.json()["outcome"]) == (200, "queued")
    assert Order.objects.get(pk=order.pk).status == "awaiting_payment"

    database_url = database_url_for_another_process(tmp_path)
    worker = worker_process(database_url, tmp_path / "emails")
    assert worker.returncode == 0, worker.stdout + worker.stderr

    if connection.vendor == "sqlite":
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as copy:
            [(status,)] = copy.execute("SELECT status FROM orders_order WHERE id = ?", [order.pk])
            [(processed,)] = copy.execute("SELECT processed_at IS NOT NULL FROM payments_stripeevent")
    else:
        status = Order.objects.get(pk=order.pk).status
        processed = StripeEvent.objects.get().processed_at is not None
    assert (status, processed) == ("paid", True)
    sent = "".join(path.read_text() for path in (tmp_path / "emails").iterdir())
    assert sent.count("\nTo: ") == 3 and "To: rina@contoh.id" in sent
