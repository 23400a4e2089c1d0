"""Absolute URLs of the site's paths, for what is read away from the page: canonical links and
JSON-LD (tourism.seo), an event's calendar file (tourism.calendar)."""

from django.conf import settings


def absolute(request, path: str) -> str:
    if not path:
        return ""
    if path.startswith(("http://", "https://")):
        return path
    if request is None:
        return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path
    return request.build_absolute_uri(path)
