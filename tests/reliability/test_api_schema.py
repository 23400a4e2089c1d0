"""schemathesis against docs/openapi.yaml, in-process through Django's WSGI app.

Positive cases (what the description allows) must get a documented status, the
documented content type and a body matching the schema; negative cases (what it
forbids: page=0, lang=xx, near=999,1 ...) must get a 4xx. Neither may ever get a
500. Examples per operation are bounded (API_SCHEMA_EXAMPLES, default 60) so the
module stays well under a minute.
"""

from __future__ import annotations

import os
from pathlib import Path

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

from tests.marketplace import factories as shop_factories
from tests.tourism import factories

OPENAPI = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
EXAMPLES = int(os.environ.get("API_SCHEMA_EXAMPLES", "60"))

schema = schemathesis.openapi.from_path(OPENAPI)
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
    return any(isinstance(item, str) and (not item.strip() or item != item.strip().lower()) for item in values)
