"""Paths outside the language prefix answer 404 for what does not exist, never a redirect."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/search/typo", "/payments/nope/", "/healthz/x", "/toko/tidak-ada/", "/og/zz.jpg"])
def test_unknown_unprefixed_paths_are_404(client, path):
    response = client.get(path)
    assert response.status_code == 404


@pytest.mark.parametrize("path, target", [("/", "/id/"), ("/destinasi/", "/id/destinasi/")])
def test_visitor_paths_without_language_go_to_indonesian(client, home_page, path, target):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == target
