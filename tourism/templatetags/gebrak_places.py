"""Maps, nearby places and visitors' photos on destination pages."""

from django import template

from tourism import nearby, visitor_photos
from tourism.templatetags.gebrak import localurl

register = template.Library()


@register.simple_tag
def nearby_for(destination):
    """{"destinations": [...], "shops": [...]}: each item has .place and .distance_km."""
    return {
        "destinations": nearby.destinations_nearby(destination=destination),
        "shops": nearby.shops_nearby(latitude=destination.latitude, longitude=destination.longitude),
    }


@register.simple_tag(takes_context=True)
def destinations_map_points(context):
    return nearby.destinations_map_points(url_for=lambda page: localurl(context, page))


@register.simple_tag
def visitor_photos_for(destination):
    return visitor_photos.visitor_photos_approved(destination=destination)


@register.filter
def km(distance) -> str:
    """2.345 -> '2,3 km' in Indonesian, '2.3 km' in English; under 1 km in metres."""
    from django.utils.translation import get_language

    if distance is None:
        return ""
    if distance < 1:
        return f"{int(round(distance * 1000, -1))} m"
    text = f"{distance:.1f}"
    if (get_language() or "id").startswith("id"):
        text = text.replace(".", ",")
    return f"{text} km"
