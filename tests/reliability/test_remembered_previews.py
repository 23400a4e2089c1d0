"""A Wagtail preview (an editor's unsaved draft) must neither leak into what the public is served
nor be shown the live page's remembered sections instead of the draft's."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model

from config.renditions import DETAIL_HERO, HOME_HERO, JSONLD, renditions_make
from tests.marketplace import factories as shop_factories
from tests.tourism import factories

pytestmark = pytest.mark.django_db


def _picture(name, specs):
    image = shop_factories.ImageFactory(title=name, file=shop_factories.ContentFile(
        shop_factories.jpeg_bytes(size=(1600, 1000)), name=f"{name}.jpg"))
    renditions_make(image=image, specs=specs)  # an image of the library already shown somewhere
    return image


def _hero_src(html):
    return BeautifulSoup(html, "html.parser").select_one(".hero__image")["srcset"]


def _preview(page, rf):
    editor = get_user_model().objects.create_superuser("editor", "e@contoh.id", "pw")
    request = rf.get("/", HTTP_HOST=page.get_site().hostname)
    request.user = editor
    response = page.make_preview_request(request, page.default_preview_mode)
    response.render()
    return response.content.decode()


def _home_with_hero(home_page):
    """The home page published with the "live-hero" picture, and the "draft-hero" one at hand."""
    home = home_page.specific
    home.hero_image = _picture("live-hero", HOME_HERO)
    home.save_revision().publish()
    home.refresh_from_db()
    return home, _picture("draft-hero", HOME_HERO)


def test_a_previewed_hero_is_never_served_to_the_public(client, home_page, rf):
    home, draft = _home_with_hero(home_page)

    home.hero_image = draft  # the editor's unsaved draft, previewed
    preview = _preview(home, rf)
    assert "draft-hero" in _hero_src(preview)

    public = client.get("/id/").text
    assert "live-hero" in _hero_src(public), "the unpublished draft's hero leaked to the public"


def test_a_preview_shows_the_draft_hero_not_the_remembered_one(client, home_page, rf):
    home, draft = _home_with_hero(home_page)
    assert "live-hero" in _hero_src(client.get("/id/").text)  # remembered

    home.hero_image = draft
    assert "draft-hero" in _hero_src(_preview(home, rf)), "the preview shows the live hero"


def test_a_previewed_destination_picture_is_never_served_to_the_public(client, rf):
    live = _picture("live-main", (*DETAIL_HERO, JSONLD))
    draft = _picture("draft-main", (*DETAIL_HERO, JSONLD))
    destination = factories.destination(slug="pasar-terapung", title="Pasar Terapung", main_image=live)
    page = destination.specific
    page.main_image = draft
    assert "draft-main" in _preview(page, rf)
    public = client.get(page.url).text
    assert "draft-main" not in public, "the unpublished draft's picture leaked to the public"
