"""Links in emails name the address the site actually runs on (issue 11): `make run`'s host and
port in development, SITE_URL (or the site's own host) in production; never another address."""

import json

import pytest

from marketplace.orders import emails
from tests.marketplace.orders import factories as f
from tests.marketplace.payments.test_emulator_state import run_dev
from tests.marketplace.payments.test_production_without_keys import production


def test_make_run_on_another_port_links_to_that_port():
    script = run_dev()
    assert script.dev_environment({}, host="127.0.0.1", port="8765")["SITE_URL"] == "http://127.0.0.1:8765"
    assert script.dev_environment({}, host="0.0.0.0", port="8000")["SITE_URL"] == "http://127.0.0.1:8000"
    assert script.dev_environment({}, host="192.168.1.20", port="8000")["SITE_URL"] == "http://192.168.1.20:8000"
    # A SITE_URL given by the developer is kept.
    kept = script.dev_environment({"SITE_URL": "https://gebrak.test"}, host="127.0.0.1", port="8765")
    assert kept["SITE_URL"] == "https://gebrak.test"


@pytest.mark.django_db
def test_the_order_email_links_to_the_sites_address(settings):
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8765"
    order = f.order_start((f.product(shop=f.shop(), price_idr=175_000, stock=3), 1))
    assert emails.order_status_url(order) == f"http://127.0.0.1:8765/id/kampung-sasirangan/pesanan/{order.token}/"


PROBE = "import django, json; django.setup(); from django.conf import settings; print(json.dumps(settings.WAGTAILADMIN_BASE_URL))"


def test_production_links_to_site_url_or_its_own_host():
    given = production(PROBE, SITE_URL="https://gebrakbanjar.id")
    assert json.loads(given.stdout.strip().splitlines()[-1]) == "https://gebrakbanjar.id", given.stderr
    derived = production(PROBE, ALLOWED_HOSTS="*.banjarkab.go.id,gebrak.banjarkab.go.id")
    assert json.loads(derived.stdout.strip().splitlines()[-1]) == "https://gebrak.banjarkab.go.id", derived.stderr
