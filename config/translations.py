"""Which page a translation translates: the one read every caller of "the Indonesian original" uses.

A translated page falls back to its default-language original in many places (the English fallback
routing, its share counts, where visitors' photos go, the listings the original is in). Each asked
the database on its own, some remembered and some not, for the same row: one read here, remembered
until one of the page's translations is made or deleted (config.page_cache.page_translations_listed,
which config.page_cache.page_changes moves for either). A move or a new locale moves the content
generation, which forgets it too.
"""

from __future__ import annotations

from typing import NamedTuple

from wagtail.models import Locale, Page

from config import dependencies
from config.page_cache import page_translations_listed
from config.remembered import remember_read


class Original(NamedTuple):
    """The default language's page of a translation: its id and tree path."""

    pk: int
    path: str


def default_original(page) -> Original | None:
    """The default-language page with `page`'s translation key; None for a page in the default
    language itself, or a translation whose original is gone."""
    def read() -> Original | None:
        dependencies.shown(page_translations_listed(page))
        default = Locale.get_default()
        if page.locale_id == default.pk:
            return None
        row = (Page.objects.filter(translation_key=page.translation_key, locale=default)
               .values_list("pk", "path").first())
        return Original(*row) if row else None

    return remember_read(("default-original", str(page.translation_key), page.locale_id), read)
