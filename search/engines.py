"""Which search engine answers, and whether it is up.

Elasticsearch when ELASTICSEARCH_URL is set and it answers within
ELASTICSEARCH_TIMEOUT; the database engine otherwise, and always as the
fallback: a search never fails because Elasticsearch is down or slow.
"""

from __future__ import annotations

import logging

from django.conf import settings

from search import engine_database
from search.params import SearchRequest
from search.results import EngineResult, EngineUnavailable

logger = logging.getLogger(__name__)


def _elasticsearch():
    # Imported on use: a site without ELASTICSEARCH_URL never loads the client.
    from search import engine_elasticsearch

    return engine_elasticsearch


def elasticsearch_configured() -> bool:
    return bool(settings.ELASTICSEARCH_URLS)


def engine_status() -> dict:
    """For /healthz: the engine answering searches now and whether the configured one is up."""
    if settings.ELASTICSEARCH_URLS:
        if _elasticsearch().health() == "ok":
            return {"engine": "elasticsearch", "status": "ok"}
        return {"engine": "database", "status": "down", "configured": "elasticsearch"}
    return {"engine": "database", "status": "ok"}


def run_search(request: SearchRequest) -> EngineResult:
    if elasticsearch_configured():
        engine = _elasticsearch()
        if not engine.recently_failed():
            try:
                return engine.search(request)
            except EngineUnavailable:
                logger.warning("search fell back to the database engine", exc_info=True)
    return engine_database.search(request)


def run_suggest(query: str, language: str, *, types: list[str] | None = None, limit: int = 8) -> list[dict]:
    if elasticsearch_configured():
        engine = _elasticsearch()
        if not engine.recently_failed():
            try:
                return engine.suggest(query, language, types=types, limit=limit)
            except EngineUnavailable:
                logger.warning("suggestions fell back to the database engine", exc_info=True)
    return engine_database.suggest(query, language, types=types, limit=limit)
