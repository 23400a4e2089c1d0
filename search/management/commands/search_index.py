"""manage.py search_index --status | --rebuild | --reconcile | --retry"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from search import engine_database
from search.engines import elasticsearch_configured, engine_status
from search.indexing import RebuildError, backlog, rebuild, reconcile, retry_given_up


class Command(BaseCommand):
    help = ("Show the search index's state and indexing backlog (--status), rebuild it from the "
            "database with an atomic alias swap (--rebuild), enqueue again the indexing tasks that gave up "
            "(--retry), or repair what signals missed (--reconcile).")

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--status", action="store_true", help="engine, document counts and backlog")
        action.add_argument("--rebuild", action="store_true", help="rebuild both engines from the database")
        action.add_argument("--retry", action="store_true",
                            help="enqueue again the documents of indexing tasks that gave up (the worker "
                                 "retries the others on its own)")
        action.add_argument("--reconcile", action="store_true",
                            help="fix documents missing or left over, and stock changed without signals "
                                 "(the worker also does it every 5 minutes)")
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
            documents = retry_given_up()
            self.stdout.write(f"retry: {documents} documents of indexing tasks that gave up enqueued again")
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
        queue = backlog()
        if not queue.stored:
            self.stdout.write("indexing queue: none kept (this task backend runs tasks at once)")
            return
        if not (queue.waiting or queue.retries_scheduled or queue.running or queue.gave_up):
            self.stdout.write("indexing queue: empty")
            return
        oldest = f", oldest enqueued {timezone.localtime(queue.oldest_waiting):%Y-%m-%d %H:%M}" if queue.oldest_waiting else ""
        self.stdout.write(f"indexing queue: {queue.waiting} tasks waiting ({queue.waiting_documents} documents)"
                          f"{oldest}; {queue.retries_scheduled} retries scheduled ({queue.retry_documents} "
                          f"documents); {queue.running} running")
        if queue.gave_up:
            self.stdout.write(f"indexing gave up: {queue.gave_up} tasks ({queue.gave_up_documents} documents); "
                              "search_index --retry enqueues them again")
