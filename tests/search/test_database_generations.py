"""Issue 15: during a campaign with steady sales every stock change is indexed. A stock
change touches no text, so the database engine keeps what it found for each query (the
full-text statement is not run again) and only reads the documents' stock, prices and
popularity again; a change of text makes every query look again."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.db import connection

from tests.search.conftest import api, slugs

pytestmark = pytest.mark.django_db


@contextmanager
def statements_run():
    """Every SQL statement run inside (not CaptureQueriesContext: its log is a bounded deque)."""
    run = []

    def record(execute, sql, params, many, context):
        run.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield run


def search(client, **params):
    with statements_run() as run:
        body = api(client, **params)
    return body, [sql for sql in run if "search_fts" in sql]


def saved(instance, django_capture_on_commit_callbacks, **changes):
    """Changed as an editor or a checkout would, indexed after the commit."""
    for name, value in changes.items():
        setattr(instance, name, value)
    with django_capture_on_commit_callbacks(execute=True):
        instance.save()


def test_a_stock_change_keeps_the_remembered_matches_and_answers_right(client, corpus,
                                                                      django_capture_on_commit_callbacks):
    from search import engine_database

    body, statements = search(client, q="sasirangan", type="product")
    assert statements  # the first search looked in the full-text index
    before = slugs(body)
    first = corpus.products[before[0]]  # the best match, in stock
    assert first.slug in slugs(api(client, q="sasirangan", type="product", in_stock="1"))

    saved(first, django_capture_on_commit_callbacks, stock=0)  # the last one sold

    body, statements = search(client, q="sasirangan", type="product", in_stock="1")
    assert statements == []  # answered from what this process remembered
    assert first.slug not in slugs(body)
    assert slugs(body)
    assert body["total"] == len(slugs(body))
    # Sold out weighs less (its popularity follows its stock): the order is the one a
    # process that remembered nothing gives (on SQLite's scores the sold-out shirt moves down).
    after = slugs(api(client, q="sasirangan", type="product"))
    engine_database._vocabulary_cache.clear()
    assert slugs(api(client, q="sasirangan", type="product")) == after

    saved(first, django_capture_on_commit_callbacks, stock=4)  # restocked
    body, statements = search(client, q="sasirangan", type="product", in_stock="1")
    assert statements == []
    assert first.slug in slugs(body)


def test_a_text_change_is_found_at_once(client, corpus, django_capture_on_commit_callbacks):
    blue = corpus.products["kemeja-sasirangan-biru"]
    body, _statements = search(client, q="jumputan")
    assert "kemeja-sasirangan-biru" not in slugs(body)  # remembered: nothing says "jumputan" yet

    saved(blue, django_capture_on_commit_callbacks, title_id="Kemeja Sasirangan Jumputan Biru Putih")

    body, statements = search(client, q="jumputan")
    assert statements  # looked again
    assert slugs(body)[0] == "kemeja-sasirangan-biru"


def test_after_a_sale_only_the_changed_documents_are_read_again(client, corpus, django_capture_on_commit_callbacks):
    red = corpus.products["kain-gigi-haruan-merah"]
    assert "kain-gigi-haruan-merah" in slugs(api(client, q="sasirangan", price_max="200000"))

    saved(red, django_capture_on_commit_callbacks, price_idr=450_000)

    with statements_run() as run:
        body = api(client, q="sasirangan", price_max="200000")
    assert "kain-gigi-haruan-merah" not in slugs(body)
    assert "kain-gigi-haruan-merah" in slugs(api(client, q="sasirangan", price_min="400000"))
    reads = [sql for sql in run if 'FROM "search_searchdocument"' in sql and '"popularity"' in sql]
    assert reads and all('"updated_at" >=' in sql for sql in reads)  # not all of them again


def test_patched_documents_are_what_reading_them_all_gives():
    """The columns a patch changes (facets, stock, prices, popularity, dates) against a whole read."""
    from datetime import UTC, datetime

    from search.engine_database import Documents

    def row(number, *, district="Martapura", motif="", colors="", price=None, in_stock=None, popularity=1.0,
            type_name="product", ends_at=None):
        return (number, f"{type_name}:{number}", type_name, district, "", motif, "", "", colors, price, in_stock,
                -3.4, 114.8, popularity, ends_at, f"judul {number}")

    day = datetime(2026, 12, 4, tzinfo=UTC)
    rows = [row(1, motif="Gigi Haruan", colors="|merah|", price=175_000, in_stock=True),
            row(2, motif="Gigi Haruan", colors="|biru|putih|", price=320_000, in_stock=True, popularity=2.0),
            row(3, district="Astambul", type_name="event", ends_at=day),
            row(4, motif="Kulat Karikit", colors="|biru|", price=250_000, in_stock=False)]
    changed = [row(1, motif="Gigi Haruan", colors="|merah|", price=450_000, in_stock=False, popularity=0.5),
               row(4, motif="Kulat Karikit", colors="|biru|", price=None, in_stock=True, district="Gambut")]
    patched = Documents(rows, day).patched(changed, day)
    whole = Documents([changed[0], rows[1], rows[2], changed[1]], day)
    for name in ("rows", "types", "popularity", "ends_at", "titles", "sold_out", "prices", "priced_positions"):
        assert getattr(patched, name) == getattr(whole, name), name
    assert {facet: dict(values) for facet, values in patched.facets.items()} == {
        facet: dict(values) for facet, values in whole.facets.items()}
    assert patched.order(day) == whole.order(day)
    assert Documents(rows, day).patched([row(5)], day) is None  # a new document: read them all
