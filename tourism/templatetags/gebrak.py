"""Template helpers shared by every app's templates."""

from django import template
from django.utils.translation import get_language

from tourism.routing import locale_codes

register = template.Library()


@register.filter
def rupiah(value) -> str:
    """Whole rupiah the Indonesian way: 175000 -> "Rp 175.000"."""
    if value is None or value == "":
        return ""
    try:
        amount = int(value)
    except (TypeError, ValueError):
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp {abs(amount):,}".replace(",", ".")


@register.simple_tag(takes_context=True)
def localurl(context, page) -> str:
    """The page's URL in the language being read.

    An untranslated page keeps the reader's language in its URL; the fallback
    routing serves the Indonesian page there with a notice.
    """
    request = context.get("request")
    language = (get_language() or "id").split("-")[0]
    # Looked up once per request: cards of a listing each call this tag.
    locales = getattr(request, "_gebrak_locales", None)
    if locales is None:
        locales = locale_codes()
        if request is not None:
            request._gebrak_locales = locales
    url = page.get_url(request) or ""
    page_language = locales.get(page.locale_id, language)
    if url and page_language != language and url.startswith(f"/{page_language}/"):
        # Django's translate_url cannot help here: it resolves in the active language.
        url = f"/{language}/" + url[len(page_language) + 2:]
    return url
