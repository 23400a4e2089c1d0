"""What gets indexed: one search document per destination, event, shop, product.

Each kind of content is a small `DocumentType` subclass: which model, how a
model instance maps to a document key, which instances are searchable (live
and public pages, approved shops, published products of approved shops), and
how to fill a `SearchRecord`. Adding a kind (campaigns, articles) is one class
added to DOCUMENT_TYPES.

`index_fields()` turns a record into the analysed form both engines store.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Q
from django.utils import timezone
from django.utils.html import strip_tags

from search.analysis import LANGUAGES, analyse, tokenise, words

logger = logging.getLogger(__name__)

CARD_RENDITION = "fill-480x320|format-webp"  # the cards' rendition (tourism.selectors), reused
SNIPPET_BODY_CHARS = 3000
SUGGEST_SUFFIXES = 6


@dataclass
class SearchRecord:
    """Everything search knows of one thing, in plain values."""

    key: str
    type: str
    slug: str
    title: dict[str, str]
    summary: dict[str, str] = field(default_factory=dict)
    body: dict[str, str] = field(default_factory=dict)
    # Searchable words that are not prose: category names, district, tags, attributes.
    extra: dict[str, str] = field(default_factory=dict)
    url: dict[str, str] = field(default_factory=dict)
    languages: tuple[str, ...] = ("id",)  # languages the thing has its own text in
    image: str = ""
    district: str = ""
    category: str = ""
    motif: str = ""
    fabric: str = ""
    dye: str = ""
    colors: list[str] = field(default_factory=list)
    kind: str = ""
    price_idr: int | None = None
    in_stock: bool | None = None
    latitude: float | None = None
    longitude: float | None = None
    popularity: float = 1.0
    date_start: str | None = None  # ISO 8601, events
    date_end: str | None = None
    label: dict[str, str] = field(default_factory=dict)  # e.g. the shop of a product

    def text(self, name: str, language: str) -> str:
        """A display text in a language, falling back to Indonesian."""
        values = getattr(self, name)
        return values.get(language) or values.get("id") or ""


def _join(stems: Iterable[str]) -> str:
    return " ".join(stems)


def index_fields(record: SearchRecord) -> dict:
    """The record as both engines store it: analysed text, filters, display data."""
    analysed = {}
    for language in LANGUAGES:
        own = language in record.languages
        analysed[f"title_{language}"] = _join(analyse(record.title.get(language, ""), language)) if own else ""
        summary = (record.summary.get(language, "") if own else "") + "\n" + record.extra.get(language, "")
        analysed[f"summary_{language}"] = _join(analyse(summary, language))
        analysed[f"body_{language}"] = _join(analyse(record.body.get(language, ""), language)) if own else ""
    vocabulary = []
    for language in LANGUAGES:
        vocabulary += words(record.title.get(language, "")) + words(record.summary.get(language, ""))
        vocabulary += words(record.extra.get(language, ""))
    show = {
        "title": {language: record.text("title", language) for language in LANGUAGES},
        "summary": {language: record.text("summary", language) for language in LANGUAGES},
        "body": {language: record.text("body", language)[:SNIPPET_BODY_CHARS] for language in LANGUAGES},
        "url": {language: record.url.get(language) or record.url.get("id", "") for language in LANGUAGES},
        "label": {language: record.text("label", language) for language in LANGUAGES},
        "languages": list(record.languages),
        "image": record.image,
        "date_start": record.date_start,
        "date_end": record.date_end,
    }
    location = None
    if record.latitude is not None and record.longitude is not None:
        location = {"lat": record.latitude, "lon": record.longitude}
    return {
        "key": record.key,
        "type": record.type,
        "slug": record.slug,
        **analysed,
        "words": _join(vocabulary),
        "district": record.district,
        "category": record.category,
        "motif": record.motif,
        "fabric": record.fabric,
        "dye": record.dye,
        "color": list(record.colors),
        "kind": record.kind,
        "price_idr": record.price_idr,
        "in_stock": record.in_stock,
        "location": location,
        "popularity": record.popularity,
        "date_end": record.date_end or record.date_start,
        "suggest": {language: suggest_inputs(record.text("title", language)) for language in LANGUAGES},
        "show": show,
    }


def suggest_inputs(title: str) -> list[str]:
    """Completion inputs for a title: the title and the title from each of its
    next few words, so "haruan" completes "Sasirangan Gigi Haruan"."""
    title_words = tokenise(title)
    inputs = []
    for start in range(min(len(title_words), SUGGEST_SUFFIXES)):
        inputs.append(" ".join(title_words[start:]))
    return [text for text in inputs if text]


# --- Document types ------------------------------------------------------------------
class DocumentType:
    """One kind of searchable content."""

    type: str = ""
    model: str = ""  # "app_label.ModelName"

    def get_model(self):
        try:
            return apps.get_model(self.model)
        except (LookupError, ValueError):
            return None

    def handles(self, instance) -> bool:
        model = self.get_model()
        return model is not None and isinstance(instance, model)

    def keys_for(self, instance) -> list[str]:
        """Keys of the documents an instance's change affects."""
        raise NotImplementedError

    def all_keys(self) -> Iterator[str]:
        """Keys of every document that should be in the index now."""
        raise NotImplementedError

    def build(self, keys: list[str]) -> dict[str, SearchRecord | None]:
        """Records for keys; None for a key that should not (or no longer) be indexed."""
        raise NotImplementedError


def _streamfield_text(value) -> str:
    if not value:
        return ""
    try:
        parts = value.stream_block.get_searchable_content(value)
    except Exception:  # a broken block must not stop the page being found by its title
        logger.exception("could not read a StreamField for search")
        return ""
    return "\n\n".join(strip_tags(part) for part in parts if part)


def _image_url(image) -> str:
    if image is None:
        return ""
    try:
        return image.get_rendition(CARD_RENDITION).url
    except Exception:  # a missing file must not keep the page out of search
        logger.warning("no rendition for image %s", image.pk, exc_info=True)
        return ""


def _fallback_url(url: str, language: str) -> str:
    """An untranslated page under another language's prefix (the fallback routing serves it)."""
    for other in LANGUAGES:
        prefix = f"/{other}/"
        if url.startswith(prefix):
            return f"/{language}/" + url[len(prefix):]
    return url


class PageDocument(DocumentType):
    """A Wagtail page type: one document per translation group (the Indonesian
    page and its English translation), keyed by the translation key."""

    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    image_field = "main_image"

    def keys_for(self, instance) -> list[str]:
        return [f"{self.type}:{instance.translation_key}"]

    def searchable(self):
        return self.get_model().objects.live().public().filter(locale__language_code__in=LANGUAGES)

    def all_keys(self) -> Iterator[str]:
        keys = self.searchable().order_by().values_list("translation_key", flat=True).distinct()
        for translation_key in keys.iterator():
            yield f"{self.type}:{translation_key}"

    def build(self, keys: list[str]) -> dict[str, SearchRecord | None]:
        from django.db.models import Prefetch
        from wagtail.images import get_image_model

        translation_keys = [key.split(":", 1)[1] for key in keys]
        pages = (
            self.searchable().filter(translation_key__in=translation_keys)
            .select_related("locale", *self.select_related)
            .prefetch_related(*self.prefetch_related)
        )
        if self.image_field:
            pages = pages.prefetch_related(Prefetch(
                self.image_field, queryset=get_image_model().objects.prefetch_renditions(CARD_RENDITION)))
        groups: dict[str, dict[str, object]] = defaultdict(dict)
        for page in pages:
            groups[str(page.translation_key)][page.locale.language_code] = page
        context = self.build_context(groups)
        records = {}
        for key, translation_key in zip(keys, translation_keys, strict=True):
            group = groups.get(translation_key)
            if not group:
                records[key] = None
                continue
            records[key] = self.record(key, group, context)
        return records

    def build_context(self, groups: dict[str, dict]) -> dict:
        """Lookups shared by a batch (counts, names), to avoid a query per page."""
        return {}

    def record(self, key: str, pages: dict, context: dict) -> SearchRecord | None:
        primary = pages.get("id") or pages.get("en")
        urls = {}
        for language, page in pages.items():
            urls[language] = page.get_url() or ""
        if not any(urls.values()):
            return None  # outside every site: nobody can open it
        for language in LANGUAGES:
            if not urls.get(language):
                source = urls.get("id") or next(url for url in urls.values() if url)
                urls[language] = _fallback_url(source, language)
        record = SearchRecord(
            key=key, type=self.type, slug=primary.slug,
            title={language: page.title for language, page in pages.items()},
            summary={language: getattr(page, "summary", "") or page.search_description
                     for language, page in pages.items()},
            body={language: _streamfield_text(getattr(page, "body", None)) for language, page in pages.items()},
            url=urls,
            languages=tuple(language for language in LANGUAGES if language in pages),
            image=_image_url(getattr(primary, self.image_field, None)) if self.image_field else "",
        )
        tags = " ".join(item.tag.name for item in primary.tagged_items.all()) if hasattr(primary, "tagged_items") else ""
        record.extra = {language: tags for language in LANGUAGES}
        self.fill(record, pages, primary, context)
        return record

    def fill(self, record: SearchRecord, pages: dict, primary, context: dict) -> None:
        """Type-specific fields; pages maps language -> live page."""


def _add_extra(record: SearchRecord, **texts: str) -> None:
    for language, text in texts.items():
        if text:
            record.extra[language] = f"{record.extra.get(language, '')}\n{text}".strip()


class DestinationDocument(PageDocument):
    type = "destination"
    model = "tourism.DestinationPage"
    select_related = ("category", "district")
    prefetch_related = ("tagged_items__tag",)

    def build_context(self, groups):
        from tourism.models import EventPage, HomeFeaturedDestination

        page_ids = [page.pk for group in groups.values() for page in group.values()]
        now = timezone.now()
        upcoming = defaultdict(int)
        for venue_id in (EventPage.objects.live().filter(venue_id__in=page_ids)
                         .filter(Q(end__gte=now) | Q(end__isnull=True, start__gte=now))
                         .values_list("venue_id", flat=True)):
            upcoming[venue_id] += 1
        featured = set(HomeFeaturedDestination.objects.filter(destination_id__in=page_ids)
                       .values_list("destination_id", flat=True))
        return {"upcoming": upcoming, "featured": featured}

    def fill(self, record, pages, primary, context):
        category, district = primary.category, primary.district
        record.category = category.key
        record.district = district.name
        _add_extra(record, id=f"{category.name_id} {district.name}", en=f"{category.name_en} {district.name}")
        if primary.has_location:
            record.latitude, record.longitude = float(primary.latitude), float(primary.longitude)
        ids = [page.pk for page in pages.values()]
        events = sum(context["upcoming"].get(pk, 0) for pk in ids)
        featured = any(pk in context["featured"] for pk in ids)
        # Popularity without page-view counting: editors' picks and places with
        # coming events are what the tourism office wants seen first.
        record.popularity = 1.0 + 0.5 * min(events, 4) + (1.0 if featured else 0.0)


class EventDocument(PageDocument):
    type = "event"
    model = "tourism.EventPage"
    select_related = ("district", "venue")
    prefetch_related = ("tagged_items__tag",)

    def build_context(self, groups):
        from tourism.models import DestinationPage

        venue_keys = {page.venue.translation_key for group in groups.values() for page in group.values()
                      if page.venue_id}
        venue_titles = defaultdict(dict)
        for translation_key, language, title in (
                DestinationPage.objects.live().filter(translation_key__in=venue_keys)
                .values_list("translation_key", "locale__language_code", "title")):
            venue_titles[translation_key][language] = title
        return {"venue_titles": venue_titles}

    def fill(self, record, pages, primary, context):
        record.district = primary.district.name
        coordinates = primary.coordinates
        if coordinates:
            record.latitude, record.longitude = float(coordinates[0]), float(coordinates[1])
        record.date_start = timezone.localtime(primary.start).isoformat()
        record.date_end = timezone.localtime(primary.end).isoformat() if primary.end else None
        venue = {}
        if primary.venue_id:
            venue = context["venue_titles"].get(primary.venue.translation_key, {})
            record.label = {language: venue.get(language) or venue.get("id", "") for language in LANGUAGES}
        _add_extra(record, id=f"{primary.district.name} {venue.get('id', '')} acara",
                   en=f"{primary.district.name} {venue.get('en') or venue.get('id', '')} event")
        record.popularity = 1.0  # an event that has ended is ranked lower at query time


DOCUMENT_TYPES: list[DocumentType] = [DestinationDocument(), EventDocument()]

TYPE_NAMES = ("destination", "event", "campaign", "article", "product", "artisan")


def document_types() -> list[DocumentType]:
    """The document types whose models are installed."""
    return [document_type for document_type in DOCUMENT_TYPES if document_type.get_model() is not None]


def document_type_for_key(key: str) -> DocumentType | None:
    type_name = key.split(":", 1)[0]
    for document_type in document_types():
        if document_type.type == type_name:
            return document_type
    return None


def build_records(keys: Iterable[str]) -> dict[str, SearchRecord | None]:
    """Records for any mix of keys, one batch per type."""
    by_type: dict[DocumentType, list[str]] = defaultdict(list)
    records: dict[str, SearchRecord | None] = {}
    for key in dict.fromkeys(keys):
        document_type = document_type_for_key(key)
        if document_type is None:
            records[key] = None
        else:
            by_type[document_type].append(key)
    for document_type, type_keys in by_type.items():
        records.update(document_type.build(type_keys))
    return records


def keys_for_instance(instance) -> list[str]:
    for document_type in document_types():
        if document_type.handles(instance):
            return document_type.keys_for(instance)
    return []
