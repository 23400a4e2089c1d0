"""A srcset names each width once (issue 14: the W3C Nu checker's error on 23 of 24 product pages
and on the home's hero): an original smaller than the largest size asked gives that size at the
original's width, which a smaller size already has."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template

from tests.marketplace import factories as shop_factories

pytestmark = pytest.mark.django_db

HERO = ("{% load wagtailimages_tags %}{% srcset_image photo fill-{640x800-c50,1280x720-c50,1920x1080-c50} "
        "format-webp sizes=\"100vw\" %}")


def srcset_widths(size: tuple[int, int]) -> list[str]:
    photo = shop_factories.ImageFactory(file=shop_factories.ContentFile(
        shop_factories.jpeg_bytes(size=size), name="foto.jpg"))
    html = Template(HERO).render(Context({"photo": photo}))
    return re.findall(r" (\d+w)", re.search(r'srcset="([^"]+)"', html).group(1))


def test_a_small_original_names_its_own_width_once():
    # 1280 px wide: the 1920x1080 size comes out 1280 px wide, like the 1280x720 one.
    assert srcset_widths((1280, 800)) == ["640w", "1280w"]


def test_a_large_original_keeps_every_width():
    assert srcset_widths((2400, 1600)) == ["640w", "1280w", "1920w"]
