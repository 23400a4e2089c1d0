"""Site-wide endpoints that belong to no single app."""

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.health import STATUS_SOURCES


@never_cache
@require_GET
def healthz(request):
    """200 when the site can serve, 503 when the database is unreachable.

    A search engine that is down is reported but does not make the site unhealthy:
    the database engine answers searches in its place. What else is reported (search,
    payments) the apps register (config/health.py).
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except DatabaseError:
        database = "down"
    body = {"database": database, **{name: status() for name, status in STATUS_SOURCES.items()}}
    return JsonResponse(body, status=200 if database == "ok" else 503)
