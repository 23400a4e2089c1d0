"""Public pages of Kampung Sasirangan: the listing, shops, products, motifs.

Views are thin: selectors decide what is public (approved shops, published
products) and everything else is a 404.
"""

from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from config.page_cache import content_generation
from marketplace import selectors
from marketplace.delivery import delivery_facts, whatsapp_link
from marketplace.forms import ListingFilterForm
from marketplace.jsonld import product_jsonld
from marketplace.reviews import selectors as review_selectors
from tourism.seo import jsonld_dumps
from tourism.sharing import share_target


def product_listing(request):
    form = ListingFilterForm(request.GET)
    filters = form.filters()
    page = selectors.product_listing(filters=filters, page_number=request.GET.get("page"))
    filter_errors = form.friendly_errors()
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "filters": filters,
        "filter_errors": filter_errors,
        "page_obj": page,
        "products": page.object_list,
        "choices": selectors.listing_choices(),
        "query_without_page": query.urlencode(),
        "page_title": _("Kampung Sasirangan"),
    }
    # A bad filter value is the reader's input error: say so (400) but still show the page.
    return render(request, "marketplace/product_listing.html", context, status=400 if filter_errors else 200)


def product_detail(request, slug):
    product = selectors.product_public_get(slug=slug, generation=content_generation(request))
    # All but the buy box is read when the template first asks for it: stored fragments of
    # the page (config/fragment_cache.py) ask for none of it.
    details = SimpleLazyObject(lambda: selectors.product_page_details(product))
    reviews = SimpleLazyObject(lambda: review_selectors.product_reviews(product=product,
                                                                        sort=request.GET.get("ulasan", "")))
    # Delivery and returns: one read of the rate table, shared by the page's box and the JSON-LD.
    delivery = SimpleLazyObject(lambda: delivery_facts(details))
    context = {
        "product": product,
        "product_details": details,  # the product, its photos, colours, motif and shop fetched at once
        "shop": SimpleLazyObject(lambda: details.shop),
        "sizes": list(product.sizes.all()),
        "photos": SimpleLazyObject(lambda: details.ordered_photos),
        "colors": SimpleLazyObject(lambda: list(details.colors.all())),
        "more_from_shop": SimpleLazyObject(
            lambda: selectors.products_of_shop(shop=details.shop, exclude=product, limit=4)),
        # Approved reviews: one query, shared by the reviews section and the JSON-LD.
        "reviews": reviews,
        "delivery": delivery,
        "whatsapp_link": SimpleLazyObject(lambda: whatsapp_link(
            shop=details.shop, product=details, product_url=request.build_absolute_uri(product.get_absolute_url()))),
        "jsonld": SimpleLazyObject(lambda: jsonld_dumps(product_jsonld(product=details, request=request,
                                                                       reviews=reviews, delivery=delivery))),
    }
    response = render(request, "marketplace/product_detail.html", context)
    response.share_target = share_target(product)  # what a visit counts for (tourism.sharing), with no query
    return response


def shop_listing(request):
    return render(request, "marketplace/shop_listing.html", {"shops": selectors.shops_listing()})


def shop_detail(request, slug):
    shop = selectors.shop_public_get(slug=slug)
    response = render(request, "marketplace/shop_detail.html",
                      {"shop": shop, "products": selectors.products_of_shop(shop=shop),
                       "reviews": SimpleLazyObject(lambda: review_selectors.shop_reviews(shop=shop))})
    response.share_target = share_target(shop)  # what a visit counts for (tourism.sharing), with no query
    return response


def motif_listing(request):
    return render(request, "marketplace/motif_listing.html", {"motifs": selectors.motifs_listing()})


def motif_detail(request, slug):
    motif = selectors.motif_get(slug=slug)
    page = selectors.product_listing(filters=selectors.ListingFilters(motif=motif),
                                     page_number=request.GET.get("page"))
    return render(request, "marketplace/motif_detail.html", {
        "motif": motif, "page_obj": page, "products": page.object_list,
        "shops": selectors.motif_shops(motif=motif), "query_without_page": "",
    })
