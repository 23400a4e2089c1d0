"""The search page and the JSON API (declared with django-ninja, mounted by search/api.py):
parse, call the selectors, render."""

from __future__ import annotations

import logging

from django.db import DatabaseError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from ninja import Query, Router

from config.api_params import ErrorBody
from search.params import SearchQuery, SuggestQuery
from search.presentation import search_page_context
from search.schemas import SearchResponse, Suggestions
from search.selectors import search_results, search_suggestions

logger = logging.getLogger(__name__)

router = Router(tags=["search"])
ERRORS = {400: ErrorBody, 503: ErrorBody}


def _unavailable() -> JsonResponse:
    return JsonResponse({"error": _("Pencarian sedang tidak tersedia. Coba lagi sebentar."), "field": None},
                        status=503)


@router.get("", url_name="search", operation_id="search", response={200: SearchResponse, **ERRORS},
            summary="Search across tourism content and the marketplace",
            description="Only published pages and approved shops' active products are returned. Bad parameters "
                        "get 400 with `{\"error\", \"field\"}`; 503 when the database is unreachable.")
def search_api(request, params: Query[SearchQuery]):
    """GET /api/search (shared/contracts/http-api.md)."""
    with translation.override(params.lang):
        try:
            body = search_results(request=params.to_request())
        except DatabaseError:
            logger.exception("search failed: the database is unreachable")
            return _unavailable()
    # The selectors' dict as it is: SearchResponse describes it, nothing validates it again.
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "public, max-age=30"
    return response


@router.get("/suggest", url_name="suggest", operation_id="suggest", response={200: Suggestions, **ERRORS},
            summary="As-you-type completion, at most 8 suggestions")
def suggest_api(request, params: Query[SuggestQuery]):
    """GET /api/search/suggest: as-you-type completion, at most 8 suggestions."""
    with translation.override(params.lang):
        try:
            body = search_suggestions(query=params.q, language=params.lang, types=params.type or None)
        except DatabaseError:
            logger.exception("suggestions failed: the database is unreachable")
            return _unavailable()
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "public, max-age=60"
    return response


@require_GET
def search_page(request):
    """/<lang>/cari/?q=...: works without JavaScript; the script adds suggestions."""
    context, status = search_page_context(request)
    return render(request, "search/search_page.html", context, status=status)
