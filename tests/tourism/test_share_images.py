"""Open Graph share images: 1200x630, per language, cached, redrawn when the page is published."""

import io

import pytest
from django.core.files.storage import default_storage
from PIL import Image as PILImage

from tests.marketplace.factories import ProductFactory, ShopFactory, add_photo
from tests.tourism import factories
from tests.tourism.gebrak_factories import campaign, picture
from tourism import share_images

pytestmark = pytest.mark.django_db


def og_image_path(html: str) -> str:
    from bs4 import BeautifulSoup

    content = BeautifulSoup(html, "html.parser").select_one('meta[property="og:image"]')["content"]
    return content.replace("http://testserver", "")


def size_of(response) -> tuple[int, int]:
    assert response["Content-Type"] == "image/jpeg"
    with PILImage.open(io.BytesIO(response.content)) as drawn:
        return drawn.size


@pytest.fixture
def place(home_page):
    return factories.destination(slug="lok-baintan", title="Pasar Terapung Lok Baintan",
                                 english_title="Lok Baintan Floating Market", main_image=picture())


def stored_files(key: str) -> list[str]:
    try:
        return sorted(name for name in default_storage.listdir("og")[1] if name.startswith(f"{key}-"))
    except FileNotFoundError:
        return []


def test_page_share_image_is_1200x630(client, place):
    path = og_image_path(client.get("/id/destinasi/lok-baintan/").text)
    assert path.startswith(f"/og/{place.pk}-id.jpg?v=")
    response = client.get(path)
    assert response.status_code == 200
    assert size_of(response) == (1200, 630)
    assert "immutable" in response["Cache-Control"]


def test_each_language_has_its_own_image(client, place):
    english_path = og_image_path(client.get("/en/destinasi/lok-baintan/").text)
    english = place.get_translation(place.locale.__class__.objects.get(language_code="en"))
    assert english_path.startswith(f"/og/{english.pk}-en.jpg?v=")
    indonesian = client.get(og_image_path(client.get("/id/destinasi/lok-baintan/").text))
    english_image = client.get(english_path)
    assert size_of(english_image) == (1200, 630)
    assert indonesian.content != english_image.content


def test_spec_carries_title_kicker_and_campaign_brand(place):
    campaign(slug="gebrak-uji", title="Gebrak Uji", hashtag="#GebrakBanjar")
    indonesian = share_images.page_spec(page=place, language="id")
    english = share_images.page_spec(page=place, language="en")
    assert indonesian.title == "Pasar Terapung Lok Baintan"
    assert indonesian.kicker.startswith("Destinasi") and english.kicker.startswith("Destination")
    assert indonesian.hashtag == "#GebrakBanjar"


def test_image_is_drawn_once_and_served_from_storage(client, place, monkeypatch):
    path = f"/og/{place.pk}-id.jpg"
    client.get(path)
    drawn = []
    monkeypatch.setattr(share_images, "share_image_draw", lambda spec: drawn.append(spec) or b"")
    assert client.get(path).status_code == 200
    assert drawn == []


def test_publishing_a_change_redraws_the_image(client, place, django_capture_on_commit_callbacks):
    path = og_image_path(client.get("/id/destinasi/lok-baintan/").text)
    before = client.get(path).content
    old_files = stored_files(f"{place.pk}-id")
    assert len(old_files) == 1

    place.title = "Pasar Terapung Lok Baintan Subuh"
    with django_capture_on_commit_callbacks(execute=True):
        place.save_revision().publish()

    new_files = stored_files(f"{place.pk}-id")
    assert len(new_files) == 1 and new_files != old_files  # drawn at publish, the old one removed
    new_path = og_image_path(client.get("/id/destinasi/lok-baintan/").text)
    assert new_path != path  # ?v= changed, so social networks fetch it again
    after = client.get(new_path)
    assert size_of(after) == (1200, 630) and after.content != before


def test_publishing_draws_nothing_that_was_never_asked_for(place, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        place.save_revision().publish()
    assert stored_files(f"{place.pk}-id") == [] and stored_files(f"{place.pk}-en") == []


def test_a_page_without_a_picture_still_gets_an_image(client, home_page):
    event = factories.event(slug="haul", title="Haul Guru Sekumpul")
    response = client.get(og_image_path(client.get("/id/acara/haul/").text))
    assert size_of(response) == (1200, 630)
    assert event.pk


def test_long_titles_fit(place):
    spec = share_images.page_spec(page=place, language="id")
    spec.title = "Sangat " * 60
    with PILImage.open(io.BytesIO(share_images.share_image_draw(spec))) as drawn:
        assert drawn.size == (1200, 630)


def test_product_and_shop_images(client, home_page):
    product = ProductFactory(title_id="Kain Sasirangan Gigi Haruan")
    add_photo(product, is_main=True)
    for url in (product.get_absolute_url(), product.shop.get_absolute_url()):
        path = og_image_path(client.get(url).text)
        assert size_of(client.get(path)) == (1200, 630)


def test_nothing_for_hidden_things(client, place):
    pending_shop = ShopFactory(status="pending")
    hidden_product = ProductFactory(shop=pending_shop)
    place.unpublish()
    for path in (f"/og/{place.pk}-id.jpg", f"/og/toko-{pending_shop.pk}-id.jpg",
                 f"/og/produk-{hidden_product.pk}-id.jpg", "/og/12-fr.jpg", "/og/abc.jpg"):
        assert client.get(path).status_code == 404, path
