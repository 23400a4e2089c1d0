"""Maps and distances on destination pages (what is nearby: tourism/destination_page.py)."""

from django import template

from config.languages import reading_language
from tourism import nearby
from tourism.templatetags.gebrak import localurl

register = template.Library()


@register.simple_tag(takes_context=True)
def destinations_map_points(context):
    return nearby.destinations_map_points(url_for=lambda page: localurl(context, page))


@register.filter
def km(distance) -> str:
    """2.345 -> '2,3 km' in Indonesian, '2.3 km' in English; under 1 km in metres."""
    if distance is None:
        return ""
    if distance < 1:
        return f"{int(round(distance * 1000, -1))} m"
    text = f"{distance:.1f}"
    if reading_language() == "id":
        text = text.replace(".", ",")
    return f"{text} km"
