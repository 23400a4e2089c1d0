"""Being found: canonical URLs, language alternates, Open Graph and Twitter meta, schema.org
JSON-LD, sitemap.xml and robots.txt.

The languages follow the site's rule (docs/decisions.md, Foundation): Indonesian
is the original of every page; an English URL counts as an alternate only where
English text exists (a translated page, a product with an English title, a shop
with an English story). An English URL that shows the Indonesian text (fallback)
names the Indonesian page as its canonical, so search engines see one page, not two.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.functional import SimpleLazyObject
from wagtail.images.models import SourceImageIOError
from wagtail.models import Page, Site

from config import dependencies
from config.digits import ascii_digits
from config.languages import reading_language
from config.page_cache import page_translations_listed
from config.remembered import remember_read
from config.renditions import rendition_of
from tourism.context_processors import prefix_swapped_urls
from tourism.links import absolute
from tourism.routing import locale_codes, public_pages
from tourism.shareables import shareable_for
from tourism.sitemaps import SiteSitemap

LANGUAGES = ("id", "en")
OG_LOCALES = {"id": "id_ID", "en": "en_US"}
SITE_NAME = "Gebrak Banjar"
REGION = "Kalimantan Selatan"
ORGANIZER = "Pemerintah Kabupaten Banjar"
JSONLD_RENDITION = "fill-1200x630|format-jpeg"


def jsonld_dumps(data: dict) -> str:
    """JSON safe inside <script>: no '</script>' or HTML comment can close it early."""
    return (json.dumps(data, ensure_ascii=False)
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


# --- Languages of one thing ---------------------------------------------------------------

def page_language_urls(page, request=None) -> dict[str, str]:
    """{language: path} of the page's live translations (the page itself included).

    Every page's <head> asks, and the answer changes only when one of the translations does:
    remembered (config.remembered) until then, per site (a page of another site is a full URL)."""
    def read() -> tuple[tuple[str, str], ...]:
        dependencies.shown(page_translations_listed(page))
        translations = (public_pages(Page.objects.live()).filter(translation_key=page.translation_key)
                        .select_related("locale").only("url_path", "locale"))
        urls = ((translated.locale.language_code, translated.get_url(request)) for translated in translations)
        return tuple((language, url) for language, url in urls if url)

    return dict(remember_read(("language-urls", page.translation_key, _site_key(request)), read))


def language_switch_context(page, request) -> dict:
    """The header's language switch (and a listing's alternates) on a page: the address of its live
    translation in each language, wherever it lives (an English slug of its own, or the Indonesian slug
    changed after the English was made), with the request's query (a listing's filters and page); a
    language without one keeps the same path under its prefix, where the fallback routing serves the
    page. The prefix swap alone led "EN" to the Indonesian page served under an English address."""
    def links() -> dict[str, str]:
        query = request.META.get("QUERY_STRING", "")
        urls = prefix_swapped_urls(request)
        for code, url in page_language_urls(page, request).items():
            if code in urls:
                urls[code] = f"{url}?{query}" if query else url
        return urls

    return {"language_alternates": SimpleLazyObject(links)}


def translation_moved_url(page, request) -> str | None:
    """Where to send a reader whom the fallback routing gave `page` (an Indonesian page under an
    English address) although it has a live translation in the reader's language at another address:
    that translation's address (and what followed the page's own, an event's calendar file, and the
    query). None when the fallback is right (no such translation)."""
    if not getattr(request, "translation_fallback", False):
        return None
    urls = page_language_urls(page, request)
    language = reading_language()
    target, own = urls.get(language), urls.get(locale_codes().get(page.locale_id, ""))
    if not target or not own or not own.startswith("/") or own.count("/") < 2:
        return None
    served_at = f"/{language}/{own.split('/', 2)[2]}"  # the page's own path under the reader's prefix
    if not request.path.startswith(served_at) or target == served_at:
        return None
    query = request.META.get("QUERY_STRING", "")
    url = target + request.path[len(served_at):]
    return f"{url}?{query}" if query else url


def _site_key(request) -> int | None:
    """The request's Site, in the key of a remembered URL: Page.get_url answers a full URL for a
    page of another site than the request's (None without a request)."""
    site = Site.find_for_request(request) if request is not None else None
    return getattr(site, "pk", None)


def shareable_language_urls(obj) -> dict[str, str]:
    """{language: path} of a product or shop (tourism/shareables.py): English where it has English text."""
    shareable = shareable_for(obj)
    if shareable is None:
        return {}
    languages = ("id", "en") if shareable.has_english(obj) else ("id",)
    urls = {}
    for language in languages:
        with translation.override(language):
            urls[language] = obj.get_absolute_url()
    return urls


def language_urls(obj, request=None) -> dict[str, str]:
    if isinstance(obj, Page):
        return page_language_urls(obj, request)
    return shareable_language_urls(obj)


# --- Meta tags ----------------------------------------------------------------------------

@dataclass
class SocialMeta:
    canonical: str
    title: str
    description: str
    og_type: str
    og_locale: str
    image: str
    image_alt: str
    alternates: list = field(default_factory=list)  # (hreflang, absolute URL)
    og_locale_alternates: list = field(default_factory=list)
    jsonld: str = ""


def _page_texts(page) -> tuple[str, str]:
    title = getattr(page, "seo_title", "") or page.title
    description = (getattr(page, "search_description", "") or getattr(page, "summary", "")
                   or getattr(page, "hero_text", "") or getattr(page, "intro", "") or "")
    return title, description


def social_meta(obj, *, request, with_jsonld: bool = True) -> SocialMeta:
    """Everything the <head> of a shareable page says about it."""
    from tourism.models import CampaignPage, DestinationPage, EventPage
    from tourism.share_images import og_image_url
    from tourism.sharing import campaign_for_sharing

    language = reading_language()
    urls = language_urls(obj, request)
    own = urls.get(language) or urls.get("id") or ""
    # The language of what the canonical URL shows: an English reader of a page with no English text
    # (the fallback) is shown, and shares, the Indonesian page.
    shown = language if language in urls or "id" not in urls else "id"
    canonical = absolute(request, own)
    alternates = [(code, absolute(request, urls[code])) for code in LANGUAGES if code in urls]
    if "id" in urls:
        alternates.append(("x-default", absolute(request, urls["id"])))

    shareable = shareable_for(obj)
    if shareable is not None:
        title, description, og_type = shareable.title(obj), shareable.description(obj), shareable.og_type
    else:
        title, description = _page_texts(obj)
        og_type = "article" if isinstance(obj, (DestinationPage, EventPage, CampaignPage)) else "website"
    # The image shows the text of the language it is read in (an untranslated page: its Indonesian title).
    hashtag = campaign_for_sharing(request=request, obj=obj)[1]
    image = absolute(request, og_image_url(obj, language=language, hashtag=hashtag))

    jsonld = ""
    if with_jsonld:
        data = jsonld_for(obj, request=request, canonical=canonical)
        if data and "inLanguage" in data:
            data["inLanguage"] = shown
        jsonld = jsonld_dumps(data) if data else ""
    return SocialMeta(
        canonical=canonical, title=title, description=" ".join(description.split())[:300],
        og_type=og_type, og_locale=OG_LOCALES.get(shown, "id_ID"),
        og_locale_alternates=[OG_LOCALES[code] for code in LANGUAGES if code in urls and code != shown],
        image=image, image_alt=title, alternates=alternates, jsonld=jsonld,
    )


# --- schema.org JSON-LD -------------------------------------------------------------------

def _image_urls(request, image) -> list[str]:
    if image is None:
        return []
    try:
        rendition = rendition_of(image, JSONLD_RENDITION)
    except SourceImageIOError:
        # The picture's file is gone from the storage: the page still renders, without it here.
        return []
    # None: the worker makes it, and the page comes back with it (config.renditions.rendition_of).
    return [absolute(request, rendition.url)] if rendition is not None else []


def _address(*, locality: str, street: str = "") -> dict:
    address = {"@type": "PostalAddress", "addressLocality": locality, "addressRegion": REGION,
               "addressCountry": "ID"}
    if street:
        address["streetAddress"] = street
    return address


def _geo(latitude, longitude) -> dict:
    return {"@type": "GeoCoordinates", "latitude": float(latitude), "longitude": float(longitude)}


def destination_jsonld(page, *, request, canonical: str) -> dict:
    """schema.org TouristAttraction: name, description, url, image, geo, address."""
    data = {
        "@context": "https://schema.org",
        "@type": "TouristAttraction",
        "name": page.title,
        "description": page.summary,
        "url": canonical,
        "address": _address(locality=f"Kecamatan {page.district.name}, Kabupaten Banjar"),
        "inLanguage": reading_language(),
    }
    if page.has_location:
        data["geo"] = _geo(page.latitude, page.longitude)
    images = _image_urls(request, page.main_image)
    if images:
        data["image"] = images
    if page.ticket_price_idr is not None:
        data["isAccessibleForFree"] = page.ticket_price_idr == 0
    if page.opening_hours:
        data["openingHours"] = page.opening_hours
    return data


def event_jsonld(page, *, request, canonical: str) -> dict:
    """schema.org Event: name, startDate, location (Place with address), plus what Google recommends."""
    place = {"@type": "Place", "name": page.venue.title if page.venue_id else f"Kecamatan {page.district.name}",
             "address": _address(locality=f"Kecamatan {page.district.name}, Kabupaten Banjar")}
    coordinates = page.coordinates
    if coordinates:
        place["geo"] = _geo(*coordinates)
    if page.venue_id and page.venue_is_public:  # an unpublished venue's address is a 404
        place["url"] = absolute(request, page.venue.get_url(request))
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": page.title,
        "description": page.summary,
        "url": canonical,
        "startDate": page.start.isoformat(),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": place,
        "organizer": {"@type": "GovernmentOrganization", "name": ORGANIZER, "url": absolute(request, "/")},
        "inLanguage": reading_language(),
    }
    if page.end:
        data["endDate"] = page.end.isoformat()
    images = _image_urls(request, page.main_image)
    if images:
        data["image"] = images
    return data


def shop_jsonld(shop, *, request, canonical: str) -> dict:
    """schema.org LocalBusiness: name, address, plus url, description, image, geo, telephone."""
    data = {
        "@context": "https://schema.org",
        "@type": "LocalBusiness",
        "name": shop.name,
        "description": shop.story,
        "url": canonical,
        "address": _address(locality=", ".join(part for part in (
            shop.village, f"Kecamatan {shop.district.name}", "Kabupaten Banjar") if part)),
        "currenciesAccepted": "IDR",
    }
    if shop.latitude is not None and shop.longitude is not None:
        data["geo"] = _geo(shop.latitude, shop.longitude)
    images = _image_urls(request, shop.photo)
    if images:
        data["image"] = images
    if shop.phone:
        data["telephone"] = shop.phone
    return data


def campaign_jsonld(page, *, request, canonical: str) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "WebPage",
        "name": page.title,
        "description": page.summary,
        "url": canonical,
        "inLanguage": reading_language(),
        **({"keywords": page.hashtag_text} if page.hashtag else {}),
    }


def home_jsonld(page, *, request, canonical: str) -> dict:
    """schema.org WebSite (with its search) and the regency's GovernmentOrganization behind it."""
    from django.urls import reverse

    organization = {"@type": "GovernmentOrganization", "@id": absolute(request, "/#organization"),
                    "name": ORGANIZER, "url": absolute(request, "/"),
                    "address": _address(locality="Martapura, Kabupaten Banjar")}
    website = {"@type": "WebSite", "@id": canonical + "#website", "name": SITE_NAME, "url": canonical,
               "inLanguage": reading_language(), "publisher": {"@id": organization["@id"]},
               "potentialAction": {
                   "@type": "SearchAction",
                   "target": {"@type": "EntryPoint",
                              "urlTemplate": absolute(request, reverse("search:page")) + "?q={search_term_string}"},
                   "query-input": "required name=search_term_string"}}
    return {"@context": "https://schema.org", "@graph": [website, organization]}


def breadcrumb_jsonld(page, *, request) -> dict:
    """schema.org BreadcrumbList of a page, as its breadcrumb shows it: the home page (named
    'Beranda', 'Home' in English), the pages between, the page itself."""
    from django.utils.translation import gettext

    trail = [*page_ancestry(page, request=request), (page.depth, page.title, page.get_url(request))]
    return trail_jsonld([(gettext("Beranda") if depth == 2 else title, url) for depth, title, url in trail],
                        request=request)


def page_ancestry(page, *, request) -> tuple[tuple[int, str, str], ...]:
    """(depth, title, URL) of the pages above `page` below the tree's root, the home page first;
    remembered (config.remembered) until one of them changes (a move makes everything stale).
    A home page has none below the root: nothing to read."""
    if page.depth <= 2:
        return ()

    def read():
        return tuple((crumb.depth, crumb.title, crumb.get_url(request))
                     for crumb in page.get_ancestors().filter(depth__gt=1))

    return remember_read(("ancestry", page.pk, _site_key(request)), read)


def trail_jsonld(crumbs, *, request) -> dict:
    """schema.org BreadcrumbList of a trail of (name, path or URL), home first, the page itself
    last: a page's ancestry above, or a trail that is no page tree's (the marketplace's views)."""
    items = [{"@type": "ListItem", "position": position, "name": name, "item": absolute(request, url)}
             for position, (name, url) in enumerate(crumbs, start=1)]
    return {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": items}


def jsonld_for(obj, *, request, canonical: str) -> dict | None:
    from tourism.models import CampaignPage, DestinationPage, EventPage, HomePage

    if isinstance(obj, DestinationPage):
        return destination_jsonld(obj, request=request, canonical=canonical)
    if isinstance(obj, EventPage):
        return event_jsonld(obj, request=request, canonical=canonical)
    if isinstance(obj, CampaignPage):
        return campaign_jsonld(obj, request=request, canonical=canonical)
    if isinstance(obj, HomePage):
        return home_jsonld(obj, request=request, canonical=canonical)
    shareable = shareable_for(obj)
    if shareable is not None:
        return shareable.jsonld(obj, request=request, canonical=canonical)
    return None


# --- robots.txt (sitemap.xml: tourism/sitemaps.py) ----------------------------------------


# Paths that are for people signed in, or for machines. Not the search page: it says `noindex`
# itself, which a crawler can only read where robots.txt lets it fetch the page.
ROBOTS_DISALLOW = ["/admin/", "/django-admin/", "/toko/", "/payments/", "/api/", "/bagikan/",
                   "/id/kampung-sasirangan/keranjang/", "/en/kampung-sasirangan/keranjang/",
                   "/id/foto-pengunjung/", "/en/foto-pengunjung/"]


def robots_txt(request) -> str:
    lines = ["User-agent: *"]
    lines += [f"Disallow: {path}" for path in ROBOTS_DISALLOW]
    lines += ["Allow: /", ""]
    # One line per page of the sitemap: past 50,000 URLs it goes on at ?p=2 (tourism/sitemaps.py).
    pages = SiteSitemap().paginator.num_pages
    lines += [f"Sitemap: {absolute(request, '/sitemap.xml')}"]
    lines += [f"Sitemap: {absolute(request, f'/sitemap.xml?p={number}')}" for number in range(2, pages + 1)]
    lines += [""]
    return "\n".join(lines)


def listing_meta(*, request, title: str, description: str, alternates: dict) -> SocialMeta:
    """What the <head> of a listing (an index page, the marketplace's lists) says: its own
    canonical (with the page number), the language alternates and x-default, Open Graph and
    Twitter. No share image: drawing one costs a listing two queries over its budget
    (tests/reliability/test_query_counts.py), and a link to a listing shows as a summary card."""
    language = reading_language()
    links = [(code, absolute(request, alternates[code])) for code in LANGUAGES if code in alternates]
    if "id" in alternates:
        links.append(("x-default", absolute(request, alternates["id"])))
    return SocialMeta(
        canonical=default_canonical(request), title=title,
        description=" ".join((description or "").split())[:300], og_type="website",
        og_locale=OG_LOCALES.get(language, "id_ID"),
        og_locale_alternates=[OG_LOCALES[code] for code in LANGUAGES if code in alternates and code != language],
        image="", image_alt=title, alternates=links,
    )


def default_canonical(request) -> str:
    """For pages without their own meta: the path, keeping only the listing's page number."""
    path = request.path
    page_number = request.GET.get("page", "")
    if ascii_digits(page_number) and page_number != "1":
        path += f"?page={page_number}"
    return absolute(request, path)

