"""GET /api/shipping/options (declared with django-ninja; search/api.py mounts this router):
parse, price (marketplace.shipping.options), answer JSON."""

from __future__ import annotations

import logging
from typing import Literal

from django.db import DatabaseError
from django.http import JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Query, Router
from pydantic import BaseModel, Field

from config.api_params import ErrorBody
from marketplace.shipping.options import shipping_options
from marketplace.shipping.params import ShippingQuery

logger = logging.getLogger(__name__)

router = Router(tags=["shipping"])


class Option(BaseModel):
    id: str
    kind: Literal["pickup", "courier"]
    label: str
    cost_idr: int = Field(ge=0, description="Whole rupiah.")
    days_min: int = Field(ge=0)
    days_max: int = Field(ge=0)
    courier: str | None = Field(None, description="Couriers only.")
    service: str | None = Field(None, description="Couriers only.")
    address: str | None = Field(None, description="Pickup only.")
    hours: str | None = Field(None, description="Pickup only.")


class ShopOptions(BaseModel):
    shop: str
    name: str
    weight_g: int | None = Field(description="The packed weight of the shop's products; null when one has none.")
    options: list[Option] = Field(description="Pickup first, then couriers, cheapest first.")


class Unavailable(BaseModel):
    shop: str
    name: str
    reason: str = Field(description="Why the shop cannot deliver there, in the language asked for.")


class ShippingOptionsResponse(BaseModel):
    country: str
    province: str | None = Field(description="The province's BPS name; null abroad.")
    shops: list[ShopOptions]
    unavailable: list[Unavailable]


@router.get("/options", url_name="options", operation_id="shipping_options",
            response={200: ShippingOptionsResponse, 400: ErrorBody, 503: ErrorBody},
            summary="Delivery choices and their prices for a set of products, per shop",
            description="Priced on the server from the products' weights and the destination. Bad parameters (an "
                        "unknown or unpublished product, quantity 0 or 100, an unknown country or province) get 400 "
                        "with `{\"error\", \"field\"}`.")
def options_api(request, params: Query[ShippingQuery]):
    """GET /api/shipping/options (shared/contracts/http-api.md). A ShippingParamError (a product
    not for sale) becomes the 400 in search/api.py's handler, in params.lang."""
    with translation.override(params.lang):
        try:
            shipping = params.to_params()
            result = shipping_options(items=shipping.items, destination=shipping.destination, language=params.lang)
        except DatabaseError:
            logger.exception("shipping options failed: the database is unreachable")
            return JsonResponse({"error": _("Ongkos kirim sedang tidak bisa dihitung. Coba lagi sebentar."),
                                 "field": None}, status=503)
    body = {"country": shipping.destination.country, "province": shipping.province_name,
            "shops": [entry.as_json() for entry in result.shops],
            "unavailable": [entry.as_json() for entry in result.unavailable]}
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    # Prices follow the table and the shops' facts, which editors and artisans change at any time.
    response["Cache-Control"] = "no-store"
    return response
