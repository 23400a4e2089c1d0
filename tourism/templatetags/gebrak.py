"""Template helpers shared by every app's templates."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

from config.languages import reading_language
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


@register.simple_tag
def trip_save_button(kind, pk, compact=False) -> str:
    """The "Simpan ke rencana" button of site/templates/trips/includes/save_button.html (which says
    what it does). A tag, so that a listing's cards need no include of their own each: the nested
    include cost the home page's first render more than the button itself."""
    return format_html(
        '<button class="trip-save{}" type="submit" form="trip-save-form" name="stop" value="{}:{}" data-trip-save>'
        '<svg class="trip-save__icon" viewBox="0 0 24 24" aria-hidden="true">'
        '<path d="M6 3h12a1 1 0 0 1 1 1v17l-7-4-7 4V4a1 1 0 0 1 1-1z"/></svg>'
        '<span class="trip-save__label">{}</span></button>',
        " trip-save--compact" if compact else "", kind, pk, gettext("Simpan ke rencana"))


@register.simple_tag(takes_context=True)
def localurl(context, page) -> str:
    """The page's URL in the language being read.

    An untranslated page keeps the reader's language in its URL; the fallback
    routing serves the Indonesian page there with a notice.
    """
    request = context.get("request")
    language = reading_language()
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
