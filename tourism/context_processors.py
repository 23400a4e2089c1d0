"""What the base layout needs on every page: navigation and the language switch."""

from django.urls import translate_url
from django.utils.functional import SimpleLazyObject

from config.languages import reading_language


def site_chrome(request):
    current = reading_language()
    # Resolving the URL twice costs more than the rest of the layout: only when the page asks
    # (a header rendered from config/fragment_cache.py does not).
    alternates = SimpleLazyObject(
        lambda: {code: translate_url(request.get_full_path(), code) for code in ("id", "en")})
    return {
        "current_language": current,
        "language_alternates": alternates,
        "translation_fallback": getattr(request, "translation_fallback", False),
    }
