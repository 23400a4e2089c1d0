"""Wagtail's image tags, except that a size the worker makes is never made inside a request (issue 12).

Registered as the template library `wagtailimages_tags` (TEMPLATES' documented `libraries` option,
config/settings/base.py), so every `{% load wagtailimages_tags %}` gets these tags and no template
changes. `{% image %}`, `{% srcset_image %}` and `{% picture %}` behave as Wagtail's, except when
all of the following hold:

- the tag asks only for sizes the task queue's worker makes (config.renditions.WORKER_SPECS: the
  public templates' sizes; the admin's `max-165x165` and the like are Wagtail's as before);
- some of those renditions do not exist yet (e.g. an editor uploaded through Wagtail's admin and
  the page was viewed before the worker ran);
- tasks are deferred to a worker (a backend that runs them at once, as the tests' default, means
  there is no worker to wait for: the request makes them as Wagtail does).

Then the tag writes a placeholder: an inline SVG of the picture's aspect ratio in a neutral colour,
with the width and height the rendition will have (so nothing moves when it arrives), enqueues the
missing sizes for the worker (config.renditions.image_specs_make; once a minute per image and
sizes), and notes `renditions:image:<id>` for the page cache (config.dependencies): the worker
moves that tag on when it has made them, so no stored page or fragment keeps the placeholder.
`{% image ... as name %}` names a PlaceholderRendition then (the placeholder's picture, the
rendition's width and height), and config.renditions.rendition_of, for a page's JSON-LD, None.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from urllib.parse import quote

from django import template
from django.apps import apps
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from wagtail.images.models import Filter, Picture, ResponsiveImage, SourceImageIOError
from wagtail.images.shortcuts import get_renditions_or_not_found
from wagtail.images.templatetags import wagtailimages_tags as wagtail_tags

from config import renditions

register = template.Library()
# Everything of Wagtail's library (image_url, ...); the three picture tags are replaced below.
register.tags.update(wagtail_tags.register.tags)
register.filters.update(wagtail_tags.register.filters)

PLACEHOLDER_FILL = "#e9e2d3"  # the site's sand, under the cream background


def rendition_size(image, spec: str) -> tuple[int, int]:
    """The width and height the rendition of `spec` will have (Wagtail never enlarges): `fill-WxH`
    is W x H, or the largest box of that ratio inside a smaller original; `width-N` keeps the
    original's ratio."""
    width, height = image.width or 1, image.height or 1
    for operation in spec.split("|"):
        name, _, value = operation.partition("-")
        if name == "fill":
            wanted_width, wanted_height = (int(number) for number in value.split("-")[0].split("x"))
            scale = min(1.0, width / wanted_width, height / wanted_height)
            return max(1, round(wanted_width * scale)), max(1, round(wanted_height * scale))
        if name == "width":
            wanted = min(int(value), width)
            return wanted, max(1, round(height * wanted / width))
    return width, height


def placeholder_src(width: int, height: int) -> str:
    svg = (f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}'>"
           f"<rect width='{width}' height='{height}' fill='{PLACEHOLDER_FILL}'/></svg>")
    return "data:image/svg+xml," + quote(svg, safe="/:=' ")


def _worker_makes_them(filters: list[Filter]) -> bool:
    return renditions.worker_makes(spec_filter.spec for spec_filter in filters)


def _existing(image, filters: list[Filter]) -> dict[Filter, object]:
    return image.find_existing_renditions(*filters)


def _missing(image, filters: list[Filter], existing: dict | None = None) -> list[str]:
    if existing is None:
        existing = _existing(image, filters)
    return [spec_filter.spec for spec_filter in filters if spec_filter not in existing]


def _placeholder(image, filters: list[Filter], missing: list[str], attrs: dict) -> str:
    renditions.renditions_awaited(image, missing)
    shown = PlaceholderRendition.of(image, filters[0].spec)
    extra = {key: value for key, value in attrs.items() if key not in {"src", "srcset", "sizes", "width", "height"}}
    extra.setdefault("alt", shown.alt)
    return format_html('<img src="{}" width="{}" height="{}" data-placeholder{}>',
                       shown.url, shown.width, shown.height, flatatt(extra))


@dataclass(frozen=True)
class PlaceholderRendition:
    """What `{% image ... as name %}` names while the worker makes that size: the placeholder's
    picture (placeholder_src) with the width and height the rendition will have, where a template
    reads a rendition's."""

    url: str
    width: int
    height: int
    alt: str
    placeholder: bool = True

    @classmethod
    def of(cls, image, spec: str) -> PlaceholderRendition:
        width, height = rendition_size(image, spec)
        return cls(url=placeholder_src(width, height), width=width, height=height,
                   alt=getattr(image, "default_alt_text", "") or "")


def _parsed(spec: str) -> Filter:
    """A Filter with its operations parsed now. Wagtail's nodes make new Filters at each render, and
    each parses its operations again (the image operations' hooks, `inspect.getcallargs` per
    operation): four cards' pictures cost more in parsing than in finding their renditions. Parsed
    when the template is, a node's Filters are never written again (Filter keeps only its spec and
    the parsed operations; operations change nothing in themselves when they run), so every thread
    rendering the template reads them as it reads the template's other nodes."""
    parsed = Filter(spec=spec)
    parsed.operations  # noqa: B018 - parsed once, here
    return parsed


class _Placeholding:
    """Placeholder rendering for a Wagtail image node (see the module's docstring)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.parsed_filters = tuple(_parsed(spec) for spec in Filter.expand_spec(self.filter_specs))

    def get_filter(self) -> Filter:
        return self.parsed_filters[0]

    def get_filters(self) -> list[Filter]:
        return list(self.parsed_filters)

    def node_filters(self) -> list[Filter]:
        raise NotImplementedError

    def render_found(self, renditions: dict, attrs: dict) -> str:
        """The tag's HTML from renditions already found, by spec in the tag's order (as Wagtail's)."""
        raise NotImplementedError

    def render_wagtail(self, context):
        """Wagtail's rendering: makes the renditions missing, fills the renditions cache."""
        return super().render(context)

    def render(self, context):
        if self.output_var_name:
            return self.render_wagtail(context)
        image = self.validate_image(context)
        if not image or image.is_svg():
            return self.render_wagtail(context)
        filters = self.node_filters()
        worker_makes_them = _worker_makes_them(filters)
        prefetched = renditions.came_with_renditions(image)
        if not worker_makes_them and not prefetched:
            return self.render_wagtail(context)
        # One lookup of the renditions for both questions: are they all there, and which are they.
        existing = _existing(image, filters)
        missing = _missing(image, filters, existing)
        attrs = {key: value.resolve(context) for key, value in self.attrs.items()}
        if missing and worker_makes_them:
            return _placeholder(image, filters, missing, attrs)
        if missing or not prefetched:
            return self.render_wagtail(context)
        return self.render_found({spec_filter.spec: existing[spec_filter] for spec_filter in filters}, attrs)


def _attribute(value) -> str:
    """An attribute's value escaped as Django's conditional_escape does, without its lazy-string
    wrapper (a tenth of a card's picture went on that wrapper alone)."""
    return str(value.__html__()) if hasattr(value, "__html__") else html.escape(str(value))


def img_html(found: list, attrs: dict) -> str:
    """The `<img>` Wagtail writes for renditions already found (AbstractRendition.img_tag, with
    ResponsiveImage's srcset for more than one), written here in one pass: Wagtail builds it
    through flatatt and format_html and asks storage for the first rendition's URL twice, which
    cost more than half of each picture on a listing's first render. The same HTML, attribute for
    attribute: tests/config/test_image_tags_prefetched.py compares it with Wagtail's own tags, so
    an upgrade that changes Wagtail's markup fails there."""
    urls = [rendition.url for rendition in found]
    first = found[0]
    values = {"src": urls[0], "width": first.width, "height": first.height, "alt": first.alt,
              **apps.get_app_config("wagtailimages").default_attrs, **attrs}
    if len(found) > 1:
        values["srcset"] = ", ".join(f"{url} {rendition.width}w" for url, rendition in zip(urls, found, strict=True))
    # flatatt's order: valued attributes sorted, then the boolean ones sorted; False and None left out.
    valued = sorted((name, value) for name, value in values.items() if not isinstance(value, bool) and value is not None)
    boolean = sorted(name for name, value in values.items() if value is True)
    return mark_safe("<img" + "".join(f' {_attribute(name)}="{_attribute(value)}"' for name, value in valued)
                     + "".join(f" {_attribute(name)}" for name in boolean) + ">")


class ImageNode(_Placeholding, wagtail_tags.ImageNode):
    def node_filters(self) -> list[Filter]:
        return [self.get_filter()]

    def render_wagtail(self, context):
        """`{% image ... as name %}`: the rendition as config.renditions.rendition_of finds it (for an
        image that came with its renditions, found among them, without Wagtail's `get_rendition`
        writing it back to the renditions cache: a product page's thumbnails, one write each per
        first render), or, while the worker makes it, a PlaceholderRendition."""
        if self.output_var_name:
            image = self.validate_image(context)
            if image and not image.is_svg():
                try:
                    rendition = renditions.rendition_of(image, self.get_filter())
                except SourceImageIOError:
                    return super().render_wagtail(context)  # Wagtail's "not found" rendition
                # None: the worker makes it (rendition_of asked), its box shown meanwhile.
                context[self.output_var_name] = (
                    rendition if rendition is not None else PlaceholderRendition.of(image, self.get_filter().spec))
                return ""
        return super().render_wagtail(context)

    def render_found(self, renditions: dict, attrs: dict) -> str:
        return img_html([next(iter(renditions.values()))], attrs)


def distinct_widths(renditions: dict) -> dict:
    """The renditions of a width of their own: from an original smaller than the largest size asked
    (or cropped closer to its focal point), Wagtail makes that size at the width a smaller size has
    already, and a srcset naming one width twice is invalid HTML (the W3C Nu checker's error;
    browsers pick either)."""
    kept, widths = {}, set()
    for spec, rendition in renditions.items():
        if rendition.width not in widths:
            widths.add(rendition.width)
            kept[spec] = rendition
    return kept


class SrcsetImageNode(_Placeholding, wagtail_tags.SrcsetImageNode):
    def node_filters(self) -> list[Filter]:
        return self.get_filters()

    def render_found(self, renditions: dict, attrs: dict) -> str:
        return img_html(list(distinct_widths(renditions).values()), attrs)

    def render_wagtail(self, context):
        image = self.validate_image(context)
        if not image or self.output_var_name or image.is_svg():
            return super().render_wagtail(context)
        # Wagtail's own rendering (SrcsetImageNode.render), each width once.
        renditions = distinct_widths(get_renditions_or_not_found(image, self.get_filters()))
        attrs = {key: value.resolve(context) for key, value in self.attrs.items()}
        return ResponsiveImage(renditions, attrs).__html__()


class PictureNode(_Placeholding, wagtail_tags.PictureNode):
    def node_filters(self) -> list[Filter]:
        return self.get_filters()

    def render_found(self, renditions: dict, attrs: dict) -> str:
        return Picture(renditions, attrs).__html__()


NODES = {wagtail_tags.ImageNode: ImageNode, wagtail_tags.SrcsetImageNode: SrcsetImageNode,
         wagtail_tags.PictureNode: PictureNode}


def image(parser, token):
    """Wagtail's parsing, our node: the same arguments, the same errors."""
    node = wagtail_tags.image(parser, token)
    return NODES[type(node)](node.image_expr, node.filter_specs, output_var_name=node.output_var_name,
                             attrs=node.attrs)


register.tag("image", image)
register.tag("srcset_image", image)
register.tag("picture", image)
