"""What the base layout needs on every page: navigation and the language switch."""

from django.urls import translate_url
from django.utils.functional import SimpleLazyObject

from config.languages import reading_language


def prefix_swapped_urls(request) -> dict[str, str]:
    """The request's address under each language's prefix (what the language switch offers where no
    translation lives elsewhere: tourism.seo.language_switch_context)."""
    return {code: translate_url(request.get_full_path(), code) for code in ("id", "en")}


def site_chrome(request):
    current = reading_language()
    # Resolving the URL twice costs more than the rest of the layout: only when the page asks
    # (a header rendered from config/fragment_cache.py does not).
    alternates = SimpleLazyObject(lambda: prefix_swapped_urls(request))
    return {
        "current_language": current,
        "language_alternates": alternates,
        "translation_fallback": getattr(request, "translation_fallback", False),
    }
