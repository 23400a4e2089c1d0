"""Parameters that platforms add to a link and only they read: one page, not one per click.

Facebook adds `fbclid` (different on every click), Google Ads `gclid`, Instagram `igshid`, and
newsletters and bios `utm_*`. The site reads none of them but `utm_source`, `utm_medium` and
`utm_campaign` of an arrival through its own share links (`utm_medium=share`, counted by
tourism.sharing and never stored in the page cache). Kept in the query, each click was another
page-cache key (a whole render, an entry never read again) and travelled on in the page's own
links (the language switch, the save button's way back, a listing's pages) to whoever got that
page next. The request's query is read without them, at the edge, before the page cache.
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
# What an arrival through the site's own share links keeps (tourism.sharing reads them).
SHARE_ARRIVAL = frozenset({"utm_source", "utm_medium", "utm_campaign"})
SHARE_MEDIUM = "share"


def is_tracking_parameter(name: str, *, share_arrival: bool = False) -> bool:
    name = name.lower()
    if name in CLICK_IDS:
        return True
    if name.startswith(UTM_PREFIX):
        return not (share_arrival and name in SHARE_ARRIVAL)
    return False


def query_without_tracking(query_string: str) -> str:
    """The query string as the site reads it: without tracking parameters (an arrival through a
    share link keeps the three it is counted by). Unchanged, byte for byte, when it has none."""
    if not query_string:
        return query_string
    # Read and written back as the bytes they are (WSGI hands the query as latin-1 text).
    pairs = parse_qsl(query_string, keep_blank_values=True, encoding="latin-1")
    share_arrival = any(name == "utm_medium" and value == SHARE_MEDIUM for name, value in pairs)
    if not any(is_tracking_parameter(name, share_arrival=share_arrival) for name, _value in pairs):
        return query_string
    return urlencode([(name, value) for name, value in pairs
                      if not is_tracking_parameter(name, share_arrival=share_arrival)], encoding="latin-1")


class TrackingParametersMiddleware:
    """Reads a GET or HEAD's query without tracking parameters (see the module). First after the
    static files, before the page cache, so its key, the view and every link the page echoes see
    the same query. The browser's address bar keeps them; nothing is redirected."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD"):
            original = request.META.get("QUERY_STRING", "")
            cleaned = query_without_tracking(original)
            if cleaned != original:
                request.META["QUERY_STRING"] = cleaned
                request.GET = QueryDict(cleaned, encoding=request.encoding)
        return self.get_response(request)
