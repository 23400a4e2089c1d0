"""Settle from Stripe's side what the site may have missed. The task queue's worker runs the
same every five minutes (marketplace/orders/tasks.py: payments_reconcile); this command is for
running it by hand, or from cron where no worker runs.

Releases expired stock reservations; for every unpaid order older than a minute asks
Stripe for its PaymentIntent (making it, with the same idempotency key, if its
creation never answered) and applies succeeded / failed / cancelled; gives up orders
unpaid for a day, and at once those whose PaymentIntent Stripe says it does not have
("canceled_missing"); sends again refunds and Connect transfers whose Stripe call never answered.
"""

from django.core.management.base import BaseCommand

from marketplace.orders.checkout import orders_reconcile


class Command(BaseCommand):
    help = "Reconcile unpaid orders and pending refunds with Stripe, and release expired stock reservations."

    def handle(self, *args, **options):
        report = orders_reconcile()
        self.stdout.write(f"Released expired reservations of {report.released} order(s).")
        if report.payments_off:
            self.stderr.write("Payments are switched off (Stripe's keys are not set): nothing was asked of Stripe.")
            return
        outcomes = ", ".join(f"{name}: {count}" for name, count in sorted(report.outcomes.items())) or "none"
        self.stdout.write(f"Unpaid orders checked with Stripe: {outcomes}.")
        self.stdout.write(f"Pending refunds sent again: {report.refunds_resent}.")
        self.stdout.write(f"Pending Connect transfers sent again: {report.transfers_resent}.")
        if report.errors:
            self.stderr.write(f"{report.errors} order(s) could not be checked (Stripe unreachable); run again later.")
