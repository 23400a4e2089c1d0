"""The parameters of GET /api/shipping/options, declared once (a pydantic model that django-ninja
reads as the API's Query schema and the OpenAPI document describes), checked in the order of
their declaration: a bad one is a ShippingParamError naming it (the API answers 400
{"error", "field"}), in the language asked for."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, ClassVar, Literal

from django.utils.translation import gettext_noop
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    ValidationInfo,
    field_validator,
)

from config.api_params import ParamError, Trimmed, TrimmedLower, parse_params
from marketplace.models import Product
from marketplace.shipping.rates import Destination
from marketplace.shipping.regions import country_find, province_find, province_name

MAX_QUANTITY = 99
MAX_ITEMS = 50
ITEM_PATTERN = re.compile(r"^(?P<slug>[a-z0-9-]{1,140}):(?P<quantity>-?[0-9]{1,6})$")
ITEMS_FORMAT = r"^[a-z0-9-]{1,140}:[0-9]{1,2}(,[a-z0-9-]{1,140}:[0-9]{1,2})*$"
ITEMS_REQUIRED = gettext_noop("items wajib diisi: daftar slug-produk:jumlah dipisah koma, "
                              "mis. kain-sasirangan-gigi-haruan:2.")


class ShippingParamError(ParamError):
    pass


@dataclass
class ShippingParams:
    items: list[tuple[Product, int]]
    destination: Destination
    province_name: str | None


def _quantities(raw: str) -> dict[str, int]:
    wanted: dict[str, int] = {}
    entries = [entry.strip() for entry in raw.split(",")]
    if len(entries) > MAX_ITEMS:
        raise ShippingParamError("items", gettext_noop("Paling banyak %(max)s produk sekaligus."), {"max": MAX_ITEMS})
    for entry in entries:
        match = ITEM_PATTERN.match(entry)
        if match is None:
            raise ShippingParamError("items", gettext_noop("“%(entry)s” tidak berbentuk slug-produk:jumlah, "
                                                           "mis. kain-sasirangan-gigi-haruan:2."), {"entry": entry[:160]})
        slug, quantity = match["slug"], int(match["quantity"])
        wanted[slug] = wanted.get(slug, 0) + quantity
        if not 1 <= quantity <= MAX_QUANTITY or wanted[slug] > MAX_QUANTITY:
            raise ShippingParamError("items", gettext_noop("Jumlah %(product)s harus 1 sampai %(max)s."),
                                     {"product": slug, "max": MAX_QUANTITY})
    return wanted


def _items(wanted: dict[str, int]) -> list[tuple[Product, int]]:
    products = {product.slug: product
                for product in Product.objects.public().filter(slug__in=list(wanted)).select_related("shop")}
    for slug in wanted:
        if slug not in products:
            raise ShippingParamError("items", gettext_noop("Produk “%(product)s” tidak ada atau tidak sedang dijual."),
                                     {"product": slug})
    return [(products[slug], quantity) for slug, quantity in wanted.items()]


def _country(raw: str) -> str:
    country = country_find(raw)
    if country is None:
        raise ShippingParamError("country", gettext_noop("Negara “%(country)s” tidak dikenal: tulis kode ISO dua huruf, "
                                                         "mis. ID, SG, MY."), {"country": raw[:40]})
    return country


def _stripped(value) -> str:
    """Blank is absent, but still checked: the province is required for Indonesia."""
    if isinstance(value, list):
        value = value[-1] if value else ""
    return str(value or "").strip()


class ShippingQuery(BaseModel):
    """The parameters of GET /api/shipping/options, in the order they are checked. Blank means
    absent; values are trimmed."""

    lang: Annotated[Literal["id", "en"], TrimmedLower,
                    Field(description="The language of the labels, reasons and messages.")] = "id"
    country: Annotated[str, Trimmed, AfterValidator(_country),
                       Field(description="ISO 3166-1 alpha-2 code of the destination's country.",
                             json_schema_extra={"pattern": "^[A-Za-z]{2}$"})] = "ID"
    province: Annotated[str, BeforeValidator(_stripped), Field(
        default="", validate_default=True,
        description="Required when country is ID: the province's Indonesian name as Statistics Indonesia (BPS) "
                    "writes it (Jawa Timur, DKI Jakarta; case and spaces ignored) or its two-digit BPS code (35).")]
    items: Annotated[str, Trimmed, AfterValidator(_quantities),
                     Field(description="Comma list of product-slug:quantity, quantity 1 to 99.",
                           json_schema_extra={"pattern": ITEMS_FORMAT, "example": "kain-sasirangan-gigi-haruan:2"})]
    city: Annotated[str, Trimmed, AfterValidator(lambda city: city[:80]),
                    Field(description="The town or regency, where a rate is nearer.")] = ""

    param_messages: ClassVar = {"lang": gettext_noop("lang harus id atau en."), "items": ITEMS_REQUIRED}
    param_error_class: ClassVar = ShippingParamError

    @field_validator("province")
    @classmethod
    def _province(cls, raw: str, info: ValidationInfo) -> str:
        if info.data.get("country") != "ID":
            return ""
        if not raw:
            raise ShippingParamError("province", gettext_noop("province wajib untuk tujuan di Indonesia: nama provinsi "
                                                              "(mis. Jawa Timur) atau kode BPS-nya (mis. 35)."))
        province = province_find(raw)
        if province is None:
            raise ShippingParamError("province", gettext_noop("Provinsi “%(province)s” tidak dikenal: tulis nama "
                                                              "provinsi seperti BPS (mis. Jawa Timur, DKI Jakarta) "
                                                              "atau kodenya (mis. 35)."), {"province": raw[:60]})
        return province

    def to_params(self) -> ShippingParams:
        """With the products looked up: one that is not for sale is a ShippingParamError."""
        destination = Destination(country=self.country, province=self.province, city=self.city)
        return ShippingParams(items=_items(self.items), destination=destination,
                              province_name=province_name(self.province) if self.province else None)


def parse_shipping_params(params) -> ShippingParams:
    return parse_params(ShippingQuery, params).to_params()
