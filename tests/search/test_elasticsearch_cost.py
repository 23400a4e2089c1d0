"""The Elasticsearch path's cost per search (issue 15): what the node is asked and sends back.
Needs a real node (ELASTICSEARCH_URL; skipped without one, failed in CI)."""

from __future__ import annotations

import json

import pytest

from search import engine_database, engine_elasticsearch
from search.analysis import stem
from search.params import parse_search_params
from tests.search.conftest import api, elasticsearch_index, slugs

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def engine(corpus):
    """Elasticsearch only (the conftest's `engine` runs both; its name keeps the settings pointed here)."""
    with elasticsearch_index():
        yield "elasticsearch"


def query_texts(body: bytes, *, fuzzy: bool) -> set[str]:
    """The words of every query in a request body that is (or, fuzzy=False, is not) typo-tolerant."""
    found = set()

    def walk(node):
        if isinstance(node, dict):
            for name, value in node.items():
                if name in ("multi_match", "match") and isinstance(value, dict):
                    options = value if name == "multi_match" else next(iter(value.values()))
                    if isinstance(options, dict) and ("fuzziness" in options) == fuzzy:
                        found.add(options["query"])
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(json.loads(body))
    return found


def fuzzy_texts(body: bytes) -> set[str]:
    return query_texts(body, fuzzy=True)


def plain_texts(body: bytes) -> set[str]:
    return query_texts(body, fuzzy=False)


def test_a_words_typos_come_from_the_vocabulary_not_from_the_node(client, engine):
    # "wastra" is searched as "kain" too (synonyms.txt): the synonym found as spelt...
    assert "kain-gigi-haruan-merah" in slugs(api(client, q="wastra", per_page=50))
    # ...and a typo in a typed word still forgiven ("sasirangan", one letter missing)...
    assert "sentra-sasirangan-martapura" in slugs(api(client, q="sasirngan"))
    # ...by the indexed word it is a typo of, sent as a plain term: the node expands no fuzzy
    # query over its terms (before: one per word, field and language, most of a first search).
    body = engine_elasticsearch.search_body(parse_search_params({"q": "sasirngan"}))
    assert fuzzy_texts(body) == set()
    assert "sasirangan" in {word for text in plain_texts(body) for word in text.split()}
    # A synonym is the rule's word, spelt right: its stems as they are, no variants of "kain" or
    # "cloth" ("kaian", "kait"...); only the typed word's variants are added.
    request = parse_search_params({"q": "wastra"})
    body = engine_elasticsearch.search_body(request)
    assert fuzzy_texts(body) == set()
    spelt = {word for clause in request.query_plan().clauses for alternative in clause.alternatives
             for stems in [*alternative.stems.values(), alternative.surface_words] for word in stems}
    typed_variants = {variant for term in (stem("wastra", "id"), stem("wastra", "en"))
                      for variant, _edits in engine_database.typo_variants(term)}
    typed_variants |= {variant for variant, _edits in engine_database.typo_variants("wastra", words=True)}
    assert {"kain", "cloth"} <= spelt
    assert {word for text in plain_texts(body) for word in text.split()} <= spelt | typed_variants


def test_a_search_answers_when_the_vocabulary_cannot_be_read(client, engine, monkeypatch):
    """The typo variants come from the database; a search on this path must not fail for it (SQLite's
    table locked by a writer, or the database down): the last generation read, else the node's fuzzy
    queries."""
    from django.db import OperationalError

    request = parse_search_params({"q": "sasirngan"})
    remembered = engine_elasticsearch.search_body(request)

    def locked():
        raise OperationalError("database table is locked: search_searchstate")

    monkeypatch.setattr(engine_elasticsearch, "text_generation", locked)
    assert engine_elasticsearch.search_body(request) is remembered  # the last generation's body
    assert "sentra-sasirangan-martapura" in slugs(api(client, q="sasirngan"))

    monkeypatch.setattr(engine_elasticsearch, "_last_generation", None)  # a process that never read it
    fallback = engine_elasticsearch.search_body(request)
    assert fuzzy_texts(fallback)  # the node forgives the typo itself...
    assert engine_elasticsearch.search_body(request) is not fallback  # ...and that body is not kept
    assert "sentra-sasirangan-martapura" in slugs(api(client, q="sasirngan"))
    # A last word only begun is the node's prefix query then: "sasir" still finds what it begins.
    assert "sentra-sasirangan-martapura" in slugs(api(client, q="sasir"))


def test_a_search_body_is_built_once_per_process_and_cannot_be_changed(engine):
    first = engine_elasticsearch.search_body(parse_search_params({"q": "pasar terapung", "district": "Martapura"}))
    again = engine_elasticsearch.search_body(parse_search_params({"q": "pasar terapung", "district": "Martapura"}))
    assert again is first and isinstance(first, bytes)
    other = engine_elasticsearch.search_body(parse_search_params({"q": "pasar terapung", "district": "Aranio"}))
    assert other != first


def test_the_node_sends_only_what_results_show(client, engine, monkeypatch):
    node = engine_elasticsearch.client()
    answers = []
    original = node.search

    def recording(*args, **kwargs):
        response = original(*args, **kwargs)
        answers.append(response.body)
        return response

    monkeypatch.setattr(node, "search", recording)
    body = api(client, q="pasar terapung", near="-3.41,114.85")
    assert slugs(body)[0] == "pasar-terapung-lok-baintan" and body["results"][0]["distance_km"] is not None
    assert body["facets"]["district"]
    nothing = api(client, q="qxzqxz")
    assert nothing["total"] == 0 and nothing["results"] == [] and all(not counts for counts in nothing["facets"].values())
    assert len(answers) == 2
    for answer in answers:
        # Before: shard statistics, timed_out, and each hit's index name and sort came along.
        assert set(answer) <= {"took", "hits", "aggregations", "suggest"}
        for hit in answer.get("hits", {}).get("hits", ()):
            assert set(hit) <= {"_id", "_score", "_source", "sort"}
