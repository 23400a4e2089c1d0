"""Reviews in templates: a bought line's review link, and stars for a rating."""

from django import template
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marketplace.reviews.links import review_path

register = template.Library()


@register.simple_tag
def review_url(line) -> str:
    """The review form of this bought line, in the reader's language."""
    return review_path(line_pk=line.pk)


@register.filter
def rating_number(value) -> str:
    """4.5 as the reader writes it: "4,5" in Indonesian, "4.5" in English; 4.0 as "4"."""
    value = round(float(value or 0), 1)
    return formats.number_format(value, decimal_pos=1 if value % 1 else 0)


@register.inclusion_tag("reviews/includes/stars.html")
def stars(rating, count=None):
    """Five stars, `rating` of them filled (halves rounded to the nearest whole), with a label in words."""
    value = round(float(rating or 0), 1)
    filled = int(value + 0.5)
    label = _("%(rating)s dari 5 bintang") % {"rating": rating_number(value)}
    if count is not None:
        label += ", " + ngettext("%(count)d ulasan", "%(count)d ulasan", count) % {"count": count}
    return {"filled": "★" * filled, "empty": "★" * (5 - filled), "label": label}
