"""Relevance of the kinds a visitor meets: English plurals and inflections,
everyday synonyms in both languages, and tags as the strong signal they are
(both engines, through the shared analysis in search/analysis.py)."""

import pytest

from search.analysis import plan_query
from tests.search.conftest import api, slugs

pytestmark = pytest.mark.django_db


def test_an_english_plural_finds_what_the_singular_names(client, engine):
    # "scarves" meets the synonym rule of "scarf" (selendang) only once it is stemmed to "scarf".
    found = api(client, q="scarves", lang="en")["results"]
    assert found and found[0]["slug"] == "selendang-kulat-karikit"
    assert slugs(api(client, q="silk scarves", lang="en"))[0] == "selendang-kulat-karikit"


def test_everyday_words_for_children_and_family_find_the_place_for_them(client, engine):
    # Riam Kanan is tagged "anak-anak" and "keluarga" in Indonesian only.
    for query in ("kids", "children's", "child"):
        assert slugs(api(client, q=query, lang="en"))[:1] == ["waduk-riam-kanan"], query
    assert slugs(api(client, q="family", lang="en"))[:1] == ["waduk-riam-kanan"]


def test_a_place_tagged_with_the_word_ranks_above_one_that_mentions_it(client, engine):
    # Tiwingan's summary mentions "piknik"; Riam Kanan is tagged with it.
    found = slugs(api(client, q="piknik"))
    assert found[:2] == ["waduk-riam-kanan", "air-terjun-tiwingan"]
    assert slugs(api(client, q="picnic", lang="en"))[:2] == ["waduk-riam-kanan", "air-terjun-tiwingan"]


@pytest.mark.parametrize("query, not_expanded_to", [
    ("panting", "trousers"),  # the Banjar lute, not pants
    ("main", "playground"),  # "bermain" (play) is stemmed to "main"
    ("warna", "dye"),  # "pewarna" (dye) is stemmed to "warna" (colour)
    ("many", "sweet"),
])
def test_false_friends_across_the_two_languages_do_not_trigger_synonyms(query, not_expanded_to):
    words = {word for clause in plan_query(query).clauses for alternative in clause.alternatives
             for word in alternative.tokens}
    assert not_expanded_to not in words


def test_the_word_as_typed_chooses_between_two_rules_its_stem_meets():
    # "parking" is stemmed to "park" in English: it still means parking, not a park.
    alternatives = {alternative.tokens for alternative in plan_query("parking").clauses[0].alternatives}
    assert ("parkir",) in alternatives and ("taman",) not in alternatives


def test_a_long_query_full_of_synonyms_is_answered(client, engine):
    # Some 270 alternatives: more than SQLite takes in one compound SELECT.
    query = ("kain selendang kemeja tas dompet blus sarung kerudung masjid makam ziarah pasar sungai danau "
             "bukit hutan pulau desa perahu kuliner kue festival acara budaya anak taman")
    assert api(client, q=query)["total"] == 0  # 200, not a 500; no document has three in four


def test_every_match_has_a_score_when_the_index_holds_more_than_this_process_remembers(client):
    """Another process may index documents between this one's reading of how many
    there are and its search (seen as a 500 on a visitor's search in CI): the
    idf is then asked of more matches than documents, and must still be a number."""
    from search import engine_database

    assert api(client, q="pasar")["total"] >= 2
    scores = engine_database._text_scores(plan_query("pasar"), 1)
    assert len(scores) >= 2
    assert all(isinstance(score, float) and score > 0 for score in scores.values())
