"""Search reads: the API's answers, shaped as shared/contracts/http-api.md says."""

from __future__ import annotations

import logging
from dataclasses import replace

from django.db import DatabaseError

from search.analysis import QueryPlan
from search.engines import run_search, run_suggest
from search.highlight import snippet
from search.params import FACETS, SearchRequest
from search.results import EngineResult, Hit

logger = logging.getLogger(__name__)
MAX_SUGGESTIONS = 8


def promoted_keys(query: str) -> list[str]:
    """Editors' promoted pages for this query (Wagtail search promotions), in their order."""
    if not query:
        return []
    from wagtail.contrib.search_promotions.models import SearchPromotion
    from wagtail.search.utils import normalise_query_string

    from search.documents import keys_for_instance

    try:
        promotions = list(
            SearchPromotion.objects.filter(query__query_string=normalise_query_string(query), page__isnull=False)
            .select_related("page").order_by("sort_order"))
    except DatabaseError:
        logger.exception("could not read search promotions")
        return []
    keys = []
    for promotion in promotions:
        for key in keys_for_instance(promotion.page.specific):
            if key not in keys:
                keys.append(key)
    return keys


def result_item(hit: Hit, *, language: str, plan: QueryPlan | None, promoted: bool = False) -> dict:
    show = hit.fields.get("show", {})
    summary = show.get("summary", {}).get(language, "")
    body = show.get("body", {}).get(language, "")
    return {
        "type": hit.type,
        "slug": hit.fields.get("slug", ""),
        "title": show.get("title", {}).get(language, ""),
        "url": show.get("url", {}).get(language, ""),
        "snippet": snippet([summary, body], plan),
        "score": hit.score,
        "price_idr": hit.fields.get("price_idr"),
        "district": hit.fields.get("district") or None,
        "image": show.get("image") or None,
        "distance_km": round(hit.distance_km, 2) if hit.distance_km is not None else None,
        # Added fields (the contract allows adding, never renaming):
        "category": hit.fields.get("category") or None,
        "in_stock": hit.fields.get("in_stock"),
        "label": show.get("label", {}).get(language) or None,
        "date_start": show.get("date_start"),
        "date_end": show.get("date_end"),
        "translated": language in show.get("languages", [language]),
        "promoted": promoted,
    }


def search_results(*, request: SearchRequest) -> dict:
    """Run a search (promotions first) and shape the API's answer."""
    plan = request.query_plan()
    promoted_hits: list[Hit] = []
    keys = promoted_keys(request.q)
    if keys:
        promoted_request = replace(request, q="", plan=QueryPlan(text="", clauses=[]), only_keys=tuple(keys),
                                   page=1, start=0, size=len(keys), near=None)
        found = {hit.key: hit for hit in run_search(promoted_request).hits}
        promoted_hits = [found[key] for key in keys if key in found]
    shift = len(promoted_hits)
    organic_request = replace(request, exclude_keys=tuple(hit.key for hit in promoted_hits))
    if shift:
        if request.page == 1:
            organic_request.start, organic_request.size = 0, max(request.per_page - shift, 0)
        else:
            organic_request.start, organic_request.size = request.offset - shift, request.per_page
    result: EngineResult = run_search(organic_request)
    items = []
    if request.page == 1:
        items += [result_item(hit, language=request.lang, plan=plan, promoted=True) for hit in promoted_hits]
    items += [result_item(hit, language=request.lang, plan=plan) for hit in result.hits]
    return {
        "query": request.q,
        "engine": result.engine,
        "total": result.total + shift,
        "page": request.page,
        "per_page": request.per_page,
        "results": items,
        "facets": {facet: result.facets.get(facet, {}) for facet in FACETS},
        "suggestion": result.suggestion,
    }


def search_suggestions(*, query: str, language: str, types: list[str] | None = None) -> dict:
    from search.documents import TYPE_LABELS

    suggestions = run_suggest(query, language, types=types, limit=MAX_SUGGESTIONS)[:MAX_SUGGESTIONS]
    for suggestion in suggestions:  # an added field: the type as the reader calls it
        suggestion["type_label"] = str(TYPE_LABELS.get(suggestion["type"], suggestion["type"]))
    return {"query": query, "suggestions": suggestions}
