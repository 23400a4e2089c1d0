"""The Elasticsearch engine, through elasticsearch.dsl.

The one module (with the tests) that talks to Elasticsearch. It uses only what
the bare server offers (the integ-test-zip CI runs): `whitespace` analysis of
the stems search/analysis.py made, `completion` with contexts for suggestions,
fuzziness AUTO (typed phrases; a word's typos come from the vocabulary), terms aggregations with a post_filter for multi-select facets,
geo-distance sort, function_score with field_value_factor for popularity.

All documents live in one index behind an alias (settings.ELASTICSEARCH_INDEX);
a rebuild fills a new index and swaps the alias in one atomic call.
"""

from __future__ import annotations

import json
import logging
import math
import time
import uuid

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone
from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError, helpers
from elasticsearch.dsl import (
    A,
    Boolean,
    Completion,
    Date,
    Document,
    Float,
    GeoPoint,
    Index,
    Keyword,
    Long,
    MetaField,
    Object,
    Q,
    Search,
    Text,
)

from search.analysis import LANGUAGES, STOP_WORDS, QueryPlan, auto_fuzziness, stem, tokenise
from search.documents import DATED_TYPES
from search.engine_database import prefix_completions, text_generation, typo_variants
from search.params import FACETS, SearchRequest
from search.results import (
    FIELD_WEIGHTS,
    FUZZY_WEIGHT,
    PAST_EVENT_WEIGHT,
    PREFIX_WEIGHT,
    TIE_BREAKER,
    WORDS_WEIGHT,
    EngineResult,
    EngineUnavailable,
    Hit,
    Remembered,
)

logger = logging.getLogger(__name__)
NAME = "elasticsearch"
# After a failed call, searches go straight to the database engine for this long
# instead of each waiting for the timeout again.
RETRY_AFTER_SECONDS = 5.0
ALIAS_CHECK_SECONDS = 60.0
FAILURES = (TransportError, ApiError)


class SearchEntry(Document):
    """One searchable thing; the text fields hold stems separated by spaces."""

    key = Keyword()
    type = Keyword()
    slug = Keyword()
    sort_title = Keyword()
    title_id = Text(analyzer="whitespace")
    summary_id = Text(analyzer="whitespace")
    body_id = Text(analyzer="whitespace")
    title_en = Text(analyzer="whitespace")
    summary_en = Text(analyzer="whitespace")
    body_en = Text(analyzer="whitespace")
    # Tags are labels, not prose: a long list of them is no weaker a match (no length norms).
    tags_id = Text(analyzer="whitespace", norms=False)
    tags_en = Text(analyzer="whitespace", norms=False)
    words = Text(analyzer="whitespace")  # surface words, for "did you mean"
    district = Keyword()
    category = Keyword()
    motif = Keyword()
    fabric = Keyword()
    dye = Keyword()
    color = Keyword()
    kind = Keyword()
    price_idr = Long()
    in_stock = Boolean()
    location = GeoPoint()
    popularity = Float()
    date_end = Date()
    suggest = Completion(analyzer="simple", contexts=[
        {"name": "lang", "type": "category"},
        {"name": "type", "type": "category"},
    ])
    show = Object(enabled=False)  # what results display; stored, not searched

    class Meta:
        dynamic = MetaField(False)


INDEX_SETTINGS = {
    "number_of_shards": 1,
    # One replica as soon as there is a second node, none on a single node.
    "auto_expand_replicas": "0-1",
}


# --- Connection and health -------------------------------------------------------------
_clients: dict = {}
_down_until: dict = {}
_alias_seen: dict = {}


def _settings_key() -> tuple:
    return tuple(settings.ELASTICSEARCH_URLS), float(settings.ELASTICSEARCH_TIMEOUT)


def client() -> Elasticsearch:
    key = _settings_key()
    if key not in _clients:
        urls, timeout = key
        _clients[key] = Elasticsearch(
            list(urls), request_timeout=timeout,
            # A refused connection moves on to the next node; a slow node is not
            # retried, so a search never waits much past the timeout.
            max_retries=max(len(urls) - 1, 0), retry_on_timeout=False,
        )
    return _clients[key]


def alias_name() -> str:
    return settings.ELASTICSEARCH_INDEX


def is_configured() -> bool:
    return bool(settings.ELASTICSEARCH_URLS)


def recently_failed() -> bool:
    return time.monotonic() < _down_until.get(_settings_key(), 0.0)


def mark_down(error: Exception) -> None:
    logger.warning("Elasticsearch unavailable (%s); the database engine answers for %.0f s",
                   error.__class__.__name__, RETRY_AFTER_SECONDS)
    _down_until[_settings_key()] = time.monotonic() + RETRY_AFTER_SECONDS


def mark_up() -> None:
    _down_until.pop(_settings_key(), None)


def health() -> str:
    """"ok" when the cluster answers and the alias exists, else "down"."""
    try:
        cluster = client().cluster.health()
        if cluster.get("status") == "red" or not client().indices.exists_alias(name=alias_name()):
            return "down"
    except FAILURES as error:
        mark_down(error)
        return "down"
    mark_up()
    return "ok"


# --- Index management ----------------------------------------------------------------------
def _new_index_name() -> str:
    return f"{alias_name()}-{timezone.now():%Y%m%d%H%M%S}-{uuid.uuid4().hex[:6]}"


def create_index(name: str | None = None, *, replicas: int | None = None) -> str:
    name = name or _new_index_name()
    # Not a visitor's wait: a cluster allocating shards on a loaded machine takes longer
    # than a search's timeout (CI saw the three-node test time out at 2 s).
    index = Index(name, using=client().options(request_timeout=max(settings.ELASTICSEARCH_TIMEOUT, 30)))
    index_settings = dict(INDEX_SETTINGS)
    if replicas is not None:
        index_settings.pop("auto_expand_replicas")
        index_settings["number_of_replicas"] = replicas
    index.settings(**index_settings)
    index.document(SearchEntry)
    index.create()
    return name


def indices_behind_alias() -> list[str]:
    try:
        return sorted(client().indices.get_alias(name=alias_name()).body)
    except NotFoundError:
        return []


def ensure_alias() -> None:
    """Create the index and alias on first use (a fresh cluster); checked once a minute."""
    key = _settings_key() + (alias_name(),)
    if time.monotonic() < _alias_seen.get(key, 0.0):
        return
    es = client()
    if not es.indices.exists_alias(name=alias_name()):
        if es.indices.exists(index=alias_name()):
            raise EngineUnavailable(f"{alias_name()} is an index, not an alias: run search_index --rebuild")
        name = create_index()
        try:
            es.indices.update_aliases(actions=[{"add": {"index": name, "alias": alias_name()}}])
        except ApiError:
            es.indices.delete(index=name, ignore_unavailable=True)
            raise
        if len(indices_behind_alias()) > 1:  # another worker created one at the same moment
            es.indices.update_aliases(actions=[{"remove": {"index": name, "alias": alias_name()}}])
            es.indices.delete(index=name, ignore_unavailable=True)
    _alias_seen[key] = time.monotonic() + ALIAS_CHECK_SECONDS


def swap_alias(new_index: str) -> list[str]:
    """Point the alias at new_index only, in one atomic call; return the indices it left."""
    es = client()
    old = indices_behind_alias()
    actions = [{"add": {"index": new_index, "alias": alias_name()}}]
    actions += [{"remove": {"index": name, "alias": alias_name()}} for name in old if name != new_index]
    if not old and es.indices.exists(index=alias_name()):
        # A concrete index squatting on the alias's name goes in the same atomic call.
        actions.append({"remove_index": {"index": alias_name()}})
    es.indices.update_aliases(actions=actions)
    _alias_seen.pop(_settings_key() + (alias_name(),), None)
    return [name for name in old if name != new_index]


def delete_index(name: str) -> None:
    client().indices.delete(index=name, ignore_unavailable=True)


def refresh(index: str | None = None) -> None:
    client().indices.refresh(index=index or alias_name())


KEYWORD_FIELDS = ("district", "category", "motif", "fabric", "dye", "kind")
NO_TAGS = "_"


def _source(fields: dict) -> dict:
    source = {name: value for name, value in fields.items() if name != "suggest"}
    for name in KEYWORD_FIELDS:  # an empty value is no value, not an empty facet bucket
        source[name] = source.get(name) or None
    for language in LANGUAGES:
        # BM25 weighs a word by the documents that have the field: were only the few tagged
        # documents counted, a tag would weigh next to nothing. A token no query can contain
        # (analysis keeps letters and digits) gives every document the field.
        source[f"tags_{language}"] = fields.get(f"tags_{language}") or NO_TAGS
    source["sort_title"] = " ".join(tokenise(fields["show"]["title"].get("id", "")))[:200]
    weight = max(1, min(int(round((fields.get("popularity") or 0) * 10)), 1000))
    source["suggest"] = [
        {"input": fields["suggest"][language], "weight": weight,
         "contexts": {"lang": [language], "type": [fields["type"]]}}
        for language in LANGUAGES if fields["suggest"].get(language)
    ]
    return source


def write(fields_by_key: dict[str, dict | None], *, index: str | None = None) -> dict[str, str]:
    """Index or delete documents in bulk; returns {key: error} for those that failed.

    Raises EngineUnavailable when Elasticsearch cannot be reached at all."""
    if not fields_by_key:
        return {}
    try:
        if index is None:
            ensure_alias()
        target = index or alias_name()
        actions = []
        for key, fields in fields_by_key.items():
            if fields is None:
                actions.append({"_op_type": "delete", "_index": target, "_id": key})
            else:
                actions.append({"_op_type": "index", "_index": target, "_id": key, "_source": _source(fields)})
        # Bulk writes run after the response, not while a visitor waits: a longer timeout.
        writer = client().options(request_timeout=max(settings.ELASTICSEARCH_TIMEOUT, 30))
        _ok, errors = helpers.bulk(writer, actions, raise_on_error=False, chunk_size=500)
    except FAILURES as error:
        mark_down(error)
        raise EngineUnavailable(str(error)) from error
    failed = {}
    for error in errors:
        operation, detail = next(iter(error.items()))
        if operation == "delete" and detail.get("status") == 404:
            continue  # already gone
        failed[detail.get("_id")] = str(detail.get("error") or detail.get("status"))
    return failed


def document_ids(index: str | None = None) -> set[str]:
    return {hit["_id"] for hit in helpers.scan(client(), index=index or alias_name(), _source=False,
                                               query={"query": {"match_all": {}}})}


def document_count(index: str | None = None) -> int:
    return client().count(index=index or alias_name())["count"]


# --- Searching -------------------------------------------------------------------------
def _field_list(language: str) -> list[str]:
    return [f"{name}_{language}^{weight}" for name, weight in FIELD_WEIGHTS.items()]


# Typo tolerance, where the vocabulary cannot give it (a typed phrase of several stems): the
# first letter as typed, as the suggestions have it. Such a query makes the node expand its word
# into the index's words within AUTO edits, field by field, before anything is scored.
FUZZY_PREFIX_LENGTH = 1
TYPED = 1.0  # an alternative's weight when it is the words as typed (synonyms weigh less)


def _variants_by_weight(term: str, weight: float, *, words: bool = False) -> dict[float, list[str]]:
    """The vocabulary's typo variants of one typed term, grouped by the weight each gets: less
    the more edits away, as the database engine weighs them."""
    grouped: dict[float, list[str]] = {}
    for variant, edits in typo_variants(term, words=words):
        grouped.setdefault(round(weight * (1 - edits / max(len(term), 1)), 3), []).append(variant)
    return grouped


def text_query(plan: QueryPlan, *, from_vocabulary: bool = True):
    """One dis_max per clause (its alternatives in each language, exact and
    typo-tolerant), of which minimum_should_match must match.

    Only the words as typed are matched typo-tolerantly: a synonym is the rule's word,
    spelt right. A typed word's typos are the vocabulary's variants of it (the same
    `engine_database.typo_variants` the database engine uses), sent as plain terms: a
    fuzzy query made the node walk its terms dictionary for each word, field and
    language, most of a first search's time ("ziarah makam ulama": 9 fuzzy queries,
    ~100 ms at 10k documents). An option already in the clause's dis_max is not added
    again: dis_max keeps the best score, so a repeat changes nothing but costs a query
    per field ("religi" is the English stem of both "religi" and "religious").
    Without `from_vocabulary` (the database could not be read) every typo-tolerant option
    is the node's fuzzy query, as a typed phrase's is."""
    clauses = []
    for clause in plan.clauses:
        options, seen = [], set()
        for alternative in clause.alternatives:
            for language in LANGUAGES:
                stems = alternative.stems[language]
                if not stems or (language, stems, alternative.weight) in seen:
                    continue
                seen.add((language, stems, alternative.weight))
                common = {"fields": _field_list(language), "type": "best_fields", "tie_breaker": TIE_BREAKER}
                options.append(Q("multi_match", query=" ".join(stems), operator="and", boost=alternative.weight,
                                 **common))
                if alternative.weight < TYPED:
                    continue
                if len(stems) == 1 and from_vocabulary:
                    for weight, variants in _variants_by_weight(stems[0], alternative.weight * FUZZY_WEIGHT).items():
                        options.append(Q("multi_match", query=" ".join(variants), operator="or", boost=weight,
                                         **common))
                else:
                    options.append(Q("multi_match", query=" ".join(stems), operator="and", fuzziness="AUTO",
                                     prefix_length=FUZZY_PREFIX_LENGTH, max_expansions=50,
                                     boost=alternative.weight * FUZZY_WEIGHT, **common))
            words = tuple(alternative.surface_words)
            if words and alternative.weight >= TYPED and ("words", words, alternative.weight) not in seen:
                seen.add(("words", words, alternative.weight))
                if len(words) == 1 and from_vocabulary:
                    options.append(Q("match", words={"query": words[0], "boost": alternative.weight * WORDS_WEIGHT}))
                    for weight, variants in _variants_by_weight(words[0], alternative.weight * WORDS_WEIGHT,
                                                                words=True).items():
                        options.append(Q("match", words={"query": " ".join(variants), "operator": "or",
                                                         "boost": weight}))
                else:
                    options.append(Q("match", words={
                        "query": " ".join(words), "operator": "and", "fuzziness": "AUTO",
                        "prefix_length": FUZZY_PREFIX_LENGTH, "max_expansions": 50,
                        "boost": alternative.weight * WORDS_WEIGHT}))
        if clause.prefix:
            options += _prefix_options(clause.prefix, from_vocabulary=from_vocabulary)
        clauses.append(Q("dis_max", queries=options))
    return Q("bool", should=clauses, minimum_should_match=plan.minimum_should_match())


def _prefix_options(word: str, *, from_vocabulary: bool) -> list:
    """The query's last word as the beginning of longer surface words, weighed below whole words:
    the vocabulary's completions (`engine_database.prefix_completions`, as the database engine)
    sent as plain terms, so the node walks no terms dictionary; without the vocabulary, the node's
    prefix query (a constant score)."""
    boost = WORDS_WEIGHT * PREFIX_WEIGHT
    if not from_vocabulary:
        return [Q("prefix", words={"value": word, "boost": boost})]
    completions = prefix_completions(word)
    if not completions:
        return []
    return [Q("match", words={"query": " ".join(completions), "operator": "or", "boost": boost})]


def _facet_filter(facet: str, values: list[str]):
    return Q("terms", **{facet: values})


def _this_minute() -> str:
    """Now, to the minute, for "has this event ended": Elasticsearch does not cache
    a request that says `now`, and one that names the minute is the same request
    for a whole minute (an event counts as ended up to a minute late)."""
    return timezone.now().replace(second=0, microsecond=0).isoformat()


def _source_fields(language: str) -> list[str]:
    """What result_item shows, in the request's language only: the analysed text
    stays on the server and the other language's texts are not sent."""
    shown = [f"show.{name}.{language}" for name in ("title", "url", "summary", "body", "label")]
    return ["type", "slug", "price_idr", "district", "category", "in_stock", "location",
            "show.image", "show.date_start", "show.date_end", "show.languages", *shown]


def build_search(request: SearchRequest, *, from_vocabulary: bool = True) -> Search:
    """The search, built with elasticsearch.dsl (search_body sends it as JSON text)."""
    plan = request.query_plan()
    base = Q("match_all") if plan.is_empty else text_query(plan, from_vocabulary=from_vocabulary)
    scored = Q("function_score", query=base, score_mode="multiply", boost_mode="multiply", functions=[
        {"field_value_factor": {"field": "popularity", "modifier": "ln2p", "missing": 0}},
        {"filter": Q("terms", type=list(DATED_TYPES)) & Q("range", date_end={"lt": _this_minute()}),
         "weight": PAST_EVENT_WEIGHT},
    ])
    filters = []
    if request.price_min is not None or request.price_max is not None:
        bounds = {}
        if request.price_min is not None:
            bounds["gte"] = request.price_min
        if request.price_max is not None:
            bounds["lte"] = request.price_max
        filters.append(Q("range", price_idr=bounds))
    if request.in_stock:
        filters.append(~(Q("term", type="product") & Q("term", in_stock=False)))
    if request.only_keys is not None:
        filters.append(Q("terms", key=list(request.only_keys)))
    query = Q("bool", must=[scored], filter=filters)
    if request.exclude_keys:
        query = query & ~Q("terms", key=list(request.exclude_keys))

    search = (Search(using=client(), index=alias_name()).query(query).extra(track_total_hits=True)
              .source(includes=_source_fields(request.lang)))
    facet_filters = {facet: _facet_filter(facet, values) for facet, values in request.filters.items()}
    if facet_filters:
        search = search.post_filter(Q("bool", filter=list(facet_filters.values())))
    for facet in FACETS:
        others = [condition for name, condition in facet_filters.items() if name != facet]
        values = A("terms", field=facet, size=100)
        if others:
            bucket = A("filter", filter=Q("bool", filter=others))
            bucket.bucket("values", values)
            search.aggs.bucket(facet, bucket)
        else:
            # The same counts as a filter aggregation around it that matches everything,
            # which costs ~5 ms more per search at 10k documents.
            search.aggs.bucket(facet, values)

    if request.near:
        latitude, longitude = request.near
        # The score comes back as the second sort value. Not track_scores: that scores the
        # page's hits again in the fetch phase, rebuilding the whole query (its typo-tolerant
        # parts are most of a search's cost) even when the shard cache has the answer.
        search = search.sort({"_geo_distance": {"location": {"lat": latitude, "lon": longitude},
                                                "order": "asc", "unit": "km", "ignore_unmapped": True}},
                             "_score", {"key": "asc"})
    else:
        search = search.sort("_score", {"sort_title": "asc"}, {"key": "asc"})
    if not plan.is_empty:
        text = " ".join(tokenise(request.q))
        search = search.suggest("did_you_mean", text, term={
            "field": "words", "suggest_mode": "missing", "min_word_length": 4, "prefix_length": 1,
            "max_edits": 2, "size": 3})
    return search[request.offset:request.offset + request.limit]


# The request bodies built, as JSON text (immutable), by what a body depends on; the most
# recently used kept. Building one with elasticsearch.dsl (a multi_match pair per alternative,
# language and field) and serialising it was a quarter of a search's Python.
_bodies = Remembered(1024)


def _plan_key(plan: QueryPlan) -> tuple:
    return tuple((clause.text, clause.prefix,
                  tuple((alternative.tokens, tuple(sorted(alternative.stems.items())), alternative.weight)
                        for alternative in clause.alternatives))
                 for clause in plan.clauses)


def _body_key(request: SearchRequest) -> tuple:
    """Everything build_search reads but the vocabulary: the query plan (so an editor's new
    synonym is a new key), the words typed (did you mean), language, filters, page, sort, and
    the minute (ended events)."""
    return (_plan_key(request.query_plan()), request.q, request.lang,
            tuple(sorted((facet, tuple(values)) for facet, values in request.filters.items())),
            request.price_min, request.price_max, request.in_stock, request.near, request.only_keys,
            request.exclude_keys, request.offset, request.limit, _this_minute())


# The vocabulary's generation this process last read (a str: rebinding it is one step for threads).
_last_generation: str | None = None


def _vocabulary_generation() -> str | None:
    """The database vocabulary's generation, or the last one read when the database cannot say
    now (SQLite's table locked by a writer, or down): a search on this path must not fail for
    the database. None when it never could."""
    global _last_generation
    try:
        _last_generation = text_generation()
    except DatabaseError:
        logger.warning("search: the vocabulary's generation could not be read; using the last one read")
    return _last_generation


def _body(request: SearchRequest, *, from_vocabulary: bool) -> bytes:
    return json.dumps(build_search(request, from_vocabulary=from_vocabulary).to_dict(), ensure_ascii=False,
                      separators=(",", ":")).encode()


def search_body(request: SearchRequest) -> bytes:
    """The request body build_search makes, as JSON, remembered per process by the vocabulary's
    generation (a new word is a typo variant at once). Where the vocabulary cannot be read,
    the node's own fuzzy queries instead, not remembered."""
    generation = _vocabulary_generation()
    if generation is not None:
        try:
            return _bodies.get((_body_key(request), generation), lambda: _body(request, from_vocabulary=True))
        except DatabaseError:
            logger.warning("search: the vocabulary could not be read; the node's fuzzy queries instead")
    return _body(request, from_vocabulary=False)


# What the node sends back: only what results show (the hits' sources are already limited to
# the request's language, see _source_fields), no shard statistics or index names.
RESPONSE_FIELDS = ",".join([
    "took", "hits.total.value", "hits.hits._id", "hits.hits._score", "hits.hits.sort", "hits.hits._source",
    "aggregations.*.buckets.key", "aggregations.*.buckets.doc_count",
    "aggregations.*.values.buckets.key", "aggregations.*.values.buckets.doc_count",
    "suggest.did_you_mean.text", "suggest.did_you_mean.options.text",
])


def _did_you_mean(request: SearchRequest, answer: dict) -> str | None:
    entries = answer.get("suggest", {}).get("did_you_mean")
    if not entries:
        return None
    plan = request.query_plan()
    covered = {word for clause in plan.clauses if len(clause.alternatives) > 1 for word in clause.text.split()}
    if plan.prefix and _begins_words(plan.prefix):
        covered.add(plan.prefix)  # being typed, not misspelt: its completions were searched
    corrected, changed = [], False
    for entry in entries:
        token = entry["text"]
        options = [option["text"] for option in entry.get("options", ())]
        usable = [option for option in options
                  if _close_enough(token, option) and stem(option, "id") != stem(token, "id")]
        if (not usable or token in covered or token in STOP_WORDS["id"] or token in STOP_WORDS["en"]):
            corrected.append(token)
            continue
        corrected.append(usable[0])
        changed = True
    return " ".join(corrected) if changed else None


def _begins_words(word: str) -> bool:
    """Whether indexed words begin with `word`; False when the vocabulary cannot be read now."""
    try:
        return bool(prefix_completions(word))
    except DatabaseError:
        return False


def _close_enough(token: str, option: str) -> bool:
    from search.analysis import edit_distance

    limit = auto_fuzziness(token)
    return limit > 0 and edit_distance(token, option, limit) <= limit


def search(request: SearchRequest) -> EngineResult:
    try:
        # request_cache: the shard keeps this request's answer (hits, total, facets, did-you-mean)
        # until the index next changes (a refresh), so a repeated search costs no matching.
        answer = client().search(index=alias_name(), body=search_body(request), request_cache=True,
                                 filter_path=RESPONSE_FIELDS).body
    except FAILURES as error:
        mark_down(error)
        raise EngineUnavailable(str(error)) from error
    # The answer as the node sent it (plain dicts), not elasticsearch.dsl's response objects.
    found = answer.get("hits", {})
    hits = []
    for hit in found.get("hits", ()):
        fields = hit.get("_source", {})
        distance, score = None, hit.get("_score")
        if request.near:
            value, score = hit["sort"][0], hit["sort"][1]
            distance = float(value) if value is not None and math.isfinite(float(value)) else None
            if distance is not None and "location" not in fields:
                distance = None
        hits.append(Hit(key=hit["_id"], type=fields.get("type", ""), score=round(score or 0.0, 4),
                        fields=fields, distance_km=distance))
    facets = {}
    aggregations = answer.get("aggregations", {})
    for facet in FACETS:
        aggregation = aggregations.get(facet, {})  # left out by filter_path when it has no buckets
        buckets = aggregation.get("values", aggregation).get("buckets", ())
        counts = {bucket["key"]: bucket["doc_count"] for bucket in buckets}
        facets[facet] = dict(sorted(counts.items(), key=lambda item: (-item[1], str(item[0]))))
    return EngineResult(engine=NAME, total=found.get("total", {}).get("value", 0), hits=hits, facets=facets,
                        suggestion=_did_you_mean(request, answer))


def suggest(query: str, language: str, *, types: list[str] | None = None, limit: int = 8) -> list[dict]:
    prefix = " ".join(tokenise(query))
    if not prefix:
        return []
    contexts = {"lang": [language]}
    if types:
        contexts["type"] = types
    completion = {"field": "suggest", "size": limit * 2, "skip_duplicates": True, "contexts": contexts}
    if len(prefix) >= 4:
        completion["fuzzy"] = {"fuzziness": "AUTO", "prefix_length": 1}
    search = (Search(using=client(), index=alias_name()).source(["type", "show.title", "show.url"])
              .suggest("titles", prefix, completion=completion).extra(size=0))
    try:
        response = search.execute()
    except FAILURES as error:
        mark_down(error)
        raise EngineUnavailable(str(error)) from error
    suggestions, seen = [], set()
    for option in response.suggest.titles[0].options:
        if option._id in seen:
            continue
        seen.add(option._id)
        source = option._source.to_dict()
        title = source["show"]["title"][language]
        whole_title = " ".join(tokenise(title)).startswith(prefix)
        suggestions.append((not whole_title, {"text": title, "type": source["type"],
                                              "url": source["show"]["url"][language]}))
    # As the database engine: titles that start with the words typed first, weight kept within.
    suggestions.sort(key=lambda item: item[0])
    return [suggestion for _rest, suggestion in suggestions[:limit]]
