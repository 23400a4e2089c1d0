"""No network call inside a database transaction: every Stripe request and every email the
marketplace's tests cause is checked to leave no transaction of the code's own open.

A transaction held across a call to Stripe or a mail server holds its locks (SQLite's one write
lock) for as long as the other side takes: a hung Stripe then stops every other buyer's cart.
The test's own transaction (pytest-django wraps each test in one, or none with
transaction=True) is the baseline; anything deeper is the code's.
"""

import pytest
import stripe
from django.core.mail.backends import locmem
from django.db import connection

TRANSACTION_DEPTH_AT_START: list[int] = []


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    TRANSACTION_DEPTH_AT_START.append(len(connection.atomic_blocks))
    try:
        return (yield)
    finally:
        TRANSACTION_DEPTH_AT_START.pop()


def _outside_transactions(what: str) -> None:
    if TRANSACTION_DEPTH_AT_START and len(connection.atomic_blocks) > TRANSACTION_DEPTH_AT_START[-1]:
        pytest.fail(f"{what} inside a database transaction", pytrace=True)


@pytest.fixture(autouse=True)
def no_network_call_inside_a_transaction(monkeypatch):
    stripe_request = stripe.RequestsClient.request
    send_messages = locmem.EmailBackend.send_messages

    def checked_stripe_request(self, method, url, *args, **kwargs):
        _outside_transactions(f"Stripe request {method.upper()} {url}")
        return stripe_request(self, method, url, *args, **kwargs)

    def checked_send_messages(self, messages):
        _outside_transactions("An email sent")
        return send_messages(self, messages)

    monkeypatch.setattr(stripe.RequestsClient, "request", checked_stripe_request)
    monkeypatch.setattr(locmem.EmailBackend, "send_messages", checked_send_messages)
