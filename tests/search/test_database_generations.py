"""Issue 15: during a campaign with steady sales every stock change is indexed. A stock
change touches no text, so the database engine keeps what it found for each query (the
full-text statement is not run again) and only reads the documents' stock, prices and
popularity again; a change of text makes every query look again."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.search.conftest import api, slugs

pytestmark = pytest.mark.django_db


def full_text_statements(captured) -> list[str]:
    return [query["sql"] for query in captured.captured_queries if "search_fts" in query["sql"]]


def search(client, **params):
    with CaptureQueriesContext(connection) as captured:
        body = api(client, **params)
    return body, full_text_statements(captured)


def saved(instance, django_capture_on_commit_callbacks, **changes):
    """Changed as an editor or a checkout would, indexed after the commit."""
    for name, value in changes.items():
        setattr(instance, name, value)
    with django_capture_on_commit_callbacks(execute=True):
        instance.save()


def test_a_stock_change_keeps_the_remembered_matches_and_answers_right(client, corpus,
                                                                      django_capture_on_commit_callbacks):
    shirt = corpus.products["kemeja-sasirangan-biru"]
    body, statements = search(client, q="sasirangan", type="product", in_stock="1")
    assert statements  # the first search looked in the full-text index
    assert "kemeja-sasirangan-biru" in slugs(body)
    before = slugs(api(client, q="sasirangan", type="product"))
    assert before.index("kemeja-sasirangan-biru") < before.index("kain-gigi-haruan-merah")

    saved(shirt, django_capture_on_commit_callbacks, stock=0)  # the last one sold

    body, statements = search(client, q="sasirangan", type="product", in_stock="1")
    assert statements == []  # answered from what this process remembered
    assert "kemeja-sasirangan-biru" not in slugs(body)
    assert "kain-gigi-haruan-merah" in slugs(body)
    assert body["total"] == len(slugs(body))
    # Sold out ranks lower (its popularity changed with its stock): the order is read again.
    after = slugs(api(client, q="sasirangan", type="product"))
    assert after.index("kemeja-sasirangan-biru") > after.index("kain-gigi-haruan-merah")

    saved(shirt, django_capture_on_commit_callbacks, stock=3)  # restocked
    body, statements = search(client, q="sasirangan", type="product", in_stock="1")
    assert statements == []
    assert "kemeja-sasirangan-biru" in slugs(body)


def test_a_text_change_is_found_at_once(client, corpus, django_capture_on_commit_callbacks):
    blue = corpus.products["kemeja-sasirangan-biru"]
    body, _statements = search(client, q="jumputan")
    assert "kemeja-sasirangan-biru" not in slugs(body)  # remembered: nothing says "jumputan" yet

    saved(blue, django_capture_on_commit_callbacks, title_id="Kemeja Sasirangan Jumputan Biru Putih")

    body, statements = search(client, q="jumputan")
    assert statements  # looked again
    assert slugs(body)[0] == "kemeja-sasirangan-biru"
