"""Stripe failing as it does in production, and webhooks arriving as they do.

Stripe is a tiny server on loopback (fake_stripe.py) posing as STRIPE_API_BASE:
it times out or answers 500 while the buyer tries to pay. Whatever happens there
is one PaymentIntent per order at Stripe, the order waits (awaiting payment,
its stock back on the shelf until the buyer tries again), the buyer gets a clear
message, and `manage.py payments_reconcile` settles the order from Stripe's side
once Stripe answers. Under the real server (gunicorn.conf.py), a Stripe that never
answers costs its buyer seconds and the other buyers nothing.

Webhooks are signed here (tests/marketplace/payments/stripe_signing.py) and sent
three times, out of order, stale, and badly signed.
"""

from __future__ import annotations

import copy
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from datetime import timedelta
from io import StringIO

import pytest
import requests
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone, translation

from marketplace.models import Product
from marketplace.orders import stock
from marketplace.orders.models import Order, OrderLine, OrderStatus, PayoutLine, StockState
from marketplace.payments import stripe_client
from marketplace.payments.models import StripeEvent
from tests.another_process import ROOT, database_url_for_another_process
from tests.marketplace.orders import factories as f
from tests.marketplace.payments.stripe_signing import post_event, recorded_event, signature_header
from tests.reliability.fake_stripe import FakeStripe

pytestmark = pytest.mark.django_db
SECRET = "whsec_reliability"
# The real client waits 4 s and tries twice; shortened here so a hang costs the test
# two seconds, not ten (the hung-Stripe test under gunicorn below keeps the real figures). What is proved (one PaymentIntent, the order waits) does not
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
        # Two tries at most (NETWORK_RETRIES), each given up after the timeout, plus backoff.
        assert elapsed < (stripe_client.NETWORK_RETRIES + 1) * (CLIENT_TIMEOUT + 2.5), f"{elapsed:.1f} s"
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert order.stripe_payment_intent_id in ("", None)
    # Nobody can pay it without a PaymentIntent: its stock went back at once (each attempt took it again).
    assert set(order.sub_orders.values_list("lines__stock_state", flat=True)) == {StockState.RELEASED}
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


# --- A Stripe that hangs, under the real server ----------------------------------------------------

class SilentStripe:
    """A listener that accepts connections and never answers: Stripe hanging."""

    def __init__(self):
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"

    def _accept(self):
        while True:
            try:
                self.held.append(self.socket.accept()[0])
            except OSError:
                return

    def close(self):
        self.socket.close()
        for connection_ in self.held:
            connection_.close()


@contextmanager
def gunicorn_serving(database_url: str, stripe_url: str, log_path):
    """The site under gunicorn with the repository's gunicorn.conf.py (one worker, four threads),
    on `database_url`, its Stripe at `stripe_url`. Yields the base URL."""
    # gunicorn is handed the listening socket itself, so no other process can take its port between.
    listening = socket.create_server(("127.0.0.1", 0))
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "DEBUG"}}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": database_url,
                "STRIPE_API_BASE": stripe_url, "GUNICORN_BIND": f"fd://{listening.fileno()}",
                "WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "4", "PYTHONPATH": str(ROOT)})
    with listening, open(log_path, "w") as log:
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"], cwd=ROOT, env=env,
                                  stdout=log, stderr=subprocess.STDOUT, pass_fds=[listening.fileno()])
        base = f"http://127.0.0.1:{listening.getsockname()[1]}"
        try:
            # The socket listens already: the first request waits for gunicorn to start.
            try:
                requests.get(f"{base}/healthz", timeout=90)
            except requests.RequestException as error:
                raise AssertionError(f"gunicorn did not answer: {open(log_path).read()}") from error
            yield base
        finally:
            server.terminate()
            server.wait(timeout=60)


def _buyer_adds_and_checks_out(base: str, product: Product) -> list[tuple[str, int, float]]:
    """Another buyer, meanwhile: the product's page, adding it to the cart, the checkout form, the
    order. (What, status, seconds.)"""
    session, steps = requests.Session(), []

    def timed(what, method, path, **kwargs):
        started = time.monotonic()
        response = session.request(method, f"{base}{path}", timeout=30, allow_redirects=False, **kwargs)
        steps.append((what, response.status_code, time.monotonic() - started))
        return response

    shop = "/id/kampung-sasirangan"
    with translation.override("id"):
        page = timed("product", "GET", product.get_absolute_url())
    timed("add", "POST", f"{shop}/keranjang/tambah/", data={
        "product": product.pk, "quantity": 1, "csrfmiddlewaretoken": csrf_token(session, page)})
    page = timed("checkout form", "GET", f"{shop}/checkout/")
    key = BeautifulSoup(page.content, "html.parser").select_one("input[name=checkout_key]")["value"]
    form = {"name": "Dewi Lestari", "email": "dewi@contoh.id", "phone": "0812-3456-7891",
            "province": "Kalimantan Selatan", "regency": "Kabupaten Banjar", "district": "Martapura",
            "postal_code": "70614", "street": "Jl. A. Yani 5", "checkout_key": key,
            "csrfmiddlewaretoken": csrf_token(session, page)}
    # "Hitung ongkir", then the order with the delivery the page chose.
    quote = timed("shipping", "POST", f"{shop}/checkout/", data={**form, "action": "quote"})
    chosen = {radio["name"]: radio["value"] for radio in
              BeautifulSoup(quote.content, "html.parser").select("input[type=radio][name^=shipping-][checked]")}
    timed("order", "POST", f"{shop}/checkout/", data={**form, **chosen})
    return steps


def csrf_token(session: requests.Session, page: requests.Response) -> str:
    token = session.cookies.get("csrftoken")
    assert token, f"no CSRF cookie from {page.url}: {page.status_code} {page.text[:300]}"
    return token


def _stock_and_lines(database_url: str, product_pk: int) -> tuple[int, list[tuple[int, str]]]:
    """The product's stock and every order line's (order, stock state), as the server left them."""
    if connection.vendor == "sqlite":
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as copy:
            [(stock,)] = copy.execute("SELECT stock FROM marketplace_product WHERE id = ?", [product_pk])
            lines = copy.execute("SELECT s.order_id, l.stock_state FROM orders_orderline l JOIN orders_suborder s "
                                 "ON s.id = l.sub_order_id ORDER BY s.order_id").fetchall()
        return stock, [tuple(line) for line in lines]
    return (Product.objects.get(pk=product_pk).stock,
            list(OrderLine.objects.order_by("sub_order__order_id").values_list("sub_order__order_id", "stock_state")))


@pytest.mark.django_db(transaction=True)
def test_a_hung_stripe_gives_the_buyer_the_503_in_seconds_and_other_buyers_go_on(home_page, tmp_path):
    """Buyer A comes back to pay after the reservation ran out (so preparing takes the stock again)
    and Stripe accepts the connection and never answers. A gets the designed 503 within the client's
    two tries of 4 s; meanwhile buyer B adds the same product to a cart and orders it, each step in
    seconds, never waiting for A's call to Stripe (before, A's transaction held SQLite's write lock,
    or PostgreSQL's row lock on the product, for as long as Stripe took). On the pass's database
    (with the page tree: an earlier transactional test may have emptied it)."""
    kain = f.product(shop=f.shop(name="Toko Kain Aminah"), price_idr=175_000, stock=2)
    order_a = f.order_start((kain, 1))
    with transaction.atomic():
        stock.stock_release(order=order_a)  # its reservation ran out
    database_url = database_url_for_another_process(tmp_path)
    stripe_hangs = SilentStripe()
    try:
        with gunicorn_serving(database_url, stripe_hangs.url, tmp_path / "gunicorn.log") as base:
            session_a = requests.Session()
            pay_page = session_a.get(f"{base}/id/kampung-sasirangan/checkout/{order_a.token}/bayar/", timeout=30)
            token_a = csrf_token(session_a, pay_page)
            answer_a: dict = {}

            def buyer_a_pays():
                started = time.monotonic()
                response = session_a.post(f"{base}/id/kampung-sasirangan/checkout/{order_a.token}/siapkan/",
                                          headers={"X-CSRFToken": token_a}, timeout=60)
                answer_a.update(response=response, seconds=time.monotonic() - started, ended=time.monotonic())

            paying = threading.Thread(target=buyer_a_pays)
            paying.start()
            deadline = time.monotonic() + 10
            while not stripe_hangs.held and time.monotonic() < deadline:
                time.sleep(0.05)
            assert stripe_hangs.held, "buyer A's request never reached Stripe"
            steps_b = _buyer_adds_and_checks_out(base, kain)
            b_ended = time.monotonic()
            paying.join(timeout=60)
    finally:
        stripe_hangs.close()

    response = answer_a["response"]
    assert response.status_code == 503, response.text
    assert response.json()["message"].startswith("Pembayaran sedang tidak dapat disiapkan.")
    assert answer_a["seconds"] < 2 * (stripe_client.TIMEOUT_SECONDS + 1) + 2, answer_a["seconds"]
    assert [(what, status) for what, status, _seconds in steps_b] == [
        ("product", 200), ("add", 302), ("checkout form", 200), ("shipping", 200), ("order", 302)], steps_b
    assert b_ended < answer_a["ended"], f"buyer B waited for buyer A's Stripe call: {steps_b}"
    assert max(seconds for _what, _status, seconds in steps_b) < 5, steps_b
    product_stock, lines = _stock_and_lines(database_url, kain.pk)
    # A's units went back when Stripe failed; B holds one: stock + reserved + sold stays 2.
    assert lines == [(order_a.pk, "released"), (order_a.pk + 1, "reserved")]
    assert product_stock == 1
