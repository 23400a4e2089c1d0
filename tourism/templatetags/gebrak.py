"""Template helpers shared by every app's templates."""

from django import template
from django.urls import translate_url
from django.utils.translation import get_language
from wagtail.models import Locale

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
    cache_key = ("gebrak-locale-id", language)
    if cache_key not in context.render_context:
        locale = Locale.objects.filter(language_code=language).only("pk").first()
        context.render_context[cache_key] = locale.pk if locale else None
    url = page.get_url(request)
    if url and page.locale_id != context.render_context[cache_key]:
        url = translate_url(url, language)
    return url or ""
