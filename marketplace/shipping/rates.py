"""Courier prices behind one interface, so a live courier-rate service can replace the table.

`rate_source()` builds the source the setting SHIPPING_RATE_SOURCE names (a dotted path; the
table in the database by default). A source answers `quotes(destination=..., weight_g=...)`
with the courier services that go there and what each charges for that weight. Checkout and
the API call only this, never the table.

A source is made per pricing (one request), so it may remember what it read without being
shared between threads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from config.remembered import remember_read
from marketplace.models import in_reading_language
from marketplace.shipping.models import ShippingRate
from marketplace.shipping.regions import (
    BANJAR_CITIES,
    KALIMANTAN_SELATAN,
    PROVINCES,
    Zone,
    country_zone,
    normalised,
)

DEFAULT_RATE_SOURCE = "marketplace.shipping.rates.TableRateSource"
GRAMS_PER_KG = 1000


@dataclass(frozen=True)
class Destination:
    """Where a parcel goes: an ISO country code and, in Indonesia, a BPS province code and
    optionally the kabupaten/kota (which tells Banjar and Banjarmasin from the rest of the province)."""

    country: str = "ID"
    province: str = ""
    city: str = ""

    @property
    def abroad(self) -> bool:
        return self.country != "ID"


@dataclass(frozen=True)
class CourierQuote:
    id: str
    courier: str
    service: str
    label: str
    cost_idr: int
    days_min: int
    days_max: int


class RateSource(Protocol):
    def quotes(self, *, destination: Destination, weight_g: int) -> list[CourierQuote]:
        """The courier services that deliver `weight_g` grams to `destination`, cheapest first."""


def destination_zone(destination: Destination) -> Zone:
    if destination.abroad:
        return country_zone(destination.country)
    if destination.province == KALIMANTAN_SELATAN and normalised(destination.city) in BANJAR_CITIES:
        return Zone.BANJAR
    return PROVINCES[destination.province][1]


def chargeable_kg(weight_g: int, *, tolerance_g: int) -> int:
    """Whole kilograms as the courier charges them: at least one; an excess over a whole kilogram
    up to `tolerance_g` is not charged, a larger one is a kilogram more."""
    kilograms, excess = divmod(max(weight_g, 0), GRAMS_PER_KG)
    if excess > tolerance_g:
        kilograms += 1
    return max(kilograms, 1)


def parcel_cost(*, weight_g: int, first_kg_idr: int, next_kg_idr: int, tolerance_g: int) -> int:
    return first_kg_idr + (chargeable_kg(weight_g, tolerance_g=tolerance_g) - 1) * next_kg_idr


@dataclass(frozen=True)
class TableRate:
    """One row of the rate table, with its service's facts, as plain values."""

    zone: str
    code: str
    courier: str
    service: str
    label: str
    label_en: str  # blank: the label is read in English too
    first_kg_idr: int
    next_kg_idr: int
    tolerance_g: int
    days_min: int
    days_max: int


def table_rates() -> tuple[TableRate, ...]:
    """The active services' rates, every zone, in one query."""
    return tuple(
        TableRate(zone=rate.zone, code=rate.service.code, courier=rate.service.courier,
                  service=rate.service.service, label=rate.service.label,
                  label_en=rate.service.label_en, first_kg_idr=rate.first_kg_idr,
                  next_kg_idr=rate.next_kg_idr, tolerance_g=rate.service.weight_tolerance_g,
                  days_min=rate.days_min, days_max=rate.days_max)
        for rate in ShippingRate.objects.filter(service__is_active=True).select_related("service"))


class TableRateSource:
    """The rate table editors keep in the admin (marketplace.shipping.models). Read once per
    source; in a request, remembered until an editor changes a rate or a service (the rows
    read record the "shipping-rates" tag: marketplace.cache_tags), as plain values of which
    each request gets its own copy (config.remembered.remember_read). A product page estimates
    a dozen zones and checkout prices a cart from it: neither reads the table anew."""

    def __init__(self):
        self._rates_by_zone: dict[str, list[TableRate]] | None = None

    def _rates(self, zone: Zone) -> list[TableRate]:
        if self._rates_by_zone is None:
            self._rates_by_zone = {}
            for rate in remember_read("shipping-rate-table", table_rates):
                self._rates_by_zone.setdefault(rate.zone, []).append(rate)
        return self._rates_by_zone.get(zone, [])

    def quotes(self, *, destination: Destination, weight_g: int) -> list[CourierQuote]:
        quotes = [
            CourierQuote(id=rate.code, courier=rate.courier, service=rate.service,
                         label=in_reading_language(rate.label, rate.label_en),
                         cost_idr=parcel_cost(weight_g=weight_g, first_kg_idr=rate.first_kg_idr,
                                              next_kg_idr=rate.next_kg_idr, tolerance_g=rate.tolerance_g),
                         days_min=rate.days_min, days_max=rate.days_max)
            for rate in self._rates(destination_zone(destination))]
        return sorted(quotes, key=lambda quote: (quote.cost_idr, quote.days_max, quote.id))


def rate_source() -> RateSource:
    return import_string(getattr(settings, "SHIPPING_RATE_SOURCE", DEFAULT_RATE_SOURCE))()
