"""The cart's shipping estimate (issue 11): once the buyer's province or country is known, each shop's
cheapest courier ("mulai Rp ...") and whether it offers pickup, and an estimated total.

Priced by the same `shipping_options()` checkout charges with (marketplace.shipping.options), so the
estimate is the checkout's default choice (the cheapest courier), never arithmetic in the browser.
"""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.shipping.options import PICKUP, shipping_options
from marketplace.shipping.rates import Destination


@dataclass(frozen=True)
class ShopEstimate:
    courier_from_idr: int | None  # the cheapest courier's price; None when no courier goes there
    pickup: bool  # the shop offers pickup at its workshop (free)
    unavailable: str  # why the shop cannot deliver there, in the buyer's language; "" when it can


@dataclass(frozen=True)
class CartEstimate:
    shops: dict[int, ShopEstimate]  # by shop pk
    shipping_idr: int | None  # every shop by its cheapest courier (pickup where it has none); None if one cannot deliver
    total_idr: int | None


def cart_estimate(contents, *, destination: Destination, language: str = "id") -> CartEstimate:
    """`contents`: marketplace.orders.cart.CartContents (products with their shop loaded)."""
    quantities: dict = {}
    for line in contents.lines:
        quantities[line.product] = quantities.get(line.product, 0) + line.quantity
    options = shipping_options(items=list(quantities.items()), destination=destination, language=language)
    shops = {}
    for entry in options.shops:
        couriers = [option["cost_idr"] for option in entry.options if option["id"] != PICKUP]
        shops[entry.shop.pk] = ShopEstimate(courier_from_idr=min(couriers) if couriers else None,
                                            pickup=any(option["id"] == PICKUP for option in entry.options),
                                            unavailable="")
    for entry in options.unavailable:
        shops[entry.shop.pk] = ShopEstimate(courier_from_idr=None, pickup=False, unavailable=entry.reason)
    if options.unavailable:
        return CartEstimate(shops=shops, shipping_idr=None, total_idr=None)
    shipping = sum(estimate.courier_from_idr or 0 for estimate in shops.values())
    return CartEstimate(shops=shops, shipping_idr=shipping, total_idr=contents.total_idr + shipping)
