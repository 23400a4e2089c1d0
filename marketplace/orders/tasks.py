"""The orders' periodic tasks, which the worker's schedule enqueues: expired stock reservations
released, payments reconciled with Stripe. Both act only on what is still due, so runs that
overlap or repeat change nothing.

Tasks that a service enqueues for one object are declared beside their work, in the module that
enqueues them, so that nothing imports upwards (import-linter's acyclic contract):
refunds.refund_submit_task, payouts.settlement_transfer_task; the emails' is
config.tasks.email_send and Stripe's events' marketplace.payments.webhooks.stripe_event_handle.
"""

from __future__ import annotations

from datetime import timedelta

from config.tasks import periodic, retried_task
from marketplace.orders import checkout, stock


@periodic(every=timedelta(minutes=1))
@retried_task(attempts=2)
def stock_reservations_release() -> int:
    """Give back the stock of unpaid orders whose reservation expired; returns how many orders."""
    return stock.stock_release_expired()


@periodic(every=timedelta(minutes=5))
@retried_task(attempts=2)
def payments_reconcile() -> dict:
    """What `manage.py payments_reconcile` does: unpaid orders and pending refunds settled from
    Stripe's side, expired reservations released. Returns the counts."""
    report = checkout.orders_reconcile()
    return {"released": report.released, "outcomes": report.outcomes, "refunds_resent": report.refunds_resent,
            "transfers_resent": report.transfers_resent, "errors": report.errors,
            "payments_off": report.payments_off}
