"""Tourism's stops: destinations and events (the marketplace registers shops and products)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import pgettext_lazy
from wagtail.images import get_image_model

from config.languages import reading_language
from config.renditions import NEARBY_THUMB
from tourism.models import DestinationPage, EventPage
from tourism.routing import default_locale, locale_codes, public_pages
from tourism.selectors import localize_pages
from tourism.trips.registry import StopFacts, StopKind, stop_kind_register

# Places reached by boat: the floating market's jukung, the reservoir's kelotok (tags in the catalogue).
BOAT_TAGS = {"jukung", "kelotok", "klotok", "perahu"}


def _thumbs():
    return get_image_model().objects.prefetch_renditions(*NEARBY_THUMB)


def page_url_in_reading_language(page, locales: dict[int, str]) -> str:
    """The page's URL under the reader's language prefix (the fallback routing serves untranslated pages)."""
    language = reading_language()
    url = page.get_url() or ""
    page_language = locales.get(page.locale_id, language)
    if url and page_language != language and url.startswith(f"/{page_language}/"):
        url = f"/{language}/" + url[len(page_language) + 2:]
    return url


def _canonical(model):
    def canonical(pk: int) -> int | None:
        key = public_pages(model.objects.live()).filter(pk=pk).values_list("translation_key", flat=True).first()
        if key is None:
            return None
        return (public_pages(model.objects.live()).filter(translation_key=key, locale_id=default_locale()[0])
                .values_list("pk", flat=True).first())
    return canonical


def _shown_as(model):
    def shown_as(ids: list[int]) -> dict[int, list[int]]:
        rows = model.objects.filter(pk__in=ids).values_list("pk", "translation_key")
        keys = {key: pk for pk, key in rows}
        found: dict[int, list[int]] = {pk: [pk] for pk in ids}
        for pk, key in model.objects.filter(translation_key__in=keys).values_list("pk", "translation_key"):
            if pk != keys[key]:
                found[keys[key]].append(pk)
        return found
    return shown_as


def _originals(model, ids, *related):
    return list(public_pages(model.objects.live()).filter(pk__in=ids, locale_id=default_locale()[0])
                .select_related(*related).prefetch_related(Prefetch("main_image", queryset=_thumbs())))


def _resolve_destinations(ids: list[int]) -> dict[int, StopFacts]:
    originals = _originals(DestinationPage, ids, "category", "district")
    boat = set(DestinationPage.tags.through.objects.filter(content_object_id__in=[p.pk for p in originals],
                                                           tag__name__in=BOAT_TAGS)
               .values_list("content_object_id", flat=True))
    locales = locale_codes()
    found = {}
    for original, page in zip(originals, localize_pages(originals, filter_specs=None), strict=True):
        found[original.pk] = StopFacts(
            title=page.title, url=page_url_in_reading_language(page, locales),
            latitude=float(original.latitude) if original.latitude is not None else None,
            longitude=float(original.longitude) if original.longitude is not None else None,
            image=original.main_image, opening_hours=page.opening_hours or original.opening_hours,
            ticket_price_idr=original.ticket_price_idr, by_boat=original.pk in boat,
            note=f"{page.category.name} · {original.district.name}",
        )
    return found


def _resolve_events(ids: list[int]) -> dict[int, StopFacts]:
    originals = _originals(EventPage, ids, "district", "venue")
    locales = locale_codes()
    # The venue's name in the reader's language too (it is a destination page of its own).
    venues = [original.venue for original in originals if original.venue_id]
    venue_titles = {venue.pk: shown.title for venue, shown in zip(
        venues, localize_pages(venues, filter_specs=None, only=("title", "translation_key")), strict=True)}
    found = {}
    for original, page in zip(originals, localize_pages(originals, filter_specs=None), strict=True):
        coordinates = original.coordinates
        found[original.pk] = StopFacts(
            title=page.title, url=page_url_in_reading_language(page, locales),
            latitude=float(coordinates[0]) if coordinates else None,
            longitude=float(coordinates[1]) if coordinates else None,
            image=original.main_image, starts_at=original.start, ends_at=original.end,
            note=(venue_titles[original.venue_id] + ", " if original.venue_id else "") + original.district.name,
            extra={"calendar_url": page_url_in_reading_language(page, locales) + "kalender/"},
        )
    return found


DESTINATION = StopKind(kind="destination", label=pgettext_lazy("satu perhentian rencana", "Destinasi"), resolve=_resolve_destinations,
                       canonical=_canonical(DestinationPage), shown_as=_shown_as(DestinationPage))
EVENT = StopKind(kind="event", label=pgettext_lazy("satu perhentian rencana", "Acara"), resolve=_resolve_events,
                 canonical=_canonical(EventPage), shown_as=_shown_as(EventPage))


def register() -> None:
    stop_kind_register(DESTINATION)
    stop_kind_register(EVENT)
