"""Reads for tourism pages: listings that cost the same few queries at any length."""


from datetime import timedelta

from django.core.paginator import Paginator
from django.db.models import Q
from django.utils import timezone

from config import dependencies
from config.languages import reading_language
from config.page_cache import page_shown_as, path_listed_below
from config.remembered import remember_read
from config.renditions import (
    HOME_HERO,
    PRODUCT_CARD,
    TOURISM_CARD,
    picture_columns,
    renditions_attach_or_read_again,
    with_image_renditions,
)
from tourism.models import DestinationIndexPage, DestinationPage, EventIndexPage, EventPage
from tourism.page_context import lazy_entries
from tourism.providers import HOME_HIGHLIGHTS, provided
from tourism.routing import default_locale, public_pages
from tourism.snippets import Category, District

DESTINATIONS_PER_PAGE = 12
PAST_EVENTS_PER_PAGE = 12
# The columns a listing's card reads (site/templates/tourism/includes/destination_card.html and
# event_card.html), with those localize_pages and Page.get_url read: a listing's rows skip the rest,
# a destination's body above all (its JSON parsed for every row). The home page's first render
# spent more building its rails' rows than querying them.
CARD_FIELDS = {
    DestinationPage: ("title", "url_path", "locale", "translation_key", "summary", "category", "district",
                      "ticket_price_idr", *picture_columns("main_image")),
    EventPage: ("title", "url_path", "locale", "translation_key", "summary", "start", "end", "district",
                "venue__title", *picture_columns("main_image")),
}


def with_card_images(pages, *, filter_specs=TOURISM_CARD):
    """The pages with their main image joined in, and its renditions `filter_specs` (the cards'
    by default; None: the caller attaches them, config.renditions.renditions_attach)."""
    return with_image_renditions(pages, "main_image", filter_specs)


def localize_pages(pages: list, *, filter_specs=TOURISM_CARD, only=None) -> list:
    """Swap each default-language page for its translation in the active language.

    Untranslated pages stay as they are; the template links them under the active
    language's URL, where the fallback routing serves them. One query for the lot. `only`: the
    columns the caller reads (the originals', CARD_FIELDS for a listing), the rest not loaded; an
    English card read every translation's body (its JSON parsed), more than the page's queries cost.
    """
    pages = list(pages)
    language = reading_language()
    if language == default_locale()[1] or not pages:
        return pages
    model = type(pages[0])
    related = [name for name in _related_for(model) if _reads(only, name)]  # a deferred one cannot be joined
    translated = (public_pages(model.objects.live())
                  .filter(locale__language_code=language, translation_key__in=[p.translation_key for p in pages]))
    if related:  # select_related() of nothing would join every relation
        translated = translated.select_related(*related)
    if only is not None:
        translated = translated.only(*only)
    if _reads(only, "main_image"):  # joined when the caller reads it (not a map's points)
        translated = with_card_images(translated, filter_specs=filter_specs)
    translations = {page.translation_key: page for page in translated}
    return [translations.get(page.translation_key, page) for page in pages]


def _reads(only, relation: str) -> bool:
    """Whether columns `only` (None: all) read the relation, itself or some of its columns."""
    return only is None or any(field == relation or field.startswith(f"{relation}__") for field in only)


def _related_for(model) -> list[str]:
    if model is DestinationPage:
        return ["category", "district"]
    if model is EventPage:
        return ["district", "venue"]
    return []


def cards_in_default_language(model, *, filter_specs=TOURISM_CARD):
    """Live public pages of `model` in the default language, read as their cards read them
    (CARD_FIELDS), with their main image and its renditions `filter_specs` (None: the caller
    attaches them)."""
    return with_card_images(
        public_pages(model.objects.live())
        .filter(locale_id=default_locale()[0])
        .select_related(*_related_for(model))
        .only(*CARD_FIELDS[model]),
        filter_specs=filter_specs,
    )


def destination_listing(*, category: str = "", district: str = "", page_number=None) -> dict:
    """Destinations filtered by category key and district slug, paginated."""
    destinations = cards_in_default_language(DestinationPage).order_by("title")
    if category:
        destinations = destinations.filter(category__key=category)
    if district:
        destinations = destinations.filter(district__slug=district)
    page = Paginator(destinations, DESTINATIONS_PER_PAGE).get_page(page_number)
    return {
        "destinations": localize_pages(page.object_list, only=CARD_FIELDS[DestinationPage]),
        "page_obj": page,
        "selected_category": category,
        "selected_district": district,
    }


def events_upcoming(*, limit: int | None = None, filter_specs=TOURISM_CARD) -> list:
    """Events not over yet, soonest first, with their cards' renditions `filter_specs` (None: the
    caller attaches them, config.renditions.renditions_attach). What is read is stale once the first
    of them is over (dependencies.stale_from): the next one takes its place."""
    now = timezone.now()
    events = cards_in_default_language(EventPage, filter_specs=filter_specs).filter(
        Q(end__gte=now) | Q(end__isnull=True, start__gte=now)
    ).order_by("start")
    if limit:
        events = events[:limit]
    events = list(events)
    if events:
        dependencies.stale_from(min(event.end or event.start for event in events) + timedelta(microseconds=1))
    return localize_pages(events, filter_specs=filter_specs, only=CARD_FIELDS[EventPage])


def events_past(*, page_number=None):
    now = timezone.now()
    events = cards_in_default_language(EventPage).filter(
        Q(end__lt=now) | Q(end__isnull=True, start__lt=now)
    ).order_by("-start")
    page = Paginator(events, PAST_EVENTS_PER_PAGE).get_page(page_number)
    page.object_list = localize_pages(page.object_list, only=CARD_FIELDS[EventPage])
    return page


def home_featured_destinations(*, home, limit: int = 6, filter_specs=TOURISM_CARD) -> list:
    """The editors' picks, topped up with other destinations when they chose fewer.

    Editors may pick either language's page of a destination; picks are matched by
    translation key, so both homes show the same places, each in its reader's language.
    """
    chosen_keys = home_featured_keys(home)
    destinations = cards_in_default_language(DestinationPage, filter_specs=filter_specs)
    by_key = {page.translation_key: page for page in destinations.filter(translation_key__in=chosen_keys)}
    picks = [by_key[key] for key in dict.fromkeys(chosen_keys) if key in by_key]
    if len(picks) < limit:
        picks += list(destinations.exclude(pk__in=[p.pk for p in picks])
                      .order_by("-first_published_at")[: limit - len(picks)])
    return localize_pages(picks[:limit], filter_specs=filter_specs, only=CARD_FIELDS[DestinationPage])


def home_featured_keys(home) -> list[str]:
    """The translation keys of the editors' picks, in their order: part of the home page as its
    editors publish it, so remembered (config.remembered) until the home page changes."""
    def read() -> tuple[str, ...]:
        dependencies.shown(*page_shown_as(home))  # the picks are the home page's rows
        return tuple(home.featured_destinations.order_by("sort_order")
                     .values_list("destination__translation_key", flat=True))

    return list(remember_read(("home-picks", home.pk), read))


def sasirangan_highlights(*, limit: int = 4, filter_specs=PRODUCT_CARD) -> list:
    """Products for the home page's Kampung Sasirangan slot (the marketplace provides them)."""
    return provided(HOME_HIGHLIGHTS, limit=limit, filter_specs=filter_specs) or []


def home_sections(*, home) -> dict:
    """The home page's hero image and three rails, each remembered (config.remembered.remember_read)
    until what it shows changes: a purchase makes the products' rail stale, not the destinations',
    and an event over leaves its rail (issue 12: a first render reads again only what changed).
    Read afresh, each rail asks for its pictures' renditions once (renditions_attach): three
    queries where one would do, the price of each rail going stale on its own."""
    language = reading_language()
    sections = dict(remember_read(("home-destinations", home.pk, language), lambda: _home_destinations(home)))
    sections["upcoming_events"] = remember_read(("home-events", language), _home_events)
    sections["sasirangan_highlights"] = remember_read(("home-products", language), _home_products)
    return sections


def _home_destinations(home) -> dict:
    """The hero picture and the editors' destinations (and others topping them up)."""
    dependencies.shown(*page_shown_as(home), *listed_below_indexes(DestinationIndexPage))
    destinations = home_featured_destinations(home=home, filter_specs=None)
    renditions_attach_or_read_again([(home.hero_image, HOME_HERO)] * (home.hero_image is not None)
                                  + [(page.main_image, TOURISM_CARD) for page in destinations if page.main_image])
    return {"hero_image": home.hero_image, "featured_destinations": destinations}


def _home_events() -> list:
    dependencies.shown(*listed_below_indexes(EventIndexPage))
    events = events_upcoming(limit=3, filter_specs=None)
    renditions_attach_or_read_again([(page.main_image, TOURISM_CARD) for page in events if page.main_image])
    return events


def _home_products() -> list:
    products = sasirangan_highlights(limit=4, filter_specs=None)
    renditions_attach_or_read_again([(product.cover_image, PRODUCT_CARD)
                                   for product in products if product.cover_image is not None])
    return products


def listed_below_indexes(index_model) -> tuple[str, ...]:
    """What a page published, moved or unpublished below any index of `index_model` (the only
    place its pages live, in every language) changes: a list of them may gain or lose it."""
    return tuple(path_listed_below(path) for path in index_model.objects.values_list("path", flat=True))


# --- What the page types' templates read (registered for them in TourismConfig.ready()) ---------

def home_page_context(page, request) -> dict:
    return lazy_entries(lambda: home_sections(home=page),
                        ("hero_image", "featured_destinations", "upcoming_events", "sasirangan_highlights"))


def destination_index_context(page, request) -> dict:
    context = destination_listing(
        category=request.GET.get("category", ""),
        district=request.GET.get("district", ""),
        page_number=request.GET.get("page"),
    )
    context["categories"] = Category.objects.all()
    context["districts"] = District.objects.filter(destinations__live=True).distinct()
    return context


def event_index_context(page, request) -> dict:
    return {
        "upcoming_events": events_upcoming(),
        "past_events": events_past(page_number=request.GET.get("page")),
    }
