"""What the search engine remembers per process is immutable (issue 12: nothing mutable shared
between threads): the vocabulary, its typo neighbours, the documents' columns, a query's matches,
the synonym table and the editors' promotions are frozensets, tuples and read-only mappings, so a
thread that tried to change one would raise instead of changing every other thread's answers."""

from __future__ import annotations

import pytest
from django.utils import timezone

from search import engine_database, selectors, synonyms
from search.models import SearchTerm
from tests.search.conftest import api, slugs

pytestmark = pytest.mark.django_db


def raises_on_change(*changes) -> None:
    for change in changes:
        with pytest.raises((TypeError, AttributeError)):
            change()


def test_the_database_engines_remembered_values_cannot_be_changed(client, corpus):
    # A search with a typo fills the vocabulary, its neighbours, the documents and the matches.
    assert slugs(api(client, q="selendng"))  # "selendang", one letter missing
    remembered = engine_database._vocabulary_cache
    sets, buckets, ordered_words = remembered["vocabulary"]
    stems = sets[SearchTerm.STEM]
    assert "selendang" in stems
    raises_on_change(
        lambda: stems.add("tambahan"),
        lambda: sets.update({SearchTerm.STEM: frozenset()}),
        lambda: next(iter(buckets[SearchTerm.WORD].values())).append("x"),
        lambda: buckets[SearchTerm.WORD].update({"z": ()}),
        lambda: remembered["vocabulary"].__setitem__(0, {}),
    )
    raises_on_change(lambda: ordered_words.append("zzz"))
    completions = engine_database.prefix_completions("selen")
    assert completions == ("selendang",) and completions is engine_database.prefix_completions("selen")
    raises_on_change(lambda: completions.append("x"))
    neighbours = engine_database._similar("selendng", SearchTerm.WORD)
    assert neighbours and neighbours is engine_database._similar("selendng", SearchTerm.WORD)
    raises_on_change(lambda: neighbours.append(("x", 1)))

    documents = remembered["documents"]
    facet = next(iter(documents.facets))
    raises_on_change(
        lambda: documents.keys.append("destination:0"),
        lambda: documents.position.update({0: 0}),
        lambda: documents.position_of_key.pop(documents.keys[0]),
        lambda: documents.facets[facet].update({"baru": 1}),
        lambda: documents.ends_at.__setitem__(0, None),
        lambda: documents.order(timezone.now()).append(0),
    )
    matches = next(iter(remembered["scores"].values()))
    raises_on_change(
        lambda: matches.positions.__setitem__(0, 0),
        lambda: matches.scores.__setitem__(0, 9.9),
    )


def test_the_synonym_table_and_promotions_cannot_be_changed(home_page):
    from wagtail.contrib.search_promotions.models import Query, SearchPromotion

    table = synonyms.synonym_table()
    key = next(iter(table.by_first_key))
    raises_on_change(
        lambda: table.by_first_key.update({"baru": ()}),
        lambda: table.by_first_key[key].append(table.by_first_key[key][0]),
        lambda: table.rules.append(table.rules[0]),
        lambda: setattr(table, "rules", ()),
    )

    SearchPromotion.objects.create(query=Query.get("sasirangan"), page=home_page, sort_order=0)
    selectors.forget_promotions()
    promoted = selectors._promoted_page_ids()
    assert promoted["sasirangan"] == (home_page.pk,)
    raises_on_change(
        lambda: promoted.update({"batik": (1,)}),
        lambda: promoted["sasirangan"].append(2),
    )
