"""Keeping the search index in step with the database.

Writes commit first; the documents they touch are collected while the
transaction runs and indexed together once it has committed
(`transaction.on_commit`), so an import of a thousand records is one bulk call.
Indexing never fails or rolls back the write that caused it: a document that
cannot be indexed is queued as an IndexingTask and retried (by the next
indexing that succeeds, and by `manage.py search_index --retry`).

The database engine's tables are written first, then Elasticsearch is sent the
same documents; a rebuild fills a new Elasticsearch index and swaps the alias.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import DatabaseError, transaction
from django.db.models import Count, Max, Min
from django.utils import timezone

from search import engine_database
from search.documents import build_records, document_types, index_fields
from search.models import IndexingTask, SearchDocument
from search.results import EngineUnavailable

logger = logging.getLogger(__name__)
BATCH = 200
RETRY_BATCH = 500
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
    """Index these documents once the current transaction commits (at once outside one)."""
    keys = [key for key in keys if key]
    if not keys:
        return
    _pending().update(keys)
    # Registered for every change; the first callback after the commit indexes
    # everything collected so far and the rest find nothing left to do.
    transaction.on_commit(flush, robust=True)


def index_later_for(*instances) -> None:
    """For writes that send no signals (queryset.update(), bulk_create): the
    documents of these instances are reindexed after commit."""
    from search.documents import keys_for_instance

    index_later([key for instance in instances for key in keys_for_instance(instance)])


def flush() -> None:
    pending = _pending()
    if not pending:
        return
    keys = sorted(pending)
    pending.clear()
    index_keys(keys)


# --- Indexing --------------------------------------------------------------------------------
@dataclass
class IndexReport:
    indexed: int = 0
    removed: int = 0
    queued: dict[str, str] = field(default_factory=dict)


def index_keys(keys: Iterable[str]) -> IndexReport:
    """Rebuild these documents from the database into both engines. Never raises."""
    keys = list(dict.fromkeys(keys))
    report = IndexReport()
    for start in range(0, len(keys), BATCH):
        batch = keys[start:start + BATCH]
        try:
            records = build_records(batch)
            documents = {key: index_fields(record) if record else None for key, record in records.items()}
            engine_database.store(documents)
        except Exception as error:  # never let indexing break the write that caused it
            logger.exception("indexing %d documents failed; queued for retry", len(batch))
            _queue(batch, IndexingTask.DATABASE, error)
            report.queued.update(dict.fromkeys(batch, str(error)))
            continue
        _done(batch, IndexingTask.DATABASE)
        report.indexed += sum(1 for value in documents.values() if value is not None)
        report.removed += sum(1 for value in documents.values() if value is None)
        if _es_enabled():
            report.queued.update(_send_to_elasticsearch(documents))
    if _es_enabled() and not report.queued and keys:
        _drain_elasticsearch_backlog(limit=RETRY_BATCH)
    return report


def _send_to_elasticsearch(documents: dict[str, dict | None]) -> dict[str, str]:
    try:
        failed = _es().write(documents)
    except EngineUnavailable as error:
        _queue(list(documents), IndexingTask.ELASTICSEARCH, error)
        return dict.fromkeys(documents, str(error))
    except Exception as error:  # a mapping bug must not fail a publish either
        logger.exception("sending %d documents to Elasticsearch failed", len(documents))
        _queue(list(documents), IndexingTask.ELASTICSEARCH, error)
        return dict.fromkeys(documents, str(error))
    if failed:
        logger.warning("Elasticsearch refused %d documents; queued for retry", len(failed))
        for key, error in failed.items():
            _queue([key], IndexingTask.ELASTICSEARCH, error)
    _done([key for key in documents if key not in failed], IndexingTask.ELASTICSEARCH)
    return failed


def _queue(keys: list[str], target: str, error) -> None:
    message = str(error)[:2000]
    try:
        with transaction.atomic():
            existing = set(IndexingTask.objects.filter(key__in=keys, target=target).values_list("key", flat=True))
            IndexingTask.objects.bulk_create(
                [IndexingTask(key=key, target=target, attempts=1, last_error=message)
                 for key in keys if key not in existing], ignore_conflicts=True)
            if existing:
                for task in IndexingTask.objects.filter(key__in=existing, target=target):
                    task.attempts += 1
                    task.last_error = message
                    task.save(update_fields=["attempts", "last_error", "updated_at"])
    except DatabaseError:
        logger.exception("could not queue %d documents for indexing", len(keys))


def _done(keys: list[str], target: str) -> None:
    if not keys:
        return
    try:
        IndexingTask.objects.filter(key__in=keys, target=target).delete()
    except DatabaseError:
        logger.exception("could not clear indexing tasks")


def _drain_elasticsearch_backlog(*, limit: int) -> None:
    """Piggy-back on a successful indexing: Elasticsearch is up, so retry some of the queue."""
    try:
        if IndexingTask.objects.filter(target=IndexingTask.ELASTICSEARCH).exists():
            retry_tasks(limit=limit)
    except DatabaseError:
        logger.exception("could not read the indexing queue")


def retry_tasks(*, limit: int | None = None) -> dict[str, int]:
    """Try queued documents again; returns how many were done and how many remain."""
    done = 0
    database_keys = list(IndexingTask.objects.filter(target=IndexingTask.DATABASE)
                         .values_list("key", flat=True)[:limit])
    if database_keys:
        report = index_keys(database_keys)
        done += len(database_keys) - len(report.queued)
    elastic_keys = list(IndexingTask.objects.filter(target=IndexingTask.ELASTICSEARCH)
                        .values_list("key", flat=True)[:limit])
    if elastic_keys and _es_enabled():
        for start in range(0, len(elastic_keys), BATCH):
            batch = elastic_keys[start:start + BATCH]
            failed = _send_to_elasticsearch(engine_database.stored_fields(batch))
            done += len(batch) - len(failed)
            if failed and len(failed) == len(batch):
                break  # still down: leave the rest for later
    return {"done": done, "remaining": IndexingTask.objects.count()}


def backlog() -> dict:
    """What `search_index --status` and /healthz-minded operators want to know."""
    summary = {}
    for row in (IndexingTask.objects.values("target")
                .annotate(count=Count("id"), oldest=Min("created_at"), attempts=Max("attempts"))):
        summary[row["target"]] = {"count": row["count"], "oldest": row["oldest"],
                                  "max_attempts": row["attempts"]}
    return summary


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
    counts = {"missing": len(wanted - set(present)), "left_over": len(set(present) - wanted),
              "stock_changed": len(drifted), "queued": len(report.queued)}
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
            _send_to_elasticsearch(documents)
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
    IndexingTask.objects.filter(target=IndexingTask.DATABASE).delete()
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
    IndexingTask.objects.filter(target=IndexingTask.ELASTICSEARCH, created_at__lt=started).delete()
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
        _send_to_elasticsearch(documents)
    return len(documents)
