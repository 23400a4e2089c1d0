"""The plan offline: a service worker served under the plan's own path, so it keeps only the plan."""

import pytest
from bs4 import BeautifulSoup

from tests.tourism.trips.conftest import save

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language, scope", [("id", "/id/rencana/"), ("en", "/en/my-trip/")])
def test_the_plan_page_registers_a_worker_whose_scope_is_the_plan(client, places, language, scope):
    save(client, f"destination:{places['mosque'].pk}")
    box = BeautifulSoup(client.get(scope).content, "html.parser").select_one("[data-trip-offline]")
    assert box["data-trip-offline"] == f"{scope}sw.js" and box["data-trip-scope"] == scope
    worker = client.get(f"{scope}sw.js")
    assert worker.status_code == 200 and worker["Content-Type"].startswith("application/javascript")
    assert worker["Cache-Control"] == "no-cache"
    script = worker.content.decode()
    assert f'var SCOPE = "{scope}";' in script and "var MAX_AGE = 7 * 24 * 3600 * 1000;" in script
    assert 'request.method !== "GET"' in script  # never a form's answer
