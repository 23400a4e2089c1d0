"""The delivery choices for a set of products, per shop: `shipping_options`.

Plain Python over the rate source (marketplace.shipping.rates): the API, the cart's estimate and
checkout all ask this, so the price a buyer sees is the price charged.

Rules (docs/decisions.md, "Delivery"):
- Each shop is one parcel: the weights of its products times their quantities.
- Pickup at the workshop, free, comes first when the shop offers it and the destination is in
  Indonesia (a buyer abroad does not collect in Martapura).
- Couriers follow, cheapest first, for shops whose products all have a weight; abroad only for
  shops that ship abroad.
- A shop left with no option is listed as unavailable, with the reason in the buyer's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _

from marketplace.shipping.rates import Destination, RateSource, rate_source

PICKUP = "pickup"


@dataclass
class ShopOptions:
    shop: object
    weight_g: int | None
    options: list[dict] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"shop": self.shop.slug, "name": self.shop.name, "weight_g": self.weight_g, "options": self.options}


@dataclass
class Unavailable:
    shop: object
    reason: str

    def as_json(self) -> dict:
        return {"shop": self.shop.slug, "name": self.shop.name, "reason": self.reason}


@dataclass
class ShippingOptions:
    destination: Destination
    shops: list[ShopOptions]
    unavailable: list[Unavailable]

    def for_shop(self, shop) -> ShopOptions | None:
        return next((entry for entry in self.shops if entry.shop.pk == shop.pk), None)


def _pickup_option(shop) -> dict:
    return {"id": PICKUP, "kind": "pickup", "label": _("Ambil sendiri di tempat perajin"), "cost_idr": 0,
            "days_min": 0, "days_max": 0, "address": shop.pickup_address, "hours": shop.pickup_hours}


def _courier_option(quote) -> dict:
    return {"id": quote.id, "kind": "courier", "courier": quote.courier, "service": quote.service,
            "label": quote.label, "cost_idr": quote.cost_idr, "days_min": quote.days_min, "days_max": quote.days_max}


def _shop_lines(items) -> dict:
    """{shop: [(product, quantity), ...]} in the order the shops first appear."""
    by_shop: dict = {}
    for product, quantity in items:
        by_shop.setdefault(product.shop, []).append((product, quantity))
    return by_shop


def shipping_options(*, items, destination: Destination, language: str = "id",
                     source: RateSource | None = None) -> ShippingOptions:
    """`items`: (product, quantity) pairs, products with their shop loaded."""
    source = source or rate_source()
    shops, unavailable = [], []
    with translation.override(language):
        for shop, lines in _shop_lines(items).items():
            unweighed = [product for product, _quantity in lines if product.weight_g is None]
            weight_g = None if unweighed else sum(product.weight_g * quantity for product, quantity in lines)
            entry = ShopOptions(shop=shop, weight_g=weight_g)
            if shop.offers_pickup and not destination.abroad:
                entry.options.append(_pickup_option(shop))
            reason = ""
            if destination.abroad and not shop.ships_abroad:
                reason = _("%(shop)s hanya mengirim ke alamat di Indonesia.") % {"shop": shop.name}
            elif unweighed:
                reason = _("%(product)s belum punya berat kemasan, jadi belum bisa dikirim kurir; "
                           "%(shop)s tidak melayani pengambilan di tempat.") % {
                    "product": unweighed[0].title, "shop": shop.name}
            else:
                quotes = source.quotes(destination=destination, weight_g=weight_g)
                entry.options.extend(_courier_option(quote) for quote in quotes)
                reason = _("Belum ada kurir dengan tarif ke tujuan ini.")
            if entry.options:
                shops.append(entry)
            else:
                unavailable.append(Unavailable(shop=shop, reason=reason))
    return ShippingOptions(destination=destination, shops=shops, unavailable=unavailable)


class ShippingChoiceError(ValueError):
    """A choice the server did not offer (tampered, stale, or missing); `field` names the shop's input."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name
        self.message = message


@dataclass(frozen=True)
class ChosenDelivery:
    """One shop's delivery as the buyer chose it, priced on the server: what a sub-order keeps."""

    kind: str
    option_id: str
    label: str
    shipping_idr: int
    days_min: int
    days_max: int


def choice_field(shop) -> str:
    return f"shipping-{shop.slug}"


def shipping_choose(*, options: ShippingOptions, choices: dict[str, str], language: str = "id") -> dict:
    """{shop pk: ChosenDelivery} for the option id the buyer chose per shop slug (`choices`).

    Only options `options` offers count: an id the server did not offer for that shop, a shop
    without a choice, or a shop that cannot deliver there is a ShippingChoiceError naming the
    shop's field. The price is always the server's, whatever the page sent."""
    chosen = {}
    with translation.override(language):
        for entry in options.unavailable:
            raise ShippingChoiceError(choice_field(entry.shop), entry.reason)
        for entry in options.shops:
            wanted = (choices.get(entry.shop.slug) or "").strip()
            option = next((option for option in entry.options if option["id"] == wanted), None)
            if option is None:
                message = (_("Pilih cara pengiriman untuk %(shop)s.") if not wanted else
                           _("Pilihan pengiriman untuk %(shop)s sudah tidak tersedia; pilih lagi."))
                raise ShippingChoiceError(choice_field(entry.shop), message % {"shop": entry.shop.name})
            chosen[entry.shop.pk] = ChosenDelivery(
                kind=option["kind"], option_id=option["id"], label=option["label"], shipping_idr=option["cost_idr"],
                days_min=option["days_min"], days_max=option["days_max"])
    return chosen
