"""Tags for being found and shared: `{% social_meta obj %}`, `{% canonical_link %}`,
`{% breadcrumb_jsonld page %}`, `{% trail_jsonld name url ... %}`, `{% listing_meta title description %}`."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from tourism import seo

register = template.Library()


@register.inclusion_tag("tourism/includes/social_meta.html", takes_context=True)
def social_meta(context, obj, jsonld=True):
    """Canonical, hreflang alternates, Open Graph, Twitter and (unless jsonld=False) JSON-LD."""
    return {"meta": seo.social_meta(obj, request=context.get("request"), with_jsonld=jsonld)}


@register.inclusion_tag("tourism/includes/social_meta.html", takes_context=True)
def listing_meta(context, title, description):
    """A listing's canonical, alternates, Open Graph and Twitter (no JSON-LD, no share image)."""
    return {"meta": seo.listing_meta(request=context.get("request"), title=title, description=description,
                                     alternates=context.get("language_alternates") or {})}


@register.simple_tag(takes_context=True)
def breadcrumb_jsonld(context, page):
    """The page's breadcrumb as schema.org BreadcrumbList JSON-LD, beside the visible one."""
    return jsonld_script(seo.breadcrumb_jsonld(page, request=context.get("request")))


@register.simple_tag(takes_context=True)
def trail_jsonld(context, *names_and_urls):
    """A breadcrumb that is not a page's ancestry, as BreadcrumbList JSON-LD beside the visible
    one: the home page ("Beranda", /<language>/, as the visible trail links it), then the pairs
    given (name, URL, name, URL ...), the page itself last. A pair with no URL is left out, as
    the visible trail leaves out a crumb it does not show."""
    home = (gettext("Beranda"), f"/{context.get('current_language') or 'id'}/")
    pairs = zip(names_and_urls[::2], names_and_urls[1::2], strict=True)
    return jsonld_script(seo.trail_jsonld([home, *((str(name), url) for name, url in pairs if url)],
                                          request=context.get("request")))


def jsonld_script(data: dict) -> str:
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(seo.jsonld_dumps(data)))


@register.simple_tag(takes_context=True)
def canonical_link(context):
    request = context.get("request")
    if request is None:
        return ""
    return format_html('<link rel="canonical" href="{}">', seo.default_canonical(request))
