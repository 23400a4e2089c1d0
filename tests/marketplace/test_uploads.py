"""Photo uploads: what is refused (each with its Indonesian message) and what is stored.

The location test builds a phone-like JPEG with GPS EXIF, uploads it, and reads
the EXIF back from the stored original and from renditions in JPEG, PNG and WebP
(Willow copies the original's EXIF into JPEG and PNG renditions).
"""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image as PILImage
from PIL import ImageChops, ImageDraw, ImageStat, JpegImagePlugin
from PIL import ImageFile as PILImageFile
from wagtail.images import get_image_model

from marketplace.models import ProductPhoto
from marketplace.uploads import photo_save, photo_validate
from tests.marketplace.factories import jpeg_bytes, png_bytes

GPS_IFD = 0x8825


def gps_exif(orientation: int | None = None) -> bytes:
    exif = PILImage.Exif()
    exif[0x010F] = "Kamera Ponsel"  # Make
    if orientation:
        exif[0x0112] = orientation
    # Martapura: 3°24'S 114°51'E
    exif[GPS_IFD] = {1: "S", 2: (3.0, 24.0, 30.0), 3: "E", 4: (114.0, 51.0, 0.0)}
    return exif.tobytes()


def phone_photo(size=(320, 240), orientation=None) -> bytes:
    picture = PILImage.new("RGB", size, (180, 40, 50))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", exif=gps_exif(orientation), quality=85)
    return buffer.getvalue()


def has_location(data: bytes) -> bool:
    with PILImage.open(io.BytesIO(data)) as picture:
        exif = picture.getexif()
        return GPS_IFD in exif or bool(exif.get_ifd(GPS_IFD))


def refusal(upload) -> ValidationError:
    # As the dashboard does: artisans read Indonesian (also "10,0 MB", with a decimal comma).
    with translation.override("id"), pytest.raises(ValidationError) as caught:
        photo_validate(upload=upload)
    return caught.value


# --- Refusals ------------------------------------------------------------------------

def test_a_file_that_is_not_an_image_is_refused_whatever_its_name():
    error = refusal(SimpleUploadedFile("kain.jpg", b"%PDF-1.4 bukan foto", content_type="image/jpeg"))
    assert error.code == "not_an_image"
    assert error.messages == ["Berkas “kain.jpg” bukan foto JPEG, PNG, atau WebP."]


def test_an_image_in_another_format_is_refused_even_named_jpg():
    buffer = io.BytesIO()
    PILImage.new("RGB", (20, 20)).save(buffer, "GIF")
    error = refusal(SimpleUploadedFile("kain.jpg", buffer.getvalue(), content_type="image/jpeg"))
    assert error.messages == ["Berkas “kain.jpg” bukan foto JPEG, PNG, atau WebP."]
    buffer = io.BytesIO()
    PILImage.new("RGB", (20, 20)).save(buffer, "BMP")
    assert refusal(SimpleUploadedFile("kain.png", buffer.getvalue())).code == "not_an_image"


def test_the_type_comes_from_the_content_not_the_extension():
    checked = photo_validate(upload=SimpleUploadedFile("foto.heic", png_bytes(), content_type="image/heic"))
    assert checked.format == "PNG"
    assert checked.name == "foto.png"


def test_webp_is_accepted():
    buffer = io.BytesIO()
    PILImage.new("RGB", (30, 20), (10, 120, 90)).save(buffer, "WEBP")
    assert photo_validate(upload=SimpleUploadedFile("kain.webp", buffer.getvalue())).format == "WEBP"


def test_a_file_over_10_mb_is_refused_before_being_read(settings):
    class HugeUpload(SimpleUploadedFile):
        def read(self, *args):
            raise AssertionError("a file over the limit must not be read")

    upload = HugeUpload("besar.jpg", b"x", content_type="image/jpeg")
    upload.size = 10 * 1024 * 1024 + 1
    error = refusal(upload)
    assert error.code == "too_large"
    assert error.messages == ["Foto “besar.jpg” terlalu besar (10,0\xa0MB). Ukuran maksimal 10,0\xa0MB."]


def test_an_empty_file_is_refused():
    assert refusal(SimpleUploadedFile("kosong.jpg", b"")).messages == ["Berkas “kosong.jpg” kosong."]


def test_a_truncated_photo_is_refused_as_broken():
    data = jpeg_bytes(size=(200, 200))
    error = refusal(SimpleUploadedFile("potong.jpg", data[: len(data) // 2]))
    assert error.code == "broken"
    assert error.messages == ["Foto “potong.jpg” rusak atau tidak lengkap. Coba unggah ulang."]


def test_more_than_40_megapixels_is_refused_from_the_header():
    # 8000 x 5001 = 40.008 megapixels; a flat colour compresses to a few kilobytes.
    buffer = io.BytesIO()
    PILImage.new("L", (8000, 5001)).save(buffer, "PNG")
    error = refusal(SimpleUploadedFile("lebar.png", buffer.getvalue()))
    assert error.code == "too_many_pixels"
    assert error.messages == ["Foto “lebar.png” terlalu besar resolusinya (8000×5001 piksel). Maksimal 40 megapiksel."]


@pytest.fixture(scope="module")
def pixel_bomb() -> bytes:
    """A 14000 x 14000 PNG of well under a megabyte: 196 million pixels once decoded."""
    buffer = io.BytesIO()
    PILImage.new("1", (14000, 14000)).save(buffer, "PNG", optimize=True)
    data = buffer.getvalue()
    assert len(data) < 1024 * 1024
    return data


@pytest.fixture
def decoding_forbidden(monkeypatch):
    """Any decoding of pixels fails the test: a pixel bomb must be refused from its header.

    (Speed is measured in bench/, never in tests; this is what made the refusal fast.)
    """

    def refuse_to_decode(image, *args, **kwargs):
        raise AssertionError(f"{image.size[0]}x{image.size[1]} pixels were decoded")

    monkeypatch.setattr(PILImageFile.ImageFile, "load", refuse_to_decode)


def test_a_pixel_bomb_is_refused_without_decoding_it(pixel_bomb, decoding_forbidden):
    error = refusal(SimpleUploadedFile("bom.png", pixel_bomb, content_type="image/png"))
    assert error.code == "too_many_pixels"
    assert "terlalu besar resolusinya" in error.messages[0] and "40 megapiksel" in error.messages[0]


def test_an_animated_image_is_refused():
    frames = [PILImage.new("RGB", (20, 20), color) for color in ((255, 0, 0), (0, 0, 255))]
    buffer = io.BytesIO()
    frames[0].save(buffer, "WEBP", save_all=True, append_images=frames[1:])
    assert refusal(SimpleUploadedFile("gerak.webp", buffer.getvalue())).code == "animated"


@pytest.mark.django_db
def test_the_pixel_bomb_through_the_dashboard_is_refused_undecoded_with_the_message(client, pixel_bomb,
                                                                                  decoding_forbidden):
    from tests.marketplace.factories import ShopFactory
    from tests.marketplace.test_dashboard import product_post

    shop = ShopFactory()
    client.force_login(shop.owner)
    data = product_post()
    data["new_photos"] = [SimpleUploadedFile("bom.png", pixel_bomb, content_type="image/png")]
    response = client.post("/toko/produk/baru/", data)
    assert response.status_code == 400
    assert "terlalu besar resolusinya" in response.content.decode()
    assert not get_image_model().objects.exists()


# --- Location removed ------------------------------------------------------------------

@pytest.mark.django_db
def test_gps_is_gone_from_the_original_and_from_every_rendition():
    original = phone_photo()
    assert has_location(original)

    checked = photo_validate(upload=SimpleUploadedFile("ponsel.jpg", original, content_type="image/jpeg"))
    image = photo_save(photo=checked, title="Kain di halaman rumah")

    with image.open_file() as stored:
        assert not has_location(stored.read())
    for spec in ("width-200|format-jpeg", "width-200|format-png", "width-200|format-webp", "fill-100x100"):
        rendition = image.get_rendition(spec)
        with rendition.file.open("rb") as handle:
            assert not has_location(handle.read()), spec


@pytest.mark.django_db
def test_control_without_cleaning_willow_would_have_copied_the_gps_into_a_rendition():
    """Proves the check above can fail: a file stored as-is keeps its GPS in JPEG renditions."""
    from django.core.files.base import ContentFile

    from marketplace import signals

    image_model = get_image_model()
    image = image_model(title="mentah")
    image.file.save("mentah.jpg", ContentFile(phone_photo()), save=False)
    image.width, image.height = 320, 240
    image._metadata_checked = True  # skip the admin-upload cleaning, as if it did not exist
    image.save()
    assert signals  # the signal module is loaded; it was told to skip this one
    with image.get_rendition("width-200|format-jpeg").file.open("rb") as handle:
        assert has_location(handle.read())


@pytest.mark.django_db
def test_upright_orientation_is_applied_and_dimensions_follow():
    checked = photo_validate(upload=SimpleUploadedFile("tegak.jpg", phone_photo((300, 200), orientation=6)))
    assert (checked.width, checked.height) == (200, 300)
    image = photo_save(photo=checked, title="tegak")
    with image.open_file() as stored:
        picture = PILImage.open(io.BytesIO(stored.read()))
        assert picture.size == (200, 300)
        assert 0x0112 not in picture.getexif()
    assert (image.width, image.height) == (200, 300)
    assert image.file_size == len(checked.content)


def test_even_a_clean_photo_is_written_anew_and_looks_the_same():
    """No uploaded byte sequence is stored as it came, and re-encoding costs the photo nothing visible."""
    # A 4:4:4 JPEG of fine colour detail (blue stitching on red, 2 px apart), which 4:2:0 would smear.
    cloth = PILImage.new("RGB", (240, 160), (200, 40, 60))
    draw = ImageDraw.Draw(cloth)
    for x in range(0, 240, 4):
        draw.line([(x, 0), (x, 159)], fill=(30, 60, 170), width=2)
    cloth = PILImage.blend(cloth, PILImage.effect_noise((240, 160), 20).convert("RGB"), 0.15)
    buffer = io.BytesIO()
    cloth.save(buffer, "JPEG", quality=95, subsampling=0)
    data = buffer.getvalue()
    checked = photo_validate(upload=SimpleUploadedFile("bersih.jpg", data))
    assert checked.content != data
    with PILImage.open(io.BytesIO(data)) as sent, PILImage.open(io.BytesIO(checked.content)) as stored:
        assert (stored.format, stored.size) == ("JPEG", (240, 160))
        assert JpegImagePlugin.get_sampling(stored) == 0
        difference = ImageChops.difference(sent.convert("RGB"), stored.convert("RGB"))
        assert max(ImageStat.Stat(difference).mean) < 4, ImageStat.Stat(difference).mean
    png = png_bytes()
    assert photo_validate(upload=SimpleUploadedFile("bersih.png", png)).content != png


# --- Nothing but the picture is stored (issue 13, finding 8) ----------------------------------

PHP = b"<?php system($_GET['c']); ?>"


def zip_archive() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("shell.php", PHP)
    return buffer.getvalue()


def polyglots() -> dict[str, bytes]:
    """Valid pictures that are something else too: each opens as a photo and passes every check."""
    commented = io.BytesIO()
    PILImage.new("RGB", (120, 90), (30, 80, 160)).save(commented, "JPEG", comment=PHP)
    uploads = {
        "jpeg-php.jpg": jpeg_bytes(size=(120, 90)) + PHP,
        "png-zip.png": png_bytes(size=(120, 90)) + zip_archive(),
        "jpeg-comment.jpg": commented.getvalue(),
    }
    assert zipfile.is_zipfile(io.BytesIO(uploads["png-zip.png"]))
    return uploads


def assert_only_the_picture(stored: bytes, name: str):
    assert PHP not in stored and b"<?php" not in stored, name
    assert not zipfile.is_zipfile(io.BytesIO(stored)) and b"PK\x03\x04" not in stored, name
    with PILImage.open(io.BytesIO(stored)) as picture:
        assert picture.size == (120, 90), name


@pytest.mark.django_db
def test_the_artisans_product_form_stores_only_the_picture_of_a_polyglot(client):
    from tests.marketplace.factories import ShopFactory
    from tests.marketplace.test_dashboard import product_post

    shop = ShopFactory()
    client.force_login(shop.owner)
    data = product_post()
    data["new_photos"] = [SimpleUploadedFile(name, content, content_type="image/jpeg")
                          for name, content in polyglots().items()]
    response = client.post("/toko/produk/baru/", data)
    assert response.status_code == 302, response.content.decode()[:500]
    photos = list(ProductPhoto.objects.filter(product__shop=shop).select_related("image").order_by("sort_order"))
    assert len(photos) == 3
    for photo, name in zip(photos, polyglots(), strict=True):
        with photo.image.open_file() as stored:
            assert_only_the_picture(stored.read(), name)


@pytest.mark.django_db
def test_the_visitor_photo_form_stores_only_the_picture_of_a_polyglot(client, home_page):
    from tests.tourism import factories
    from tourism import visitor_photos
    from tourism.models import VisitorPhoto

    place = factories.destination(slug="lok-baintan", title="Pasar Terapung Lok Baintan")
    for number, (name, content) in enumerate(polyglots().items()):
        response = client.post(f"/id/foto-pengunjung/{place.pk}/", {
            "name": "Siti Rahmah", "instagram": "", "caption": "", "website": "", "consent": "on",
            "photo": SimpleUploadedFile(name, content, content_type="image/jpeg"),
        }, REMOTE_ADDR=f"198.51.100.{number + 1}")
        assert response.status_code == 303, name
        # What the public gets once an editor approves it.
        photo = visitor_photos.visitor_photo_decide(photo=VisitorPhoto.objects.latest("pk"), approve=True,
                                                    decided_by=None)
        with photo.image.open_file() as stored:
            assert_only_the_picture(stored.read(), name)


@pytest.mark.django_db
def test_an_editors_polyglot_in_the_wagtail_admin_is_stored_as_only_the_picture(
        admin_client, django_capture_on_commit_callbacks):
    for name, content in polyglots().items():
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post("/admin/images/add/", {
                "title": name, "file": SimpleUploadedFile(name, content, content_type="image/jpeg"),
                "collection": "1"})
        assert response.status_code == 302, response.content.decode()[:500]
        with get_image_model().objects.get(title=name).open_file() as stored:
            assert_only_the_picture(stored.read(), name)


@pytest.mark.django_db
def test_png_and_webp_lose_their_exif_too():
    for image_format in ("PNG", "WEBP"):
        buffer = io.BytesIO()
        PILImage.new("RGB", (50, 40), (20, 60, 200)).save(buffer, image_format, exif=gps_exif())
        assert has_location(buffer.getvalue()), image_format
        checked = photo_validate(upload=SimpleUploadedFile(f"x.{image_format.lower()}", buffer.getvalue()))
        assert not has_location(checked.content), image_format


@pytest.mark.django_db
def test_an_editor_upload_in_the_wagtail_admin_loses_its_location(admin_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/admin/images/add/", {
            "title": "Foto editor",
            "file": SimpleUploadedFile("editor.jpg", phone_photo(), content_type="image/jpeg"),
            "collection": "1",
        })
    assert response.status_code == 302, response.content.decode()[:500]
    image = get_image_model().objects.get(title="Foto editor")
    with image.open_file() as stored:
        assert not has_location(stored.read())
    with image.get_rendition("width-100|format-jpeg").file.open("rb") as handle:
        assert not has_location(handle.read())


@pytest.mark.django_db
def test_a_file_replaced_in_the_wagtail_admin_is_rewritten_after_the_commit(admin_client,
                                                                              django_capture_on_commit_callbacks):
    """Wagtail's edit view saves inside a transaction: the rewrite (with the media in a bucket, a
    read, a write and a delete over the network) waits for the commit, then takes the location."""
    image = photo_save(photo=photo_validate(upload=SimpleUploadedFile("a.png", png_bytes())), title="lama")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = admin_client.post(f"/admin/images/{image.pk}/", {
            "title": "baru", "collection": "1",
            "file": SimpleUploadedFile("editor.jpg", phone_photo(), content_type="image/jpeg")})
    assert response.status_code == 302, response.content.decode()[:500]
    image.refresh_from_db()
    with image.open_file() as stored:
        assert has_location(stored.read())  # as it arrived, until the transaction has committed
    for callback in callbacks:
        callback()
    image.refresh_from_db()
    with image.open_file() as stored:
        assert not has_location(stored.read())


@pytest.mark.django_db
def test_editing_an_image_title_does_not_reread_the_file():
    checked = photo_validate(upload=SimpleUploadedFile("a.png", png_bytes()))
    image = photo_save(photo=checked, title="lama")
    image = get_image_model().objects.get(pk=image.pk)
    image.file.storage.delete(image.file.name)  # if the signal opened the file, this would raise
    image.title = "baru"
    image.save()
