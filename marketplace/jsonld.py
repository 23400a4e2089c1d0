"""schema.org Product JSON-LD for product pages, so search engines show price, stock and rating."""

from django.utils import timezone

from config.renditions import rendition_of
from marketplace.delivery import DeliveryFacts
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
            "datePublished": timezone.localdate(review.created_at).isoformat(),  # its day in WITA, not UTC
            "reviewBody": review.text,
            "inLanguage": review.language,
            "reviewRating": {"@type": "Rating", "ratingValue": review.rating, "bestRating": 5, "worstRating": 1},
        } for review in summary.reviews[:JSONLD_REVIEWS]],
    }


def _days(low: int, high: int) -> dict:
    return {"@type": "QuantitativeValue", "minValue": low, "maxValue": high, "unitCode": "DAY"}


def _shipping_details(*, countries, rate: dict, handling: tuple[int, int], transit: tuple[int, int]) -> dict:
    return {
        "@type": "OfferShippingDetails",
        "shippingRate": {"@type": "MonetaryAmount", "currency": "IDR", **rate},
        "shippingDestination": {"@type": "DefinedRegion",
                                "addressCountry": countries[0] if len(countries) == 1 else list(countries)},
        "deliveryTime": {"@type": "ShippingDeliveryTime", "handlingTime": _days(*handling),
                         "transitTime": _days(*transit)},
    }


def delivery_jsonld(facts: DeliveryFacts) -> dict:
    """The Offer's shippingDetails and hasMerchantReturnPolicy, from the facts the page's box shows
    (marketplace.delivery): Indonesia from the nearest zone's cheapest courier to the farthest's,
    each abroad zone on its own; a product that can only be collected does not ship."""
    details = []
    if facts.domestic:
        nearest, farthest = facts.domestic[0], facts.domestic[-1]
        details.append(_shipping_details(
            countries=("ID",), rate={"minValue": nearest.cost_idr, "maxValue": farthest.cost_idr},
            handling=facts.handling_days, transit=(nearest.days_min, farthest.days_max)))
    else:
        details.append({"@type": "OfferShippingDetails", "doesNotShip": True,
                        "shippingDestination": {"@type": "DefinedRegion", "addressCountry": "ID"}})
    for estimate in facts.abroad:
        details.append(_shipping_details(
            countries=estimate.countries, rate={"value": estimate.cost_idr},
            handling=facts.handling_days, transit=(estimate.days_min, estimate.days_max)))
    data = {
        "shippingDetails": details,
        "hasMerchantReturnPolicy": {
            "@type": "MerchantReturnPolicy",
            "applicableCountry": "ID",
            "returnPolicyCategory": "https://schema.org/MerchantReturnFiniteReturnWindow",
            "merchantReturnDays": facts.return_days,
            "returnMethod": "https://schema.org/ReturnByMail",
            # The buyer pays the return parcel unless the goods arrived damaged (docs/decisions.md).
            "returnFees": "https://schema.org/ReturnFeesCustomerResponsibility",
        },
    }
    if facts.offers_pickup:
        data["availableDeliveryMethod"] = "https://schema.org/OnSitePickup"
    return data


def product_jsonld(*, product: Product, request, reviews=None, delivery: DeliveryFacts | None = None) -> dict:
    images = []
    for photo in product.ordered_photos:
        rendition = rendition_of(photo.image, PAGE_RENDITIONS[2])
        if rendition is not None:  # None: the worker makes it, and the page comes back with it
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
    if delivery is not None:
        data["offers"].update(delivery_jsonld(delivery))
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
