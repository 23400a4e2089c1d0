"""Keeping the search index in step with the database, on the task queue.

Writes commit first; the documents they touch are collected while the
transaction runs and, once it has committed (`transaction.on_commit`), handed
to the task queue as one `documents_index` task (an import of a thousand
records is one task, indexed in bulk). The worker builds the documents from
the database as they are then, writes them to the database engine's tables and
sends them to Elasticsearch; a failure is retried with backoff
(config.tasks.retried_task), and never reaches the write that caused it: a
publish or a buyer's checkout only adds a task row. `manage.py search_index
--status` shows the indexing backlog, `--reconcile` (also a periodic task,
search/tasks.py) repairs what no signal announced.

A rebuild fills a new Elasticsearch index from the database engine and swaps the alias.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from config.tasks import RETRYING_PATH, retried_task
from search import engine_database
from search.documents import build_records, document_types, index_fields
from search.models import SearchDocument
from search.results import EngineUnavailable

logger = logging.getLogger(__name__)
BATCH = 200
# Keys per task: an import's documents are a few tasks, each retried on its own.
TASK_KEYS = 1000
_local = threading.local()


def _es():
    from search import engine_elasticsearch

    return engine_elasticsearch


def _es_enabled() -> bool:
    from django.conf import settings

    return bool(settings.ELASTICSEARCH_URLS)


# --- After commit ------------------------------------------------------------------------
def _pending() -> set[str]:
    if not hasattr(_local, "keys"):
        _local.keys = set()
    return _local.keys


def index_later(keys: Iterable[str]) -> None:
    """Index these documents, on the task queue, once the current transaction commits
    (at once outside one)."""
    keys = [key for key in keys if key]
    if not keys:
        return
    _pending().update(keys)
    # Registered for every change; the first callback after the commit enqueues
    # everything collected so far and the rest find nothing left to do.
    transaction.on_commit(flush, robust=True)


def index_later_for(*instances) -> None:
    """For writes that send no signals (queryset.update(), bulk_create): the
    documents of these instances are reindexed after commit."""
    from search.documents import keys_for_instance

    index_later([key for instance in instances for key in keys_for_instance(instance)])


def flush() -> None:
    """Hand what this thread collected to the task queue."""
    pending = _pending()
    if not pending:
        return
    keys = sorted(pending)
    pending.clear()
    enqueue_indexing(keys)


def enqueue_indexing(keys: Iterable[str]) -> int:
    """Enqueue `documents_index` for these keys (a task per TASK_KEYS); returns how many
    tasks. A queue that cannot be written to is logged, never raised: the write that
    caused the indexing stands, and `search_index --reconcile` finds what is missing."""
    keys = sorted(dict.fromkeys(keys))
    tasks = 0
    for start in range(0, len(keys), TASK_KEYS):
        batch = keys[start:start + TASK_KEYS]
        try:
            documents_index.enqueue(keys=batch)
            tasks += 1
        except Exception:
            logger.exception("could not enqueue the indexing of %d documents", len(batch))
    return tasks


class IndexingFailed(Exception):
    """Some documents could not be indexed; the task is tried again (all its keys: indexing is
    idempotent, each run builds the documents from the database as it is then)."""


@retried_task(attempts=10, first_delay_seconds=30, max_delay_seconds=1800)
def documents_index(*, keys: list[str]) -> dict[str, int]:
    """Index these documents in both engines (30 s doubling to 30 min between tries, about
    2.5 hours in all: an Elasticsearch restart or a longer outage)."""
    report = index_keys(keys)
    if report.failed:
        key, error = next(iter(report.failed.items()))
        raise IndexingFailed(f"{len(report.failed)} of {len(keys)} documents not indexed, e.g. {key}: {error}")
    return {"indexed": report.indexed, "removed": report.removed}


# --- Indexing --------------------------------------------------------------------------------
@dataclass
class IndexReport:
    indexed: int = 0
    removed: int = 0
    failed: dict[str, str] = field(default_factory=dict)


def index_keys(keys: Iterable[str]) -> IndexReport:
    """Rebuild these documents from the database into both engines. Never raises: what
    failed is in the report's `failed` (key -> error)."""
    keys = list(dict.fromkeys(keys))
    report = IndexReport()
    for start in range(0, len(keys), BATCH):
        batch = keys[start:start + BATCH]
        try:
            records = build_records(batch)
            documents = {key: index_fields(record) if record else None for key, record in records.items()}
            engine_database.store(documents)
        except Exception as error:
            logger.exception("indexing %d documents failed", len(batch))
            report.failed.update(dict.fromkeys(batch, str(error)[:500]))
            continue
        report.indexed += sum(1 for value in documents.values() if value is not None)
        report.removed += sum(1 for value in documents.values() if value is None)
        if _es_enabled():
            report.failed.update(_send_to_elasticsearch(documents))
    return report


def _send_to_elasticsearch(documents: dict[str, dict | None]) -> dict[str, str]:
    """Write these stored documents (None: delete) to Elasticsearch; returns what failed."""
    try:
        failed = _es().write(documents)
    except EngineUnavailable as error:
        return dict.fromkeys(documents, str(error)[:500])
    except Exception as error:  # a mapping bug must not stop the other documents' indexing
        logger.exception("sending %d documents to Elasticsearch failed", len(documents))
        return dict.fromkeys(documents, str(error)[:500])
    if failed:
        logger.warning("Elasticsearch refused %d documents", len(failed))
    return {key: str(error)[:500] for key, error in failed.items()}


def _send_or_enqueue(documents: dict[str, dict | None]) -> int:
    """Reconcile and rebuild send documents to Elasticsearch themselves; what fails goes
    to the queue, to be retried. Returns how many failed."""
    failed = _send_to_elasticsearch(documents)
    if failed:
        enqueue_indexing(failed)
    return len(failed)


# --- The queue's backlog -------------------------------------------------------------------------
@dataclass(frozen=True)
class Backlog:
    """The indexing tasks in the task queue's table (the database backend's)."""

    waiting: int = 0
    waiting_documents: int = 0
    oldest_waiting: datetime | None = None
    retries_scheduled: int = 0
    retry_documents: int = 0
    running: int = 0
    gave_up: int = 0
    gave_up_documents: int = 0
    stored: bool = True  # False: the backend keeps no tasks (they run at once)


def _task_results():
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(documents_index.get_backend(), DatabaseBackend):
        return None
    return DBTaskResult.objects.filter(task_path=documents_index.module_path, backend_name=documents_index.backend)


def _keys_of(results) -> set[str]:
    keys = set()
    for args_kwargs in results.values_list("args_kwargs", flat=True):
        keys.update((args_kwargs.get("kwargs") or {}).get("keys") or [])
    return keys


def backlog() -> Backlog:
    """What `search_index --status` reports: indexing tasks waiting to run now (with the
    oldest's time), retries scheduled for later, running, and those that gave up (kept until
    the results are pruned: config.tasks.KEEP_FAILED)."""
    results = _task_results()
    if results is None:
        return Backlog(stored=False)
    ready_now = results.ready()
    later = results.filter(status="READY").exclude(pk__in=ready_now.values("pk"))
    gave_up = results.filter(status="FAILED").exclude(exception_class_path=RETRYING_PATH)
    oldest = ready_now.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    return Backlog(
        waiting=ready_now.count(), waiting_documents=len(_keys_of(ready_now)), oldest_waiting=oldest,
        retries_scheduled=later.count(), retry_documents=len(_keys_of(later)),
        running=results.filter(status="RUNNING").count(),
        gave_up=gave_up.count(), gave_up_documents=len(_keys_of(gave_up)))


def retry_given_up() -> int:
    """Enqueue again the documents of indexing tasks that gave up (after Elasticsearch was
    away for hours, say); retries already scheduled keep their time. Returns how many documents."""
    results = _task_results()
    if results is None:
        return 0
    keys = _keys_of(results.filter(status="FAILED").exclude(exception_class_path=RETRYING_PATH))
    enqueue_indexing(keys)
    return len(keys)


# --- Reconcile ------------------------------------------------------------------------
def reconcile() -> dict[str, int]:
    """Find and fix what signals could not see: documents missing or left over,
    and products whose stock changed by a queryset update (checkout reserves
    stock that way). Cheap enough to run every few minutes from cron."""
    from marketplace.models import Product

    wanted = set(all_keys())
    present = dict(SearchDocument.objects.values_list("key", "in_stock"))
    keys = (wanted - set(present)) | (set(present) - wanted)
    products = {f"product:{pk}": stock > 0 for pk, stock in
                Product.objects.public().values_list("pk", "stock")}
    drifted = {key for key, in_stock in products.items() if key in present and present[key] != in_stock}
    report = index_keys(sorted(keys | drifted))
    enqueue_indexing(report.failed)
    counts = {"missing": len(wanted - set(present)), "left_over": len(set(present) - wanted),
              "stock_changed": len(drifted), "failed_enqueued": len(report.failed)}
    if _es_enabled():
        try:
            es = _es()
            in_elasticsearch = es.document_ids()
        except Exception:
            logger.exception("could not list Elasticsearch's documents")
            return counts
        in_database = set(SearchDocument.objects.values_list("key", flat=True))
        documents = engine_database.stored_fields(sorted(in_database - in_elasticsearch))
        documents.update(dict.fromkeys(in_elasticsearch - in_database))
        counts["elasticsearch_fixed"] = len(documents)
        if documents:
            counts["failed_enqueued"] += _send_or_enqueue(documents)
    return counts


# --- Rebuild ---------------------------------------------------------------------------
class RebuildError(Exception):
    pass


@dataclass
class RebuildReport:
    documents: int = 0
    removed: int = 0
    elasticsearch_index: str | None = None
    replayed: int = 0


def all_keys() -> list[str]:
    keys = []
    for document_type in document_types():
        keys += list(document_type.all_keys())
    return keys


def rebuild(*, elasticsearch: bool | None = None, progress: Callable[[str], None] | None = None,
            replicas: int | None = None) -> RebuildReport:
    """Rebuild the database engine's documents from the models, then (when
    configured) a new Elasticsearch index from them, swapped in atomically.

    Searches keep being answered throughout: the database engine's rows are
    replaced in place, batch by batch, and Elasticsearch keeps serving the old
    index until the new one is complete. A failure leaves the old index serving.
    """
    say = progress or (lambda message: None)
    report = RebuildReport()
    keys = all_keys()
    say(f"building {len(keys)} documents from the database")
    for start in range(0, len(keys), BATCH):
        batch = keys[start:start + BATCH]
        records = build_records(batch)
        documents = {key: index_fields(record) if record else None for key, record in records.items()}
        engine_database.store(documents)
        report.documents += sum(1 for value in documents.values() if value is not None)
    wanted = set(keys)
    stale = [key for key in SearchDocument.objects.values_list("key", flat=True) if key not in wanted]
    engine_database.store(dict.fromkeys(stale))
    report.removed = len(stale)
    say(f"database engine: {report.documents} documents, {report.removed} removed")

    if elasticsearch is None:
        elasticsearch = _es_enabled()
    if elasticsearch:
        report.elasticsearch_index, report.replayed = _rebuild_elasticsearch(say, replicas=replicas)
    return report


def _rebuild_elasticsearch(say, *, replicas: int | None) -> tuple[str, int]:
    es = _es()
    started = timezone.now()
    try:
        new_index = es.create_index(replicas=replicas)
    except Exception as error:
        raise RebuildError(f"could not create a new Elasticsearch index: {error}") from error
    say(f"elasticsearch: filling {new_index}")
    try:
        expected = 0
        rows = SearchDocument.objects.order_by("pk").values_list("key", "data")
        batch = {}
        for key, data in rows.iterator(chunk_size=BATCH):
            batch[key] = data
            if len(batch) >= BATCH:
                _write_or_fail(es, batch, new_index)
                expected += len(batch)
                batch = {}
        if batch:
            _write_or_fail(es, batch, new_index)
            expected += len(batch)
        es.refresh(new_index)
        count = es.document_count(new_index)
        if count != expected:
            raise RebuildError(f"the new index holds {count} documents, expected {expected}")
        old = es.swap_alias(new_index)
    except Exception as error:
        logger.exception("rebuild failed; the old index keeps serving")
        try:
            es.delete_index(new_index)
        except Exception:
            logger.exception("could not delete the half-built index %s", new_index)
        if isinstance(error, RebuildError):
            raise
        raise RebuildError(f"rebuild failed, the old index keeps serving: {error}") from error
    say(f"elasticsearch: alias {es.alias_name()} now points at {new_index}")
    for name in old:
        es.delete_index(name)
    replayed = _replay_since(es, started)
    return new_index, replayed


def _write_or_fail(es, documents: dict, index: str) -> None:
    failed = es.write(documents, index=index)
    if failed:
        key, error = next(iter(failed.items()))
        raise RebuildError(f"{len(failed)} documents were refused, e.g. {key}: {error}")


def _replay_since(es, started) -> int:
    """Changes that reached the old index while the new one was being filled."""
    changed = list(SearchDocument.objects.filter(updated_at__gte=started).values_list("key", flat=True))
    in_database = set(SearchDocument.objects.values_list("key", flat=True))
    removed = [key for key in es.document_ids() if key not in in_database]
    documents = engine_database.stored_fields(changed)
    documents.update(dict.fromkeys(removed))
    if documents:
        _send_or_enqueue(documents)
    return len(documents)
