"""Factories for tourism pages: build real pages in the real tree, published."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from wagtail.models import Locale

from tourism.models import DestinationIndexPage, DestinationPage, EventIndexPage, EventPage
from tourism.snippets import Category, District


def district(name="Martapura"):
    return District.objects.get(name=name)


def destination(*, slug, title=None, category="nature", district_name="Martapura", english_title=None,
                latitude="-3.41", longitude="114.85", **fields):
    index = DestinationIndexPage.objects.get(locale=Locale.get_default())
    page = DestinationPage(
        slug=slug, title=title or slug.replace("-", " ").title(), summary=fields.pop("summary", "Ringkasan."),
        category=Category.objects.get(key=category), district=district(district_name),
        latitude=Decimal(latitude), longitude=Decimal(longitude), **fields,
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    if english_title:
        translation = page.copy_for_translation(Locale.objects.get(language_code="en"), copy_parents=True)
        translation.title = english_title
        translation.summary = "Summary in English."
        translation.save_revision().publish()
    return page


def event(*, slug, start=None, end=None, district_name="Martapura", venue=None, **fields):
    index = EventIndexPage.objects.get(locale=Locale.get_default())
    start = start or timezone.now() + timedelta(days=7)
    page = EventPage(slug=slug, title=fields.pop("title", slug.title()), summary=fields.pop("summary", "Acara."),
                     start=start, end=end, district=district(district_name), venue=venue, **fields)
    index.add_child(instance=page)
    page.save_revision().publish()
    return page
