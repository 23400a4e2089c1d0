"""Listings fetch their pictures' renditions in bulk (`prefetch_renditions`); the image tags then find
each size once and write nothing back to the renditions cache (issue 12, "the first render is cheap
too"), with the HTML Wagtail's own tags write."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.template import Context, Engine, engines
from wagtail.images import get_image_model

from tests.marketplace import factories as shop_factories

pytestmark = pytest.mark.django_db

# Attributes of each kind the project's own <img> writing must treat as Wagtail does
# (config.image_tags.img_html): a literal (safe), a visitor's text (escaped), a boolean, a left-out one.
TAGS = ('{% image picture fill-160x160 format-webp alt="" loading="lazy" data-note="Kain & ikat" %}'
        '{% srcset_image picture fill-{400x400,800x800} format-webp sizes="50vw" class="card__image" '
        'title=caption hidden=flag data-gone=nothing %}')
SPECS = ["fill-160x160|format-webp", "fill-400x400|format-webp", "fill-800x800|format-webp"]


CONTEXT = {"caption": 'Kain <Banjar> & "biru"', "flag": True, "nothing": None}


def render(source: str, picture) -> str:
    return engines["django"].from_string(source).render({"picture": picture, **CONTEXT})


def render_with_wagtails_tags(picture) -> str:
    """The same tags through Wagtail's own library (the project's replaces it under its name)."""
    engine = Engine(libraries={"wagtails": "wagtail.images.templatetags.wagtailimages_tags"})
    return engine.from_string("{% load wagtails %}" + TAGS).render(Context({"picture": picture, **CONTEXT}))


def test_prefetched_renditions_are_found_once_and_not_written_back(monkeypatch):
    original = shop_factories.ImageFactory(file=shop_factories.ContentFile(
        shop_factories.jpeg_bytes(size=(1000, 1000)), name="kain.jpg"))
    original.get_renditions(*SPECS)  # made already, as the worker does
    images = get_image_model().objects.prefetch_renditions(*SPECS)

    picture = images.get(pk=original.pk)
    lookups, writes = [], []
    find = type(picture).find_existing_renditions
    monkeypatch.setattr(type(picture), "find_existing_renditions",
                        lambda self, *filters: lookups.append(len(filters)) or find(self, *filters))
    cache = caches["default"]
    for name in ("set", "set_many"):
        monkeypatch.setattr(cache, name, lambda *args, _name=name, **kwargs: writes.append(_name))
    html = render("{% load wagtailimages_tags %}" + TAGS, picture)

    assert lookups == [1, 2], "each tag looks its sizes up once"
    assert writes == [], "prefetched renditions are not written back to the renditions cache"
    assert html.count("<img") == 2
    assert '400w' in html and '800w' in html and 'class="card__image"' in html
    assert all(tag not in html for tag in ("data-placeholder", "not-found"))
    assert 'title="Kain &lt;Banjar&gt; &amp; &quot;biru&quot;"' in html and " hidden>" in html
    assert 'data-note="Kain & ikat"' in html and "data-gone" not in html
    assert html == render_with_wagtails_tags(images.get(pk=original.pk))


def test_a_tag_parses_its_sizes_once_not_at_every_render(monkeypatch):
    from wagtail.images import image_operations

    picture = get_image_model().objects.prefetch_renditions(*SPECS).get(
        pk=shop_factories.ImageFactory(file=shop_factories.ContentFile(
            shop_factories.jpeg_bytes(size=(1000, 1000)), name="kain.jpg")).pk)
    parsed = []
    construct = image_operations.Operation.__init__
    monkeypatch.setattr(image_operations.Operation, "__init__",
                        lambda self, *args: parsed.append(args[0]) or construct(self, *args))
    template = engines["django"].from_string("{% load wagtailimages_tags %}" + TAGS)
    at_parse = len(parsed)
    pages = [template.render({"picture": picture}) for _ in range(3)]
    assert at_parse == 6  # fill and format of each of the three sizes
    assert len(parsed) == at_parse, "the sizes were parsed again at each render"
    assert pages[0] == pages[1] == pages[2] and pages[0].count("<img") == 2
