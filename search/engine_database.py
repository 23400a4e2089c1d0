"""The database search engine: the database's own full-text index, fed with the
stems search/analysis.py made, exactly as Elasticsearch is.

- SQLite (the embedded default): an FTS5 table per field and language
  (`search_fts_title_id`, `..._tags_en`, ...; rowid = SearchDocument.id) and one
  of surface words (`search_fts_words`), ranked by FTS5's bm25(); the fields
  combine as Elasticsearch's best_fields do (the best field's score plus
  TIE_BREAKER times the others'). A table each because bm25() normalises by the
  whole row's length: in one table a long body, or the English title beside the
  Indonesian one, made a title's match count less.
- PostgreSQL (the scaled shape): `search_fts` holds a tsvector per language (title,
  tags, summary and body as the weights A, B, C, D) and one of surface words, each
  with a GIN index; ranked by ts_rank() with the fields' weights, times the
  match's idf (ts_rank knows no corpus statistics, and a rare word should count
  more than a common one, as in BM25). ts_rank, not ts_rank_cd: on the judged set
  nDCG@10 0.978 against 0.965 (cover density rewards words near each other, which
  our stemmed, stop-word-less fields do not keep); Debian ships no BM25 extension
  (its postgresql-15-rum ranks as ts_rank_cd does).

Why not Wagtail's modelsearch backend: it analyses text its own way per database,
has no typo tolerance, geo sort or multi-select facets, and cannot take our stems
and synonyms. The tables are created by migration 0002 (search/migrations).

A query is matched clause by clause (one MATCH per clause and kind of
alternative: as typed, synonyms, typo variants from the vocabulary table, typo
variants of surface words, and for the last word the surface words it begins),
so that "three clauses in four" and the weights of synonyms and typos work as in
Elasticsearch. Filters, multi-select facets and the
order of results come from the documents' filter columns, held in each process as
bitmaps and read again when the index's generation (a token store() changes in
the same transaction) changes.
"""

from __future__ import annotations

import bisect
import heapq
import math
import threading
import uuid
from array import array
from collections import OrderedDict, defaultdict
from collections.abc import Mapping
from datetime import timedelta
from types import MappingProxyType

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rapidfuzz import process
from rapidfuzz.distance import OSA

from search.analysis import (
    LANGUAGES,
    STOP_WORDS,
    QueryPlan,
    auto_fuzziness,
    normalise,
    stem,
    tokenise,
)
from search.documents import DATED_TYPES
from search.models import SearchDocument, SearchState, SearchTerm
from search.params import FACETS, SearchRequest
from search.results import (
    FIELD_WEIGHTS,
    FUZZY_WEIGHT,
    PAST_EVENT_WEIGHT,
    PREFIX_WEIGHT,
    TIE_BREAKER,
    WORDS_WEIGHT,
    EngineResult,
    Hit,
    haversine_km,
    popularity_factor,
)

NAME = "database"
FTS_TABLE = "search_fts"  # PostgreSQL; SQLite has one per field: search_fts_<field>
# The full-text columns, in this order in SQLite's FTS5 table.
FIELD_NAMES = tuple(FIELD_WEIGHTS)  # title, tags, summary, body
TEXT_COLUMNS = tuple(f"{name}_{language}" for language in LANGUAGES for name in FIELD_NAMES)
FTS_COLUMNS = TEXT_COLUMNS + ("words",)
# PostgreSQL: the weight letter of each field in a language's tsvector, and the
# array ts_rank takes ({D, C, B, A}, each at most 1).
PG_LETTERS = dict(zip(FIELD_NAMES, "ABCD", strict=True))
PG_RANK_WEIGHTS = [FIELD_WEIGHTS[name] / max(FIELD_WEIGHTS.values()) for name in reversed(FIELD_NAMES)]
MAX_EXPANSIONS = 50
SQL_IN_LIMIT = 900  # below SQLite's old 999-variable limit
COMPOUND_LIMIT = 200  # below SQLite's 500 terms of a compound SELECT


def _postgresql() -> bool:
    return connection.vendor == "postgresql"


# --- Writing -------------------------------------------------------------------------
def _columns(fields: dict) -> dict:
    location = fields.get("location") or {}
    ends_at = parse_datetime(fields["date_end"]) if fields.get("date_end") else None
    return {
        "type": fields["type"], "slug": fields["slug"][:255],
        "district": fields.get("district") or "", "category": fields.get("category") or "",
        "motif": fields.get("motif") or "", "fabric": fields.get("fabric") or "", "dye": fields.get("dye") or "",
        "colors": "|" + "|".join(fields.get("color") or []) + "|" if fields.get("color") else "",
        "kind": fields.get("kind") or "",
        "price_idr": fields.get("price_idr"), "in_stock": fields.get("in_stock"),
        "latitude": location.get("lat"), "longitude": location.get("lon"),
        "popularity": fields.get("popularity") or 0.0, "ends_at": ends_at,
        "suggest_id": normalise(fields["show"]["title"].get("id", ""))[:255],
        "suggest_en": normalise(fields["show"]["title"].get("en", ""))[:255],
        "data": fields,
    }


UPDATE_FIELDS = ["type", "slug", "district", "category", "motif", "fabric", "dye", "colors", "kind", "price_idr",
                 "in_stock", "latitude", "longitude", "popularity", "ends_at", "suggest_id", "suggest_en", "data",
                 "updated_at"]


def store(fields_by_key: dict[str, dict | None]) -> None:
    """Write (or, for None, remove) documents and their full-text rows, all or nothing."""
    if not fields_by_key:
        return
    now = timezone.now()
    with transaction.atomic():
        existing, stored_texts = {}, {}
        keys = list(fields_by_key)
        for start in range(0, len(keys), SQL_IN_LIMIT):
            for key, document_id, data in (SearchDocument.objects.filter(key__in=keys[start:start + SQL_IN_LIMIT])
                                           .values_list("key", "id", "data")):
                existing[key] = document_id
                stored_texts[key] = _texts(data)
        gone = [existing[key] for key, fields in fields_by_key.items() if fields is None and key in existing]
        present = {key: fields for key, fields in fields_by_key.items() if fields is not None}
        # A stock, price or popularity change leaves the text as it was: its full-text rows
        # stay, and so do what every process remembers of the text (vocabulary, matches).
        same_text = {key for key in present if key in existing and stored_texts[key] == _texts(present[key])}
        _delete_text(gone + [existing[key] for key in present if key in existing and key not in same_text])
        for start in range(0, len(gone), SQL_IN_LIMIT):
            SearchDocument.objects.filter(id__in=gone[start:start + SQL_IN_LIMIT]).delete()
        created, updated = [], []
        for key, fields in present.items():
            document = SearchDocument(key=key, updated_at=now, **_columns(fields))
            if key in existing:
                document.pk = existing[key]
                updated.append(document)
            else:
                created.append(document)
        SearchDocument.objects.bulk_create(created, batch_size=500)
        if updated:
            SearchDocument.objects.bulk_update(updated, UPDATE_FIELDS, batch_size=200)
        stems, surface = set(), set()
        rows = []
        for document in created + updated:
            if document.key in same_text:
                continue
            texts = _texts(present[document.key])
            for text in texts[:-1]:
                stems.update(text.split())
            surface.update(texts[-1].split())
            rows.append((document.pk, *texts))
        _insert_text(rows)
        _add_vocabulary(stems, surface)
        _new_generation(text=bool(gone or created or rows))


def _texts(fields: dict) -> tuple[str, ...]:
    """A document's analysed text, as its full-text rows hold it (FTS_COLUMNS' order)."""
    return tuple(fields.get(column, "") or "" for column in FTS_COLUMNS)


def _fts_tables() -> list[str]:
    if _postgresql():
        return [FTS_TABLE]
    return [f"{FTS_TABLE}_{column}" for column in FTS_COLUMNS]


def _delete_text(document_ids: list[int]) -> None:
    column = "document_id" if _postgresql() else "rowid"
    with connection.cursor() as cursor:
        for start in range(0, len(document_ids), SQL_IN_LIMIT):
            chunk = document_ids[start:start + SQL_IN_LIMIT]
            for table in _fts_tables():
                cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({', '.join(['%s'] * len(chunk))})", chunk)


def _insert_text(rows: list[tuple]) -> None:
    """(document id, the FTS_COLUMNS' texts) per document."""
    if not rows:
        return
    if _postgresql():
        vector = " || ".join(f"setweight(to_tsvector('simple', %s), '{PG_LETTERS[name]}')" for name in FIELD_NAMES)
        statements = [(f"INSERT INTO {FTS_TABLE} (document_id, vector_id, vector_en, words) "
                       f"VALUES (%s, {vector}, {vector}, to_tsvector('simple', %s))", rows)]
    else:
        # Every document in every table, empty or not: bm25()'s idf counts the table's rows.
        statements = [(f"INSERT INTO {FTS_TABLE}_{column} (rowid, terms) VALUES (%s, %s)",
                       [(row[0], row[1 + index]) for row in rows])
                      for index, column in enumerate(FTS_COLUMNS)]
    with connection.cursor() as cursor:
        for sql, values in statements:
            for start in range(0, len(values), 2000):
                cursor.executemany(sql, values[start:start + 2000])


def _add_vocabulary(stems: set[str], surface: set[str]) -> None:
    if not stems and not surface:
        return
    _fresh()
    vocabulary = _vocabulary()
    new = [SearchTerm(term=term, kind=SearchTerm.STEM) for term in stems - vocabulary[SearchTerm.STEM]
           if len(term) <= 40]
    new += [SearchTerm(term=term, kind=SearchTerm.WORD) for term in surface - vocabulary[SearchTerm.WORD]
            if len(term) <= 40]
    if new:
        SearchTerm.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)


def _new_generation(*, text: bool = True) -> None:
    """A new token, in the writing transaction: every process reads its caches
    again once this commits (and never keeps what a rolled-back write showed it).
    The text's token too when what full-text search finds changed (text=True):
    without it each process keeps its vocabulary and the queries' matches, and
    reads only the documents' filter columns again."""
    token = uuid.uuid4().hex
    defaults = {"generation": token, "text_generation": token} if text else {"generation": token}
    _state, created = SearchState.objects.update_or_create(pk=1, defaults=defaults)
    if created and not text:  # the first write of all: the text has no token yet
        SearchState.objects.filter(pk=1).update(text_generation=token)


def clear() -> None:
    """Empty the engine (a rebuild refills it)."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            for table in _fts_tables():
                cursor.execute(f"DELETE FROM {table}")
        SearchDocument.objects.all().delete()
        SearchTerm.objects.all().delete()
        _new_generation()
    _vocabulary_cache.clear()


def stored_fields(keys: list[str]) -> dict[str, dict | None]:
    """The stored documents for keys (None where there is none): what Elasticsearch receives."""
    found = {}
    for start in range(0, len(keys), SQL_IN_LIMIT):
        found.update(SearchDocument.objects.filter(key__in=keys[start:start + SQL_IN_LIMIT])
                     .values_list("key", "data"))
    return {key: found.get(key) for key in keys}


# --- What this process remembers ----------------------------------------------------------
# One dict (tests empty it between tests): the generation it was read at, the
# vocabulary (typo tolerance, "did you mean") and the documents' filter columns.
_vocabulary_cache: dict = {}
_cache_lock = threading.Lock()


def _generations() -> tuple[str, str]:
    """(the index's generation, the text's generation)."""
    return SearchState.objects.filter(pk=1).values_list("generation", "text_generation").first() or ("", "")


# What a write that changed only filter columns (stock, price, popularity...) drops: the
# documents' columns, kept aside to patch with the rows changed. The vocabulary and the
# queries' matches depend on the text only (a match of a product whose stock changed is
# still a match: stock filters, it does not score), so they stay until the text changes.


def _fresh() -> dict:
    """The caches, emptied when the index's generation changed since they were filled
    (only the filter columns, when the text's generation is the same)."""
    generation, text_generation = _generations()
    cache = _vocabulary_cache
    if cache.get("generation") != generation or cache.get("text_generation") != text_generation:
        with _cache_lock:
            if cache.get("text_generation") != text_generation:
                cache.clear()
            elif cache.get("generation") != generation and "documents" in cache:
                cache["documents_before"] = cache.pop("documents")
            cache["generation"], cache["text_generation"] = generation, text_generation
    return cache


def _vocabulary_tables() -> tuple[Mapping[int, frozenset[str]], Mapping[int, Mapping[str, tuple[str, ...]]],
                                  tuple[str, ...]]:
    """Every stem and word in the vocabulary table, the same bucketed by first letter, and the
    words in order (for the words a query's last word begins): one tuple, read whole, so a thread
    never sees one generation's sets with another's buckets (or none, after another thread
    emptied the cache for a new generation)."""
    tables = _vocabulary_cache.get("vocabulary")
    if tables is None:
        sets = {SearchTerm.STEM: set(), SearchTerm.WORD: set()}
        for term, kind in SearchTerm.objects.values_list("term", "kind").iterator(chunk_size=5000):
            sets[kind].add(term)
        buckets = {kind: defaultdict(list) for kind in sets}
        for kind, terms in sets.items():
            for term in terms:
                buckets[kind][term[0]].append(term)
        # Immutable: every thread reads them at once (frozensets, tuples, read-only mappings).
        tables = (MappingProxyType({kind: frozenset(terms) for kind, terms in sets.items()}),
                  MappingProxyType({kind: MappingProxyType({letter: tuple(terms) for letter, terms in by_letter.items()})
                                    for kind, by_letter in buckets.items()}),
                  tuple(sorted(sets[SearchTerm.WORD])))
        _vocabulary_cache["vocabulary"] = tables
    return tables


def _vocabulary() -> Mapping[int, frozenset[str]]:
    """Every stem and word in the vocabulary table."""
    return _vocabulary_tables()[0]


def _similar(term: str, kind: int) -> tuple[tuple[str, int], ...]:
    """Vocabulary terms within Elasticsearch's AUTO edit distance of `term`.

    Candidates share the first letter: a typo there is rare, and the bucket
    keeps this to a few hundred comparisons."""
    limit = auto_fuzziness(term)
    if limit == 0:
        return []
    buckets = _vocabulary_tables()[1]
    remembered = _vocabulary_cache.setdefault("similar", {})
    if (term, kind) in remembered:  # queries repeat; a new generation empties this
        return remembered[(term, kind)]
    # rapidfuzz's OSA is search.analysis.edit_distance, run over the bucket in C++ (~10 us a word).
    found = [(candidate, distance) for candidate, distance, _index in process.extract(
        term, buckets[kind].get(term[0], ()), scorer=OSA.distance, score_cutoff=limit,
        limit=None) if candidate != term]
    found.sort(key=lambda item: (item[1], item[0]))
    found = tuple(found[:MAX_EXPANSIONS])
    if len(remembered) > 20_000:
        remembered.clear()
    remembered[(term, kind)] = found
    return found  # not read back: another thread may have emptied `remembered` meanwhile


def typo_variants(term: str, *, words: bool = False) -> tuple[tuple[str, int], ...]:
    """The indexed stems (or, with `words`, surface words) within a typo of `term`, nearest
    first, as (variant, edits): the typo tolerance both engines use (Elasticsearch's path
    sends these instead of asking the node to expand a fuzzy query over its terms). As fresh
    as the caller's last `text_generation()` (one query per search, not one per word)."""
    return tuple(_similar(term, SearchTerm.WORD if words else SearchTerm.STEM))


def prefix_completions(word: str) -> tuple[str, ...]:
    """The indexed surface words that begin with `word` and are longer, shortest first (then in
    order), at most MAX_EXPANSIONS: a query's last word as the beginning of a word, for both
    engines (Elasticsearch's path sends them as plain terms). A range of the ordered words found by
    bisection, so as cheap at any size of vocabulary; remembered until the text changes."""
    remembered = _vocabulary_cache.setdefault("completions", {})
    found = remembered.get(word)
    if found is not None:
        return found
    ordered = _vocabulary_tables()[2]
    # Words are letters and digits (analysis.TOKEN_PATTERN): "{" sorts after every one of them.
    begun = ordered[bisect.bisect_right(ordered, word):bisect.bisect_left(ordered, word + "{")]
    found = tuple(heapq.nsmallest(MAX_EXPANSIONS, begun, key=lambda term: (len(term), term)))
    if len(remembered) > 20_000:
        remembered.clear()
    remembered[word] = found
    return found


def text_generation() -> str:
    """Changes whenever an indexed text (and so the vocabulary) changes."""
    return _fresh().get("text_generation", "")


ROW_FIELDS = ("id", "key", "type", "district", "category", "motif", "fabric", "dye", "colors",
              "price_idr", "in_stock", "latitude", "longitude", "popularity", "ends_at", "suggest_id")


def _bits(positions, size: int) -> int:
    """A bitmap (an int, bit i for document position i) of positions."""
    array = bytearray((size + 7) // 8)
    for position in positions:
        array[position >> 3] |= 1 << (position & 7)
    return int.from_bytes(array, "little")


FACET_COLUMNS = {"type": 2, "district": 3, "category": 4, "motif": 5, "fabric": 6, "dye": 7}


def _facet_values(row: tuple):
    """(facet, value) of a document's row, its colours included."""
    for facet, column in FACET_COLUMNS.items():
        if row[column]:
            yield facet, row[column]
    for color in row[8].split("|"):
        if color:
            yield "color", color


def _unit_vector(latitude: float | None, longitude: float | None) -> tuple[float, float, float] | None:
    """The point on the unit sphere: the straight line between two such points grows with the
    great-circle distance, so ordering thousands of matches by it needs no trigonometry each."""
    if latitude is None or longitude is None:
        return None
    phi, lam = math.radians(latitude), math.radians(longitude)
    return (math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi))


def _sold_out(row: tuple) -> bool:
    return row[2] == "product" and row[10] is False


class Documents:
    """Every document's filter and ranking columns, by position, with one bitmap per
    facet value: a facet's counts are a few ANDs and bit counts, at any size.

    `read_at`: when the rows were read (before the read); `full_read_at`: when all of
    them were, not only those changed since (`patched`)."""

    def __init__(self, rows: list[tuple], read_at=None):
        # Every column immutable (tuples, read-only mappings): one Documents serves every thread.
        self.rows = tuple(rows)
        self.read_at = self.full_read_at = read_at
        self.size = len(rows)
        self.ids = tuple(row[0] for row in rows)
        self.position = MappingProxyType({document_id: position for position, document_id in enumerate(self.ids)})
        self.keys = tuple(row[1] for row in rows)
        self.position_of_key = MappingProxyType({key: position for position, key in enumerate(self.keys)})
        self.types = tuple(row[2] for row in rows)
        self.latitudes = tuple(row[11] for row in rows)
        self.longitudes = tuple(row[12] for row in rows)
        self.points = tuple(_unit_vector(row[11], row[12]) for row in rows)
        self.popularity = tuple(popularity_factor(row[13]) for row in rows)
        self.ends_at = tuple(row[14] if row[2] in DATED_TYPES else None for row in rows)
        self.titles = tuple(row[15] for row in rows)
        self.everything = (1 << self.size) - 1
        values: dict[str, dict[str, list[int]]] = {facet: defaultdict(list) for facet in FACETS}
        sold_out, priced = [], []
        for position, row in enumerate(rows):
            for facet, value in _facet_values(row):
                values[facet][value].append(position)
            if row[9] is not None:
                priced.append((row[9], position))
            if _sold_out(row):
                sold_out.append(position)
        self.facets = MappingProxyType({
            facet: MappingProxyType({value: _bits(positions, self.size) for value, positions in by_value.items()})
            for facet, by_value in values.items()})
        self.sold_out = _bits(sold_out, self.size)
        priced.sort()
        self.priced = tuple(priced)
        self.prices = tuple(price for price, _position in priced)
        self.priced_positions = tuple(position for _price, position in priced)
        self._order: tuple | None = None

    def patched(self, rows: list[tuple], read_at) -> Documents | None:
        """A copy with these documents' rows changed (a sale, a new price), without
        reading or bit-mapping the others again; None if one of them is new."""
        if any(row[0] not in self.position for row in rows):
            return None
        new = object.__new__(Documents)
        new.__dict__.update(self.__dict__)
        new.read_at, new._order = read_at, None
        all_rows = list(self.rows)
        columns = {name: list(getattr(self, name))
                   for name in ("types", "latitudes", "longitudes", "points", "popularity", "ends_at", "titles")}
        facets = {facet: dict(by_value) for facet, by_value in self.facets.items()}
        sold_out, priced = self.sold_out, list(self.priced)
        for row in rows:
            position = self.position[row[0]]
            old = all_rows[position]
            if old == row:
                continue
            all_rows[position] = row
            bit = 1 << position
            for facet, value in _facet_values(old):
                facets[facet][value] &= ~bit
                if not facets[facet][value]:
                    del facets[facet][value]
            for facet, value in _facet_values(row):
                facets[facet][value] = facets[facet].get(value, 0) | bit
            sold_out = sold_out | bit if _sold_out(row) else sold_out & ~bit
            if old[9] is not None:
                del priced[bisect.bisect_left(priced, (old[9], position))]
            if row[9] is not None:
                bisect.insort(priced, (row[9], position))
            for name, value in (("types", row[2]), ("latitudes", row[11]), ("longitudes", row[12]),
                                ("points", _unit_vector(row[11], row[12])), ("popularity", popularity_factor(row[13])),
                                ("ends_at", row[14] if row[2] in DATED_TYPES else None), ("titles", row[15])):
                columns[name][position] = value
        new.rows = tuple(all_rows)
        for name, values in columns.items():
            setattr(new, name, tuple(values))
        new.facets = MappingProxyType({facet: MappingProxyType(by_value) for facet, by_value in facets.items()})
        new.sold_out = sold_out
        new.priced = tuple(priced)
        new.prices = tuple(price for price, _position in priced)
        new.priced_positions = tuple(position for _price, position in priced)
        return new

    def price_mask(self, low: int | None, high: int | None) -> int:
        start = 0 if low is None else bisect.bisect_left(self.prices, low)
        end = len(self.prices) if high is None else bisect.bisect_right(self.prices, high)
        return _bits(self.priced_positions[start:end], self.size)

    def keys_mask(self, keys) -> int:
        return _bits((self.position_of_key[key] for key in keys if key in self.position_of_key), self.size)

    def weight(self, position: int, now) -> float:
        """Popularity, and less for an event or campaign that has ended."""
        ends_at = self.ends_at[position]
        if ends_at is not None and ends_at < now:
            return self.popularity[position] * PAST_EVENT_WEIGHT
        return self.popularity[position]

    def order(self, now) -> tuple[int, ...]:
        """Every position by the order of a search without words (weight, then title),
        remembered until the next event or campaign ends."""
        if self._order is None or (self._order[0] is not None and self._order[0] <= now):
            upcoming = [ends_at for ends_at in self.ends_at if ends_at is not None and ends_at >= now]
            ordered = sorted(range(self.size),
                             key=lambda position: (-self.weight(position, now), self.titles[position],
                                                   self.keys[position]))
            self._order = (min(upcoming, default=None), tuple(ordered))  # one assignment: threads see old or new
        return self._order[1]


# A write's rows carry the time store() began (updated_at): a patch reads the rows changed
# since its last read less this margin, for a write that began before that read and committed
# after it (store() takes well under a second); and all of them at least every FULL_READ_EVERY.
CHANGE_MARGIN = timedelta(seconds=60)
FULL_READ_EVERY = timedelta(minutes=10)


def _documents() -> Documents:
    cache = _vocabulary_cache
    documents = cache.get("documents")
    if documents is None:
        generation = cache.get("generation")
        before = cache.get("documents_before")  # only filter columns changed since it was read
        read_at = timezone.now()
        if before is not None and before.read_at is not None and read_at - before.full_read_at < FULL_READ_EVERY:
            most = max(before.size // 4, 200)  # more: a rebuild, as quick read whole
            changed = list(SearchDocument.objects.filter(updated_at__gte=before.read_at - CHANGE_MARGIN)
                           .order_by("id").values_list(*ROW_FIELDS)[:most + 1])
            if len(changed) <= most:
                documents = before.patched(changed, read_at)
        if documents is None:
            documents = Documents(list(SearchDocument.objects.order_by("id").values_list(*ROW_FIELDS)), read_at)
        if cache.get("generation") == generation:  # not kept under a newer generation than it was read at
            cache["documents"] = documents
    return documents


# --- Matching ------------------------------------------------------------------------
def _fts_phrase(terms) -> str:
    return " AND ".join(f'"{term}"' for term in terms)


def _tsquery(term_lists) -> str:
    return " | ".join("(" + " & ".join(terms) + ")" for terms in term_lists)


def _options(plan: QueryPlan) -> list[tuple]:
    """What to look for, clause by clause: (clause, kind, weight, language, term lists).
    "exact": an alternative's stems as typed (weight 1) or a synonym's (0.8), one
    option each, so each gets its own idf; "fuzzy": the vocabulary's stems within
    typo distance, together, weighed by distance; "words": typo variants of the
    typed words among surface words (for typos the stemmer cannot see through), and the surface
    words the query's last word begins ("sasir": "sasirangan"), weighed below the rest."""
    options = []
    for number, clause in enumerate(plan.clauses):
        exact: list[tuple] = []
        fuzzy: dict[tuple, list] = defaultdict(list)
        typos: list[tuple[str, ...]] = []
        for alternative in clause.alternatives:
            for language in LANGUAGES:
                stems = alternative.stems[language]
                if not stems or (language, stems, alternative.weight) in exact:
                    continue
                exact.append((language, stems, alternative.weight))
                if len(stems) == 1:
                    # As Elasticsearch's fuzzy AUTO, and less the more edits a variant is away.
                    for variant, distance in _similar(stems[0], SearchTerm.STEM):
                        weight = round(alternative.weight * FUZZY_WEIGHT * (1 - distance / max(len(stems[0]), 1)), 3)
                        if (variant,) not in fuzzy[(language, weight)]:
                            fuzzy[(language, weight)].append((variant,))
            if len(alternative.surface_words) == 1:
                typos += [(variant,) for variant, _distance in _similar(alternative.surface_words[0], SearchTerm.WORD)
                          if (variant,) not in typos]
        options += [(number, "exact", weight, language, [stems]) for language, stems, weight in exact]
        options += [(number, "fuzzy", weight, language, variants) for (language, weight), variants in fuzzy.items()]
        if typos:
            options.append((number, "words", 1.0, "", typos))
        completions = prefix_completions(clause.prefix) if clause.prefix else ()
        if completions:
            options.append((number, "words", PREFIX_WEIGHT, "", [(word,) for word in completions]))
    return options


def _hits_sqlite(options, total: int) -> tuple[list[str], list, str, list]:
    selects, parameters = [], []
    for number, (clause, kind, weight, language, term_lists) in enumerate(options):
        expression = " OR ".join(f"({_fts_phrase(terms)})" for terms in term_lists)
        exact = int(kind == "exact")
        if kind == "words":
            tables = [("words", f"{FTS_TABLE}_words", WORDS_WEIGHT)]
        else:
            tables = [(name, f"{FTS_TABLE}_{name}_{language}", FIELD_WEIGHTS[name]) for name in FIELD_NAMES]
        for name, table, field_weight in tables:
            # Tags are labels, not prose: a match is a match, whatever their number (as
            # Elasticsearch's tags fields without length norms); bm25() cannot be told so.
            scoring = ("2, rowid, 1.0" if name == "tags" else f"{exact}, rowid, -bm25({table})")
            selects.append(f"SELECT {clause}, {number}, '{name}', {field_weight * weight}, {scoring} "
                           f"FROM {table} WHERE {table} MATCH %s")
            parameters.append(expression)
    # bm25() with FTS5's idf replaced by Lucene's for what was typed: FTS5 takes log((N - n + 0.5)
    # / (n + 0.5)) and, for a word in half the documents or more, 1e-6, so "kain" in a catalogue
    # of cloth would count for nothing beside the word next to it. Typo variants, rare words
    # mostly and looked up together, keep FTS5's own.
    # N is at least n: the documents this process remembers may lag rows another process
    # has just indexed, and a log of a negative number is NULL (a result without a score).
    factor = ("CASE exact WHEN 1 THEN ln(1 + (max(%s, n) - n + 0.5) / (n + 0.5)) "
              "/ max(ln((max(%s, n) - n + 0.5) / (n + 0.5)), 1e-6) "
              "WHEN 2 THEN ln(1 + (max(%s, n) - n + 0.5) / (n + 0.5)) ELSE 1 END")
    return selects, parameters, factor, [float(total)] * 3


def _hits_postgresql(options, total: int) -> tuple[list[str], list, str, list]:
    selects, parameters = [], []
    for number, (clause, kind, weight, language, term_lists) in enumerate(options):
        query = _tsquery(term_lists)
        if kind == "words":
            selects.append(f"SELECT {clause}, {number}, 'words', {WORDS_WEIGHT * weight}, 0, document_id, "
                           f"ts_rank(words, to_tsquery('simple', %s)) FROM {FTS_TABLE} "
                           f"WHERE words @@ to_tsquery('simple', %s)")
            parameters += [query, query]
        else:
            selects.append(f"SELECT {clause}, {number}, 'text', {max(FIELD_WEIGHTS.values()) * weight}, "
                           f"{int(kind == 'exact')}, document_id, ts_rank(%s::float4[], vector_{language}, "
                           f"to_tsquery('simple', %s)) FROM {FTS_TABLE} "
                           f"WHERE vector_{language} @@ to_tsquery('simple', %s)")
            parameters += [PG_RANK_WEIGHTS, query, query]
    # ts_rank knows only the document: a match counts by how rare it is (BM25's idf, as Lucene's).
    # N at least n, as on SQLite (PostgreSQL would refuse the logarithm of a negative).
    factor = "ln(1 + (greatest(%s, n) - n + 0.5) / (n + 0.5))"
    return selects, parameters, factor, [float(total)]


REMEMBERED_QUERIES = 128


class Matches:
    """A query's matching documents (by position), their text scores, as a bitmap,
    and in the order results show (text score times weight, then title), that order
    kept until the next event or campaign among them ends or the documents' columns
    are read again (a popularity changed).

    Positions are the documents' order by id: the same until documents are added or
    removed, which changes the text's generation and so forgets every Matches."""

    def __init__(self, documents: Documents, scores: dict[int, float]):
        found = [(documents.position[document_id], score) for document_id, score in scores.items()
                 if document_id in documents.position]
        # Read-only views of compact arrays: one Matches serves every thread that repeats the query.
        self.positions = memoryview(array("q", (position for position, _score in found))).toreadonly()
        self.scores = memoryview(array("d", (score for _position, score in found))).toreadonly()
        self.mask = _bits(self.positions, documents.size)
        self._ranked: tuple | None = None

    def ranked(self, documents: Documents, now) -> tuple[tuple[float, int], ...]:
        remembered = self._ranked
        if remembered is None or remembered[0] is not documents or (
                remembered[1] is not None and remembered[1] <= now):
            ranked = sorted(((score * documents.weight(position, now), position)
                             for position, score in zip(self.positions, self.scores, strict=True)),
                            key=lambda item: (-item[0], documents.titles[item[1]], documents.keys[item[1]]))
            ends = [documents.ends_at[position] for position in self.positions
                    if documents.ends_at[position] is not None and documents.ends_at[position] >= now]
            remembered = (documents, min(ends, default=None), tuple(ranked))
            self._ranked = remembered  # one assignment: other threads see the old or the new
        return remembered[2]


def _remembered_matches(plan: QueryPlan, documents: Documents) -> Matches:
    """The query's Matches, remembered until the index's generation changes, as
    Elasticsearch's shard request cache keeps a whole answer until the next refresh:
    searches repeat (a campaign's words, the suggestions clicked), and a repeated one
    then costs its filters, facets and page only."""
    options = _options(plan)
    key = (tuple((clause, kind, weight, language, tuple(term_lists))
                 for clause, kind, weight, language, term_lists in options), plan.minimum_should_match())
    remembered = _vocabulary_cache.setdefault("scores", OrderedDict())
    with _cache_lock:  # an LRU's get, move and evict: not one step each for other threads
        found = remembered.get(key)
        if found is not None:
            remembered.move_to_end(key)
            return found
    text_generation = _vocabulary_cache.get("text_generation")
    found = Matches(documents, _text_scores(plan, documents.size, options))
    with _cache_lock:
        if _vocabulary_cache.get("text_generation") != text_generation:
            return found  # the text changed meanwhile: not kept under its new generation
        remembered[key] = found
        if len(remembered) > REMEMBERED_QUERIES:
            remembered.popitem(last=False)
    return found


def _text_scores(plan: QueryPlan, total: int, options: list | None = None) -> dict[int, float]:
    """Every document matching enough clauses, with its score, in one statement: per
    alternative, the best field's score plus TIE_BREAKER times the others' (Elasticsearch's
    best_fields); per clause, its best alternative; summed over the clauses matched."""
    options = _options(plan) if options is None else options
    if not options:
        return {}
    selects, parameters, factor, factor_parameters = (_hits_postgresql if _postgresql() else _hits_sqlite)(
        options, total)
    # SQLite allows 500 terms in one compound SELECT; a long query with synonyms has more.
    union = " UNION ALL ".join(f"SELECT * FROM ({' UNION ALL '.join(selects[start:start + COMPOUND_LIMIT])}) AS part"
                               for start in range(0, len(selects), COMPOUND_LIMIT))
    sql = f"""
        WITH hits (clause, option, field, weight, exact, doc, score) AS ({union}),
        counted AS (SELECT *, count(*) OVER (PARTITION BY option, field) AS n FROM hits),
        fields AS (SELECT clause, option, doc, score * weight * {factor} AS s FROM counted),
        options AS (SELECT clause, option, doc, max(s) + {TIE_BREAKER} * (sum(s) - max(s)) AS s
                    FROM fields GROUP BY clause, option, doc),
        clauses AS (SELECT clause, doc, max(s) AS s FROM options GROUP BY clause, doc)
        SELECT doc, sum(s) FROM clauses GROUP BY doc HAVING count(*) >= %s"""
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters + factor_parameters + [plan.minimum_should_match()])
        return dict(cursor.fetchall())


# --- Searching -------------------------------------------------------------------------
def search(request: SearchRequest) -> EngineResult:
    _fresh()  # once per search: the rest reads what this process remembers
    documents = _documents()
    plan = request.query_plan()
    matches = None if plan.is_empty else _remembered_matches(plan, documents)
    allowed = documents.everything
    if request.price_min is not None or request.price_max is not None:
        allowed &= documents.price_mask(request.price_min, request.price_max)
    if request.in_stock:
        allowed &= ~documents.sold_out
    if request.only_keys is not None:
        allowed &= documents.keys_mask(request.only_keys)
    if request.exclude_keys:
        allowed &= ~documents.keys_mask(request.exclude_keys)
    if matches is not None:
        allowed &= matches.mask

    # Multi-select facets: each facet counts what every *other* filter lets through,
    # so choosing one district keeps the other districts' counts.
    chosen = {}
    for facet, values in request.filters.items():
        mask = 0
        for value in values:
            mask |= documents.facets[facet].get(value, 0)
        chosen[facet] = mask
    facets = {}
    for facet in FACETS:
        through = allowed
        for other, mask in chosen.items():
            if other != facet:
                through &= mask
        counts = {value: (through & mask).bit_count() for value, mask in documents.facets[facet].items()}
        facets[facet] = dict(sorted(((value, count) for value, count in counts.items() if count),
                                    key=lambda item: (-item[1], item[0])))
    for mask in chosen.values():
        allowed &= mask

    now = timezone.now()
    flags = allowed.to_bytes((documents.size + 7) // 8, "little")

    def kept(position: int) -> bool:
        return bool(flags[position >> 3] >> (position & 7) & 1)

    wanted = request.offset + request.limit
    if matches is not None and request.near and allowed == matches.mask:  # no filter: every match
        scored = matches.ranked(documents, now)
    elif matches is not None and request.near:
        scored = [item for item in matches.ranked(documents, now) if kept(item[1])]
    elif matches is not None:
        scored = []
        for item in matches.ranked(documents, now):
            if kept(item[1]):
                scored.append(item)
                if len(scored) >= wanted:
                    break
    elif request.near:
        scored = [(documents.weight(position, now), position) for position in range(documents.size)
                  if kept(position)]
    else:
        scored = []
        for position in documents.order(now):
            if kept(position):
                scored.append((documents.weight(position, now), position))
                if len(scored) >= wanted:
                    break
    if request.near:
        page, distances = _nearest(documents, scored, request.near, wanted)
    else:
        distances = {}
        page = heapq.nsmallest(wanted, scored, key=lambda item: (
            -item[0], documents.titles[item[1]], documents.keys[item[1]]))
    page = page[request.offset:]
    data = dict(SearchDocument.objects.filter(id__in=[documents.ids[position] for _score, position in page])
                .values_list("id", "data"))
    hits = [Hit(key=documents.keys[position], type=documents.types[position], score=round(score, 4),
                fields=data[documents.ids[position]], distance_km=distances.get(position))
            for score, position in page if documents.ids[position] in data]
    return EngineResult(
        engine=NAME, total=allowed.bit_count(), hits=hits, facets=facets,
        suggestion=did_you_mean(request.q, plan) if not plan.is_empty else None,
    )


def _nearest(documents: Documents, scored: list[tuple[float, int]], near: tuple[float, float],
             wanted: int) -> tuple[list[tuple[float, int]], dict[int, float]]:
    """The `wanted` first of `scored` by distance from `near` (then score, then key), those
    without a location last, and the kilometres to each of them. Ordered by the straight
    line through the sphere (the same order as the great-circle distance); the kilometres,
    with their trigonometry, only for the page ("waduk" near a point: 5,000 matches)."""
    x0, y0, z0 = _unit_vector(*near)
    points, keys = documents.points, documents.keys
    located = [item for item in scored if points[item[1]] is not None]
    unlocated = [(-score, keys[position], score, position) for score, position in scored
                 if points[position] is None] if len(located) < len(scored) else []
    chords = [(x - x0) * (x - x0) + (y - y0) * (y - y0) + (z - z0) * (z - z0)
              for x, y, z in (points[position] for _score, position in located)]
    # Only what can reach the page is ordered in full: the floats alone find the farthest of it.
    farthest = heapq.nsmallest(wanted, chords)[-1] if len(chords) > wanted else math.inf
    page = [(item[3], item[4]) for item in heapq.nsmallest(wanted, (
        (chord, -score, keys[position], score, position)
        for chord, (score, position) in zip(chords, located, strict=True) if chord <= farthest))]
    if len(page) < wanted:
        page += [(item[2], item[3]) for item in heapq.nsmallest(wanted - len(page), unlocated)]
    latitude, longitude = near
    distances = {position: haversine_km(latitude, longitude, documents.latitudes[position],
                                        documents.longitudes[position])
                 for _score, position in page if documents.points[position] is not None}
    return page, distances


def did_you_mean(query: str, plan: QueryPlan) -> str | None:
    """The query with each unknown word replaced by the closest known word, if any
    (after search() made sure the vocabulary is the current one)."""
    vocabulary = _vocabulary()
    covered = {word for clause in plan.clauses if len(clause.alternatives) > 1 for word in clause.text.split()}
    # A last word that begins indexed words is being typed, not misspelt: its completions were searched.
    if plan.prefix and prefix_completions(plan.prefix):
        covered.add(plan.prefix)
    corrected, changed = [], False
    for token in tokenise(query):
        if (token in vocabulary[SearchTerm.WORD] or token in covered or token.isdigit() or len(token) < 4
                or token in STOP_WORDS["id"] or token in STOP_WORDS["en"]
                or stem(token, "id") in vocabulary[SearchTerm.STEM]
                or stem(token, "en") in vocabulary[SearchTerm.STEM]):
            corrected.append(token)
            continue
        candidates = _similar(token, SearchTerm.WORD)
        if not candidates:
            corrected.append(token)
            continue
        corrected.append(candidates[0][0])
        changed = True
    return " ".join(corrected) if changed else None


def suggest(query: str, language: str, *, types: list[str] | None = None, limit: int = 8) -> list[dict]:
    """Titles that start with, or have a word starting with, what was typed."""
    prefix = " ".join(tokenise(query))
    if not prefix:
        return []
    column = f"suggest_{language}"
    documents = SearchDocument.objects.filter(
        Q(**{f"{column}__startswith": prefix}) | Q(**{f"{column}__contains": " " + prefix}))
    if types:
        documents = documents.filter(type__in=types)
    rows = documents.order_by("-popularity", column).values_list("type", "data", column)[:limit * 3]
    suggestions = []
    for type_name, data, title in rows:
        starts = title.startswith(prefix)
        suggestions.append((not starts, {"text": data["show"]["title"][language], "type": type_name,
                                         "url": data["show"]["url"][language]}))
    suggestions.sort(key=lambda item: item[0])  # whole-title matches first, popularity kept within
    return [suggestion for _rest, suggestion in suggestions[:limit]]


def document_count() -> int:
    return SearchDocument.objects.count()
