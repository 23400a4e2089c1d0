"""The one place that hands Wagtail a Site it need not look up again (issue 12).

`Site.find_for_request(request)` asks the database on every request unless the site is
already on the request, and Wagtail offers no public way to put it there: it keeps it in
the attribute below and looks there first. config.middleware.SiteLookupMiddleware finds
the site with Wagtail's public `get_site_for_hostname` once per host and content
generation and hands it over here. tests/config/test_wagtail_site.py fails when an
upgrade of Wagtail changes that; then this module is the only thing to change.
"""

from __future__ import annotations

# Wagtail 8 (wagtail/models/sites.py, Site.find_for_request).
WAGTAIL_SITE_ATTRIBUTE = "_wagtail_site"


def hand_site_to_wagtail(request, site) -> None:
    """Make `Site.find_for_request(request)` answer `site` (None: no site) without a query."""
    setattr(request, WAGTAIL_SITE_ATTRIBUTE, site)
