"""Parameters that platforms add to a link and only they read: one page, not one per click.

Facebook adds `fbclid` (different on every click), Google Ads `gclid`, Instagram `igshid`, and
newsletters and bios `utm_*`. The site reads none of them in a page. Kept in the query, each click
was another page-cache key (a whole render, an entry never read again) and travelled on in the
page's own links (the language switch, the save button's way back, a listing's pages) to whoever
got that page next. The request's query is read without them, at the edge, before the page cache.

An arrival through the site's own share links (`utm_source=<channel>&utm_medium=share&utm_campaign=<campaign>`)
loses its three the same way, so that it is served the page cached for the plain address; they are
put aside on the request as `request.share_arrival` (the three names and their values), where the
share counting (tourism.sharing, a middleware between this one and the page cache) reads them.
"""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from django.http import QueryDict

# Click ids of ad and social platforms (names as they send them).
CLICK_IDS = frozenset({
    "fbclid", "gclid", "gbraid", "wbraid", "dclid", "msclkid", "igshid", "igsh", "ttclid", "twclid",
    "li_fat_id", "yclid", "mc_cid", "mc_eid", "_ga", "_gl",
})
UTM_PREFIX = "utm_"
# What an arrival through the site's own share links is counted by (put aside, see the module).
SHARE_ARRIVAL = ("utm_source", "utm_medium", "utm_campaign")
# utm_medium of the site's own share links (tourism.sharing writes and counts them).
SHARE_MEDIUM = "share"


def is_tracking_parameter(name: str) -> bool:
    name = name.lower()
    return name in CLICK_IDS or name.startswith(UTM_PREFIX)


def _pairs(query_string: str) -> list[tuple[str, str]]:
    # Read and written back as the bytes they are (WSGI hands the query as latin-1 text).
    return parse_qsl(query_string, keep_blank_values=True, encoding="latin-1")


def query_without_tracking(query_string: str) -> str:
    """The query string as the site reads it: without tracking parameters. Unchanged, byte for
    byte, when it has none."""
    if not query_string:
        return query_string
    pairs = _pairs(query_string)
    if not any(is_tracking_parameter(name) for name, _value in pairs):
        return query_string
    return urlencode([(name, value) for name, value in pairs if not is_tracking_parameter(name)], encoding="latin-1")


def share_arrival_in(query_string: str) -> dict[str, str] | None:
    """{utm_source, utm_medium, utm_campaign} of an arrival through a share link (`utm_medium=share`),
    as sent (the last of each, as request.GET.get reads them; "" when missing); None for any other query."""
    if not query_string:
        return None
    found = {name: value for name, value in _pairs(query_string) if name in SHARE_ARRIVAL}
    if found.get("utm_medium") != SHARE_MEDIUM:
        return None
    return {name: found.get(name, "") for name in SHARE_ARRIVAL}


class TrackingParametersMiddleware:
    """Reads a GET or HEAD's query without tracking parameters (see the module), a share arrival's
    put aside on `request.share_arrival` (None for any other request). First after the static
    files, before the page cache, so its key, the view and every link the page echoes see the same
    query. The browser's address bar keeps them; nothing is redirected."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.share_arrival = None
        if request.method in ("GET", "HEAD"):
            original = request.META.get("QUERY_STRING", "")
            request.share_arrival = share_arrival_in(original)
            cleaned = query_without_tracking(original)
            if cleaned != original:
                request.META["QUERY_STRING"] = cleaned
                request.GET = QueryDict(cleaned, encoding=request.encoding)
        return self.get_response(request)
