"""Give back the stock of unpaid orders whose reservation ran out (payments_reconcile does this too)."""

from django.core.management.base import BaseCommand

from marketplace.orders.stock import stock_release_expired


class Command(BaseCommand):
    help = "Release the stock reservations of unpaid orders that have expired."

    def handle(self, *args, **options):
        self.stdout.write(f"Released expired reservations of {stock_release_expired()} order(s).")
