"""The reader's language as the site's code compares it: "id" or "en", never a region ("en-gb").

One place for what many modules asked Django's active language on their own (`get_language()` is
None outside a request and in some management commands: the site's default, Indonesian, then).
"""

from __future__ import annotations

from django.utils import translation


def reading_language() -> str:
    """The active language's code without its region; "id" when none is active."""
    return (translation.get_language() or "id").split("-")[0]


def reading_english() -> bool:
    return reading_language() == "en"
