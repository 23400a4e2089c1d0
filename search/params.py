"""The search API's parameters, checked: a bad one is a SearchParamError naming
the field (the API answers 400 `{"error", "field"}`), never a 500."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from search.analysis import QueryPlan, plan_query
from search.documents import TYPE_NAMES

MAX_PER_PAGE = 50
DEFAULT_PER_PAGE = 10
# Elasticsearch pages at most 10 000 results deep (index.max_result_window).
MAX_RESULT_WINDOW = 10_000
MAX_QUERY_LENGTH = 200
MAX_PRICE = 10**12
FACETS = ("type", "district", "category", "motif", "fabric", "dye", "color")


class SearchParamError(ValueError):
    """`message` is the API's (it names the parameter); `code` says what was wrong with it
    ("invalid", or "order" for a price range the wrong way round) for the search page's own words."""

    def __init__(self, field_name: str, message: str, *, code: str = "invalid"):
        super().__init__(message)
        self.field = field_name
        self.message = message
        self.code = code


@dataclass
class SearchRequest:
    q: str = ""
    lang: str = "id"
    # Facet filters: value lists, OR within a facet, AND across facets.
    filters: dict[str, list[str]] = field(default_factory=dict)
    price_min: int | None = None
    price_max: int | None = None
    in_stock: bool = False
    near: tuple[float, float] | None = None
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    # Set by the search service, not by visitors: promoted documents are shown
    # apart (exclude_keys) and fetched by key (only_keys).
    exclude_keys: tuple[str, ...] = ()
    only_keys: tuple[str, ...] | None = None
    # Where the page starts and how long it is, when promoted results take its first places.
    start: int | None = None
    size: int | None = None
    plan: QueryPlan | None = None

    @property
    def offset(self) -> int:
        return self.start if self.start is not None else (self.page - 1) * self.per_page

    @property
    def limit(self) -> int:
        return self.size if self.size is not None else self.per_page

    def query_plan(self) -> QueryPlan:
        if self.plan is None:
            from search.synonyms import synonym_table

            self.plan = plan_query(self.q, synonym_table())
        return self.plan


def _text(params, name: str) -> str:
    value = params.get(name)
    return "" if value is None else str(value).strip()


def _values(params, name: str) -> list[str]:
    """Repeated parameters and comma lists alike: ?color=merah&color=biru or ?color=merah,biru."""
    values = []
    for raw in params.getlist(name) if hasattr(params, "getlist") else [_text(params, name)]:
        values += [value.strip() for value in str(raw or "").split(",") if value.strip()]
    return list(dict.fromkeys(values))


def _integer(params, name: str, *, minimum: int, maximum: int | None = None, default=None):
    raw = _text(params, name)
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SearchParamError(name, _("%(name)s harus berupa bilangan bulat.") % {"name": name}) from None
    if value < minimum:
        raise SearchParamError(name, _("%(name)s minimal %(minimum)s.") % {"name": name, "minimum": minimum})
    if maximum is not None and value > maximum:
        raise SearchParamError(name, _("%(name)s maksimal %(maximum)s.") % {"name": name, "maximum": maximum})
    return value


def parse_near(raw: str) -> tuple[float, float]:
    message = _("near harus berupa \"lintang,bujur\", mis. -3.41,114.85.")
    parts = raw.split(",")
    if len(parts) != 2:
        raise SearchParamError("near", message)
    try:
        latitude, longitude = float(parts[0]), float(parts[1])
    except ValueError:
        raise SearchParamError("near", message) from None
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        raise SearchParamError("near", message)
    if not -90 <= latitude <= 90:
        raise SearchParamError("near", _("Lintang harus antara -90 dan 90."))
    if not -180 <= longitude <= 180:
        raise SearchParamError("near", _("Bujur harus antara -180 dan 180."))
    return latitude, longitude


def parse_language(params) -> str:
    language = (_text(params, "lang") or "id").lower()
    if language not in ("id", "en"):
        raise SearchParamError("lang", _("lang harus id atau en."))
    return language


def parse_search_params(params) -> SearchRequest:
    """A QueryDict (or dict) of the API's parameters -> SearchRequest."""
    request = SearchRequest(lang=parse_language(params))
    query = _text(params, "q")
    if len(query) > MAX_QUERY_LENGTH:
        raise SearchParamError("q", _("Kata pencarian terlalu panjang (maksimal %(max)s karakter).")
                               % {"max": MAX_QUERY_LENGTH})
    request.q = query

    types = _values(params, "type")
    unknown = [value for value in types if value not in TYPE_NAMES]
    if unknown:
        raise SearchParamError("type", _("Jenis tidak dikenal: %(value)s. Pilih dari: %(choices)s.")
                               % {"value": unknown[0], "choices": ", ".join(TYPE_NAMES)})
    if types:
        request.filters["type"] = types
    for name in FACETS[1:]:
        values = _values(params, name)
        if values:
            request.filters[name] = values

    request.price_min = _integer(params, "price_min", minimum=0, maximum=MAX_PRICE)
    request.price_max = _integer(params, "price_max", minimum=0, maximum=MAX_PRICE)
    if request.price_min is not None and request.price_max is not None and request.price_max < request.price_min:
        raise SearchParamError("price_max", _("price_max tidak boleh lebih kecil dari price_min."), code="order")

    in_stock = _text(params, "in_stock").lower()
    if in_stock not in ("", "0", "1", "true", "false"):
        raise SearchParamError("in_stock", _("in_stock harus 1 atau 0."))
    request.in_stock = in_stock in ("1", "true")

    near = _text(params, "near")
    if near:
        request.near = parse_near(near)

    request.per_page = _integer(params, "per_page", minimum=1, maximum=MAX_PER_PAGE, default=DEFAULT_PER_PAGE)
    max_page = MAX_RESULT_WINDOW // request.per_page
    request.page = _integer(params, "page", minimum=1, maximum=max_page, default=1)
    return request
