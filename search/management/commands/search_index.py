"""manage.py search_index --status | --rebuild | --retry"""

from django.core.management.base import BaseCommand, CommandError

from search import engine_database
from search.engines import elasticsearch_configured, engine_status
from search.indexing import RebuildError, backlog, rebuild, reconcile, retry_tasks


class Command(BaseCommand):
    help = ("Show the search index's state and indexing backlog (--status), rebuild it from the "
            "database with an atomic alias swap (--rebuild), retry queued documents (--retry), or repair "
            "what signals missed (--reconcile).")

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--status", action="store_true", help="engine, document counts and backlog")
        action.add_argument("--rebuild", action="store_true", help="rebuild both engines from the database")
        action.add_argument("--retry", action="store_true", help="retry every queued document now")
        action.add_argument("--reconcile", action="store_true",
                            help="fix documents missing or left over, and stock changed without signals "
                                 "(run from cron every few minutes)")
        parser.add_argument("--database-only", action="store_true",
                            help="with --rebuild: leave Elasticsearch alone")

    def handle(self, *args, **options):
        if options["rebuild"]:
            try:
                report = rebuild(elasticsearch=None if not options["database_only"] else False,
                                 progress=self.stdout.write)
            except RebuildError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(self.style.SUCCESS(
                f"rebuilt: {report.documents} documents, {report.removed} removed"
                + (f"; Elasticsearch index {report.elasticsearch_index}, {report.replayed} changes replayed"
                   if report.elasticsearch_index else "")))
        elif options["reconcile"]:
            counts = reconcile()
            self.stdout.write("reconciled: " + ", ".join(f"{name} {count}" for name, count in counts.items()))
        elif options["retry"]:
            outcome = retry_tasks()
            self.stdout.write(f"retried: {outcome['done']} indexed, {outcome['remaining']} still queued")
        self._status()

    def _status(self):
        status = engine_status()
        line = f"engine: {status['engine']} ({status['status']})"
        if status.get("configured"):
            line += f"; configured: {status['configured']}"
        self.stdout.write(line)
        self.stdout.write(f"database engine: {engine_database.document_count()} documents")
        if elasticsearch_configured() and status["engine"] == "elasticsearch":
            from search import engine_elasticsearch

            indices = engine_elasticsearch.indices_behind_alias()
            self.stdout.write(f"elasticsearch: alias {engine_elasticsearch.alias_name()} -> {', '.join(indices)}; "
                              f"{engine_elasticsearch.document_count()} documents")
        queued = backlog()
        if not queued:
            self.stdout.write("backlog: none")
        for target, info in sorted(queued.items()):
            self.stdout.write(f"backlog ({target}): {info['count']} documents, oldest {info['oldest']:%Y-%m-%d %H:%M}, "
                              f"up to {info['max_attempts']} attempts")
