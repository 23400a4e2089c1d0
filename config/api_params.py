"""The JSON API's query parameters, declared once as pydantic models (django-ninja's Query
schemas, from which the OpenAPI document is generated), and a bad one as the contract's
`400 {"error", "field"}` in the reader's language (shared/contracts/http-api.md).

Shared by the apps' APIs (search, marketplace); no app is imported here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from django.http import JsonResponse
from django.utils.translation import gettext, gettext_noop
from pydantic import BaseModel, BeforeValidator, Field
from pydantic_core import PydanticCustomError, PydanticUseDefault

from config.digits import whole_number_read

# Messages for the constraints that pydantic checks itself (Field(ge=..., le=...) on integers);
# a field's own messages (Schema.param_messages) come first.
INTEGER_ERRORS = {
    "int_parsing": gettext_noop("%(name)s harus berupa bilangan bulat."),
    "int_type": gettext_noop("%(name)s harus berupa bilangan bulat."),
    "int_from_float": gettext_noop("%(name)s harus berupa bilangan bulat."),
    # An amount WholeRupiah cannot read: the example says that the dots Indonesians write are fine.
    "rupiah_parsing": gettext_noop("%(name)s harus berupa angka rupiah utuh, mis. 175000 atau 175.000."),
    "greater_than_equal": gettext_noop("%(name)s minimal %(minimum)s."),
    "less_than_equal": gettext_noop("%(name)s maksimal %(maximum)s."),
}
INVALID = gettext_noop("%(name)s tidak valid.")


class ParamError(ValueError):
    """A bad parameter: `field` names it, `message` says what is wrong in the active language
    (translated when read, so it can be raised before the request's language is known, as
    pydantic validates ahead of the view); `code` says what kind of wrong ("invalid", or
    "order" for a range the wrong way round)."""

    def __init__(self, field_name: str, message_id: str, params: Mapping[str, Any] | None = None, *,
                 code: str = "invalid"):
        super().__init__(message_id)
        self.field = field_name
        self.message_id = message_id
        self.params = dict(params or {})
        self.code = code

    @property
    def message(self) -> str:
        text = gettext(self.message_id)
        return text % self.params if self.params else text

    def __str__(self) -> str:
        return self.message


def _trimmed(value):
    """Blank means absent (as an HTML form sends a field left empty); values are trimmed; of a
    repeated single-valued parameter the last counts (as Django's QueryDict.get)."""
    if isinstance(value, list):
        value = value[-1] if value else None
    if value is None:
        raise PydanticUseDefault()
    value = str(value).strip()
    if not value:
        raise PydanticUseDefault()
    return value


def _trimmed_lower(value):
    return _trimmed(value).lower()


def _comma_list(value):
    """Repeated parameters and comma lists alike: ?color=merah&color=biru or ?color=merah,biru."""
    raw = value if isinstance(value, list | tuple) else [value]
    values = []
    for item in raw:
        values += [part.strip() for part in str(item if item is not None else "").split(",") if part.strip()]
    return list(dict.fromkeys(values))


def _whole_rupiah(value):
    """An amount as Indonesians write it (175000, 175.000, Rp 175.000), read by the rule the site's
    forms follow (config.digits.whole_number_read). Pydantic's own int took the dots for a decimal
    point: a search for products from "200.000" listed those from Rp 200. What is not a whole
    number (200.5, 200,000, 200.00) is refused, its message giving both ways of writing an amount."""
    if isinstance(value, int):
        return value
    text = _trimmed(value)
    number = whole_number_read(text)
    if number is None:
        raise PydanticCustomError("rupiah_parsing", "Input should be whole rupiah, e.g. 175000 or 175.000")
    return number


Trimmed = BeforeValidator(_trimmed)
# Whole rupiah: trimmed, blank = absent, dots between the thousands.
WholeRupiah = BeforeValidator(_whole_rupiah)
TrimmedLower = BeforeValidator(_trimmed_lower)
CommaList = BeforeValidator(_comma_list)
# A parameter read leniently: trimmed, blank = absent.
Text = Annotated[str, Trimmed]


def param_error(error: Mapping[str, Any], messages: Mapping[str, str | tuple[str, Mapping[str, Any]]],
                field_name: str | None = None, error_class: type[ParamError] = ParamError) -> ParamError:
    """One of pydantic's errors (`ValidationError.errors()`) as a ParamError. A ParamError raised
    by a validator comes back as it was; else the field's own message, or the integer ones."""
    context = error.get("ctx") or {}
    if isinstance(context.get("error"), ParamError):
        return context["error"]
    location = error.get("loc") or ()
    name = field_name or (str(location[0]) if location else "")
    value = error.get("input")
    params = {"name": name, "value": str(value)[:80] if value is not None else "",
              "minimum": context.get("ge"), "maximum": context.get("le"), "max": context.get("max_length")}
    own = messages.get(name)
    if own is not None:
        message_id, extra = own if isinstance(own, tuple) else (own, {})
        return error_class(name, message_id, {**params, **extra})
    return error_class(name, INTEGER_ERRORS.get(error.get("type"), INVALID), params)


def first_param_error(schema, errors: list[Mapping[str, Any]], field_name: str | None = None) -> ParamError:
    """The first of a schema's validation errors as the schema's ParamError (`param_messages`,
    `param_error_class`); fields are declared in the order they are checked, so this is the
    parameter a reader should fix first."""
    return param_error(errors[0], getattr(schema, "param_messages", {}), field_name,
                       getattr(schema, "param_error_class", ParamError))


def parse_params(schema, params):
    """A QueryDict (or dict) of query parameters -> the schema's instance, as django-ninja reads
    them (list fields take every value); a bad parameter raises ParamError."""
    import pydantic

    data = {}
    for name, field in schema.model_fields.items():
        if hasattr(params, "getlist") and _is_list(field.annotation):
            values = params.getlist(name)
            if values:
                data[name] = values
        elif name in params:
            data[name] = params.get(name)
    try:
        return schema.model_validate(data)
    except pydantic.ValidationError as error:
        raise first_param_error(schema, error.errors(include_url=False)) from None


def _is_list(annotation) -> bool:
    from typing import get_origin

    return get_origin(annotation) is list


class ErrorBody(BaseModel):
    """The body of every 4xx and 503 of the JSON API."""

    error: str = Field(min_length=1, description="What is wrong, in the language asked for (`lang`).")
    field: str | None = Field(description="The parameter to fix; null when none is at fault.")


def request_language(params) -> str:
    """`lang` when it is one of ours (read leniently), else Indonesian: the language of a 400."""
    language = str(params.get("lang") or "").strip().lower()
    return language if language in ("id", "en") else "id"


def bad_request(error: ParamError) -> JsonResponse:
    """The contract's 400, in the active language."""
    return JsonResponse({"error": error.message, "field": error.field}, status=400,
                        json_dumps_params={"ensure_ascii": False})
