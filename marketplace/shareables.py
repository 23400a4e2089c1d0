"""Products and shops as things visitors share (tourism/shareables.py): their meta tags, share
images, share counts and JSON-LD, registered in MarketplaceConfig.ready()."""

from marketplace import selectors
from marketplace.jsonld import product_jsonld
from marketplace.models import Product, Shop
from tourism import seo, share_images
from tourism.shareables import Shareable

PRODUCT = Shareable(
    model=Product, kind="product", og_prefix="produk", view_name="marketplace:product", og_type="product",
    title_field="title_id",
    public=Product.objects.public,
    share_image_public=lambda: (selectors.products_public().select_related("shop", "shop__district")
                                .prefetch_related("photos__image")),
    title=lambda product: product.title,
    description=lambda product: product.description,
    has_english=lambda product: bool(product.title_en),
    share_image_spec=lambda product, *, language, hashtag: share_images.product_spec(
        product=product, language=language, hashtag=hashtag),
    jsonld=lambda product, *, request, canonical: product_jsonld(product=product, request=request),
)
SHOP = Shareable(
    model=Shop, kind="shop", og_prefix="toko", view_name="marketplace:shop", og_type="profile",
    title_field="name",
    public=Shop.objects.public,
    share_image_public=lambda: selectors.shops_public().select_related("district", "photo"),
    title=lambda shop: shop.name,
    description=lambda shop: shop.story,
    has_english=lambda shop: bool(shop.story_en),
    share_image_spec=lambda shop, *, language, hashtag: share_images.shop_spec(
        shop=shop, language=language, hashtag=hashtag),
    jsonld=lambda shop, *, request, canonical: seo.shop_jsonld(shop, request=request, canonical=canonical),
)
