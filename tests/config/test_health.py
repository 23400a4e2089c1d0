"""/healthz as the contract (shared/contracts/http-api.md) promises it."""

from unittest import mock

import pytest
from django.db import DatabaseError

pytestmark = pytest.mark.django_db


def test_healthy_site(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["search"]["engine"] in {"database", "elasticsearch"}
    assert body["search"]["status"] in {"ok", "down"}
    assert body["payments"]["mode"] in {"emulator", "test", "live"}
    assert response["Cache-Control"].startswith("max-age=0")


def test_unreachable_database_is_503(client):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=DatabaseError("gone")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"


def test_only_get(client):
    assert client.post("/healthz").status_code == 405
