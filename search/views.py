"""The search page and the JSON API: parse, call the selectors, render."""

from __future__ import annotations

import logging

from django.db import DatabaseError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from search.params import SearchParamError, parse_language, parse_search_params
from search.presentation import search_page_context
from search.selectors import search_results, search_suggestions

logger = logging.getLogger(__name__)


def _api_language(params) -> str:
    try:
        return parse_language(params)
    except SearchParamError:
        return "id"


def _unavailable() -> JsonResponse:
    return JsonResponse({"error": _("Pencarian sedang tidak tersedia. Coba lagi sebentar."), "field": None},
                        status=503)


@require_GET
def search_api(request):
    """GET /api/search (shared/contracts/http-api.md)."""
    with translation.override(_api_language(request.GET)):
        try:
            search_request = parse_search_params(request.GET)
        except SearchParamError as error:
            return JsonResponse({"error": error.message, "field": error.field}, status=400)
        try:
            body = search_results(request=search_request)
        except DatabaseError:
            logger.exception("search failed: the database is unreachable")
            return _unavailable()
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "public, max-age=30"
    return response


@require_GET
def suggest_api(request):
    """GET /api/search/suggest: as-you-type completion, at most 8 suggestions."""
    with translation.override(_api_language(request.GET)):
        try:
            language = parse_language(request.GET)
            search_request = parse_search_params({"q": request.GET.get("q", ""), "type": request.GET.get("type", "")})
        except SearchParamError as error:
            return JsonResponse({"error": error.message, "field": error.field}, status=400)
        try:
            body = search_suggestions(query=search_request.q, language=language,
                                      types=search_request.filters.get("type"))
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
