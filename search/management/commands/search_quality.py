"""manage.py search_quality: nDCG@10, MRR and zero-result rate per engine on the judged queries."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from search.quality import DEFAULT_JUDGMENTS, EngineMismatch, evaluate, load_judgments


class Command(BaseCommand):
    help = "Measure search quality on the judged query set (tests/search/judgments.json) for each engine."

    def add_arguments(self, parser):
        parser.add_argument("--engine", choices=["database", "elasticsearch", "all"], default="all",
                            help="all (default): the database engine, and Elasticsearch when configured")
        parser.add_argument("--judgments", default=str(DEFAULT_JUDGMENTS))
        parser.add_argument("--verbose", action="store_true", help="one line per query")
        parser.add_argument("--min-ndcg", type=float, default=None,
                            help="exit non-zero when an engine's nDCG@10 is below this (for CI)")

    def handle(self, *args, **options):
        judgments = load_judgments(options["judgments"])
        engines = [options["engine"]] if options["engine"] != "all" else (
            ["database", "elasticsearch"] if settings.ELASTICSEARCH_URLS else ["database"])
        languages = sorted({judgment.get("lang", "id") for judgment in judgments})
        self.stdout.write(f"{len(judgments)} judged queries ({', '.join(languages)})")
        failures = []
        for engine in engines:
            try:
                report = evaluate(judgments, engine=engine)
            except EngineMismatch as error:
                raise CommandError(str(error)) from error
            if options["verbose"]:
                for outcome in report.outcomes:
                    flag = "  " if outcome.ndcg >= 0.85 else "! "
                    self.stdout.write(f"{flag}[{engine[:2]}] {outcome.ndcg:.2f} rr={outcome.reciprocal_rank:.2f} "
                                      f"n={outcome.total:<3} {outcome.language} {outcome.query!r}"
                                      + (f"  missing: {', '.join(outcome.missing)}" if outcome.missing else ""))
            self.stdout.write(f"{engine:<14} nDCG@10 {report.ndcg:.3f}   MRR {report.mrr:.3f}   "
                              f"zero-result rate {report.zero_result_rate:.3f}")
            if options["min_ndcg"] is not None and report.ndcg < options["min_ndcg"]:
                failures.append(f"{engine} nDCG@10 {report.ndcg:.3f} < {options['min_ndcg']}")
        if failures:
            raise CommandError("; ".join(failures))
