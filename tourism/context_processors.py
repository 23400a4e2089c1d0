"""What the base layout needs on every page: navigation and the language switch."""

from django.urls import translate_url
from django.utils.translation import get_language


def site_chrome(request):
    current = (get_language() or "id").split("-")[0]
    alternates = {code: translate_url(request.get_full_path(), code) for code in ("id", "en")}
    return {
        "current_language": current,
        "language_alternates": alternates,
        "translation_fallback": getattr(request, "translation_fallback", False),
    }
