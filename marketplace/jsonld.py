"""schema.org Product JSON-LD for product pages, so search engines show price and stock."""

from marketplace.models import Product
from marketplace.selectors import PAGE_RENDITIONS


def product_jsonld(*, product: Product, request) -> dict:
    images = []
    for photo in product.ordered_photos:
        rendition = photo.image.get_rendition(PAGE_RENDITIONS[2])
        images.append(request.build_absolute_uri(rendition.url))
    url = request.build_absolute_uri(product.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.title,
        "description": product.description,
        "sku": product.slug,
        "url": url,
        "brand": {"@type": "Brand", "name": product.shop.name},
        "offers": {
            "@type": "Offer",
            "url": url,
            "price": str(product.price_idr),
            "priceCurrency": "IDR",
            "availability": "https://schema.org/OutOfStock" if product.is_sold_out else "https://schema.org/InStock",
            "itemCondition": "https://schema.org/NewCondition",
            "seller": {"@type": "Organization", "name": product.shop.name,
                       "url": request.build_absolute_uri(product.shop.get_absolute_url())},
        },
    }
    if images:
        data["image"] = images
    if product.motif_id:
        data["pattern"] = product.motif.name
    if product.fabric:
        data["material"] = product.fabric_label
    colors = [color.name for color in product.colors.all()]
    if colors:
        data["color"] = ", ".join(colors)
    return data
