"""What the search API answers, for the OpenAPI document (shared/contracts/http-api.md).

The views answer with the selectors' dicts as they are (no second validation per request);
tests/reliability/test_api_schema.py checks the answers against these with schemathesis."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from search.params import MAX_PER_PAGE, Kind

PageUrl = Annotated[str, Field(pattern=r"^/(id|en)/")]
Counts = dict[str, Annotated[int, Field(ge=0)]]


class Result(BaseModel):
    type: Kind
    slug: str
    title: str
    url: PageUrl
    snippet: str = Field(description="HTML-escaped text in which only <mark> tags are markup.")
    score: float
    price_idr: int | None = Field(description="Whole rupiah; products only.")
    district: str | None
    image: str | None
    distance_km: float | None = Field(description="From `near`, when given and the result has a location.")


class Facets(BaseModel):
    type: Counts
    district: Counts
    category: Counts
    motif: Counts
    fabric: Counts
    dye: Counts
    color: Counts


class SearchResponse(BaseModel):
    query: str
    engine: Literal["elasticsearch", "database"] = Field(description="Which engine answered.")
    total: int = Field(ge=0)
    page: int = Field(ge=1)
    per_page: int = Field(ge=1, le=MAX_PER_PAGE)
    results: list[Result] = Field(max_length=MAX_PER_PAGE)
    facets: Facets
    suggestion: str | None = Field(description="A corrected query (\"did you mean\") when one is likely better.")


class Suggestion(BaseModel):
    text: str
    type: Kind
    url: PageUrl


class Suggestions(BaseModel):
    query: str
    suggestions: list[Suggestion] = Field(max_length=8)
