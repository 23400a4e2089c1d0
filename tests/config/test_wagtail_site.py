"""config/wagtail_site.py, the one adapter to a Wagtail internal the site relies on: a
Site handed over is what Site.find_for_request answers, without a query. Fails when an
upgrade of Wagtail changes where find_for_request keeps the site (then change the adapter)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from config.wagtail_site import hand_site_to_wagtail

pytestmark = pytest.mark.django_db


def test_a_site_handed_over_is_the_one_wagtail_finds_without_a_query(rf, home_page):
    site = Site(hostname="remembered.example", port=80, root_page=home_page)
    request = rf.get("/id/")
    hand_site_to_wagtail(request, site)
    with CaptureQueriesContext(connection) as queries:
        found = Site.find_for_request(request)
    assert found is site
    assert len(queries) == 0


def test_no_site_handed_over_is_no_site(rf):
    request = rf.get("/id/", HTTP_HOST="unknown.example")
    hand_site_to_wagtail(request, None)
    with CaptureQueriesContext(connection) as queries:
        assert Site.find_for_request(request) is None
    assert len(queries) == 0
