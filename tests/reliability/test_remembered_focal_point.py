"""An editor moves a picture's focal point (Wagtail keeps the old renditions, under the old focal
point's key): once the worker has made the new sizes, the home page shows them, not a placeholder
forever."""

import pytest
from bs4 import BeautifulSoup

from config.renditions import HOME_HERO, renditions_make
from tests.marketplace import factories as shop_factories
from tests.task_worker import run_worker_here, use_database_backend

pytestmark = pytest.mark.django_db


def _hero(client):
    return BeautifulSoup(client.get("/id/").text, "html.parser").select_one(".hero__image")


def test_a_moved_focal_point_shows_once_the_worker_made_its_sizes(client, home_page, settings, monkeypatch,
                                                                  django_capture_on_commit_callbacks):
    use_database_backend(settings, monkeypatch)
    picture = shop_factories.ImageFactory(title="jukung", file=shop_factories.ContentFile(
        shop_factories.jpeg_bytes(size=(1600, 1000)), name="jukung.jpg"))
    renditions_make(image=picture, specs=HOME_HERO)
    home = home_page.specific
    with django_capture_on_commit_callbacks(execute=True):
        home.hero_image = picture
        home.save_revision().publish()
    first = _hero(client)
    assert not first.has_attr("data-placeholder") and ".webp" in first["srcset"]

    with django_capture_on_commit_callbacks(execute=True):  # the editor moves the focal point
        picture.focal_point_x, picture.focal_point_y = 1200, 500
        picture.focal_point_width, picture.focal_point_height = 200, 200
        picture.save()
    with django_capture_on_commit_callbacks(execute=True):
        waiting = _hero(client)
    assert waiting.has_attr("data-placeholder")  # the new crop asked of the worker
    run_worker_here()
    hero = _hero(client)
    assert not hero.has_attr("data-placeholder") and ".webp" in hero["srcset"], \
        "the hero stays a placeholder: the remembered rail kept the old focal point's renditions"
