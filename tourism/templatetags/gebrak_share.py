"""Share buttons for any page, product or shop: `{% share_buttons obj %}`."""

from django import template

from tourism import sharing
from tourism.templatetags.gebrak import localurl

register = template.Library()


def share_url_of(obj, request, context) -> str:
    """The absolute URL of the thing in the language being read."""
    from wagtail.models import Page

    path = localurl(context, obj) if isinstance(obj, Page) else obj.get_absolute_url()
    return request.build_absolute_uri(path) if request is not None else path


@register.simple_tag(takes_context=True)
def share_context(context, obj=None):
    """What includes/share_buttons.html shows: the links, the counting target and campaign."""
    obj = obj or context.get("page")
    request = context.get("request")
    if obj is None:
        return None
    campaign, hashtag = sharing.campaign_for_sharing(request=request, obj=obj)
    title = getattr(obj, "title", None) or getattr(obj, "name", "")
    target = sharing.share_target(obj)
    return {
        "links": sharing.share_links(url=share_url_of(obj, request, context), title=title, campaign=campaign,
                                     hashtag=hashtag),
        "target": target.token if target else "",
        "campaign": campaign,
        "title": title,
    }


@register.inclusion_tag("includes/share_buttons.html", takes_context=True)
def share_buttons(context, obj):
    return {"request": context.get("request"), "share_object": obj, "page": context.get("page"),
            "current_language": context.get("current_language")}
