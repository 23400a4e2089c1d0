"""The database search engine: analysed documents in two tables, searched with
plain SQL that runs alike on SQLite and PostgreSQL.

Why not Wagtail's modelsearch backend: it analyses text its own way per
database (FTS5's tokenizer, PostgreSQL's text-search configurations), has no
typo tolerance, geo sort or multi-select facets, and cannot take our stems and
synonyms. Here the stems come from search/analysis.py, exactly as sent to
Elasticsearch, and ranking follows the same rules (BM25-like term weights, title
> summary > body, best field plus a tie-breaker, popularity, past events lower).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from search.analysis import (
    LANGUAGES,
    STOP_WORDS,
    QueryPlan,
    auto_fuzziness,
    edit_distance,
    normalise,
    stem,
    tokenise,
)
from search.documents import DATED_TYPES
from search.models import SearchDocument, SearchPosting, SearchTerm
from search.params import FACETS, SearchRequest
from search.results import (
    FIELD_WEIGHTS,
    FUZZY_WEIGHT,
    PAST_EVENT_WEIGHT,
    TIE_BREAKER,
    WORDS_WEIGHT,
    EngineResult,
    Hit,
    haversine_km,
    popularity_factor,
)

NAME = "database"
FIELD_CODES = {
    ("title", "id"): SearchPosting.TITLE_ID, ("summary", "id"): SearchPosting.SUMMARY_ID,
    ("body", "id"): SearchPosting.BODY_ID, ("title", "en"): SearchPosting.TITLE_EN,
    ("summary", "en"): SearchPosting.SUMMARY_EN, ("body", "en"): SearchPosting.BODY_EN,
    ("tags", "id"): SearchPosting.TAGS_ID, ("tags", "en"): SearchPosting.TAGS_EN,
}
MAX_EXPANSIONS = 50
BM25_K1 = 1.2
SQL_IN_LIMIT = 900  # below SQLite's old 999-variable limit


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
    """Write (or, for None, remove) documents and their postings, all or nothing."""
    if not fields_by_key:
        return
    now = timezone.now()
    with transaction.atomic():
        existing = {}
        keys = list(fields_by_key)
        for start in range(0, len(keys), SQL_IN_LIMIT):
            existing.update(SearchDocument.objects.filter(key__in=keys[start:start + SQL_IN_LIMIT])
                            .values_list("key", "id"))
        gone = [existing[key] for key, fields in fields_by_key.items() if fields is None and key in existing]
        for start in range(0, len(gone), SQL_IN_LIMIT):
            SearchDocument.objects.filter(id__in=gone[start:start + SQL_IN_LIMIT]).delete()
        present = {key: fields for key, fields in fields_by_key.items() if fields is not None}
        kept_ids = [existing[key] for key in present if key in existing]
        for start in range(0, len(kept_ids), SQL_IN_LIMIT):
            SearchPosting.objects.filter(document_id__in=kept_ids[start:start + SQL_IN_LIMIT]).delete()
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
        postings, stems, surface = [], set(), set()
        for document in created + updated:
            fields = present[document.key]
            for (field_name, language), code in FIELD_CODES.items():
                counts = Counter(fields.get(f"{field_name}_{language}", "").split())
                stems.update(counts)
                postings += [(document.pk, code, term, count) for term, count in counts.items()]
            counts = Counter(fields.get("words", "").split())
            surface.update(counts)
            postings += [(document.pk, SearchPosting.WORDS, term, count) for term, count in counts.items()]
        _insert_postings(postings)
        _add_vocabulary(stems, surface)


def _insert_postings(rows: list[tuple[int, int, str, int]]) -> None:
    """Plain executemany: a thousand documents have a hundred thousand postings,
    and building a model instance for each took most of the indexing time."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(SearchPosting._meta.db_table)
    columns = ", ".join(quote(SearchPosting._meta.get_field(name).column)
                        for name in ("document", "field", "term", "frequency"))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s)", rows[start:start + 5000])


def _add_vocabulary(stems: set[str], surface: set[str]) -> None:
    vocabulary = _vocabulary()
    new = [SearchTerm(term=term, kind=SearchTerm.STEM) for term in stems - vocabulary[SearchTerm.STEM]]
    new += [SearchTerm(term=term, kind=SearchTerm.WORD) for term in surface - vocabulary[SearchTerm.WORD]]
    if new:
        SearchTerm.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)


def clear() -> None:
    """Empty the engine (a rebuild refills it)."""
    with transaction.atomic():
        SearchPosting.objects.all().delete()
        SearchDocument.objects.all().delete()
        SearchTerm.objects.all().delete()
    _vocabulary_cache.clear()


def stored_fields(keys: list[str]) -> dict[str, dict | None]:
    """The stored documents for keys (None where there is none): what Elasticsearch receives."""
    found = {}
    for start in range(0, len(keys), SQL_IN_LIMIT):
        found.update(SearchDocument.objects.filter(key__in=keys[start:start + SQL_IN_LIMIT])
                     .values_list("key", "data"))
    return {key: found.get(key) for key in keys}


# --- Vocabulary (typo tolerance, "did you mean") -------------------------------------
_vocabulary_cache: dict = {}


def _vocabulary() -> dict[int, set[str]]:
    """Every stem and word, cached in this process until the table grows."""
    size = SearchTerm.objects.count()
    if _vocabulary_cache.get("size") != size:
        sets = {SearchTerm.STEM: set(), SearchTerm.WORD: set()}
        for term, kind in SearchTerm.objects.values_list("term", "kind").iterator(chunk_size=5000):
            sets[kind].add(term)
        buckets = {kind: defaultdict(list) for kind in sets}
        for kind, terms in sets.items():
            for term in terms:
                buckets[kind][term[0]].append(term)
        _vocabulary_cache.update(size=size, sets=sets, buckets=buckets, similar={})
    return _vocabulary_cache["sets"]


def _similar(term: str, kind: int) -> list[tuple[str, int]]:
    """Vocabulary terms within Elasticsearch's AUTO edit distance of `term`.

    Candidates share the first letter: a typo there is rare, and the bucket
    keeps this to a few hundred comparisons."""
    limit = auto_fuzziness(term)
    if limit == 0:
        return []
    _vocabulary()
    remembered = _vocabulary_cache.setdefault("similar", {})
    if (term, kind) in remembered:  # queries repeat; the vocabulary's size keys this cache
        return remembered[(term, kind)]
    found = []
    for candidate in _vocabulary_cache["buckets"][kind].get(term[0], ()):
        if candidate == term or abs(len(candidate) - len(term)) > limit:
            continue
        distance = edit_distance(term, candidate, limit)
        if distance <= limit:
            found.append((candidate, distance))
    found.sort(key=lambda item: (item[1], item[0]))
    if len(remembered) > 20_000:
        remembered.clear()
    remembered[(term, kind)] = found[:MAX_EXPANSIONS]
    return remembered[(term, kind)]


# --- Searching -------------------------------------------------------------------------
def _expansions(plan: QueryPlan) -> tuple[dict, dict]:
    """Each query stem -> the indexed stems that count for it, with weights; and
    each typed word -> the indexed surface words within typo distance."""
    stems = {}
    for stem_ in plan.all_stems():
        variants = [(stem_, 1.0)]
        for candidate, distance in _similar(stem_, SearchTerm.STEM):
            variants.append((candidate, FUZZY_WEIGHT * (1 - distance / max(len(stem_), 1))))
        stems[stem_] = variants
    surface = {}
    for clause in plan.clauses:
        for alternative in clause.alternatives:
            for word in alternative.surface_words:
                if word not in surface:
                    surface[word] = [(word, 1.0)] + [
                        (candidate, 1 - distance / max(len(word), 1))
                        for candidate, distance in _similar(word, SearchTerm.WORD)]
    return stems, surface


def _text_scores(plan: QueryPlan) -> dict[int, float]:
    """Score every document matching enough clauses, term by term rather than
    document by document: the work grows with the postings read, not with
    documents times clauses times alternatives."""
    expansions, word_expansions = _expansions(plan)
    # The typed word itself is not looked up among surface words: wherever it
    # occurs its stem matches too, with more weight. Only its typo variants help.
    word_expansions = {word: variants[1:] for word, variants in word_expansions.items()}
    postings: dict[tuple[int, str], list[tuple[int, int]]] = defaultdict(list)
    for codes, variants_by_term in ((list(FIELD_CODES.values()), expansions),
                                    ([SearchPosting.WORDS], word_expansions)):
        terms = sorted({term for variants in variants_by_term.values() for term, _weight in variants})
        for start in range(0, len(terms), SQL_IN_LIMIT):
            rows = (SearchPosting.objects.filter(term__in=terms[start:start + SQL_IN_LIMIT], field__in=codes)
                    .values_list("field", "term", "document_id", "frequency"))
            for field_code, term, document_id, frequency in rows.iterator(chunk_size=10000):
                postings[(field_code, term)].append((document_id, frequency))
    if not postings:
        return {}
    total_documents = max(SearchDocument.objects.count(), 1)
    memo: dict[tuple[str, int, bool], dict[int, float]] = {}

    def term_scores(query_term: str, field_code: int, surface: bool) -> dict[int, float]:
        """Document -> the best score of any variant of query_term in one field."""
        key = (query_term, field_code, surface)
        if key not in memo:
            best: dict[int, float] = {}
            variants = word_expansions[query_term] if surface else expansions[query_term]
            for term, variant_weight in variants:
                documents = postings.get((field_code, term), ())
                if not documents:
                    continue
                df = len(documents)
                idf = math.log(1 + (total_documents - df + 0.5) / (df + 0.5)) * variant_weight
                for document_id, frequency in documents:
                    score = idf * frequency * (BM25_K1 + 1) / (frequency + BM25_K1)
                    if score > best.get(document_id, 0.0):
                        best[document_id] = score
            memo[key] = best
        return memo[key]

    def all_of(query_terms, field_code: int, surface: bool) -> dict[int, float]:
        """Documents with every term of a phrase in the field, and their summed score."""
        per_term = [term_scores(term, field_code, surface) for term in query_terms]
        per_term.sort(key=len)
        if not per_term or not per_term[0]:
            return {}
        return {document_id: sum(scores[document_id] for scores in per_term)
                for document_id in per_term[0] if all(document_id in scores for scores in per_term[1:])}

    needed = plan.minimum_should_match()
    matched: Counter = Counter()
    totals: dict[int, float] = defaultdict(float)
    for clause in plan.clauses:
        clause_best: dict[int, float] = {}
        for alternative in clause.alternatives:
            candidates: list[dict[int, float]] = []
            for language in LANGUAGES:
                stems = alternative.stems[language]
                if not stems:
                    continue
                fields = [(weight, all_of(stems, FIELD_CODES[(name, language)], False))
                          for name, weight in FIELD_WEIGHTS.items()]
                combined: dict[int, float] = {}
                for document_id in set().union(*(scores for _weight, scores in fields)):
                    field_scores = [weight * scores[document_id] for weight, scores in fields if document_id in scores]
                    top = max(field_scores)
                    combined[document_id] = top + TIE_BREAKER * (sum(field_scores) - top)
                candidates.append(combined)
            if alternative.surface_words:
                words = all_of(alternative.surface_words, SearchPosting.WORDS, True)
                candidates.append({document_id: WORDS_WEIGHT * score for document_id, score in words.items()})
            for scores in candidates:
                for document_id, score in scores.items():
                    score *= alternative.weight
                    if score > clause_best.get(document_id, 0.0):
                        clause_best[document_id] = score
        for document_id, score in clause_best.items():
            matched[document_id] += 1
            totals[document_id] += score
    return {document_id: totals[document_id] for document_id, count in matched.items() if count >= needed}


ROW_FIELDS = ("id", "key", "type", "district", "category", "motif", "fabric", "dye", "colors",
              "latitude", "longitude", "popularity", "ends_at", "suggest_id")


def _facet_values(row: dict, facet: str) -> list[str]:
    if facet == "color":
        return [value for value in row["colors"].split("|") if value]
    value = row[facet]
    return [value] if value else []


def search(request: SearchRequest) -> EngineResult:
    plan = request.query_plan()
    text_scores = None if plan.is_empty else _text_scores(plan)
    documents = SearchDocument.objects.all()
    if request.price_min is not None:
        documents = documents.filter(price_idr__gte=request.price_min)
    if request.price_max is not None:
        documents = documents.filter(price_idr__lte=request.price_max)
    if request.in_stock:
        documents = documents.exclude(type="product", in_stock=False)
    if request.only_keys is not None:
        documents = documents.filter(key__in=list(request.only_keys))
    if request.exclude_keys:
        documents = documents.exclude(key__in=list(request.exclude_keys))
    if text_scores is not None and len(text_scores) <= SQL_IN_LIMIT:
        documents = documents.filter(id__in=list(text_scores))
    rows = [dict(zip(ROW_FIELDS, values, strict=True)) for values in documents.values_list(*ROW_FIELDS)]
    if text_scores is not None:
        rows = [row for row in rows if row["id"] in text_scores]

    # Multi-select facets: each facet counts what every *other* filter lets through,
    # so choosing one district keeps the other districts' counts.
    filters = {facet: set(values) for facet, values in request.filters.items()}
    facets: dict[str, Counter] = {facet: Counter() for facet in FACETS}
    matching = []
    for row in rows:
        values = {facet: _facet_values(row, facet) for facet in FACETS}
        failed = [facet for facet, wanted in filters.items() if wanted.isdisjoint(values[facet])]
        if not failed:
            matching.append(row)
            for facet in FACETS:
                for value in values[facet]:
                    facets[facet][value] += 1
        elif len(failed) == 1:  # counted for the one facet it fails: the other choices there
            for value in values[failed[0]]:
                facets[failed[0]][value] += 1

    now = timezone.now()
    for row in matching:
        score = text_scores[row["id"]] if text_scores is not None else 1.0
        score *= popularity_factor(row["popularity"])
        if row["type"] in DATED_TYPES and row["ends_at"] is not None and row["ends_at"] < now:
            score *= PAST_EVENT_WEIGHT
        row["score"] = score
        row["distance_km"] = None
        if request.near and row["latitude"] is not None and row["longitude"] is not None:
            row["distance_km"] = haversine_km(request.near[0], request.near[1], row["latitude"], row["longitude"])
    if request.near:
        matching.sort(key=lambda row: (row["distance_km"] is None, row["distance_km"] or 0.0,
                                       -row["score"], row["key"]))
    else:
        matching.sort(key=lambda row: (-row["score"], row["suggest_id"], row["key"]))

    page_rows = matching[request.offset:request.offset + request.limit]
    data = dict(SearchDocument.objects.filter(id__in=[row["id"] for row in page_rows]).values_list("id", "data"))
    hits = [Hit(key=row["key"], type=row["type"], score=round(row["score"], 4), fields=data[row["id"]],
                distance_km=row["distance_km"]) for row in page_rows]
    return EngineResult(
        engine=NAME, total=len(matching), hits=hits,
        facets={facet: dict(sorted(counter.items(), key=lambda item: (-item[1], item[0])))
                for facet, counter in facets.items()},
        suggestion=did_you_mean(request.q, plan) if not plan.is_empty else None,
    )


def did_you_mean(query: str, plan: QueryPlan) -> str | None:
    """The query with each unknown word replaced by the closest known word, if any."""
    vocabulary = _vocabulary()
    covered = {word for clause in plan.clauses if len(clause.alternatives) > 1 for word in clause.text.split()}
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

