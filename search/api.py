"""The public JSON API (shared/contracts/http-api.md) as one django-ninja NinjaAPI, mounted at
/api/ (search/api_urls.py): /api/search and /api/search/suggest (search/views.py) and
/api/shipping/options (marketplace/shipping/views.py). It lives in search, the app above the
marketplace in the layers (`search > marketplace > tourism > config`), so it may mount both
routers; config/urls.py includes it by its dotted name and imports no app.

The OpenAPI document is generated from the code (the Query schemas in search/params.py and
marketplace/shipping/params.py, the answers' models) and served at /api/openapi.json.
Bad parameters answer the contract's `400 {"error", "field"}` in the language asked for,
never ninja's default 422.
"""

from __future__ import annotations

from typing import Literal

from django.utils import translation
from ninja import NinjaAPI
from ninja.errors import ValidationError
from pydantic import BaseModel

from config.api_params import INVALID, ParamError, bad_request, first_param_error, request_language
from marketplace.shipping.views import router as shipping_router
from search.views import router as search_router


class InvalidParams(ValidationError):
    """ninja's ValidationError, with the first bad parameter as the schema's ParamError."""

    def __init__(self, errors, param_error: ParamError):
        super().__init__(errors)
        self.param_error = param_error


class PublicAPI(NinjaAPI):
    def validation_error_from_error_contexts(self, error_contexts):
        """ninja's documented hook for shaping validation errors: its errors lose pydantic's input
        and turn a validator's exception into text (in the language active before the view);
        the first one is kept here as the schema's ParamError, translated when answered."""
        errors = super().validation_error_from_error_contexts(error_contexts).errors
        context = error_contexts[0]
        # ninja validates a model holding the Query schema as one field: the field's name leads the location.
        holder, schema = next(((name, field.annotation) for name, field in context.model.model_fields.items()
                               if hasattr(field.annotation, "param_messages")), (None, None))
        first = context.pydantic_validation_error.errors(include_url=False)[0]
        location = first.get("loc") or ()
        if location and location[0] == holder:
            first = {**first, "loc": location[1:]}
        return InvalidParams(errors, first_param_error(schema, [first]))

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """ninja's document, with /healthz (a plain Django view of config/, described here)."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        health = Health.model_json_schema(ref_template="#/components/schemas/{model}")
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(health.pop("$defs", {}))
        components["Health"] = health
        content = {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}
        schema["paths"]["/healthz"] = {"get": {
            "operationId": "health", "tags": ["health"],
            "summary": "200 when the site can serve, 503 when the database is unreachable",
            "responses": {
                "200": {"description": "Healthy; a search engine that is down is reported but does not make the site "
                                       "unhealthy (the database engine answers in its place).", "content": content},
                "503": {"description": "The database is unreachable.", "content": content},
            }}}
        return schema


class SearchHealth(BaseModel):
    engine: Literal["elasticsearch", "database"]
    status: Literal["ok", "down"]
    configured: str | None = None


class PaymentsHealth(BaseModel):
    mode: Literal["live", "test", "emulator", "off"]
    status: str


class Health(BaseModel):
    database: Literal["ok", "down"]
    search: SearchHealth
    payments: PaymentsHealth


api = PublicAPI(
    title="Gebrak Banjar public API",
    version="1",
    description="Search across Kabupaten Banjar's tourism content and the Kampung Sasirangan marketplace, "
                "as-you-type suggestions, shipping prices, and the site's health. Bad parameters get 400 with "
                "`{\"error\", \"field\"}` in the language asked for (`lang`), never a 500. An empty query "
                "parameter (as an HTML form sends for a field left blank) means the same as leaving it out; "
                "values are trimmed.",
    urls_namespace="api",
    docs_url=None,
)
api.add_router("/search", search_router)
api.add_router("/shipping", shipping_router)


@api.exception_handler(InvalidParams)
def _invalid_params(request, error: InvalidParams):
    with translation.override(request_language(request.GET)):
        return bad_request(error.param_error)


@api.exception_handler(ValidationError)
def _invalid(request, error: ValidationError):
    """Not expected (every Query schema here has its messages); still the contract's shape."""
    first = error.errors[0] if error.errors else {}
    location = first.get("loc") or ()
    field_name = str(location[-1]) if location else None
    with translation.override(request_language(request.GET)):
        return bad_request(ParamError(field_name or "", INVALID, {"name": field_name}))


@api.exception_handler(ParamError)
def _bad_param(request, error: ParamError):
    """A ParamError raised by a view (e.g. a product that is not for sale)."""
    with translation.override(request_language(request.GET)):
        return bad_request(error)

