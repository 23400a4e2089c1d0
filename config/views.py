"""Site-wide endpoints that belong to no single app."""

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
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


@never_cache
def csrf_failure(request, reason=""):
    """A form Django's CSRF check refused (settings.CSRF_FAILURE_VIEW), as a page of the site in the
    visitor's language: what happened, that nothing was saved, and the way back to the page the form
    was on. Django's own page is English, unstyled, and ends "More information is available with
    DEBUG=True"; a tourist who tapped "add to cart" on a page kept open too long met it."""
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = ""
    return render(request, "403_csrf.html", {"back": back, "no_cookie": reason == REASON_NO_CSRF_COOKIE},
                  status=403)
