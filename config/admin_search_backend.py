"""Wagtail's database search backend (the admin's search boxes: pages, images, documents, choosers),
with a search's double quotes and NUL characters taken out of its words on SQLite.

On SQLite the backend writes each word into an FTS5 string without doubling a double quote in it,
so an editor's search for `16"` or `Pasar "Terapung` (an inch mark, a quote left open) made SQLite
fail ("unterminated string"): a 500 in every admin listing and chooser. PostgreSQL's backend quotes
its words itself. The words are searched without the quote (a balanced "Lok Baintan" still reaches
the backend as Wagtail's phrase, its words alike). WAGTAILSEARCH_BACKENDS names this module; on
another database it answers with the backend Wagtail would have chosen.
"""

from __future__ import annotations

import functools

from django.db import connection
from wagtail.search.backends.database import SearchBackend as database_search_backend
from wagtail.search.query import And, Boost, Fuzzy, Not, Or, Phrase, PlainText

UNSAFE = str.maketrans({'"': " ", "\x00": " "})


def words_safe(query):
    """The query (a string or Wagtail's query objects) with its words' double quotes and NULs spaced."""
    if isinstance(query, str):
        words = query.translate(UNSAFE)
        # Nothing but quotes is no search, as an empty one is to Wagtail (not a blank string:
        # that reaches the compiler, which has no word to write).
        return words if words.strip() else ""
    if isinstance(query, PlainText):
        return PlainText(query.query_string.translate(UNSAFE), operator=query.operator, boost=query.boost)
    if isinstance(query, Phrase):
        return Phrase(query.query_string.translate(UNSAFE))
    if isinstance(query, Fuzzy):
        return Fuzzy(query.query_string.translate(UNSAFE), operator=query.operator, unaccent=query.unaccent)
    if isinstance(query, Boost):
        return Boost(words_safe(query.subquery), query.boost)
    if isinstance(query, (And, Or)):
        return type(query)([words_safe(subquery) for subquery in query.subqueries])
    if isinstance(query, Not):
        return Not(words_safe(query.subquery))
    return query  # MatchAll, or a kind this does not know: as it came


@functools.cache
def sqlite_words_safe_backend_class():
    """Made once, on SQLite only: Wagtail's SQLite backend module defines its models only there."""
    from wagtail.search.backends.database.sqlite.sqlite import SQLiteSearchBackend

    class SQLiteWordsSafeSearchBackend(SQLiteSearchBackend):
        def search(self, query, *args, **kwargs):
            return super().search(words_safe(query), *args, **kwargs)

        def autocomplete(self, query, *args, **kwargs):
            return super().autocomplete(words_safe(query), *args, **kwargs)

    return SQLiteWordsSafeSearchBackend


def SearchBackend(params):  # noqa: N802 - the name Wagtail looks up in a backend's module
    backend = database_search_backend(params)
    if connection.vendor != "sqlite":
        return backend
    words_safe_class = sqlite_words_safe_backend_class()
    if type(backend) is not words_safe_class.__base__:  # SQLite without FTS5: Wagtail's fallback
        return backend
    return words_safe_class(params)
