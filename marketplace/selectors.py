"""Reads of Kampung Sasirangan, for its own pages and for other apps (home page, search).

Whatever the public can see goes through `shops_public` and `products_public`:
approved shops and their published products only. A shop waiting for approval,
rejected or suspended is invisible everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import (
    Case,
    Count,
    IntegerField,
    Prefetch,
    Q,
    Value,
    When,
    prefetch_related_objects,
)
from django.http import Http404
from wagtail.images import get_image_model

from config.dependencies import shown
from config.page_cache import GenerationMemo
from config.remembered import remember_fact, remember_read
from config.renditions import (
    PRODUCT_CARD,
    picture_columns,
    renditions_attach_or_read_again,
    with_image_renditions,
)
from marketplace.cache_tags import IN_STOCK_ORDER, PRODUCTS, shop_products
from marketplace.models import (
    Color,
    Dye,
    Motif,
    Product,
    ProductKind,
    ProductPhoto,
    Shop,
    ShopStatus,
)

PRODUCTS_PER_PAGE = 24
# The renditions cards and pages use; prefetched so a listing costs the same queries at any length.
PAGE_RENDITIONS = ["fill-600x600|format-webp", "fill-900x900|format-webp", "fill-1200x1200|format-webp",
                   "fill-160x160|format-webp"]
SHOP_RENDITIONS = ["fill-320x320|format-webp", "fill-640x640|format-webp"]
SORTS = {
    "newest": ("-created_at", "-pk"),
    "price_asc": ("price_idr", "-created_at", "-pk"),
    "price_desc": ("-price_idr", "-created_at", "-pk"),
}


def _images(renditions):
    return get_image_model().objects.prefetch_renditions(*renditions)


def _photos_prefetch(filter_specs=PRODUCT_CARD) -> Prefetch:
    """Each photo's image joined in, not prefetched: one query fewer for every list of products; and
    the renditions `filter_specs` (none: the caller attaches them, config.renditions.renditions_attach)."""
    return Prefetch("photos", queryset=with_image_renditions(ProductPhoto.objects.all(), "image", filter_specs))


# --- Shops ------------------------------------------------------------------------

def shops_public():
    return Shop.objects.public()


def shop_public_get(*, slug: str) -> Shop:
    """An approved shop, or 404: unapproved shops do not exist for the public."""
    shop = (shops_public().select_related("district")
            .prefetch_related(Prefetch("photo", queryset=_images(SHOP_RENDITIONS)))
            .filter(slug=slug).first())
    if shop is None:
        raise Http404("shop not found")
    return shop


def shops_listing() -> list[Shop]:
    return list(
        shops_public().select_related("district")
        .prefetch_related(Prefetch("photo", queryset=_images(SHOP_RENDITIONS)))
        .annotate(product_count=Count("products", filter=Q(products__is_published=True)))
        .order_by("name")
    )


def shop_for_owner(*, user) -> Shop | None:
    """The shop the signed-in artisan owns, whatever its status; None for anyone else.

    The one place the dashboard decides whose shop is whose.
    """
    if user is None or not user.is_authenticated:
        return None
    return Shop.objects.select_related("district", "photo").filter(owner=user).first()


# --- Products ---------------------------------------------------------------------

def products_public():
    return Product.objects.public()


# The columns a product card reads (site/templates/marketplace/includes/product_card.html): a list's
# rows skip the descriptions and the shop's details, which the home page's first render spent more
# building than the card shows.
CARD_FIELDS = ("slug", "title_id", "title_en", "price_idr", "stock", "shop__name", "shop__district",
               "motif__name", "motif__slug", *picture_columns("cover_image"))


def _card_queryset(*, filter_specs=PRODUCT_CARD, shop: Shop | None = None):
    """Public products as their cards read them (CARD_FIELDS), with their cover joined in and its
    renditions `filter_specs` (None: the caller attaches them). Of one `shop`'s products, without the
    shop's join: the caller has it (products_of_shop)."""
    products = products_public()
    if shop is None:
        products = products.select_related("shop", "shop__district", "motif").only(*CARD_FIELDS)
    else:
        products = (products.filter(shop=shop).select_related("motif")
                    .only("shop", *(name for name in CARD_FIELDS if not name.startswith("shop__"))))
    return with_image_renditions(products, "cover_image", filter_specs)


def products_highlighted(*, limit: int = 4, filter_specs=PRODUCT_CARD) -> list[Product]:
    """Products for the home page's Kampung Sasirangan slot: in stock first, newest first. With
    `filter_specs` None, their covers come without renditions: the caller attaches them (the
    home page asks once for all its cards' renditions)."""
    shown(PRODUCTS, IN_STOCK_ORDER)  # a product back in stock that it did not show moves it too
    in_stock_first = Case(When(stock__gt=0, then=Value(0)), default=Value(1), output_field=IntegerField())
    return list(_card_queryset(filter_specs=filter_specs).order_by(in_stock_first, "-created_at", "-pk")[:limit])


# Product pages' products per content generation (config/page_cache.py), each dropped when
# the product changes (its stock as shown, price, photos: config/dependencies.py) or its shop does.
_products_remembered = GenerationMemo()


def product_public_get(*, slug: str, generation: int | None = None) -> Product:
    """A public product with what its buy box needs (its sizes), or 404.

    With the request's content generation, the product is remembered for the generation's
    next requests until it changes; each request gets a copy of its own (GenerationMemo).
    """
    if generation is not None:
        remembered = _products_remembered.get(generation, slug)
        if remembered is not None:
            return remembered
    product = (products_public()
               .prefetch_related("sizes")
               .filter(slug=slug).first())
    if product is None:
        raise Http404("product not found")
    if generation is not None:
        # As it is once the page has rendered: with its details (product_page_details) prefetched.
        _products_remembered.set(generation, slug, product, after_response=True)
    return product


def product_page_details(product: Product) -> Product:
    """The rest of what a product page shows: photos with their renditions, colours, motif, the shop's
    place and photo (nothing to fetch when the remembered product came with them)."""
    prefetch_related_objects([product], _photos_prefetch(PAGE_RENDITIONS), "colors", "motif",
                             Prefetch("shop", queryset=Shop.objects.select_related("district")),
                             Prefetch("shop__photo", queryset=_images(SHOP_RENDITIONS)))
    return product


def products_of_shop(*, shop: Shop, exclude: Product | None = None, limit: int | None = None) -> list[Product]:
    """The shop's public products, newest first (its page; "more from this shop" on a product page),
    remembered until one of them or the shop's list changes (config.remembered.remember_read)."""
    def read() -> list[Product]:
        shown(shop_products(shop.pk))
        products = _card_queryset(shop=shop, filter_specs=None).order_by("-created_at", "-pk")
        if exclude is not None:
            products = products.exclude(pk=exclude.pk)
        products = list(products[:limit] if limit else products)
        renditions_attach_or_read_again([(product.cover_image, PRODUCT_CARD)
                                         for product in products if product.cover_image is not None])
        return products

    products = remember_read(("shop-products", shop.pk, exclude.pk if exclude is not None else None, limit), read)
    for product in products:
        product.shop = shop  # the shop the caller read, not one more instance of it per row
    return products


@dataclass
class ListingFilters:
    """Filters of the Kampung Sasirangan listing, already validated (see forms.ListingFilterForm)."""

    motif: Motif | None = None
    kind: str = ""
    color: Color | None = None
    dye: str = ""
    price_min: int | None = None
    price_max: int | None = None
    shop: Shop | None = None
    sort: str = "newest"
    in_stock: bool = False
    extra: dict = field(default_factory=dict)


def product_listing(*, filters: ListingFilters, page_number=None, per_page: int = PRODUCTS_PER_PAGE):
    """One page of public products matching the filters; the same few queries at any length."""
    shown(PRODUCTS)
    products = _card_queryset()
    if filters.motif is not None:
        products = products.filter(motif=filters.motif)
    if filters.kind:
        products = products.filter(kind=filters.kind)
    if filters.color is not None:
        products = products.filter(colors=filters.color)
    if filters.dye:
        products = products.filter(dye=filters.dye)
    if filters.price_min is not None:
        products = products.filter(price_idr__gte=filters.price_min)
    if filters.price_max is not None:
        products = products.filter(price_idr__lte=filters.price_max)
    if filters.shop is not None:
        products = products.filter(shop=filters.shop)
    if filters.in_stock:
        products = products.filter(stock__gt=0)
    products = products.order_by(*SORTS.get(filters.sort, SORTS["newest"]))
    return Paginator(products, per_page).get_page(page_number)


def listing_choices() -> dict:
    """What the listing's filter form offers: only motifs and colours that public products use."""
    shown(PRODUCTS)
    public = products_public()
    return {
        "motifs": list(Motif.objects.filter(products__in=public).distinct().order_by("name")),
        "colors": list(Color.objects.filter(products__in=public).distinct().order_by("name_id")),
        "kinds": ProductKind.choices,
        "dyes": Dye.choices,
    }


# --- Motifs -----------------------------------------------------------------------

def motifs_listing() -> list[Motif]:
    return list(
        Motif.objects.select_related("image")
        .prefetch_related(Prefetch("image", queryset=_images(SHOP_RENDITIONS)))
        .annotate(product_count=Count("products", filter=Q(products__is_published=True,
                                                             products__shop__status=ShopStatus.APPROVED)))
        .order_by("name")
    )


def motif_get(*, slug: str) -> Motif:
    motif = (Motif.objects.prefetch_related(Prefetch("image", queryset=_images(PAGE_RENDITIONS)))
             .filter(slug=slug).first())
    if motif is None:
        raise Http404("motif not found")
    return motif


def motif_shops(*, motif: Motif) -> list[Shop]:
    """Approved shops that make the motif (have a published product of it)."""
    shown(PRODUCTS)
    return list(
        shops_public().filter(products__motif=motif, products__is_published=True).distinct()
        .select_related("district")
        .prefetch_related(Prefetch("photo", queryset=_images(SHOP_RENDITIONS)))
        .order_by("name")
    )


# --- Dashboard --------------------------------------------------------------------

def products_for_dashboard(*, shop: Shop) -> list[Product]:
    """Every product of the shop, published or not, for its owner."""
    return list(
        Product.objects.filter(shop=shop)
        .prefetch_related(_photos_prefetch(["fill-160x160|format-webp"]), "sizes")
        .order_by("-created_at", "-pk")
    )


def product_for_owner(*, shop: Shop | None, pk) -> Product:
    """The owner's product, or 404 whether it does not exist or is someone else's."""
    if shop is None:
        raise Http404("no shop")
    product = (Product.objects.filter(shop=shop, pk=pk)
               .prefetch_related(_photos_prefetch(["fill-160x160|format-webp"]), "sizes", "colors")
               .first())
    if product is None:
        raise Http404("product not found")
    return product


# --- For tourism pages (campaign cards, nearby shops) ---------------------------------

def products_newest_ids(*, limit: int) -> list[int]:
    """The newest public products (the demo campaign's product cards)."""
    shown(PRODUCTS)
    return list(Product.objects.public().order_by("-created_at").values_list("pk", flat=True)[:limit])


def products_public_by_ids(*, ids, filter_specs=PRODUCT_CARD) -> dict[int, Product]:
    """Public products among `ids`, by id, ready for cards; unpublished or unapproved ones are absent.
    With `filter_specs` None their covers come without renditions: the caller attaches them."""
    return {product.pk: product for product in _card_queryset(filter_specs=filter_specs).filter(pk__in=list(ids))}


def shops_public_located() -> tuple[tuple, ...]:
    """(pk, latitude, longitude, name) of every approved shop with a place on the map. Every
    destination page asks (tourism.nearby); remembered (config.remembered) as a fact of the content
    generation, which a shop's change moves on (cache_tags registers no shop)."""
    return remember_fact("located-shops", lambda: tuple(
        shops_public().filter(latitude__isnull=False, longitude__isnull=False)
        .values_list("pk", "latitude", "longitude", "name")))


def shops_public_by_ids(*, ids) -> dict[int, Shop]:
    """{pk: approved shop} of these, for a line that names one: its district and photo joined in;
    the photo's renditions are the caller's to attach (config.renditions.renditions_attach)."""
    return {shop.pk: shop for shop in shops_public().filter(pk__in=ids).select_related("district", "photo")}


