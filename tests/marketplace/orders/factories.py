"""Shops, products and orders for the orders tests.

Orders are made the way the site makes them (checkout.checkout_start), so every
test starts from a state the site can really be in. `paid_order` marks one paid
as Stripe's webhook would, with the PaymentIntent the webhook would carry, for
tests that are about what happens after payment and need no Stripe.
"""

from __future__ import annotations

import importlib
import secrets

from marketplace.orders import checkout
from marketplace.orders.cart import CartItem
from marketplace.payments import stripe_client
from marketplace.shipping.models import CourierService, ShippingRate
from tests.marketplace.factories import ProductFactory, ShopFactory, UserFactory
from tourism.snippets import District

CONTACT = checkout.Contact(name="Rina Wulandari", email="rina@contoh.id", phone="+6281234567890")
ADDRESS = checkout.Address(province="Jawa Timur", regency="Kota Surabaya", district="Gubeng", postal_code="60281",
                           street="Jl. Kertajaya No. 12, RT 03/RW 05")


def kecamatan(name="Martapura Timur"):
    """A kecamatan, made if a transactional test flushed the migration's rows."""
    return District.objects.get_or_create(name=name, defaults={"slug": name.lower().replace(" ", "-")})[0]


def rate_table():
    """The seeded courier rate table, made again if a transactional test flushed the migration's rows."""
    if ShippingRate.objects.exists():
        return
    seeded = importlib.import_module("marketplace.shipping.migrations.0002_seed_rate_table")
    for position, (code, courier, service, label, tolerance) in enumerate(seeded.SERVICES):
        courier_service = CourierService.objects.create(code=code, courier=courier, service=service, label=label,
                                                        weight_tolerance_g=tolerance, sort_order=position)
        ShippingRate.objects.bulk_create([
            ShippingRate(service=courier_service, zone=zone, first_kg_idr=first_kg, next_kg_idr=next_kg,
                         days_min=days_min, days_max=days_max)
            for zone, (first_kg, next_kg, days_min, days_max) in seeded.RATES[code].items()])


def shop(**kwargs):
    kwargs.setdefault("district", kecamatan())
    if "owner" not in kwargs:
        kwargs["owner"] = UserFactory()
    return ShopFactory(**kwargs)


def pickup_shop(**kwargs):
    """A shop whose buyers may collect at the workshop (free: an order of its goods costs just the goods)."""
    kwargs.setdefault("offers_pickup", True)
    kwargs.setdefault("pickup_address", "Jl. Pasayangan No. 7, Martapura")
    return shop(**kwargs)


def product(*, shop, **kwargs):
    return ProductFactory(shop=shop, **kwargs)


def delivery_for(items, *, address=ADDRESS, kind: str = "courier") -> dict[str, str]:
    """The option a buyer would pick per shop for `items` sent to `address`: the cheapest courier (or
    pickup, with kind="pickup"), as the checkout page offers them."""
    rate_table()
    offered = checkout.delivery_options(items=[(item[0], item[-1]) for item in items], address=address)
    choices = {}
    for entry in offered.shops:
        option = next((option for option in entry.options if option["kind"] == kind), entry.options[0])
        choices[entry.shop.slug] = option["id"]
    return choices


def order_start(*items: tuple, user=None, key: str | None = None, language="id", contact=CONTACT,
                address=ADDRESS, delivery: dict[str, str] | None = None, kind: str = "courier"):
    """An order for (product, quantity) or (product, size, quantity) tuples, stock reserved, each shop's
    cheapest courier (or pickup, kind="pickup") chosen unless `delivery` says otherwise."""
    cart_items = []
    for item in items:
        if len(item) == 2:
            cart_items.append(CartItem(item[0].pk, None, item[1]))
        else:
            cart_items.append(CartItem(item[0].pk, item[1].pk, item[2]))
    if delivery is None:
        delivery = delivery_for(items, address=address, kind=kind)
    return checkout.checkout_start(items=cart_items, contact=contact, address=address, delivery=delivery, user=user,
                                   language=language, checkout_key=key or secrets.token_urlsafe(16))


def intent_for(order, *, payment_intent_id: str | None = None, status="succeeded") -> dict:
    """The PaymentIntent as a webhook would carry it for this order."""
    return {"id": payment_intent_id or order.stripe_payment_intent_id, "object": "payment_intent",
            "amount": stripe_client.to_minor_units(order.total_idr), "currency": "idr", "status": status,
            "metadata": {"order": str(order.pk), "order_number": order.number}}


def paid_order(*items: tuple, payment_intent_id: str | None = None, **kwargs):
    """An order paid as if Stripe's webhook had said so (no Stripe involved)."""
    order = order_start(*items, **kwargs)
    order.stripe_payment_intent_id = payment_intent_id or f"pi_test_{order.pk}_{secrets.token_hex(4)}"
    order.save(update_fields=["stripe_payment_intent_id"])
    return checkout.order_mark_paid(order=order, intent=intent_for(order))


def delivered_order(*items: tuple, **kwargs):
    """A paid order whose every part was shipped and then received by the buyer (the invitation to
    review goes out after the commit, as on the site)."""
    from marketplace.orders import fulfilment

    order = paid_order(*items, **kwargs)
    for sub_order in order.sub_orders.all():
        fulfilment.suborder_mark_shipped(sub_order=sub_order, courier="JNE", tracking_number=f"JNE{sub_order.pk:010d}")
        fulfilment.suborder_mark_delivered(sub_order=sub_order)
    return order
