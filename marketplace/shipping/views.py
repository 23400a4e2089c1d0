"""GET /api/shipping/options: parse, price (marketplace.shipping.options), answer JSON."""

from __future__ import annotations

import logging

from django.db import DatabaseError
from django.http import JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from marketplace.shipping.options import shipping_options
from marketplace.shipping.params import ShippingParamError, parse_language, parse_shipping_params

logger = logging.getLogger(__name__)


@require_GET
def options_api(request):
    """GET /api/shipping/options (shared/contracts/http-api.md)."""
    language = parse_language(request.GET)
    with translation.override(language):
        try:
            params = parse_shipping_params(request.GET)
        except ShippingParamError as error:
            return JsonResponse({"error": error.message, "field": error.field}, status=400,
                                json_dumps_params={"ensure_ascii": False})
        try:
            result = shipping_options(items=params.items, destination=params.destination, language=language)
        except DatabaseError:
            logger.exception("shipping options failed: the database is unreachable")
            return JsonResponse({"error": _("Ongkos kirim sedang tidak bisa dihitung. Coba lagi sebentar."),
                                 "field": None}, status=503)
    body = {"country": params.destination.country, "province": params.province_name,
            "shops": [entry.as_json() for entry in result.shops],
            "unavailable": [entry.as_json() for entry in result.unavailable]}
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    # Prices follow the table and the shops' facts, which editors and artisans change at any time.
    response["Cache-Control"] = "no-store"
    return response
