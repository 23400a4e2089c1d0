"""Site-wide endpoints that belong to no single app."""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.health import STATUS_SOURCES


@never_cache
@require_GET
def healthz(request):
    """200 when the site can serve, 503 when the database is unreachable.

    A search engine or a Redis that is down is reported but does not make the site unhealthy:
    the database engine answers searches in its place, pages are rendered without the caches
    (config/redis_cache.py), and Redis is shared by every instance, so a load balancer taking
    them out would take out the site. What else is reported (search, payments, the cache) the
    apps register (config/health.py).
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
    DEBUG=True"; a tourist who tapped "add to cart" on a page kept open too long met it. A script's
    request (it sends the token in a header, or asks for JSON) gets the same words as JSON."""
    if reason == REASON_NO_CSRF_COOKIE:
        why = "no_cookie"
    elif reason.startswith("CSRF token"):  # missing, incorrect, of the wrong length: an old page
        why = "old_page"
    else:  # Origin or Referer: sent from elsewhere, or through something that changed the request
        why = "elsewhere"
    if "HTTP_X_CSRFTOKEN" in request.META or "application/json" in request.headers.get("Accept", ""):
        message = str(CSRF_REFUSALS[why])
        return JsonResponse({"error": message, "message": message}, status=403)
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = ""
    return render(request, "403_csrf.html", {
        "back": back, "message": CSRF_REFUSALS[why],
        # The language switch leads to the page the form was on, never to the refused POST's address.
        "language_alternates": _in_each_language(urlsplit(back).path if back else ""),
    }, status=403)


CSRF_REFUSALS = {
    "no_cookie": _("Peramban Anda tidak mengirim kuki untuk situs ini, jadi formulirnya tidak bisa diperiksa. "
                   "Izinkan kuki untuk situs ini, lalu coba lagi. Tidak ada yang disimpan."),
    "old_page": _("Demi keamanan, setiap formulir membawa kode dari peramban Anda, dan kode ini tidak cocok "
                  "lagi (mis. halamannya dibuka terlalu lama, atau di tab lain). Tidak ada yang disimpan: "
                  "kembali, muat ulang halamannya, lalu coba lagi."),
    "elsewhere": _("Formulir ini tidak datang dari halaman situs ini, jadi ditolak demi keamanan. Tidak ada "
                   "yang disimpan: buka situsnya langsung, lalu coba lagi."),
}


def _in_each_language(path: str) -> dict[str, str]:
    """`path` under each language's prefix (the site's pages share their paths across languages, the
    fallback routing serving an untranslated one), or each language's home page."""
    codes = [code for code, _name in settings.LANGUAGES]
    for code in codes:
        if path.startswith(f"/{code}/"):
            rest = path[len(code) + 2:]
            return {other: f"/{other}/{rest}" for other in codes}
    return {code: f"/{code}/" for code in codes}
