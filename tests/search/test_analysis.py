"""Text analysis: what a word becomes in the index and in a query."""

import pytest

from search.analysis import (
    SynonymTable,
    analyse,
    edit_distance,
    fuzzy_equal,
    normalise,
    parse_synonym_line,
    parse_synonyms,
    plan_query,
    tokenise,
)


def test_normalise_folds_case_accents_and_apostrophes():
    assert normalise("Café JUM'AT") == "cafe jumat"
    assert tokenise("Kain-kain Sasirangan, 2027!") == ["kain", "kain", "sasirangan", "2027"]


@pytest.mark.parametrize("word, root", [
    ("berwisata", "wisata"), ("pemandangan", "pandang"), ("kerajinan", "rajin"), ("perajin", "rajin"),
    ("pedagang", "dagang"), ("menyusuri", "susur"), ("makamnya", "makam"), ("diwarnai", "warna"),
    ("terapung", "apung"), ("pantai", "pantai"), ("kemeja", "kemeja"), ("perahu", "perahu"),
])
def test_indonesian_words_are_stemmed_to_their_root(word, root):
    assert analyse(word, "id") == [root]


def test_place_names_are_not_cut_into_other_words():
    # Sastrawi alone turns Sekumpul into "kumpul" (gather) and Pengaron into "aron".
    assert analyse("Sekumpul Pengaron Martapura", "id") == ["sekumpul", "pengaron", "martapura"]


def test_english_is_stemmed_with_snowball():
    assert analyse("Floating markets", "en") == ["float", "market"]
    assert analyse("festivals", "en") == analyse("festival", "en")


@pytest.mark.parametrize("inflected, base", [
    ("scarves", "scarf"), ("headscarves", "headscarf"), ("knives", "knife"), ("leaves", "leaf"),
    ("shelves", "shelf"), ("children", "child"), ("Children's", "child"), ("women's", "woman"),
    ("men", "man"), ("craftsmen", "craftsman"), ("fishermen", "fisherman"), ("feet", "foot"),
    ("dyed", "dye"), ("woven", "weave"), ("sewn", "sew"), ("sold", "sell"), ("made", "make"),
    ("bought", "buy"), ("built", "build"),
])
def test_english_irregular_plurals_and_inflections_meet_their_base_form(inflected, base):
    # Porter2 alone stems "scarves" to "scarv" and leaves "children" whole.
    assert analyse(inflected, "en") == analyse(base, "en")


@pytest.mark.parametrize("word, other", [
    ("olives", "olive"), ("caves", "cave"), ("gloves", "glove"), ("sleeves", "sleeve"), ("lives", "live"),
    ("omen", "omen"), ("specimen", "specimens"),
])
def test_english_words_that_only_look_irregular_keep_their_own_stem(word, other):
    assert analyse(word, "en") == analyse(other, "en")
    assert analyse("olives", "en") != analyse("olif", "en")


def test_stop_words_are_dropped_per_language():
    assert analyse("pasar yang di sungai", "id") == ["pasar", "sungai"]
    assert analyse("the market of the river", "en") == ["market", "river"]


def test_a_query_of_only_stop_words_still_searches_them():
    assert not plan_query("di mana").is_empty


def test_synonym_file_format():
    assert parse_synonym_line("# a comment") is None
    rule = parse_synonym_line("batik banjar => sasirangan")
    assert rule.left == (("batik", "banjar"),) and rule.right == (("sasirangan",),)
    assert not rule.equivalent
    assert parse_synonym_line("kain, wastra").equivalent
    with pytest.raises(ValueError):
        parse_synonym_line("kain")


def test_equivalent_synonyms_become_alternatives_of_one_clause():
    table = SynonymTable(parse_synonyms("scarf, selendang, syal"))
    plan = plan_query("selendang merah", table)
    assert [clause.text for clause in plan.clauses] == ["selendang", "merah"]
    assert {alternative.tokens for alternative in plan.clauses[0].alternatives} == {
        ("selendang",), ("scarf",), ("syal",)}


def test_replacement_synonym_covers_a_phrase_in_any_inflection():
    table = SynonymTable(parse_synonyms("batik banjar => sasirangan"))
    plan = plan_query("Batik Banjar murah", table)
    assert [clause.text for clause in plan.clauses] == ["batik banjar", "murah"]
    assert [alternative.tokens for alternative in plan.clauses[0].alternatives] == [("sasirangan",)]
    # "selendangnya" is the same word as "selendang" to the rules.
    table = SynonymTable(parse_synonyms("scarf, selendang"))
    alternatives = plan_query("selendangnya", table).clauses[0].alternatives
    assert ("scarf",) in {alternative.tokens for alternative in alternatives}


def test_minimum_should_match_forgives_one_stray_word_in_long_queries():
    assert plan_query("telaga jernih").minimum_should_match() == 2
    assert plan_query("telaga jernih sejuk indah").minimum_should_match() == 3


def test_edit_distance_counts_a_transposition_as_one_edit():
    assert edit_distance("wisata", "wisaat", 2) == 1
    assert edit_distance("sasirangan", "sasirngan", 2) == 1
    assert fuzzy_equal("sasirangn", "sasirangan")
    assert not fuzzy_equal("kue", "teh")
    assert not fuzzy_equal("ab", "ac")  # two letters: no typo allowed (as Elasticsearch's AUTO)
