"""What a product page says about delivery and returns: one set of facts for the page's box and
its JSON-LD (marketplace.jsonld), so what search engines read is what the buyer reads.

- Couriers: the estimate for the nearest and the farthest Indonesian zone the rate table prices
  (the cheapest service's price for this product's weight and its days), and, for a shop that
  ships abroad, each abroad zone. Prices come from the rate source (marketplace.shipping.rates),
  as checkout's do; the table's rates of every zone are read in one query.
- Pickup at the workshop, free, when the shop offers it; a product without a weight can only be
  collected (couriers price by weight).
- Returns: one policy for the whole marketplace (docs/decisions.md, "Product page: delivery and
  returns").
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from django.utils.translation import gettext as _

from config import dependencies
from marketplace.cache_tags import SHIPPING_RATES
from marketplace.shipping.rates import Destination, rate_source
from marketplace.shipping.regions import (
    ASEAN_COUNTRIES,
    ASIA_PACIFIC_COUNTRIES,
    COUNTRIES,
    KALIMANTAN_SELATAN,
    PROVINCES,
    Zone,
)

# Days an artisan takes to pack and hand a parcel to the courier (the page and the JSON-LD).
HANDLING_DAYS = (1, 2)
# The marketplace's returns policy: within this many days of receipt, for goods not as described.
RETURN_DAYS = 7

DOMESTIC_ZONES = (Zone.BANJAR, Zone.KALSEL, Zone.KALIMANTAN, Zone.JAWA_BALI, Zone.SUMATRA, Zone.SULAWESI,
                  Zone.NUSA_TENGGARA, Zone.MALUKU_PAPUA)
ABROAD_ZONES = (Zone.ASEAN, Zone.ASIA_PACIFIC, Zone.WORLD)
_ABROAD_COUNTRIES = {
    Zone.ASEAN: tuple(sorted(ASEAN_COUNTRIES)),
    Zone.ASIA_PACIFIC: tuple(sorted(ASIA_PACIFIC_COUNTRIES)),
    Zone.WORLD: tuple(sorted(COUNTRIES - ASEAN_COUNTRIES - ASIA_PACIFIC_COUNTRIES - {"ID"})),
}


def _zone_destination(zone: Zone) -> Destination:
    """A destination the rate source prices as `zone`."""
    if zone in _ABROAD_COUNTRIES:
        return Destination(country=_ABROAD_COUNTRIES[zone][0])
    if zone == Zone.BANJAR:
        return Destination(province=KALIMANTAN_SELATAN, city="Kabupaten Banjar")
    province = next(code for code, (_name, province_zone) in PROVINCES.items() if province_zone == zone)
    return Destination(province=province)


@dataclass(frozen=True)
class ZoneEstimate:
    """The cheapest courier to one zone for the product's weight."""

    zone: Zone
    cost_idr: int
    days_min: int
    days_max: int
    countries: tuple[str, ...] = ("ID",)

    @property
    def label(self) -> str:
        return self.zone.label


@dataclass(frozen=True)
class DeliveryFacts:
    ships_from: str
    weight_g: int | None
    domestic: tuple[ZoneEstimate, ...]  # nearest and farthest priced Indonesian zone (one when the same)
    abroad: tuple[ZoneEstimate, ...]  # only for a shop that ships abroad
    ships_abroad: bool
    offers_pickup: bool
    pickup_address: str
    pickup_hours: str
    handling_days: tuple[int, int] = HANDLING_DAYS
    return_days: int = RETURN_DAYS

    @property
    def by_courier(self) -> bool:
        return bool(self.domestic)

    @property
    def cheapest_idr(self) -> int | None:
        return min((estimate.cost_idr for estimate in self.domestic), default=None)

    @property
    def pickup_only(self) -> bool:
        return self.weight_g is None and self.offers_pickup

    @property
    def cannot_deliver(self) -> bool:
        return not self.domestic and not self.offers_pickup


def _cheapest(source, zone: Zone, weight_g: int) -> ZoneEstimate | None:
    quotes = source.quotes(destination=_zone_destination(zone), weight_g=weight_g)
    if not quotes:
        return None
    quote = quotes[0]
    return ZoneEstimate(zone=zone, cost_idr=quote.cost_idr, days_min=quote.days_min, days_max=quote.days_max,
                        countries=_ABROAD_COUNTRIES.get(zone, ("ID",)))


def delivery_facts(product, *, source=None) -> DeliveryFacts:
    """The delivery facts of `product` (with its shop loaded); at most one query with the rate table."""
    shop = product.shop
    domestic, abroad = (), ()
    if product.weight_g is not None:
        dependencies.shown(SHIPPING_RATES)  # even an empty table: a rate added later makes the page stale
        source = source or rate_source()
        priced = [estimate for zone in DOMESTIC_ZONES if (estimate := _cheapest(source, zone, product.weight_g))]
        domestic = tuple(dict.fromkeys((priced[0], priced[-1]))) if priced else ()
        if shop.ships_abroad:
            abroad = tuple(estimate for zone in ABROAD_ZONES
                           if (estimate := _cheapest(source, zone, product.weight_g)))
    return DeliveryFacts(ships_from=shop.ships_from, weight_g=product.weight_g, domestic=domestic, abroad=abroad,
                         ships_abroad=shop.ships_abroad, offers_pickup=shop.offers_pickup,
                         pickup_address=shop.pickup_address, pickup_hours=shop.pickup_hours)


def whatsapp_link(*, shop, product, product_url: str) -> str:
    """wa.me link to the artisan with a first message naming the product, in the active language;
    '' when the shop gave no number."""
    base = shop.whatsapp_url
    if not base:
        return ""
    text = _("Halo %(shop)s, saya tertarik dengan %(product)s (%(url)s)") % {
        "shop": shop.name, "product": product.title, "url": product_url}
    return f"{base}?text={quote(text, safe='')}"
