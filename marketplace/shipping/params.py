"""The parameters of GET /api/shipping/options, checked one by one: a bad one is a ShippingParamError
naming it (the API answers 400 {"error", "field"}), in the language asked for."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from marketplace.models import Product
from marketplace.shipping.rates import Destination
from marketplace.shipping.regions import country_find, province_find, province_name

MAX_QUANTITY = 99
MAX_ITEMS = 50
ITEM_PATTERN = re.compile(r"^(?P<slug>[a-z0-9-]{1,140}):(?P<quantity>-?\d{1,6})$")


class ShippingParamError(ValueError):
    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name
        self.message = message


@dataclass
class ShippingParams:
    items: list[tuple[Product, int]]
    destination: Destination
    province_name: str | None


def _text(params, name: str) -> str:
    return (params.get(name) or "").strip()


def parse_language(params) -> str:
    """`lang` when it is one of ours, else Indonesian (the error for a bad one comes in parse_shipping_params)."""
    language = _text(params, "lang").lower()
    return language if language in ("id", "en") else "id"


def _quantities(raw: str) -> dict[str, int]:
    if not raw:
        raise ShippingParamError("items", _("items wajib diisi: daftar slug-produk:jumlah dipisah koma, "
                                            "mis. kain-sasirangan-gigi-haruan:2."))
    wanted: dict[str, int] = {}
    entries = [entry.strip() for entry in raw.split(",")]
    if len(entries) > MAX_ITEMS:
        raise ShippingParamError("items", _("Paling banyak %(max)s produk sekaligus.") % {"max": MAX_ITEMS})
    for entry in entries:
        match = ITEM_PATTERN.match(entry)
        if match is None:
            raise ShippingParamError("items", _("“%(entry)s” tidak berbentuk slug-produk:jumlah, "
                                                "mis. kain-sasirangan-gigi-haruan:2.") % {"entry": entry[:160]})
        slug, quantity = match["slug"], int(match["quantity"])
        wanted[slug] = wanted.get(slug, 0) + quantity
        if not 1 <= quantity <= MAX_QUANTITY or wanted[slug] > MAX_QUANTITY:
            raise ShippingParamError("items", _("Jumlah %(product)s harus 1 sampai %(max)s.")
                                     % {"product": slug, "max": MAX_QUANTITY})
    return wanted


def _items(raw: str) -> list[tuple[Product, int]]:
    wanted = _quantities(raw)
    products = {product.slug: product
                for product in Product.objects.public().filter(slug__in=list(wanted)).select_related("shop")}
    for slug in wanted:
        if slug not in products:
            raise ShippingParamError("items", _("Produk “%(product)s” tidak ada atau tidak sedang dijual.")
                                     % {"product": slug})
    return [(products[slug], quantity) for slug, quantity in wanted.items()]


def parse_shipping_params(params) -> ShippingParams:
    language = _text(params, "lang").lower()
    if language and language not in ("id", "en"):
        raise ShippingParamError("lang", _("lang harus id atau en."))
    country = country_find(_text(params, "country") or "ID")
    if country is None:
        raise ShippingParamError("country", _("Negara “%(country)s” tidak dikenal: tulis kode ISO dua huruf, "
                                              "mis. ID, SG, MY.") % {"country": _text(params, "country")[:40]})
    province, name = "", None
    if country == "ID":
        raw_province = _text(params, "province")
        if not raw_province:
            raise ShippingParamError("province", _("province wajib untuk tujuan di Indonesia: nama provinsi "
                                                   "(mis. Jawa Timur) atau kode BPS-nya (mis. 35)."))
        province = province_find(raw_province)
        if province is None:
            raise ShippingParamError("province", _("Provinsi “%(province)s” tidak dikenal: tulis nama provinsi "
                                                   "seperti BPS (mis. Jawa Timur, DKI Jakarta) atau kodenya "
                                                   "(mis. 35).") % {"province": raw_province[:60]})
        name = province_name(province)
    destination = Destination(country=country, province=province, city=_text(params, "city")[:80])
    return ShippingParams(items=_items(_text(params, "items")), destination=destination, province_name=name)
