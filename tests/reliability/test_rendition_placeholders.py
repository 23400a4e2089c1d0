"""A page viewed before the worker made its pictures' sizes (issue 12): the request makes no
rendition; it shows a placeholder of the picture's size (width and height set, so nothing moves
when the picture arrives), enqueues the missing sizes for the worker, and no stored page keeps the
placeholder once the worker has made them (config/image_tags.py)."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup
from django_tasks_db.models import DBTaskResult
from wagtail.images.models import Rendition

from config import renditions
from tests.marketplace import factories as shop_factories
from tests.reliability.test_page_cache import page_cache_on  # noqa: F401 - autouse: the page cache on
from tests.task_worker import run_worker_here, use_database_backend
from tests.tourism import factories

pytestmark = pytest.mark.django_db

HERO = [spec for spec in renditions.TOURISM_MAIN if "-c50" in spec]


@pytest.fixture
def database_backend(settings, monkeypatch):
    use_database_backend(settings, monkeypatch)


@pytest.fixture
def place(home_page):
    # As an editor's upload through Wagtail's admin: a picture with no renditions yet (the
    # publish's own task is not run: its commit belongs to the test).
    picture = shop_factories.ImageFactory(file=shop_factories.ContentFile(
        shop_factories.jpeg_bytes(size=(1600, 1000)), name="jukung.jpg"))
    return factories.destination(slug="pasar-terapung", title="Pasar Terapung", main_image=picture)


def hero(html: str):
    return BeautifulSoup(html, "html.parser").select_one("figure.detail__hero img")


def waiting_specs() -> list[list[str]]:
    return [result.args_kwargs["kwargs"]["specs"] for result in DBTaskResult.objects.filter(
        task_path=renditions.image_specs_make.module_path, status="READY")]


def test_a_page_shows_a_placeholder_and_the_worker_makes_the_sizes(client, place, database_backend,
                                                                   django_capture_on_commit_callbacks):
    picture = place.main_image
    with django_capture_on_commit_callbacks(execute=True):
        first = client.get(place.url)
    assert first.status_code == 200
    # None at all: not the hero's, nor the JSON-LD's (config.renditions.rendition_of).
    assert not picture.renditions.exists(), "the request made renditions"
    assert "image" not in jsonld(first.text, "TouristAttraction")
    image = hero(first.text)
    # The placeholder: the smallest size's box (640x480 of a 1600x1000 photo), no layout shift.
    assert image.has_attr("data-placeholder") and image["src"].startswith("data:image/svg+xml,")
    assert (image["width"], image["height"]) == ("640", "480") and "640 480" in image["src"].replace("%20", " ")
    assert image["class"] == ["detail__hero-image"] and image["fetchpriority"] == "high"  # its attributes kept
    assert sorted(HERO) in [sorted(specs) for specs in waiting_specs()]

    # A second visitor before the worker ran: still no rendition made, the same sizes not enqueued again.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.get(place.url)
    assert hero(again.text).has_attr("data-placeholder")
    assert [sorted(specs) for specs in waiting_specs()].count(sorted(HERO)) == 1

    run_worker_here()
    assert set(picture.renditions.values_list("filter_spec", flat=True)) >= set(HERO)
    # The stored page showed the placeholder: the worker's renditions made it stale.
    served = client.get(place.url)
    assert served["X-Page-Cache"] == "miss"
    image = hero(served.text)
    assert not image.has_attr("data-placeholder") and ".webp" in image["srcset"]
    assert jsonld(served.text, "TouristAttraction")["image"][0].endswith(".jpg")


def jsonld(html: str, kind: str) -> dict:
    scripts = BeautifulSoup(html, "html.parser").select('script[type="application/ld+json"]')
    found = [data for data in map(json.loads, (script.string for script in scripts)) if data.get("@type") == kind]
    assert len(found) == 1, f"one {kind} in the page's JSON-LD"
    return found[0]


def test_a_product_page_makes_no_rendition_its_photos_wait_for_the_worker(client, database_backend,
                                                                          django_capture_on_commit_callbacks):
    """Its main photo and its thumbnails' links (`{% image ... as name %}`) and its JSON-LD's
    pictures: none made in the request (an artisan's photo decoded and resized while the buyer
    waits); a placeholder of the photo's box, no picture in the JSON-LD, until the worker made them."""
    product = shop_factories.ProductFactory()
    photos = [shop_factories.add_photo(product, is_main=True), shop_factories.add_photo(product, sort_order=1)]
    images = [photo.image for photo in photos]
    with django_capture_on_commit_callbacks(execute=True):
        first = client.get(product.get_absolute_url())
    assert first.status_code == 200
    assert not Rendition.objects.filter(image__in=images).exists(), "the request made renditions"
    page = BeautifulSoup(first.text, "html.parser")
    main = page.select_one(".ks-product__main img")
    # A 40x30 photo's fill-600x600: the 30x30 box Wagtail will make, never enlarged.
    assert main["src"].startswith("data:image/svg+xml,") and (main["width"], main["height"]) == ("30", "30")
    assert page.select_one(".ks-product__thumbs a")["href"].startswith("data:image/svg+xml,")
    assert "image" not in jsonld(first.text, "Product")
    asked = {(result.args_kwargs["kwargs"]["image_id"], spec) for result in DBTaskResult.objects.filter(
        task_path=renditions.image_specs_make.module_path) for spec in result.args_kwargs["kwargs"]["specs"]}
    assert {(images[0].pk, "fill-600x600|format-webp"), (images[1].pk, "fill-600x600|format-webp"),
            (images[0].pk, "fill-1200x1200|format-webp")} <= asked

    run_worker_here()
    served = client.get(product.get_absolute_url())
    assert served["X-Page-Cache"] == "miss"  # the stored page showed placeholders
    page = BeautifulSoup(served.text, "html.parser")
    assert page.select_one(".ks-product__main img")["src"].endswith(".webp")
    assert page.select_one(".ks-product__thumbs a")["href"].endswith(".webp")
    assert len(jsonld(served.text, "Product")["image"]) == 2


def test_without_a_worker_the_request_makes_them_as_wagtail_does(client, place):
    # The tests' immediate backend runs tasks at once: no worker to wait for, so no placeholder.
    image = hero(client.get(place.url).text)
    assert not image.has_attr("data-placeholder") and ".webp" in image["srcset"]


def test_english_nearby_places_show_their_thumbnails(client, home_page, database_backend,
                                                     django_capture_on_commit_callbacks):
    """A nearby place with an English translation is swapped in with its thumbnails' sizes. It used
    to come with the cards' sizes, so the English page waited for the worker to make thumbnails it
    had already made, and showed grey boxes for good."""
    def picture(name):
        return shop_factories.ImageFactory(file=shop_factories.ContentFile(
            shop_factories.jpeg_bytes(size=(1200, 800)), name=name))

    with django_capture_on_commit_callbacks(execute=True):
        factories.destination(slug="pasar-terapung", title="Pasar Terapung", english_title="Floating Market",
                              main_image=picture("jukung.jpg"), latitude="-3.41", longitude="114.85")
        factories.destination(slug="pasar-intan", title="Pasar Intan", english_title="Diamond Market",
                              main_image=picture("intan.jpg"), latitude="-3.42", longitude="114.86")
    run_worker_here()  # every size the pages show, thumbnails included

    for path, neighbour in (("/id/destinasi/pasar-terapung/", "Pasar Intan"),
                            ("/en/destinasi/pasar-terapung/", "Diamond Market")):
        page = BeautifulSoup(client.get(path).text, "html.parser")
        items = page.select(".nearby__list .nearby__item")
        assert neighbour in items[0].get_text(), path
        thumbnail = items[0].select_one("img")
        assert not thumbnail.has_attr("data-placeholder") and ".webp" in thumbnail["srcset"], path
