"""Search reads: the API's answers, shaped as shared/contracts/http-api.md says."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType

from django.db import DatabaseError

from search.analysis import QueryPlan
from search.engines import run_search, run_suggest
from search.highlight import snippet_maker
from search.params import FACETS, SearchRequest
from search.results import EngineResult, Hit

logger = logging.getLogger(__name__)
MAX_SUGGESTIONS = 8


PROMOTIONS_TTL = 30.0
_promotions: dict = {"by_query": None, "loaded_at": 0.0}


def _promoted_page_ids() -> Mapping[str, tuple[int, ...]]:
    """Every promotion, by normalised query; reread every PROMOTIONS_TTL seconds
    (a small table, and read on every search). Read-only (a mapping of tuples): every thread
    reads the same one."""
    from wagtail.contrib.search_promotions.models import SearchPromotion

    now = time.monotonic()
    remembered = _promotions["by_query"]  # read once: another thread may forget it meanwhile
    if remembered is None or now - _promotions["loaded_at"] > PROMOTIONS_TTL:
        by_query: dict[str, list[int]] = {}
        for query_string, page_id in (SearchPromotion.objects.filter(page__isnull=False)
                                      .order_by("sort_order", "pk").values_list("query__query_string", "page_id")):
            by_query.setdefault(query_string, []).append(page_id)
        frozen = MappingProxyType({query_string: tuple(ids) for query_string, ids in by_query.items()})
        _promotions.update(by_query=frozen, loaded_at=now)
        return frozen
    return remembered


def forget_promotions(**kwargs) -> None:
    """Signal receiver: an editor changed a promotion (this worker sees it at once)."""
    _promotions["by_query"] = None


def promoted_keys(query: str) -> list[str]:
    """Editors' promoted pages for this query (Wagtail search promotions), in their order."""
    if not query:
        return []
    from wagtail.models import Page
    from wagtail.search.utils import normalise_query_string

    from search.documents import keys_for_instance

    try:
        page_ids = _promoted_page_ids().get(normalise_query_string(query), [])
        if not page_ids:
            return []
        pages = {page.pk: page for page in Page.objects.filter(pk__in=page_ids).specific()}
    except DatabaseError:
        logger.exception("could not read search promotions")
        return []
    keys = []
    for page_id in page_ids:
        if page_id in pages:
            for key in keys_for_instance(pages[page_id]):
                if key not in keys:
                    keys.append(key)
    return keys


def result_item(hit: Hit, *, language: str, make_snippet, promoted: bool = False) -> dict:
    show = hit.fields.get("show", {})
    summary = show.get("summary", {}).get(language, "")
    body = show.get("body", {}).get(language, "")
    return {
        "type": hit.type,
        "slug": hit.fields.get("slug", ""),
        "title": show.get("title", {}).get(language, ""),
        "url": show.get("url", {}).get(language, ""),
        "snippet": make_snippet([summary, body]),
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
    make_snippet = snippet_maker(plan)
    items = []
    if request.page == 1:
        items += [result_item(hit, language=request.lang, make_snippet=make_snippet, promoted=True)
                  for hit in promoted_hits]
    items += [result_item(hit, language=request.lang, make_snippet=make_snippet) for hit in result.hits]
    return {
        "query": request.q,
        "engine": result.engine,
        "total": result.total + shift,
        "page": request.page,
        "per_page": request.per_page,
        "results": items,
        "facets": {facet: result.facets.get(facet, {}) for facet in FACETS},
        "suggestion": suggestion_that_finds(result.suggestion, language=request.lang),
    }


def suggestion_that_finds(suggestion: str | None, *, language: str) -> str | None:
    """The engine's "did you mean" when its search (the page links it alone, without the filters)
    finds something; None when it finds nothing: "things to do" was offered "takings to do", a link to
    no results. One more search, only for a query the engine thought misspelled."""
    if not suggestion:
        return None
    return suggestion if run_search(SearchRequest(q=suggestion, lang=language, per_page=1)).total else None


def search_suggestions(*, query: str, language: str, types: list[str] | None = None) -> dict:
    from search.documents import TYPE_LABELS

    suggestions = run_suggest(query, language, types=types, limit=MAX_SUGGESTIONS)[:MAX_SUGGESTIONS]
    for suggestion in suggestions:  # an added field: the type as the reader calls it
        suggestion["type_label"] = str(TYPE_LABELS.get(suggestion["type"], suggestion["type"]))
    return {"query": query, "suggestions": suggestions}
