"""What the marketplace's reads show and its writes change, for the caches of pages,
fragments and remembered values (config/dependencies.py, registered in
MarketplaceConfig.ready()).

- A product read during a request records "product:<id>": its page, its shop's page, the
  listings, the home page's rail and the campaign cards that showed it.
- A listing records what a new, removed or edited product may change: "products" (the
  Kampung Sasirangan listing, the home page's rail, a campaign's newest products, the
  filters' choices) or "products:shop:<id>" (a shop's own products).
- A stock move (orders/stock.py, after its commit) changes only "product:<id>", and only when
  what a page shows of the stock changed (models.stock_as_shown: sold out, the last few, a size
  sold out); saving a product (its price, its publication) also changes the listings; its
  photos, sizes and tags, and its reviews (their votes, reports, photos; registered by the reviews app) change its
  own pages. Anything else (a shop, a motif) is not registered and makes
  everything stale, as before.
- The couriers' rate table (its rates and services) is "shipping-rates": what read it (a product
  page's delivery box and JSON-LD, marketplace.delivery) is stale once an editor changes it.
"""

from __future__ import annotations

from config import dependencies

PRODUCTS = "products"
# What orders products by whether they are in stock (the home page's rail: in stock first): a stock
# move changes it, as it may bring back a product such a list did not show (a reservation given back).
IN_STOCK_ORDER = "products:in-stock"
SHIPPING_RATES = "shipping-rates"


def product(pk) -> str:
    return f"product:{pk}"


def shop_products(shop_id) -> str:
    return f"products:shop:{shop_id}"


def stock_moved(product_ids) -> None:
    """After a stock move's commit: the pages that showed these products are stale."""
    dependencies.changed(*(product(pk) for pk in product_ids), IN_STOCK_ORDER)


def register() -> None:
    from marketplace.models import Product, ProductPhoto, ProductSize, ProductTag
    from marketplace.shipping.models import CourierService, ShippingRate

    dependencies.track(Product, lambda instance: (product(instance.pk),))
    dependencies.on_change(Product, lambda instance: (product(instance.pk), PRODUCTS,
                                                      shop_products(instance.shop_id)))
    dependencies.on_change(ProductPhoto, lambda instance: (product(instance.product_id),))
    dependencies.on_change(ProductSize, lambda instance: (product(instance.product_id),))
    dependencies.on_change(ProductTag, lambda instance: (product(instance.content_object_id),))
    for model in (ShippingRate, CourierService):
        dependencies.track(model, lambda instance: (SHIPPING_RATES,))
        dependencies.on_change(model, lambda instance: (SHIPPING_RATES,))
