"""Shops and products as stops of a visitor's trip plan (tourism/trips/registry.py): registered
in MarketplaceConfig.ready(), so the plan never imports the marketplace. A product's stop is where
it can be seen and bought: its shop's workshop."""

from __future__ import annotations

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.images import get_image_model

from config.renditions import NEARBY_THUMB
from marketplace.models import Product, ProductPhoto, Shop
from tourism.trips.registry import StopFacts, StopKind, stop_kind_register, visitor_stops_register


def _thumbs():
    return get_image_model().objects.prefetch_renditions(*NEARBY_THUMB)


def _coordinate(value):
    return float(value) if value is not None else None


def _shop_facts(shop: Shop, **overrides) -> dict:
    facts = {"latitude": _coordinate(shop.latitude), "longitude": _coordinate(shop.longitude),
             "opening_hours": shop.pickup_hours}
    facts.update(overrides)
    return facts


def _resolve_shops(ids: list[int]) -> dict[int, StopFacts]:
    shops = (Shop.objects.public().filter(pk__in=ids).select_related("district")
             .prefetch_related(Prefetch("photo", queryset=_thumbs())))
    return {shop.pk: StopFacts(title=shop.name, url=shop.get_absolute_url(), image=shop.photo,
                               note=str(_("Perajin sasirangan · Kecamatan %(district)s")
                                        % {"district": shop.district.name}),
                               **_shop_facts(shop))
            for shop in shops}


def _resolve_products(ids: list[int]) -> dict[int, StopFacts]:
    photos = ProductPhoto.objects.prefetch_related(Prefetch("image", queryset=_thumbs()))
    products = (Product.objects.public().filter(pk__in=ids).select_related("shop")
                .prefetch_related(Prefetch("photos", queryset=photos)))
    found = {}
    for product in products:
        photo = product.main_photo
        found[product.pk] = StopFacts(title=product.title, url=product.get_absolute_url(),
                                      image=photo.image if photo else None, price_idr=product.price_idr,
                                      note=str(_("di %(shop)s") % {"shop": product.shop.name}),
                                      **_shop_facts(product.shop))
    return found


def _public_id(queryset):
    def canonical(pk: int) -> int | None:
        return queryset().filter(pk=pk).values_list("pk", flat=True).first()
    return canonical


SHOP = StopKind(kind="shop", label=pgettext_lazy("satu perhentian rencana", "Perajin"), resolve=_resolve_shops, canonical=_public_id(Shop.objects.public))
PRODUCT = StopKind(kind="product", label=pgettext_lazy("satu perhentian rencana", "Produk"), resolve=_resolve_products,
                   canonical=_public_id(Product.objects.public))


def pickups_of_visitor(request) -> list[StopFacts]:
    """What the visitor paid for and will collect at a workshop: a stop with the workshop's hours and
    the pickup code. The signed-in visitor's orders, and those placed on this device (a guest's: their
    session remembers them, marketplace.orders.selectors.device_order_ids)."""
    from django.db.models import Q

    from marketplace.orders.models import OPEN_PICKUP_STATUSES, DeliveryKind, SubOrder
    from marketplace.orders.selectors import device_order_ids

    user = getattr(request, "user", None)
    mine = Q(order__pk__in=device_order_ids(request))
    if user is not None and user.is_authenticated:
        mine |= Q(order__user=user)
    sub_orders = (SubOrder.objects.filter(mine, delivery_kind=DeliveryKind.PICKUP,
                                          status__in=OPEN_PICKUP_STATUSES)
                  .exclude(pickup_code="").select_related("order", "shop", "shop__district")
                  .prefetch_related(Prefetch("shop__photo", queryset=_thumbs())).order_by("pk"))
    return [StopFacts(title=gettext("Ambil pesanan di %(shop)s") % {"shop": sub_order.shop.name},
                      url=reverse("orders:status", kwargs={"token": sub_order.order.token}), image=sub_order.shop.photo,
                      note=sub_order.shop.pickup_address,
                      extra={"pickup_code": sub_order.pickup_code, "order_number": sub_order.number,
                             "label": gettext("Ambil di workshop")},
                      **_shop_facts(sub_order.shop))
            for sub_order in sub_orders]


def register() -> None:
    stop_kind_register(SHOP)
    stop_kind_register(PRODUCT)
    visitor_stops_register(pickups_of_visitor)
