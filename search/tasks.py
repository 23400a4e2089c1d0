"""The search index's periodic task (the worker's schedule, config.tasks.periodic).

Indexing after a change is `search.indexing.documents_index`, enqueued where the change is
seen (search/signals.py, after the commit)."""

from __future__ import annotations

from datetime import timedelta

from config.tasks import periodic, retried_task


@periodic(every=timedelta(minutes=5))
@retried_task(attempts=2)
def search_reconcile() -> dict[str, int]:
    """What no signal announced: documents missing or left over, stock moved by a queryset
    update, documents Elasticsearch lacks or has too many of (`search_index --reconcile`)."""
    from search.indexing import reconcile

    return reconcile()
