"""Media on S3-compatible object storage, against a real server (SeaweedFS in CI).

With AWS_S3_ENDPOINT_URL set these tests put their photos, renditions and share images
in the test buckets, each under its own key prefix (tests/object_storage.py); without it
they are skipped with a line saying how to start the server, and with CI=true they fail.
The settings and fault tests need no server: they start Django with the variables, or
point the storage at a closed port or a listener that never answers.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.images import get_image_model

from tests.marketplace import factories as shop_factories
from tests.object_storage import ENDPOINT, prefix_for_test, s3_client, s3_requests, s3_storages

# silent_server: a listener that accepts and never answers (a fixture, asked for by name).
from tests.search.test_elasticsearch import closed_port_url, silent_server  # noqa: F401
from tourism.roles import MODERATORS

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


@pytest.fixture
def s3_media(settings, request):
    """Both media storages on the test buckets, under this test's own prefix."""
    settings.STORAGES = s3_storages(settings, prefix_for_test(request.node.nodeid))
    return storages["default"], storages["private"]


def fetch(url: str) -> tuple[int, bytes]:
    """GET without any credentials, as a visitor's browser would."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def photo(size=(1600, 1000)):
    return shop_factories.ImageFactory(file=ContentFile(shop_factories.jpeg_bytes(size=size), name="kain.jpg"))


def product_with_photos(slug: str, count: int = 1):
    shop = shop_factories.ShopFactory(slug="toko-aminah", status="approved")
    product = shop_factories.ProductFactory(shop=shop, slug=slug)
    for position in range(count):
        shop_factories.ProductPhoto.objects.create(product=product, image=photo(), is_main=position == 0,
                                                   sort_order=position)
    return product


# --- Settings ---------------------------------------------------------------------------------

def django_settings(env_overrides: dict, code: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.dev", **env_overrides})
    return subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_bucket_variables_switch_the_media_to_s3_and_the_pages_may_load_pictures_from_it():
    code = ("from django.conf import settings; from django.core.files.storage import storages; "
            "print(type(storages['default']).__name__, type(storages['private']).__name__); "
            "print(storages['default'].url('original_images/kain.jpg')); "
            "print(storages['private'].url('visitor-photos/x.jpg')); "
            "print(' '.join(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']))")
    local = django_settings({}, code.split("; print(storages['default'].url")[0])
    assert local.returncode == 0, local.stderr
    assert local.stdout.splitlines()[0] == "FileSystemStorage PrivateFileSystemStorage"

    env = {"AWS_STORAGE_BUCKET_NAME": "gebrak-media", "AWS_PRIVATE_BUCKET_NAME": "gebrak-private",
           "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:8333", "AWS_ACCESS_KEY_ID": "id",
           "AWS_SECRET_ACCESS_KEY": "secret", "AWS_S3_REGION_NAME": "us-east-1"}
    s3 = django_settings(env, code)
    assert s3.returncode == 0, s3.stderr
    kinds, public_url, private_url, img_src = s3.stdout.splitlines()
    assert kinds == "BucketStorage BucketStorage"
    # Public pictures: the bucket's plain URL, no signature, so it never changes and a CDN can keep it.
    assert public_url == "http://127.0.0.1:8333/gebrak-media/original_images/kain.jpg"
    # Not public yet: a signed URL that expires in five minutes.
    assert private_url.startswith("http://127.0.0.1:8333/gebrak-private/visitor-photos/x.jpg?")
    assert "X-Amz-Signature=" in private_url and "X-Amz-Expires=300" in private_url
    assert "http://127.0.0.1:8333" in img_src.split()

    cdn = django_settings({**env, "AWS_S3_CUSTOM_DOMAIN": "media.gebrak.example"}, code)
    assert cdn.stdout.splitlines()[1] == "https://media.gebrak.example/original_images/kain.jpg"
    assert "https://media.gebrak.example" in cdn.stdout.splitlines()[3].split()


def test_a_public_bucket_without_a_private_one_is_refused_at_start():
    result = django_settings({"AWS_STORAGE_BUCKET_NAME": "gebrak-media"}, "pass")
    assert result.returncode != 0
    assert "AWS_PRIVATE_BUCKET_NAME" in result.stderr


# --- On the real server -----------------------------------------------------------------------

def test_photos_are_served_from_the_public_bucket_without_a_signature(client, s3_media):
    public, _private = s3_media
    product = product_with_photos("kain-s3")

    response = client.get(f"/id/kampung-sasirangan/produk/{product.slug}/")
    assert response.status_code == 200
    sources = [img["src"] for img in BeautifulSoup(response.content, "html.parser").select("main img[src]")]
    bucket_sources = [src for src in sources if src.startswith(f"{ENDPOINT}/")]
    assert bucket_sources, f"no picture from the bucket in {sources}"
    for src in bucket_sources:
        assert "X-Amz-" not in src
        status, body = fetch(src)
        assert status == 200, src
        assert body[:4] in {b"RIFF", b"\xff\xd8\xff\xe0", b"\xff\xd8\xff\xdb"}  # WebP or JPEG
    # The original is in the bucket, under this test's prefix, and nowhere on the local disk.
    image = get_image_model().objects.get()
    assert public.exists(image.file.name)
    assert s3_client().head_object(Bucket=public.bucket_name, Key=f"{public.location}/{image.file.name}")


def test_a_product_page_with_8_photos_costs_no_storage_request(client, s3_media,
                                                               django_capture_on_commit_callbacks):
    public, private = s3_media
    with django_capture_on_commit_callbacks(execute=True):  # the renditions made on save, as on a site
        product = product_with_photos("kain-delapan", 8)
    path = f"/id/kampung-sasirangan/produk/{product.slug}/"
    assert client.get(path).status_code == 200  # warm, as test_query_counts counts
    with s3_requests(public, private) as sent, CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    pictures = BeautifulSoup(response.content, "html.parser").select(f"img[src^='{ENDPOINT}/']")
    print(f"product page, 8 photos on S3: {len(sent)} storage requests, {len(queries)} queries, "
          f"{len(pictures)} pictures from the bucket")
    assert len(pictures) >= 8
    assert sent == [], "rendering the page asked the storage"
    assert len(queries) <= 9  # tests/reliability/test_query_counts.py's ceiling for a product page
    with s3_requests(public, private) as sent:  # the counter does see the storage's requests
        public.exists("original_images/none.jpg")
    assert len(sent) == 1


def test_share_images_are_drawn_into_the_bucket(client, s3_media, django_capture_on_commit_callbacks):
    from tourism.share_images import generic_image

    public, _private = s3_media
    product = product_with_photos("kain-og")
    # The first request is answered with the generic image; the worker (here at once, after the
    # request's commit) draws the product's into the bucket.
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(f"/og/produk-{product.pk}-id.jpg").content == generic_image()
    response = client.get(f"/og/produk-{product.pk}-id.jpg")
    assert response.status_code == 200 and response.content != generic_image()
    assert response["Content-Type"] == "image/jpeg" and response.content[:3] == b"\xff\xd8\xff"
    _folders, files = public.listdir("og")
    assert [name for name in files if name.startswith(f"produk-{product.pk}-id-")]
    # Asked again: served from the bucket, not drawn again.
    again = client.get(f"/og/produk-{product.pk}-id.jpg")
    assert again.content == response.content


# --- Faults: the storage refuses or hangs ---------------------------------------------------------

def storages_at(settings, endpoint: str, **options) -> dict:
    """Both media storages on a bucket at `endpoint`, with the settings' own timeouts."""
    from config.settings.base import s3_storage

    result = {**settings.STORAGES}
    for alias, bucket, public in (("default", "gebrak-media", True), ("private", "gebrak-private", False)):
        entry = s3_storage(bucket=bucket, public=public, location="faults")
        entry["OPTIONS"].update(endpoint_url=endpoint, access_key="gebrak", secret_key="gebrak-secret", **options)
        result[alias] = entry
    return result


@pytest.fixture
def published_product(client, django_capture_on_commit_callbacks):
    """A product with a photo and its renditions, stored while the storage worked."""
    with django_capture_on_commit_callbacks(execute=True):
        return product_with_photos("kain-lama")


def post_product_with_photos(client, shop):
    from tests.marketplace.test_dashboard import product_post, upload

    client.force_login(shop.owner)
    data = product_post()
    data["new_photos"] = [upload("satu.jpg"), upload("dua.jpg")]
    started = time.monotonic()
    response = client.post("/toko/produk/baru/", data)
    return response, time.monotonic() - started


def assert_refused_in_seconds_and_nothing_saved(response, elapsed, *, images_before):
    from marketplace.models import Product

    page = response.content.decode()
    assert response.status_code == 503, page[:2000]
    assert response["Retry-After"]
    assert "Penyimpanan foto sedang tidak dapat dihubungi" in page
    assert "Kain Sasirangan Gigi Haruan" in page  # what was typed is still there
    assert not Product.objects.filter(title_id="Kain Sasirangan Gigi Haruan").exists()
    assert get_image_model().objects.count() == images_before
    assert elapsed < 10, f"the artisan waited {elapsed:.1f} s"


@pytest.mark.parametrize("fault", ["closed port", "hangs"])
def test_a_storage_that_refuses_or_hangs_fails_the_artisans_upload_in_seconds_and_pages_still_render(
        client, settings, published_product, request, fault):
    endpoint = closed_port_url() if fault == "closed port" else request.getfixturevalue("silent_server")
    settings.STORAGES = storages_at(settings, endpoint)
    images_before = get_image_model().objects.count()

    response, elapsed = post_product_with_photos(client, published_product.shop)
    print(f"{fault}: refused in {elapsed:.1f} s")
    assert_refused_in_seconds_and_nothing_saved(response, elapsed, images_before=images_before)

    # Pages link to the stored pictures without asking the storage anything.
    client.logout()
    for path in ("/id/", f"/id/kampung-sasirangan/produk/{published_product.slug}/", "/id/kampung-sasirangan/"):
        assert client.get(path).status_code == 200, path


def test_a_storage_that_refuses_the_keys_fails_the_upload_with_the_message(client, settings, s3_media,
                                                                           published_product):
    settings.STORAGES = s3_storages(settings, prefix_for_test("wrong-keys"), access_key="gebrak-test",
                                    secret_key="not-the-secret")
    images_before = get_image_model().objects.count()
    response, elapsed = post_product_with_photos(client, published_product.shop)
    assert_refused_in_seconds_and_nothing_saved(response, elapsed, images_before=images_before)


def test_a_failed_save_after_the_photos_were_stored_removes_their_files(client, s3_media, monkeypatch):
    """The files go to the bucket before the transaction; if it fails, none is left behind."""
    from marketplace.models import ProductPhoto

    public, _private = s3_media
    shop = shop_factories.ShopFactory(slug="toko-aminah", status="approved")

    def broken_save(self, *args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(ProductPhoto, "save", broken_save)
    client.raise_request_exception = False
    response, _elapsed = post_product_with_photos(client, shop)
    assert response.status_code == 500
    assert not get_image_model().objects.exists()
    assert public.listdir("original_images")[1] == []


# --- Moving a running site's media: manage.py media_copy ---------------------------------------------

def media_copy(*args) -> str:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("media_copy", *args, stdout=out)
    return out.getvalue()


def files_below(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def local_folders(settings, tmp_path) -> dict:
    """settings.STORAGES on the local folders (also in CI's pass with the media in the buckets)."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    return {**settings.STORAGES,
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "private": {"BACKEND": "config.media.PrivateFileSystemStorage",
                        "OPTIONS": {"location": settings.PRIVATE_MEDIA_ROOT}}}


def test_a_running_site_moves_its_media_into_the_buckets_and_back_without_losing_a_photo(
        client, settings, tmp_path, request, django_capture_on_commit_callbacks):
    settings.STORAGES = local_folders(settings, tmp_path)
    (settings.PRIVATE_MEDIA_ROOT / "visitor-photos").mkdir(parents=True)
    (settings.PRIVATE_MEDIA_ROOT / "visitor-photos" / "menunggu.jpg").write_bytes(shop_factories.jpeg_bytes())
    with django_capture_on_commit_callbacks(execute=True):  # uploaded on the local folder, renditions made
        product = product_with_photos("kain-pindah", 2)
    Path(settings.MEDIA_ROOT, ".gitkeep").write_text("")
    local = files_below(Path(settings.MEDIA_ROOT))
    media_files = len(local) - 1  # not .gitkeep

    settings.STORAGES = s3_storages(settings, prefix_for_test(request.node.nodeid))
    public, private = storages["default"], storages["private"]
    report = media_copy("--to", "bucket")
    assert f"public: {media_files} copied, 0 replaced (size differed), 0 already there, 0 deleted" in report
    assert "private: 1 copied, 0 replaced (size differed), 0 already there, 0 deleted" in report

    # The site now reads the buckets: every picture of the page is there, without a signature.
    response = client.get(f"/id/kampung-sasirangan/produk/{product.slug}/")
    pictures = BeautifulSoup(response.content, "html.parser").select("main img")
    sources = {img["src"] for img in pictures} | {candidate.split()[0] for img in pictures
                                                   for candidate in img.get("srcset", "").split(",") if candidate}
    assert len(sources) > 2 and all(src.startswith(f"{ENDPOINT}/") for src in sources), sources
    assert {fetch(src)[0] for src in sources} == {200}
    # What waits for moderation is not readable without a signature.
    assert fetch(f"{ENDPOINT}/{private.bucket_name}/{private.location}/visitor-photos/menunggu.jpg")[0] == 403
    assert fetch(private.url("visitor-photos/menunggu.jpg"))[0] == 200

    # Again (after the web machines switched): nothing left to copy; a file that changed is replaced.
    again = media_copy("--to", "bucket")
    assert f"public: 0 copied, 0 replaced (size differed), {media_files} already there" in again
    changed = next(name for name in local if name.startswith("original_images/"))
    Path(settings.MEDIA_ROOT, changed).write_bytes(shop_factories.jpeg_bytes(size=(80, 60)))
    assert "public: 0 copied, 1 replaced" in media_copy("--to", "bucket")
    with public.open(changed) as handle:
        assert handle.read() == Path(settings.MEDIA_ROOT, changed).read_bytes()
    assert files_below(Path(settings.MEDIA_ROOT)).keys() == local.keys()  # the source is kept

    # And back, into empty folders.
    before_back = files_below(Path(settings.MEDIA_ROOT))
    settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT = tmp_path / "back", tmp_path / "private-back"
    back = media_copy("--to", "folder", "--delete-source")
    assert f"public: {media_files} copied" in back and f"{media_files} deleted from the source" in back
    assert files_below(tmp_path / "back") == {name: data for name, data in before_back.items() if name != ".gitkeep"}
    assert files_below(tmp_path / "private-back") == files_below(tmp_path / "private-media")
    assert public.listdir("original_images") == ([], [])


def test_media_copy_needs_the_buckets(settings, tmp_path):
    from django.core.management.base import CommandError

    settings.STORAGES = local_folders(settings, tmp_path)
    with pytest.raises(CommandError, match="AWS_STORAGE_BUCKET_NAME"):
        media_copy("--to", "bucket")


# --- Visitors' photos: private until approved ------------------------------------------------------

@pytest.fixture
def place(home_page):
    from tests.tourism import factories

    return factories.destination(slug="lok-baintan", title="Pasar Terapung Lok Baintan",
                                 english_title="Lok Baintan Floating Market")


@pytest.fixture
def moderator():
    from django.contrib.auth.models import Group

    user = shop_factories.UserFactory(username="moderator-uji")
    user.groups.add(Group.objects.get(name=MODERATORS))
    return user


def send_visitor_photo(client, place, language="id"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(f"/{language}/foto-pengunjung/{place.pk}/", {
        "name": "Siti Rahmah", "consent": "on", "caption": "Jukung saat subuh",
        "photo": SimpleUploadedFile("subuh.jpg", shop_factories.jpeg_bytes(size=(640, 480)), "image/jpeg")})


def test_a_waiting_visitor_photo_is_readable_only_through_a_short_signed_url_until_approved(
        client, s3_media, place, moderator, django_capture_on_commit_callbacks):
    from tourism.media_copy import stored_sizes
    from tourism.models import VisitorPhoto

    public, private = s3_media
    assert send_visitor_photo(client, place).status_code == 303
    photo = VisitorPhoto.objects.get()
    key = f"{private.location}/{photo.pending_file}"
    assert s3_client().head_object(Bucket=private.bucket_name, Key=key)["ContentLength"] > 0
    assert stored_sizes(public) == {}  # nothing of it where the public pictures are
    assert fetch(f"{ENDPOINT}/{private.bucket_name}/{key}")[0] == 403  # no signature, no photo

    client.force_login(moderator)
    queue = client.get("/admin/gebrak/foto-pengunjung/").text
    assert private.bucket_name not in queue  # signed URLs are made when a moderator asks, not in the page
    shown = client.get(f"/admin/gebrak/foto-pengunjung/{photo.pk}/foto/")
    assert shown.status_code == 302 and "X-Amz-Expires=300" in shown["Location"]
    status, body = fetch(shown["Location"])
    assert status == 200 and body[:3] == b"\xff\xd8\xff"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/gebrak/foto-pengunjung/{photo.pk}/putuskan/", {"decision": "approve"})
    photo.refresh_from_db()
    assert fetch(photo.image.file.url)[0] == 200 and "X-Amz-" not in photo.image.file.url
    assert not private.exists(key.removeprefix(f"{private.location}/"))
    client.logout()
    gallery = BeautifulSoup(client.get(place.url).content, "html.parser")
    assert any(img["src"].startswith(f"{ENDPOINT}/{public.bucket_name}/") for img in gallery.select("main img"))


@pytest.mark.parametrize("language, message", [
    ("id", "Penyimpanan foto sedang tidak dapat dihubungi"), ("en", "The photo storage cannot be reached")])
def test_a_storage_that_refuses_fails_the_visitor_photo_form_with_a_message(client, settings, place, language,
                                                                            message):
    from tourism.models import VisitorPhoto

    settings.STORAGES = storages_at(settings, closed_port_url())
    started = time.monotonic()
    response = send_visitor_photo(client, place, language)
    assert response.status_code == 503 and response["Retry-After"]
    assert message in response.content.decode()
    assert time.monotonic() - started < 10
    assert not VisitorPhoto.objects.exists()


def test_approving_while_the_storage_refuses_leaves_the_photo_waiting(client, settings, place, moderator):
    from tourism.models import VisitorPhoto, VisitorPhotoStatus

    assert send_visitor_photo(client, place).status_code == 303
    settings.STORAGES = storages_at(settings, closed_port_url())
    client.force_login(moderator)
    response = client.post(f"/admin/gebrak/foto-pengunjung/{VisitorPhoto.objects.get().pk}/putuskan/",
                           {"decision": "approve"}, follow=True)
    assert "Penyimpanan foto sedang tidak dapat dihubungi" in response.content.decode()
    photo = VisitorPhoto.objects.get()
    assert photo.status == VisitorPhotoStatus.PENDING and photo.pending_file and photo.image is None
    assert not get_image_model().objects.exists()


def test_share_images_answer_503_while_the_storage_refuses(client, settings, published_product):
    settings.STORAGES = storages_at(settings, closed_port_url())
    response = client.get(f"/og/produk-{published_product.pk}-id.jpg")
    assert response.status_code == 503 and response["Cache-Control"] == "no-store"
