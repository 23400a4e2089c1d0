"""Destinations and events in the catalogue import (see tourism/catalog.py)."""

from __future__ import annotations

from contextvars import ContextVar
from decimal import Decimal

from django.utils.html import escape
from wagtail.models import Locale

from config.admin_dates import ADMIN_YEARS
from tourism.catalog import ImportContext, Record, fingerprint, image_for
from tourism.models import (
    DestinationGalleryImage,
    DestinationIndexPage,
    DestinationPage,
    EventIndexPage,
    EventPage,
)
from tourism.site_structure import ensure_site_structure
from tourism.snippets import Category, District

# In each page's own language: the English gallery read "Ilustrasi / Illustration".
ILLUSTRATION_CREDIT = {"id": "Ilustrasi", "en": "Illustration"}
# The credit written on imported gallery images, by the page's language. Real catalogues
# bring photographs that editors credit themselves, so there is none; the demo sets
# ILLUSTRATION_CREDIT while it imports its drawn pictures (demo/loading.py).
GALLERY_CREDIT: ContextVar[dict[str, str] | None] = ContextVar("gallery_credit", default=None)


def body_blocks(text: str) -> list[tuple[str, str]]:
    """Plain paragraphs separated by blank lines, as StreamField paragraph blocks."""
    paragraphs = [part.strip() for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]
    return [("paragraph", "<p>" + escape(paragraph).replace("\n", "<br>") + "</p>") for paragraph in paragraphs]


def find_district(record: Record, name_field: str = "district") -> District:
    name = record.text(name_field, required=True, max_length=80)
    district = District.objects.filter(name__iexact=name).first()
    if district is None:
        known = ", ".join(District.objects.values_list("name", flat=True)[:30])
        raise record.error(name_field, f"{name!r} is not a kecamatan of Kabupaten Banjar (known: {known}); "
                                       "editors can add one under Snippets > Kecamatan")
    return district


class PageKind:
    """What destinations and events share: a page in Indonesian, optionally in English."""

    model = None
    index_model = None

    def check_references(self, cleaned: dict, record: Record, context: ImportContext) -> None:
        pass

    def _index(self, locale):
        ensure_site_structure()
        return self.index_model.objects.get(locale=locale)

    def _apply(self, page, cleaned: dict, language: str, context: ImportContext) -> None:
        page.title = cleaned["title"][language] or cleaned["title"]["id"]
        page.summary = cleaned["summary"][language] or cleaned["summary"]["id"]
        body = cleaned["body"][language] or cleaned["body"]["id"]
        page.body = body_blocks(body)
        page.seo_title = ""

    def save(self, cleaned: dict, record: Record, context: ImportContext) -> str:
        indonesian = Locale.objects.get(language_code="id")
        digest = fingerprint(cleaned)
        page = self.model.objects.filter(locale=indonesian, slug=cleaned["slug"]).first()
        if page is not None and page.import_fingerprint == digest:
            context.saved[(self.name, cleaned["slug"])] = page
            return "unchanged"
        outcome = "updated" if page is not None else "created"
        if page is None:
            page = self.model(slug=cleaned["slug"], locale=indonesian)
            self._apply(page, cleaned, "id", context)
            self._apply_shared(page, cleaned, context)
            self._index(indonesian).add_child(instance=page)
        else:
            self._apply(page, cleaned, "id", context)
            self._apply_shared(page, cleaned, context)
        page.import_fingerprint = digest
        page.save_revision().publish()
        context.saved[(self.name, cleaned["slug"])] = page

        if cleaned["title"]["en"]:
            english = Locale.objects.get(language_code="en")
            translation = page.get_translation_or_none(english)
            if translation is None:
                translation = page.copy_for_translation(english, copy_parents=True)
            translation = translation.specific
            self._apply(translation, cleaned, "en", context)
            self._apply_shared(translation, cleaned, context)
            translation.import_fingerprint = digest
            translation.save_revision().publish()
        return outcome


class DestinationKind(PageKind):
    name = "destinations"
    model = DestinationPage
    index_model = DestinationIndexPage
    fields = {"slug", "title", "summary", "body", "category", "district", "location", "tags",
              "opening_hours", "ticket_price_idr", "images"}

    def clean(self, record: Record, context: ImportContext) -> dict:
        categories = list(Category.objects.values_list("key", flat=True))
        cleaned = {
            "slug": record.slug(),
            "title": record.bilingual("title", required=True, max_length=255),
            "summary": record.bilingual("summary", required=True, max_length=400),
            "body": record.bilingual("body"),
            "category": record.choice("category", categories, required=True),
            "district": find_district(record).pk,
            "location": record.location("location", required=True),
            "tags": record.strings("tags"),
            "opening_hours": record.text("opening_hours", max_length=120),
            "ticket_price_idr": record.integer("ticket_price_idr", minimum=0, maximum=100_000_000),
            "images": record.images(context.base_dir),
        }
        return cleaned

    def _apply_shared(self, page: DestinationPage, cleaned: dict, context: ImportContext) -> None:
        page.category = Category.objects.get(key=cleaned["category"])
        page.district_id = cleaned["district"]
        page.latitude, page.longitude = (Decimal(str(v)) for v in cleaned["location"])
        page.opening_hours = cleaned["opening_hours"]
        page.ticket_price_idr = cleaned["ticket_price_idr"]
        page.tags.set(cleaned["tags"], clear=True)
        images = [image_for(item, context=context) for item in cleaned["images"]]
        page.main_image = images[0] if images else None
        credit = (GALLERY_CREDIT.get() or {}).get(page.locale.language_code, "")
        # The page's rows rewritten in order, new ones only past their end: an English page starts
        # as a copy of the Indonesian one (its gallery rows saved), and rows replaced in the same
        # transaction were gone when the worker indexed their references (a failed task each).
        # Rewritten whole, as new rows were: the catalogue has no captions, and a caption kept by
        # position would sit under another picture (and be its alt text).
        rows = list(page.gallery_images.all())[:len(images)]
        rows += [DestinationGalleryImage() for _ in range(len(images) - len(rows))]
        for position, (row, image) in enumerate(zip(rows, images, strict=True)):
            row.image, row.sort_order, row.caption, row.credit = image, position, "", credit
        page.gallery_images.set(rows)


class EventKind(PageKind):
    name = "events"
    model = EventPage
    index_model = EventIndexPage
    fields = {"slug", "title", "summary", "body", "tags", "images", "start", "end", "destination",
              "district", "location"}

    def clean(self, record: Record, context: ImportContext) -> dict:
        start = record.timestamp("start", required=True)
        end = record.timestamp("end")
        for name, moment in (("start", start), ("end", end)):
            if moment is not None and moment.year not in ADMIN_YEARS:
                raise record.error(name, f"must be in the years {ADMIN_YEARS[0]} to {ADMIN_YEARS[-1]}; got {moment.year}")
        if end is not None and end < start:
            raise record.error("end", "must not be before start")
        destination = record.text("destination", max_length=255)
        return {
            "slug": record.slug(),
            "title": record.bilingual("title", required=True, max_length=255),
            "summary": record.bilingual("summary", required=True, max_length=400),
            "body": record.bilingual("body"),
            "tags": record.strings("tags"),
            "images": record.images(context.base_dir),
            "start": start,
            "end": end,
            "destination": destination,
            "district": find_district(record).pk,
            "location": record.location("location"),
        }

    def check_references(self, cleaned: dict, record: Record, context: ImportContext) -> None:
        slug = cleaned["destination"]
        if not slug or slug in context.slugs_in_file.get("destinations", set()):
            return
        if not DestinationPage.objects.filter(slug=slug, locale__language_code="id").exists():
            raise record.error("destination", f"names an unknown destination slug {slug!r}")

    def _apply_shared(self, page: EventPage, cleaned: dict, context: ImportContext) -> None:
        page.start, page.end = cleaned["start"], cleaned["end"]
        page.district_id = cleaned["district"]
        venue = None
        if cleaned["destination"]:
            venue = context.saved.get(("destinations", cleaned["destination"])) or DestinationPage.objects.get(
                slug=cleaned["destination"], locale__language_code="id")
            if page.locale.language_code != "id":
                venue = venue.get_translation_or_none(page.locale) or venue
        page.venue = venue
        location = cleaned["location"]
        if location is None and venue is not None:
            location = (venue.latitude, venue.longitude)
        page.latitude, page.longitude = (Decimal(str(v)) for v in location) if location else (None, None)
        page.tags.set(cleaned["tags"], clear=True)
        images = [image_for(item, context=context) for item in cleaned["images"]]
        page.main_image = images[0] if images else None
