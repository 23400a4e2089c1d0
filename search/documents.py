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
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Q
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import pgettext_lazy

from config.digits import ascii_digits
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
    # Searchable words that are not prose: category names, district, attributes.
    extra: dict[str, str] = field(default_factory=dict)
    # Editors' tags: what the thing is about, in a few words; a field of their own, in every
    # language, weighted above the summary, so a place tagged "piknik" outranks pages that
    # merely mention a picnic.
    tags: dict[str, str] = field(default_factory=dict)
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
        analysed[f"tags_{language}"] = _join(analyse(record.tags.get(language, ""), language))
    vocabulary = []
    for language in LANGUAGES:
        vocabulary += words(record.title.get(language, "")) + words(record.summary.get(language, ""))
        vocabulary += words(record.extra.get(language, "")) + words(record.tags.get(language, ""))
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


def _translation_key(text: str) -> str | None:
    """The translation key a document's key names; None for a key no page has (a stray document: not
    a UUID, or not written as keys_for writes one), whose document is removed, as a missing page's.
    Passed to the query, a key that is no UUID failed its whole batch ("is not a valid UUID"), and
    the batch's other documents were never indexed."""
    try:
        return text if str(uuid.UUID(text)) == text else None
    except ValueError:
        return None


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
        for translation_key in keys.iterator(chunk_size=2000):
            yield f"{self.type}:{translation_key}"

    def build(self, keys: list[str]) -> dict[str, SearchRecord | None]:
        from django.db.models import Prefetch
        from wagtail.images import get_image_model

        translation_keys = [_translation_key(key.split(":", 1)[1]) for key in keys]
        pages = (
            self.searchable().filter(translation_key__in=[found for found in translation_keys if found])
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
        record.tags = {language: tags for language in LANGUAGES}
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


class CampaignDocument(PageDocument):
    """A Gebrak campaign's landing page; ranked lower once it has ended."""

    type = "campaign"
    model = "tourism.CampaignPage"

    def fill(self, record, pages, primary, context):
        from datetime import datetime, time

        def moment(day, at):
            return timezone.make_aware(datetime.combine(day, at)).isoformat()

        record.date_start = moment(primary.start, time.min)
        record.date_end = moment(primary.end, time(23, 59, 59))
        hashtag = primary.hashtag_text.lstrip("#")
        _add_extra(record, id=f"{hashtag} kampanye", en=f"{hashtag} campaign")
        record.popularity = 1.5 if primary.is_running else 1.0


def _urls(view_name: str, slug: str) -> dict[str, str]:
    """A marketplace URL in each language (they live under i18n_patterns)."""
    from django.urls import reverse
    from django.utils import translation

    urls = {}
    for language in LANGUAGES:
        with translation.override(language):
            urls[language] = reverse(view_name, kwargs={"slug": slug})
    return urls


class ModelDocument(DocumentType):
    """A plain Django model: one document per row, keyed by primary key."""

    def keys_for(self, instance) -> list[str]:
        return [f"{self.type}:{instance.pk}"]

    def searchable(self):
        raise NotImplementedError

    def all_keys(self) -> Iterator[str]:
        keys = self.searchable().prefetch_related(None).order_by("pk").values_list("pk", flat=True)
        for pk in keys.iterator(chunk_size=2000):
            yield f"{self.type}:{pk}"

    def build(self, keys: list[str]) -> dict[str, SearchRecord | None]:
        records: dict[str, SearchRecord | None] = dict.fromkeys(keys)
        pks = {}
        for key in keys:
            identifier = key.split(":", 1)[1]
            if ascii_digits(identifier):
                pks[int(identifier)] = key
        found = list(self.searchable().filter(pk__in=list(pks)))
        context = self.build_context(found)
        for instance in found:
            records[pks[instance.pk]] = self.record(pks[instance.pk], instance, context)
        return records

    def build_context(self, instances: list) -> dict:
        return {}

    def record(self, key: str, instance, context: dict) -> SearchRecord:
        raise NotImplementedError

    def related(self) -> list[tuple[str, Callable]]:
        """Other models whose changes alter these documents: ("app.Model", instance -> keys)."""
        return []


DYE_WORDS = {"natural": ("pewarna alami", "natural dye"), "synthetic": ("pewarna sintetis", "synthetic dye")}


class ProductDocument(ModelDocument):
    """A published product of an approved shop."""

    type = "product"
    model = "marketplace.Product"

    def keys_for(self, instance) -> list[str]:
        return [f"product:{instance.pk}"]

    def searchable(self):
        from django.db.models import Prefetch
        from wagtail.images import get_image_model

        from marketplace.models import ProductPhoto

        photos = ProductPhoto.objects.select_related(None).prefetch_related(
            Prefetch("image", queryset=get_image_model().objects.prefetch_renditions(CARD_RENDITION)))
        return (self.get_model().objects.public()
                .select_related("shop", "shop__district", "motif")
                .prefetch_related("colors", "tagged_items__tag", Prefetch("photos", queryset=photos)))

    def record(self, key, product, context) -> SearchRecord:
        shop = product.shop
        colors = list(product.colors.all())
        dye = DYE_WORDS.get(product.dye, ("", ""))
        tags = " ".join(item.tag.name for item in product.tagged_items.all())
        motif = product.motif.name if product.motif else ""
        main_photo = product.main_photo
        record = SearchRecord(
            key=key, type=self.type, slug=product.slug,
            title={"id": product.title_id, "en": product.title_en},
            summary={"id": product.description_id, "en": product.description_en},
            url=_urls("marketplace:product", product.slug),
            languages=("id", "en") if product.title_en else ("id",),
            image=_image_url(main_photo.image if main_photo else None),
            district=shop.district.name, motif=motif, fabric=product.fabric, dye=product.dye,
            colors=[color.slug for color in colors], kind=product.kind,
            price_idr=product.price_idr, in_stock=product.stock > 0,
            label={"id": shop.name, "en": shop.name},
            # Sold-out products stay findable but give way to what can be bought.
            popularity=1.0 if product.stock > 0 else 0.5,
            tags={language: tags for language in LANGUAGES},
        )
        if shop.latitude is not None and shop.longitude is not None:
            record.latitude, record.longitude = float(shop.latitude), float(shop.longitude)
        record.extra = {
            "id": " ".join([motif, product.fabric, dye[0], product.kind, shop.name, shop.district.name,
                            "sasirangan"] + [color.name_id for color in colors]),
            "en": " ".join([motif, product.fabric, dye[1], product.kind, shop.name, shop.district.name,
                            "sasirangan"] + [color.name_en or color.name_id for color in colors]),
        }
        return record

    def related(self):
        return [
            ("marketplace.Shop", lambda shop: [f"product:{pk}" for pk in shop.products.values_list("pk", flat=True)]),
            ("marketplace.ProductPhoto", lambda photo: [f"product:{photo.product_id}"]),
            ("marketplace.ProductSize", lambda size: [f"product:{size.product_id}"]),
            ("marketplace.Motif", lambda motif: [f"product:{pk}" for pk in motif.products.values_list("pk", flat=True)]),
            ("marketplace.Color", lambda color: [f"product:{pk}" for pk in color.products.values_list("pk", flat=True)]),
        ]


class ArtisanDocument(ModelDocument):
    """An approved shop: the artisan and their story."""

    type = "artisan"
    model = "marketplace.Shop"

    def searchable(self):
        return self.get_model().objects.public().select_related("district").prefetch_related("photo")

    def build_context(self, shops):
        from marketplace.models import Product

        made = defaultdict(lambda: {"count": 0, "motifs": set(), "kinds": set()})
        for shop_id, motif, kind in (Product.objects.public().filter(shop__in=shops)
                                     .values_list("shop_id", "motif__name", "kind")):
            made[shop_id]["count"] += 1
            made[shop_id]["kinds"].add(kind)
            if motif:
                made[shop_id]["motifs"].add(motif)
        return {"made": made}

    def record(self, key, shop, context) -> SearchRecord:
        made = context["made"][shop.pk]
        words = " ".join(sorted(made["motifs"]) + sorted(made["kinds"]) + [shop.village, shop.district.name])
        record = SearchRecord(
            key=key, type=self.type, slug=shop.slug,
            title={"id": shop.name, "en": shop.name},
            summary={"id": shop.story_id, "en": shop.story_en},
            extra={"id": f"perajin sasirangan {words}", "en": f"sasirangan artisan {words}"},
            url=_urls("marketplace:shop", shop.slug),
            languages=("id", "en") if shop.story_en else ("id",),
            image=_image_url(shop.photo),
            district=shop.district.name,
            popularity=1.0 + min(made["count"], 10) / 10,
        )
        if shop.latitude is not None and shop.longitude is not None:
            record.latitude, record.longitude = float(shop.latitude), float(shop.longitude)
        return record

    def related(self):
        return [("marketplace.Product", lambda product: [f"artisan:{product.shop_id}"])]


DOCUMENT_TYPES: list[DocumentType] = [
    DestinationDocument(), EventDocument(), CampaignDocument(), ProductDocument(), ArtisanDocument(),
]
# Types whose documents carry an end date and count less once it has passed.
DATED_TYPES = ("event", "campaign")

TYPE_NAMES = ("destination", "event", "campaign", "article", "product", "artisan")
# One result's kind, singular ("Destination", not the menu's "Destinations").
TYPE_LABELS = {
    "destination": pgettext_lazy("jenis hasil pencarian", "Destinasi"),
    "event": pgettext_lazy("jenis hasil pencarian", "Acara"),
    "campaign": pgettext_lazy("jenis hasil pencarian", "Kampanye"),
    "article": pgettext_lazy("jenis hasil pencarian", "Cerita"),
    "product": pgettext_lazy("jenis hasil pencarian", "Produk"),
    "artisan": pgettext_lazy("jenis hasil pencarian", "Perajin"),
}


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
    """Keys of the documents a change to this instance affects (its own and related ones)."""
    keys = []
    for document_type in document_types():
        if document_type.handles(instance):
            keys += document_type.keys_for(instance)
        if isinstance(document_type, ModelDocument):
            for model_name, keys_of in document_type.related():
                model = apps.get_model(model_name)
                if isinstance(instance, model):
                    keys += keys_of(instance)
    return keys
