"""What the search page shows: the API's answer dressed for people (labels in
the reader's language, facet checkboxes, links that keep the other filters)."""

from __future__ import annotations

import logging
import math
import unicodedata
from dataclasses import replace
from urllib.parse import urlencode

from django.db import DatabaseError
from django.utils.dateparse import parse_datetime
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from config.languages import reading_language
from search.analysis import tokenise
from search.documents import TYPE_LABELS
from search.params import FACETS, MAX_QUERY_LENGTH, SearchParamError, parse_search_params
from search.selectors import search_results

logger = logging.getLogger(__name__)

FACET_LABELS = {
    "type": pgettext_lazy("saringan pencarian", "Jenis"),
    "district": _("Kecamatan"),
    "category": _("Kategori"),
    "motif": _("Motif"),
    "color": _("Warna"),
    "fabric": _("Bahan"),
    "dye": _("Pewarna"),
}
DYE_LABELS = {"natural": _("Pewarna alami"), "synthetic": _("Pewarna sintetis")}
# Filters that live in the URL besides the facets.
OTHER_PARAMS = ("price_min", "price_max", "in_stock", "near", "per_page")
# The query as the title and heading quote it; the search box keeps all of it.
QUERY_HEADING_LENGTH = 80


def _param_error_message(error: SearchParamError) -> str:
    """A bad parameter in the reader's words: the API's messages name its parameters
    ("page minimal 1."), which mean nothing to someone who followed a link."""
    if error.field == "q":
        return error.message  # already written for people: "Kata pencarian terlalu panjang ..."
    if error.field in ("page", "per_page"):
        return _("Halaman hasil itu tidak ada. Mulai lagi dari halaman pertama.")
    if error.field == "near":
        return _("Lokasi untuk mengurutkan menurut jarak tidak dapat dibaca. Cari lagi tanpa lokasi itu.")
    if error.field in ("price_min", "price_max"):
        if error.code == "order":
            return _("Harga “Sampai” tidak boleh lebih kecil dari harga “Dari”.")
        return _("Tulis harga sebagai angka rupiah utuh, mis. 175000 atau 175.000.")
    if error.field == "type":
        return _("Jenis hasil itu tidak dikenal. Pilih jenis dari saringan.")
    return _("Alamat pencarian ini berisi saringan yang tidak dikenal. Cari lagi tanpa saringan itu.")


def _without_bad_param(params: dict, error: SearchParamError) -> dict:
    """The search again, less the parameter that was refused (both prices if their order was)."""
    dropped = {error.field}
    if error.field in ("price_min", "price_max") and error.code == "order":
        dropped |= {"price_min", "price_max"}
    return {name: value for name, value in params.items() if name not in dropped}


def _value_labels(language: str) -> dict[str, dict[str, str]]:
    """Readable names for facet values stored as keys (categories, colours, dyes)."""
    from tourism.snippets import Category

    labels = {"type": {key: str(label) for key, label in TYPE_LABELS.items()},
              "dye": {key: str(label) for key, label in DYE_LABELS.items()}}
    english = language == "en"
    labels["category"] = {key: (name_en if english and name_en else name_id)
                          for key, name_id, name_en in Category.objects.values_list("key", "name_id", "name_en")}
    try:
        from marketplace.models import Color

        labels["color"] = {slug: (name_en if english and name_en else name_id)
                           for slug, name_id, name_en in Color.objects.values_list("slug", "name_id", "name_en")}
        from marketplace.labels import FABRIC_LABELS

        labels["fabric"] = {fabric: str(label) for fabric, label in FABRIC_LABELS.items()}
    except (LookupError, ImportError):
        labels["color"] = {}
    return labels


def _query_string(params: dict, **changes) -> str:
    merged = {**params, **changes}
    pairs = []
    for name, value in merged.items():
        values = value if isinstance(value, list) else [value]
        pairs += [(name, item) for item in values if item not in (None, "")]
    return "?" + urlencode(pairs)


def search_page_context(request) -> tuple[dict, int]:
    language = reading_language()
    params = {name: request.GET.getlist(name) for name in FACETS}
    params.update({name: request.GET.get(name, "") for name in ("q",) + OTHER_PARAMS})
    params = {name: value for name, value in params.items() if value}
    query = request.GET.get("q", "").strip()
    context = {"query": query, "search_query": query, "query_heading": Truncator(query).chars(QUERY_HEADING_LENGTH),
               "lang": language, "type_labels": TYPE_LABELS, "error": None, "body": None}
    wordless = bool(query) and not tokenise(query)
    if wordless:
        # "🌊", "!!!": nothing a search could look for. The page of an empty query (what the
        # filters list, under "Cari di Gebrak Banjar"), asking for words, not "Hasil untuk “🌊”";
        # also above a mistake in another parameter.
        params.pop("q", None)
        context.update(query="", search_query="", query_heading="", wordless=True)
    raw = request.GET.copy()
    raw["lang"] = language
    try:
        search_request = parse_search_params(raw)
    except SearchParamError as error:
        if error.field == "q":
            # Only what the box accepts goes back into it, so the reader can shorten it there.
            context["query"] = context["search_query"] = query[:MAX_QUERY_LENGTH]
        context["error"] = _param_error_message(error)
        context["retry_url"] = _query_string(_without_bad_param(params, error))
        return context, 400
    if wordless:
        search_request = replace(search_request, q="", plan=None)
    try:
        body = search_results(request=search_request)
        partial = _any_word_results(search_request, body)
        if partial is not None:
            body = partial
    except DatabaseError:
        logger.exception("search page: the database is unreachable")
        context["error"] = _("Pencarian sedang tidak tersedia. Coba lagi sebentar.")
        return context, 503
    if search_request.q and search_request.page == 1:
        _count_query(search_request.q)

    labels = _value_labels(language)
    chosen = search_request.filters
    facets = []
    for facet in FACETS:
        counts = body["facets"].get(facet, {})
        selected = chosen.get(facet, [])
        values = [{"value": value, "count": count, "selected": value in selected,
                   "label": labels.get(facet, {}).get(value, value)} for value, count in counts.items()]
        # A chosen value with no results left still shows, checked, so it can be unchosen.
        values += [{"value": value, "count": 0, "selected": True, "label": labels.get(facet, {}).get(value, value)}
                   for value in selected if value not in counts]
        if values:
            facets.append({"name": facet, "label": FACET_LABELS[facet], "values": values,
                           "open": bool(selected) or facet in ("type", "district")})

    for result in body["results"]:
        result["type_label"] = TYPE_LABELS.get(result["type"], result["type"])
        result["starts"] = parse_datetime(result["date_start"]) if result.get("date_start") else None
    pages = max(1, math.ceil(body["total"] / search_request.per_page))
    context.update({
        "body": body,
        "results": body["results"],
        "total": body["total"],
        "facets": facets,
        "has_filters": bool(chosen) or any(params.get(name) for name in ("price_min", "price_max", "in_stock", "near")),
        "price_min": params.get("price_min", ""),
        "price_max": params.get("price_max", ""),
        "in_stock": search_request.in_stock,
        "page": search_request.page,
        "pages": pages,
        "previous_url": _query_string(params, page=search_request.page - 1) if search_request.page > 1 else "",
        "next_url": _query_string(params, page=search_request.page + 1) if search_request.page < pages else "",
        # A page past the last (an old link, a hand-typed number): the way back to the results.
        "first_page_url": _query_string(params, page=None) if body["total"] and search_request.page > pages else "",
        "suggestion": body["suggestion"],
        "suggestion_url": _query_string({"q": body["suggestion"]}) if body["suggestion"] else "",
        "clear_url": _query_string({"q": search_request.q}),
        "engine": body["engine"],
        "partial_match": partial is not None,
    })
    return context, 200


def _any_word_results(search_request, body: dict) -> dict | None:
    """When no result holds enough of the query's words (and no correction is offered), what holds
    any of them, for the page to say so: "makanan khas" found nothing, though "makanan" finds the
    Banjar food places (found by a tourist's walk). The API keeps its contract's meaning."""
    plan = search_request.query_plan()
    if body["total"] or body["suggestion"] or len(plan.clauses) < 2:
        return None
    relaxed = search_results(request=replace(search_request, plan=replace(plan, any_word=True)))
    return relaxed if relaxed["total"] else None


def _count_query(query: str) -> None:
    """Daily hits for Wagtail's "Popular search terms" report, where editors pick promotions.

    Counted with a space for each control character (Wagtail then lowercases it and joins its
    spaces, as for a promotion's lookup): the report's spreadsheet export
    (openpyxl) refuses a cell holding one, so a single visitor's `q=pasar%01terapung` made the
    export fail for the editors."""
    words = "".join(" " if unicodedata.category(character) == "Cc" else character for character in query)
    if not words.strip():
        return
    try:
        from wagtail.contrib.search_promotions.models import Query

        Query.get(words).add_hit()
    except DatabaseError:
        logger.warning("could not count a search query", exc_info=True)
