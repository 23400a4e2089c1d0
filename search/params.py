"""The search API's parameters, declared once (a pydantic model that django-ninja reads as the
API's Query schema and the OpenAPI document describes): a bad one is a SearchParamError
naming the field (the API answers 400 `{"error", "field"}`), never a 500. The search page
reads the same parameters with parse_search_params."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Annotated, ClassVar, Literal

from django.utils.translation import gettext_noop
from pydantic import AfterValidator, BaseModel, Field, model_validator

from config.api_params import (
    INTEGER_ERRORS,
    CommaList,
    ParamError,
    Trimmed,
    TrimmedLower,
    WholeRupiah,
    parse_params,
)
from search.analysis import QueryPlan, plan_query
from search.documents import TYPE_NAMES

MAX_PER_PAGE = 50
DEFAULT_PER_PAGE = 10
# Elasticsearch pages at most 10 000 results deep (index.max_result_window).
MAX_RESULT_WINDOW = 10_000
MAX_QUERY_LENGTH = 200
MAX_PRICE = 10**12
FACETS = ("type", "district", "category", "motif", "fabric", "dye", "color")
# What `near` accepts, for the description (parse_near checks it, with a message per part).
NEAR_PATTERN = (r"^-?(90(\.0+)?|[0-8]?[0-9](\.[0-9]+)?),"
                r"-?(180(\.0+)?|(1[0-7][0-9]|[0-9]?[0-9])(\.[0-9]+)?)$")
NEAR_FORMAT = gettext_noop("near harus berupa \"lintang,bujur\", mis. -3.41,114.85.")


class SearchParamError(ParamError):
    """`message` is the API's (it names the parameter); `code` says what was wrong with it
    ("invalid", or "order" for a price range the wrong way round) for the search page's own words."""


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


def parse_near(raw: str) -> tuple[float, float]:
    parts = raw.split(",")
    if len(parts) != 2:
        raise SearchParamError("near", NEAR_FORMAT)
    try:
        latitude, longitude = float(parts[0]), float(parts[1])
    except ValueError:
        raise SearchParamError("near", NEAR_FORMAT) from None
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        raise SearchParamError("near", NEAR_FORMAT)
    if not -90 <= latitude <= 90:
        raise SearchParamError("near", gettext_noop("Lintang harus antara -90 dan 90."))
    if not -180 <= longitude <= 180:
        raise SearchParamError("near", gettext_noop("Bujur harus antara -180 dan 180."))
    return latitude, longitude


def _near(value: str | None) -> str | None:
    if value is not None:
        parse_near(value)
    return value


Kind = Literal[TYPE_NAMES]
Language = Annotated[Literal["id", "en"], TrimmedLower,
                     Field(description="The language of the titles, snippets, URLs and messages returned.")]
Facet = Annotated[list[str], CommaList]
Price = Annotated[int, Field(ge=0, le=MAX_PRICE, description="Whole rupiah, dots between the thousands allowed "
                                                             "(175000, 175.000, Rp 175.000); products only."),
                  WholeRupiah]
LANGUAGE_MESSAGE = gettext_noop("lang harus id atau en.")
QUERY_MESSAGES = {
    "lang": LANGUAGE_MESSAGE,
    "q": gettext_noop("Kata pencarian terlalu panjang (maksimal %(max)s karakter)."),
    "type": (gettext_noop("Jenis tidak dikenal: %(value)s. Pilih dari: %(choices)s."),
             {"choices": ", ".join(TYPE_NAMES)}),
}


class SuggestQuery(BaseModel):
    """The parameters of GET /api/search/suggest, in the order they are checked."""

    lang: Language = "id"
    q: Annotated[str, Field(max_length=MAX_QUERY_LENGTH, description="What has been typed so far."), Trimmed] = ""
    type: Annotated[list[Kind], CommaList,
                    Field(default_factory=list, description="Kinds of result to suggest; repeated or comma-separated.")]

    param_messages: ClassVar = QUERY_MESSAGES
    param_error_class: ClassVar = SearchParamError


class SearchQuery(BaseModel):
    """The parameters of GET /api/search, in the order they are checked. Blank means absent,
    values are trimmed and `lang` and `in_stock` read in any case, as HTML forms send them."""

    lang: Language = "id"
    q: Annotated[str, Field(max_length=MAX_QUERY_LENGTH,
                            description="The words typed, any language, typos allowed; the last word (3 letters or "
                                        "more) also finds the longer words it begins, ranked below whole words. "
                                        "Without any letter or digit (an emoji alone) it is an empty `q`."),
                 Trimmed] = ""
    type: Annotated[list[Kind], CommaList,
                    Field(default_factory=list, description="Kinds of result; repeated or comma-separated.")]
    district: Annotated[Facet, Field(default_factory=list, description="Kecamatan name, exact.")]
    category: Annotated[Facet, Field(default_factory=list, description="Destination category (nature, religious, ...).")]
    motif: Annotated[Facet, Field(default_factory=list, description="Sasirangan motif (products).")]
    fabric: Annotated[Facet, Field(default_factory=list, description="Fabric (products).")]
    dye: Annotated[Facet, Field(default_factory=list, description="Dye: natural or synthetic (products).")]
    color: Annotated[Facet, Field(default_factory=list, description="Colour (products).")]
    price_min: Price = None
    price_max: Price = None
    in_stock: Annotated[Literal["0", "1", "true", "false"], TrimmedLower,
                        Field(description="`1` hides sold-out products.")] = "0"
    near: Annotated[str, Trimmed, AfterValidator(_near),
                    Field(description="`lat,lon`: sort by distance from that point (results with a location "
                                      "first).", json_schema_extra={"pattern": NEAR_PATTERN})] = None
    per_page: Annotated[int, Field(ge=1, le=MAX_PER_PAGE, description="Results per page."), Trimmed] = DEFAULT_PER_PAGE
    page: Annotated[int, Field(ge=1, le=MAX_RESULT_WINDOW,
                               description="1-based; page x per_page reaches at most 10 000 results deep."),
                    Trimmed] = 1

    param_messages: ClassVar = {
        **QUERY_MESSAGES,
        "in_stock": gettext_noop("in_stock harus 1 atau 0."),
        "near": NEAR_FORMAT,
    }
    param_error_class: ClassVar = SearchParamError

    @model_validator(mode="after")
    def _ranges(self):
        if self.price_min is not None and self.price_max is not None and self.price_max < self.price_min:
            raise SearchParamError("price_max", gettext_noop("price_max tidak boleh lebih kecil dari price_min."),
                                   code="order")
        max_page = MAX_RESULT_WINDOW // self.per_page
        if self.page > max_page:
            raise SearchParamError("page", INTEGER_ERRORS["less_than_equal"], {"name": "page", "maximum": max_page})
        return self

    def to_request(self) -> SearchRequest:
        filters = {name: values for name in FACETS if (values := getattr(self, name))}
        return SearchRequest(q=self.q, lang=self.lang, filters=filters, price_min=self.price_min,
                             price_max=self.price_max, in_stock=self.in_stock in ("1", "true"),
                             near=parse_near(self.near) if self.near else None, page=self.page,
                             per_page=self.per_page)


def parse_search_params(params) -> SearchRequest:
    """A QueryDict (or dict) of the API's parameters -> SearchRequest."""
    return parse_params(SearchQuery, params).to_request()
