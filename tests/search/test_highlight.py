"""Highlighting marks a shown word exactly when its stem is a query stem, or within the query
stem's typo allowance (fuzzy_equal), in either language; the quick tests that spare most words
the edit distance never change that answer."""

from bench.search_latency import vocabulary
from search.analysis import STOP_WORDS, fuzzy_equal, normalise, plan_query, stem
from search.highlight import _Matcher, snippet

QUERIES = ["sasirngan", "sasir", "pasar terapung", "berwisata alam", "masjid", "silk scarves", "ziarah makam ulama",
           "kulat karikit", "festival budaya", "kain sasirangan merah", "floating market"]


def marked_by_the_rule(word: str, plan) -> bool:
    token = normalise(word)
    if not token or token in STOP_WORDS["id"] or token in STOP_WORDS["en"]:
        return False
    if plan.prefix and token.startswith(plan.prefix):  # begun by the last word typed
        return True
    for language in ("id", "en"):
        stems = {value for clause in plan.clauses for alternative in clause.alternatives
                 for value in alternative.stems.get(language, ())}
        word_stem = stem(token, language)
        if word_stem in stems or (len(word_stem) >= 4 and any(
                fuzzy_equal(query, word_stem) for query in stems if len(query) >= 4)):
            return True
    return False


def test_every_demo_word_is_marked_by_the_rule_for_each_query():
    words = sorted(set(vocabulary()))
    assert len(words) > 500
    marked = 0
    for query in QUERIES:
        plan = plan_query(query)
        matcher = _Matcher(plan)
        for word in words:
            assert matcher(word) == marked_by_the_rule(word, plan), (query, word)
            marked += matcher(word)
    assert marked > len(QUERIES)  # typo matches among them: "sasirangan" for "sasirngan"


def test_a_typo_in_the_query_marks_the_word_shown():
    assert snippet(["Kain sasirangan dari Martapura."], plan_query("sasirngan")) == (
        "Kain <mark>sasirangan</mark> dari Martapura.")


def test_a_word_begun_by_the_last_word_typed_is_marked():
    assert snippet(["Kain sasirangan dari Martapura."], plan_query("kain sasir")) == (
        "<mark>Kain</mark> <mark>sasirangan</mark> dari Martapura.")


def test_a_snippet_made_once_serves_the_same_query_and_texts_again(monkeypatch):
    from search import highlight

    texts = ["Kain sasirangan dari Martapura, diikat dan dicelup.", "Motif gigi haruan."]
    first = highlight.snippet_maker(plan_query("sasirngan"))(texts)
    assert first == "Kain <mark>sasirangan</mark> dari Martapura, diikat dan dicelup."
    made = []
    monkeypatch.setattr(highlight, "snippet", lambda *args, **kwargs: made.append(args) or "made again")
    # Another results page of the same query (a new plan, the same words): the snippet is remembered.
    assert highlight.snippet_maker(plan_query("sasirngan"))(list(texts)) == first
    assert made == []  # before: every results page made every snippet again
    # A changed text or another query is a snippet of its own.
    assert highlight.snippet_maker(plan_query("sasirngan"))([texts[0] + " Baru.", texts[1]]) == "made again"
    assert highlight.snippet_maker(plan_query("martapura"))(texts) == "made again"
