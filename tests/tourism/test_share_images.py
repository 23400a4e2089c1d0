"""Open Graph share images: 1200x630, per language, drawn by the task queue's worker (never in the
request: until drawn, the generic image), redrawn when the page is published."""

import io

import pytest
from django.core.files.storage import default_storage
from PIL import Image as PILImage
from PIL import ImageChops, ImageStat
from wagtail.models import Page

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
        assert drawn.format == "JPEG"
        return drawn.size


# Where things sit on the 1200x630 image: the brand and the hashtag in a row at the top (above
# y 110), the sasirangan band along the bottom (from y 608), 64 px margins left and right. Title
# and kicker live between them. The title is the only white ink there, the kicker the only gold.
WIDTH, HEIGHT, MARGIN = 1200, 630, 64
TEXT_AREA = (0, 110, WIDTH, HEIGHT - 22)
WHITE = ((200, 200, 200), (255, 255, 255))
GOLD = ((200, 140, 0), (255, 225, 120))


def ink(data: bytes, colour, area=TEXT_AREA) -> PILImage.Image:
    """A mask of the pixels of `colour` (per-channel low and high bounds) inside `area`."""
    low, high = colour
    with PILImage.open(io.BytesIO(data)) as drawn:
        channels = drawn.convert("RGB").crop(area).split()
    mask = PILImage.new("L", channels[0].size, 255)
    for channel, floor, ceiling in zip(channels, low, high, strict=True):
        inside = channel.point(lambda value, floor=floor, ceiling=ceiling: 255 if floor <= value <= ceiling else 0)
        mask = ImageChops.multiply(mask, inside)
    return mask


def ink_box(data: bytes, colour) -> tuple[int, int, int, int] | None:
    """The bounding box of that ink on the whole image (None when there is none)."""
    box = ink(data, colour).getbbox()
    if box is None:
        return None
    left, top = TEXT_AREA[:2]
    return box[0] + left, box[1] + top, box[2] + left, box[3] + top


def ink_pixels(data: bytes, colour) -> int:
    return ink(data, colour).histogram()[255]


@pytest.fixture
def place(home_page):
    return factories.destination(slug="lok-baintan", title="Pasar Terapung Lok Baintan",
                                 english_title="Lok Baintan Floating Market", main_image=picture())


@pytest.fixture
def drawn(client, django_capture_on_commit_callbacks):
    """GET a share image as a crawler would twice: the first answer is the generic image and
    enqueues the drawing, which (the tests' immediate backend) runs once the request's work is
    committed; the second answer is the drawn image."""

    def fetch(path):
        with django_capture_on_commit_callbacks(execute=True):
            first = client.get(path)
            assert first.status_code == 200 and first.content == share_images.generic_image(), path
        return client.get(path)

    return fetch


def stored_files(key: str) -> list[str]:
    try:
        return sorted(name for name in default_storage.listdir("og")[1] if name.startswith(f"{key}-"))
    except FileNotFoundError:
        return []


def test_page_share_image_is_1200x630(client, place, drawn):
    path = og_image_path(client.get("/id/destinasi/lok-baintan/").text)
    assert path.startswith(f"/og/{place.pk}-id.jpg?v=")
    response = drawn(path)
    assert response.status_code == 200
    assert size_of(response) == (1200, 630)
    assert "immutable" in response["Cache-Control"]
    # The destination's photo (a flat blue, 40/120/160) behind the text, darkened for the white title.
    with PILImage.open(io.BytesIO(response.content)) as drawn:
        red, green, blue = ImageStat.Stat(drawn.convert("RGB").crop((200, 120, 1000, 200))).mean
    assert blue > 105 and green > 80 and red < 40, (red, green, blue)
    assert ink_pixels(response.content, WHITE) > 3000  # "Pasar Terapung Lok Baintan"


def test_each_language_has_its_own_image(client, place, drawn):
    english_path = og_image_path(client.get("/en/destinasi/lok-baintan/").text)
    english = place.get_translation(place.locale.__class__.objects.get(language_code="en"))
    assert english_path.startswith(f"/og/{english.pk}-en.jpg?v=")
    indonesian = drawn(og_image_path(client.get("/id/destinasi/lok-baintan/").text))
    english_image = drawn(english_path)
    assert size_of(english_image) == (1200, 630)
    assert indonesian.content != english_image.content


def test_spec_carries_title_kicker_and_campaign_brand(place):
    campaign(slug="gebrak-uji", title="Gebrak Uji", hashtag="#GebrakBanjar")
    indonesian = share_images.page_spec(page=place, language="id")
    english = share_images.page_spec(page=place, language="en")
    assert indonesian.title == "Pasar Terapung Lok Baintan"
    assert indonesian.kicker.startswith("Destinasi") and english.kicker.startswith("Destination")
    assert indonesian.hashtag == "#GebrakBanjar"


def test_image_is_drawn_once_and_served_from_storage(client, place, monkeypatch, drawn):
    path = f"/og/{place.pk}-id.jpg"
    drawn(path)
    drawn = []
    monkeypatch.setattr(share_images, "share_image_draw", lambda spec: drawn.append(spec) or b"")
    assert client.get(path).status_code == 200
    assert drawn == []


def test_publishing_a_change_redraws_the_image(client, place, django_capture_on_commit_callbacks, drawn):
    path = og_image_path(client.get("/id/destinasi/lok-baintan/").text)
    before = drawn(path).content
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


def test_unpublishing_deletes_the_stored_images_in_every_language(client, place, django_capture_on_commit_callbacks,
                                                                  drawn):
    """Their addresses were in the page's og:image while it was live, and kept showing the title and
    summary of a page withdrawn (found by an editor's walk)."""
    path = og_image_path(client.get("/id/destinasi/lok-baintan/").text)
    drawn(path)
    drawn(path.replace("-id.jpg", "-en.jpg"))  # its English image, drawn when asked for
    assert stored_files(f"{place.pk}-id") and stored_files(f"{place.pk}-en")
    other = factories.destination(slug="tetap", title="Tetap Tayang", main_image=picture())
    with django_capture_on_commit_callbacks(execute=True):
        other.save_revision().publish()
    assert len(stored_files(f"{other.pk}-id")) == 1

    with django_capture_on_commit_callbacks(execute=True):
        place.unpublish()
    assert stored_files(f"{place.pk}-id") == [] and stored_files(f"{place.pk}-en") == []
    assert len(stored_files(f"{other.pk}-id")) == 1  # another page's image stays
    assert client.get(path).status_code == 404


def test_publishing_draws_the_image_of_the_page_language_only(client, place, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        place.save_revision().publish()
    # The page's own language, so the first crawler of a shared link gets it (not the generic
    # one it would keep); the other language's image of the same page is drawn once asked for.
    assert len(stored_files(f"{place.pk}-id")) == 1 and stored_files(f"{place.pk}-en") == []
    response = client.get(og_image_path(client.get("/id/destinasi/lok-baintan/").text))
    assert response.content != share_images.generic_image() and "immutable" in response["Cache-Control"]


def test_a_page_without_a_picture_still_gets_an_image_with_its_title(client, home_page,
                                                                     django_capture_on_commit_callbacks, drawn):
    event = factories.event(slug="haul", title="Haul Guru Sekumpul")
    response = drawn(og_image_path(client.get("/id/acara/haul/").text))
    assert response.status_code == 200 and size_of(response) == (1200, 630)
    drawn = response.content
    # The title is written, large, on the left of the lower half; the kicker (the date) above it.
    title = ink_box(drawn, WHITE)
    assert title is not None and ink_pixels(drawn, WHITE) > 3000
    assert title[0] < MARGIN + 10 and title[1] > HEIGHT / 2 and title[3] - title[1] >= 40
    kicker = ink_box(drawn, GOLD)
    assert kicker is not None and kicker[3] <= title[1]
    # No photo: the drawn river background, not a blank one.
    with PILImage.open(io.BytesIO(drawn)) as picture:
        background = ImageStat.Stat(picture.convert("L").crop((200, 120, 1000, 200)))
    assert background.stddev[0] > 3

    event.title = "Haul Guru Sekumpul ke-20, Martapura"
    with django_capture_on_commit_callbacks(execute=True):
        event.save_revision().publish()
    changed = client.get(og_image_path(client.get("/id/acara/haul/").text)).content
    difference = ImageChops.difference(ink(drawn, WHITE), ink(changed, WHITE))
    assert difference.histogram()[255] > 1000, "the new title is not what is written"
    assert ink_box(changed, WHITE)[2] > title[2]  # a longer title, written further right


@pytest.mark.parametrize("title", [
    "Sangat " * 60,  # many words: wrapped, smaller, cut after three lines
    "Sasirangan" * 20,  # one word wider than the image
    "Sasirangan" * 15 + " " + "Banjar" * 30,  # two of them: the first line too must be cut
])
def test_long_titles_stay_inside_the_margins(place, title):
    spec = share_images.page_spec(page=place, language="id")
    spec.title, spec.kicker = title, "Destinasi · " + "Kabupaten Banjar " * 12
    drawn = share_images.share_image_draw(spec)
    with PILImage.open(io.BytesIO(drawn)) as picture:
        assert picture.size == (1200, 630)
    title_box, kicker_box = ink_box(drawn, WHITE), ink_box(drawn, GOLD)
    assert title_box is not None and kicker_box is not None
    # A few pixels of slack for the glyphs' side bearings and JPEG's blur around edges.
    for box in (title_box, kicker_box):
        assert box[0] >= MARGIN - 8 and box[2] <= WIDTH - MARGIN + 8, box
    # Below the brand row, above the band, and the title does not run into the kicker.
    assert kicker_box[1] > TEXT_AREA[1] and kicker_box[3] <= title_box[1] and title_box[3] < TEXT_AREA[3]


def test_product_and_shop_images(client, home_page, drawn):
    product = ProductFactory(title_id="Kain Sasirangan Gigi Haruan")
    add_photo(product, is_main=True)
    for url in (product.get_absolute_url(), product.shop.get_absolute_url()):
        path = og_image_path(client.get(url).text)
        response = drawn(path)
        assert size_of(response) == (1200, 630) and response.content != share_images.generic_image()


def test_nothing_for_hidden_things(client, place):
    pending_shop = ShopFactory(status="pending")
    hidden_product = ProductFactory(shop=pending_shop)
    place.unpublish()
    for path in (f"/og/{place.pk}-id.jpg", f"/og/toko-{pending_shop.pk}-id.jpg",
                 f"/og/produk-{hidden_product.pk}-id.jpg", "/og/12-fr.jpg", "/og/abc.jpg"):
        assert client.get(path).status_code == 404, path


# --- Drawn by the worker, never in the request (issue 12) -------------------------------------------

def test_a_crawler_never_waits_for_the_drawing(client, place, settings, monkeypatch,
                                               django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    from tests.task_worker import run_worker_here, use_database_backend

    use_database_backend(settings, monkeypatch)
    path = og_image_path(client.get("/id/destinasi/lok-baintan/").text)
    real_draw = share_images.share_image_draw

    def drawn_in_the_request(spec):
        raise AssertionError("a share image was drawn inside the request")

    monkeypatch.setattr(share_images, "share_image_draw", drawn_in_the_request)
    # Two crawlers before the worker ran: the generic image at once, a valid 1200x630 JPEG that a
    # CDN keeps a minute only, and one drawing enqueued, not two.
    for _crawler in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            first = client.get(path)
        assert first.status_code == 200 and size_of(first) == (1200, 630)
        assert first.content == share_images.generic_image() and first["Cache-Control"] == "public, max-age=60"
    waiting = DBTaskResult.objects.filter(task_path=share_images.share_image_make.module_path, status="READY")
    assert [result.args_kwargs["kwargs"]["key"] for result in waiting] == [f"{place.pk}-id"]
    assert stored_files(f"{place.pk}-id") == []

    monkeypatch.setattr(share_images, "share_image_draw", real_draw)
    run_worker_here()
    assert len(stored_files(f"{place.pk}-id")) == 1

    monkeypatch.setattr(share_images, "share_image_draw", drawn_in_the_request)
    served = client.get(path)
    assert served.status_code == 200 and size_of(served) == (1200, 630)
    assert served.content != share_images.generic_image() and "immutable" in served["Cache-Control"]
    assert ink_pixels(served.content, WHITE) > 3000  # the page's own title, not the generic one


def test_the_generic_image_is_a_share_image_of_the_site():
    with PILImage.open(io.BytesIO(share_images.generic_image())) as generic:
        assert (generic.format, generic.size) == ("JPEG", (1200, 630))
    assert ink_pixels(share_images.generic_image(), WHITE) > 3000  # its title is written
    assert len(share_images.generic_image()) < 150_000  # WhatsApp drops large previews


# --- A page deleted or made private: its stored images go too ------------------------------------------

@pytest.fixture
def kept_elsewhere(home_page, django_capture_on_commit_callbacks):
    """An event's image, drawn at its publish: another page, elsewhere in the tree, whose image stays."""
    event = factories.event(slug="tetap-ada", title="Tetap Ada")
    with django_capture_on_commit_callbacks(execute=True):
        event.save_revision().publish()
    assert len(stored_files(f"{event.pk}-id")) == 1
    return event


@pytest.fixture
def place_drawn(client, place, drawn):
    """The destination's images in both languages, as crawlers had them drawn; their paths."""
    path = og_image_path(client.get("/id/destinasi/lok-baintan/").text)
    paths = [path, path.replace("-id.jpg", "-en.jpg")]
    for each in paths:
        drawn(each)
    assert stored_files(f"{place.pk}-id") and stored_files(f"{place.pk}-en")
    return paths


@pytest.fixture
def editor(client):
    from django.contrib.auth.models import User

    user = User.objects.create_superuser("kepala", "kepala@banjarkab.go.id", "pw")
    client.force_login(user)
    return user


@pytest.mark.parametrize("deleted", ["the page", "its parent"])
def test_deleting_a_page_deletes_its_stored_images_on_the_worker(client, place, place_drawn, kept_elsewhere, editor,
                                                                 deleted, settings, monkeypatch,
                                                                 django_capture_on_commit_callbacks):
    """A deleted page's images must not stay public under /media/og/, its title and picture, for as
    long as the media are kept. Deleted by the worker, once the deletion is committed, not in the
    request. (Wagtail unpublishes a live page it deletes, and the pages below it: the unpublish's own
    removal does it; this pins that.)"""
    from tests.task_worker import run_worker_here, use_database_backend

    use_database_backend(settings, monkeypatch)
    target = place if deleted == "the page" else place.get_parent()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/admin/pages/{target.pk}/delete/").status_code == 302
    assert not Page.objects.filter(pk=place.pk).exists()
    assert stored_files(f"{place.pk}-id") and stored_files(f"{place.pk}-en")  # the worker's work
    run_worker_here()
    assert stored_files(f"{place.pk}-id") == [] and stored_files(f"{place.pk}-en") == []
    assert len(stored_files(f"{kept_elsewhere.pk}-id")) == 1
    client.logout()
    for path in place_drawn:
        assert client.get(path).status_code == 404


def test_a_deletion_rolled_back_keeps_the_images(place, place_drawn, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            place.delete()
            raise RuntimeError("the deletion is undone")
    assert stored_files(f"{place.pk}-id") and stored_files(f"{place.pk}-en")


@pytest.mark.parametrize("restricted", ["the page", "its parent"])
@pytest.mark.parametrize("restriction", [{"restriction_type": "password", "password": "rahasia-banjar"},
                                         {"restriction_type": "login"}])
def test_a_private_page_loses_its_stored_images(client, place, place_drawn, kept_elsewhere, editor, restricted,
                                                restriction, settings, monkeypatch,
                                                django_capture_on_commit_callbacks):
    """Made private in the admin (Privacy: a password, or logged-in users), on the page or above it:
    its images, drawn while it was public, showed its title and picture to anyone with their address.
    The share image view refuses it at once; the worker deletes the files."""
    from tests.task_worker import run_worker_here, use_database_backend

    use_database_backend(settings, monkeypatch)
    target = place if restricted == "the page" else place.get_parent()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/pages/{target.pk}/privacy/", restriction)
    assert response.status_code == 200 and response.json()["step"] == "set_privacy_done", response.content
    assert stored_files(f"{place.pk}-id") and stored_files(f"{place.pk}-en")  # the worker's work
    client.logout()
    for path in place_drawn:  # refused, and not drawn again for asking
        with django_capture_on_commit_callbacks(execute=True):
            assert client.get(path).status_code == 404
    run_worker_here()
    assert stored_files(f"{place.pk}-id") == [] and stored_files(f"{place.pk}-en") == []
    assert len(stored_files(f"{kept_elsewhere.pk}-id")) == 1


def test_a_page_moved_into_a_private_section_loses_its_stored_images(home_page, place, place_drawn, kept_elsewhere,
                                                                     settings, monkeypatch,
                                                                     django_capture_on_commit_callbacks):
    """Moved under a page that is private already (an editor tidying old places into an "Arsip"
    section for staff): no restriction is saved, yet the page is private from then on."""
    from wagtail.models import PageViewRestriction

    from tests.task_worker import run_worker_here, use_database_backend

    use_database_backend(settings, monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        archive = home_page.add_child(instance=Page(title="Arsip", slug="arsip"))
        PageViewRestriction.objects.create(page=archive, restriction_type="login")
    run_worker_here()
    assert stored_files(f"{place.pk}-id") and stored_files(f"{place.pk}-en")  # public still
    with django_capture_on_commit_callbacks(execute=True):
        place.move(archive, pos="last-child")
    run_worker_here()
    assert stored_files(f"{place.pk}-id") == [] and stored_files(f"{place.pk}-en") == []
    assert len(stored_files(f"{kept_elsewhere.pk}-id")) == 1


def test_a_restriction_taken_off_before_the_worker_ran_keeps_the_images(place, place_drawn, settings, monkeypatch,
                                                                        django_capture_on_commit_callbacks):
    from wagtail.models import PageViewRestriction

    from tests.task_worker import run_worker_here, use_database_backend

    use_database_backend(settings, monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        restriction = PageViewRestriction.objects.create(page=place, restriction_type="login")
    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    run_worker_here()
    assert len(stored_files(f"{place.pk}-id")) == 1 and len(stored_files(f"{place.pk}-en")) == 1
