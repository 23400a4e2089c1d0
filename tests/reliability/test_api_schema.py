"""schemathesis against the OpenAPI document generated from the code (search/api.py, the
django-ninja API: its Query schemas and answer models), in-process through Django's WSGI app.

Positive cases (what the description allows) must get a documented status, the
documented content type and a body matching the schema; negative cases (what it
forbids: page=0, lang=xx, near=999,1 ...) must get a 4xx. Neither may ever get a
500. Examples per operation are bounded (API_SCHEMA_EXAMPLES, default 60) so the
module stays well under a minute.
"""

from __future__ import annotations

import json
import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from search.api import api
from tests.marketplace import factories as shop_factories
from tests.tourism import factories

EXAMPLES = int(os.environ.get("API_SCHEMA_EXAMPLES", "60"))

# Through JSON, as /api/openapi.json serves it (test_the_served_document_is_the_generated_one).
schema = schemathesis.openapi.from_dict(json.loads(json.dumps(api.get_openapi_schema())))
schema.app = get_wsgi_application()


@pytest.fixture
def wsgi_in_test_transaction():
    """The WSGI handler closes the database connection after each request (close_old_connections),
    which would end the test's transaction; Django's own test client unhooks it the same way."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def corpus(db, wsgi_in_test_transaction, django_capture_on_commit_callbacks, settings):
    settings.ELASTICSEARCH_URLS = []
    with django_capture_on_commit_callbacks(execute=True):
        factories.destination(slug="pasar-terapung-lok-baintan", title="Pasar Terapung Lok Baintan",
                              summary="Pedagang berjualan dari jukung sejak subuh.", latitude="-3.29",
                              longitude="114.65")
        shop_factories.ProductFactory(title_id="Kain Sasirangan Gigi Haruan Merah", stock=5)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_api_matches_its_description(case, corpus):
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    if not any(_lenient(value) for value in (case.query or {}).values()):
        checks.append(negative_data_rejection)
    case.call_and_validate(checks=checks)


def _lenient(value) -> bool:
    """Values the API reads leniently on purpose, as forms send them: blank means absent,
    and parameters are trimmed and lower-cased ("  ID " is id). Such a request may be
    accepted although the description's strict schema would not produce it."""
    values = value if isinstance(value, list) else [value]
    # An object in a query string is not its own value: `{}` goes out as a blank (`price_max=`), and
    # keys as parameters of their own (form style); either way not the invalid value it stood for.
    return not values or any(isinstance(item, dict) or (isinstance(item, str) and (
        not item.strip() or item != item.strip().lower())) for item in values)


def test_the_served_document_is_the_generated_one(client):
    """/api/openapi.json is what schemathesis checked, and it names every path of the contract."""
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    served = response.json()
    assert served == json.loads(json.dumps(api.get_openapi_schema()))
    assert set(served["paths"]) == {"/api/search", "/api/search/suggest", "/api/shipping/options", "/healthz"}
    assert served["paths"]["/api/search"]["get"]["responses"]["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorBody"}
