"""Settle what shops are owed up to the end of a period and write the finance office's report.

    manage.py payouts_settle --start 2026-05-01 --end 2026-05-31 [--report penyelesaian.csv]
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from marketplace.orders import payouts


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}") from error


class Command(BaseCommand):
    help = "Settle shops' positive balances for a period (bank report, or Stripe Connect transfers)."

    def add_arguments(self, parser):
        parser.add_argument("--start", required=True, type=_date)
        parser.add_argument("--end", required=True, type=_date)
        parser.add_argument("--report", help="write the settlement report (CSV) to this file")

    def handle(self, *args, start, end, report=None, **options):
        if start > end:
            raise CommandError("--end must not be before --start")
        latest = payouts.period_end_latest()
        if end > latest:
            raise CommandError(f"--end must not be after {latest} (today)")
        created = payouts.settlements_create(period_start=start, period_end=end)
        for settlement in created:
            self.stdout.write(f"{settlement.shop.name}: Rp {settlement.amount_idr} ({settlement.method}, "
                              f"{settlement.status})")
        self.stdout.write(f"{len(created)} settlement(s), Rp {sum(s.amount_idr for s in created)} in all.")
        if report:
            with open(report, "w", encoding="utf-8", newline="") as handle:
                handle.write(payouts.settlement_report_csv(period_start=start, period_end=end))
            self.stdout.write(f"Report written to {report}")
