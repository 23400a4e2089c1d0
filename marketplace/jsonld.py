"""schema.org Product JSON-LD for product pages, so search engines show price, stock and rating."""

from marketplace.models import Product
from marketplace.selectors import PAGE_RENDITIONS

# Reviews in the JSON-LD: enough for search engines' rich results, not the whole list.
JSONLD_REVIEWS = 5


def reviews_jsonld(summary) -> dict:
    """AggregateRating and Review of approved reviews only (selectors never give others)."""
    if not summary or not summary.count:
        return {}
    return {
        "aggregateRating": {"@type": "AggregateRating", "ratingValue": f"{summary.average_rounded:.1f}",
                            "reviewCount": summary.count, "bestRating": 5, "worstRating": 1},
        "review": [{
            "@type": "Review",
            "author": {"@type": "Person", "name": review.author_name},
            "datePublished": review.created_at.date().isoformat(),
            "reviewBody": review.text,
            "inLanguage": review.language,
            "reviewRating": {"@type": "Rating", "ratingValue": review.rating, "bestRating": 5, "worstRating": 1},
        } for review in summary.reviews[:JSONLD_REVIEWS]],
    }


def product_jsonld(*, product: Product, request, reviews=None) -> dict:
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
    data.update(reviews_jsonld(reviews))
    return data
