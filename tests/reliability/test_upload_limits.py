"""Every refused upload is refused cheaply: under a second and under 200 MB of memory.

An attacker's cheapest weapon against an image upload is a small file that costs
the server a lot: a "pixel bomb" (a PNG of zeros that inflates to gigabytes), a
JPEG whose header claims 65 000 x 65 000 pixels, a truncated file, a script
dressed up as a picture, or simply a file too big. Each is checked through
marketplace.uploads.photo_validate, the function every upload form calls.

Memory is measured as the growth of the process's peak resident set (Linux's
VmHWM, reset through /proc/self/clear_refs before each upload, so it counts
Pillow's C allocations too) and, where that is unavailable, with tracemalloc.

An accepted photo costs more afterwards, when its renditions are made: the last
test uploads one at the pixel limit through the artisan's product form and bounds
the peak memory of its renditions, measured in a fresh process.
"""

from __future__ import annotations

import io
import json
import struct
import time
import tracemalloc
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage

from marketplace.uploads import photo_validate
from tests.another_process import database_url_for_another_process, run_python

MAX_SECONDS = 1.0
MAX_BYTES = 200 * 1024 * 1024


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def pixel_bomb_png(side: int = 30_000) -> bytes:
    """A real, complete PNG of side x side black pixels: 2.7 GB decoded, under 1 MB on disk."""
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)  # 8-bit greyscale
    compressor = zlib.compressobj(9)
    row = b"\x00" * (side + 1)  # filter byte + pixels
    data = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", data)
            + _png_chunk(b"IEND", b""))


def huge_header_jpeg(width: int = 65_000, height: int = 65_000) -> bytes:
    """A small JPEG whose frame header claims width x height."""
    buffer = io.BytesIO()
    PILImage.new("RGB", (16, 16), (160, 40, 60)).save(buffer, "JPEG")
    data = bytearray(buffer.getvalue())
    sof = data.find(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


def truncated_jpeg() -> bytes:
    buffer = io.BytesIO()
    PILImage.effect_noise((3000, 2000), 60).convert("RGB").save(buffer, "JPEG", quality=90)
    data = buffer.getvalue()
    return data[: len(data) // 2]


def script_polyglot() -> bytes:
    """A valid GIF header that is also JavaScript (GIFAR-style): a picture to a sniffer, a script to a browser."""
    return b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=1;alert(document.cookie);//" + b"\x00" * 64


def html_named_jpg() -> bytes:
    return b"<!doctype html><html><script>alert(1)</script></html>"


def oversized_file() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 64)).save(buffer, "PNG")
    return buffer.getvalue() + b"\x00" * (11 * 1024 * 1024)


CASES = {
    "pixel bomb PNG": (pixel_bomb_png, "too_many_pixels"),
    "JPEG claiming 65000x65000": (huge_header_jpeg, "too_many_pixels"),
    "truncated JPEG": (truncated_jpeg, "broken"),
    "GIF/JavaScript polyglot": (script_polyglot, "not_an_image"),
    "HTML named .jpg": (html_named_jpg, "not_an_image"),
    "11 MB file": (oversized_file, "too_large"),
}


class PeakMemory:
    """Growth of peak memory over a block: VmHWM (everything, C included) when the
    kernel lets us reset it, else tracemalloc (Python's own allocations)."""

    def __enter__(self):
        self.kernel = _reset_peak_rss()
        self.start = _rss_bytes("VmRSS") if self.kernel else 0
        tracemalloc.start()
        return self

    def __exit__(self, *exc):
        _, python_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        self.python_peak = python_peak
        self.growth = (_rss_bytes("VmHWM") - self.start) if self.kernel else python_peak
        return False


def _reset_peak_rss() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _rss_bytes(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0


@pytest.mark.parametrize("name", list(CASES))
def test_refusal_is_fast_and_small(name):
    make, code = CASES[name]
    upload = SimpleUploadedFile("foto-kain.jpg", make(), content_type="image/jpeg")
    with PeakMemory() as memory:
        started = time.perf_counter()
        with pytest.raises(ValidationError) as refused:
            photo_validate(upload=upload)
        elapsed = time.perf_counter() - started
    assert refused.value.code == code
    assert "foto-kain.jpg" in refused.value.messages[0]  # the message names the file
    assert elapsed < MAX_SECONDS, f"{name}: {elapsed:.2f} s"
    assert memory.growth < MAX_BYTES, f"{name}: {memory.growth / 2**20:.0f} MB"
    print(f"{name}: {elapsed * 1000:.0f} ms, peak +{memory.growth / 2**20:.1f} MB "
          f"(Python {memory.python_peak / 2**20:.1f} MB)")


def test_the_pixel_bomb_is_what_it_claims():
    """The bomb is a real one: Pillow would need gigabytes to decode it."""
    data = pixel_bomb_png()
    assert len(data) < 2 * 1024 * 1024
    PILImage.MAX_IMAGE_PIXELS, saved = None, PILImage.MAX_IMAGE_PIXELS
    try:
        with PILImage.open(io.BytesIO(data)) as picture:
            assert picture.size == (30_000, 30_000)
    finally:
        PILImage.MAX_IMAGE_PIXELS = saved


# --- What an accepted photo costs afterwards: its renditions ------------------------------------

# Wagtail decodes the original for each rendition, and auto_orient and the crop each hold a copy
# beside it: about twice the decoded photo at the peak, made one at a time (config.renditions).
# An upload at the 40-megapixel limit stored whole cost 310 MB that way (160 MB decoded); uploads are
# now stored at most 2000 px on their long side (config.photos.max_stored_side).
STORED_RENDITIONS_MAX_BYTES = 100 * 1024 * 1024

RENDITIONS_IN_A_FRESH_PROCESS = """
import json, sys
from pathlib import Path
import django
django.setup()
from django.test import override_settings
from wagtail.images import get_image_model
from config import renditions

def memory(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024

storage = json.loads(sys.argv[1])
with override_settings(MEDIA_ROOT=storage["MEDIA_ROOT"], STORAGES=storage["STORAGES"]):
    image = get_image_model().objects.get(pk=int(sys.argv[2]))
    try:
        Path("/proc/self/clear_refs").write_text("5")  # the peak starts again from here
    except OSError:
        pass  # then the peak is the process's whole life, which Django's start-up hardly raises
    before = memory("VmRSS")
    renditions.renditions_prepare(image=image, specs=renditions.PRODUCT_PHOTO)
    print(json.dumps({"growth": memory("VmHWM") - before, "made": image.renditions.count()}))
"""


@pytest.mark.django_db(transaction=True)
def test_the_renditions_of_an_accepted_photo_at_the_pixel_limit_cost_a_bounded_memory(client, settings, tmp_path,
                                                                                          monkeypatch):
    """An artisan's photo at the pixel limit, through the product form; then the renditions its
    product page needs, made as after the upload's commit, in a fresh process whose peak memory
    counts Pillow's C allocations and no earlier test's."""
    from wagtail.models import Collection

    from config import renditions
    from marketplace.models import ProductPhoto
    from tests.marketplace.orders import factories as orders_factories
    from tests.marketplace.test_dashboard import product_post

    limit = settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS
    width = int((limit * 4 / 3) ** 0.5)
    height = width * 3 // 4
    assert limit * 0.99 < width * height <= limit
    gradient = PILImage.linear_gradient("L").resize((width, height))
    buffer = io.BytesIO()
    PILImage.merge("RGB", (gradient, gradient.transpose(PILImage.Transpose.ROTATE_180),
                           PILImage.new("L", (width, height), 120))).save(buffer, "JPEG", quality=90)
    del gradient

    asked = []  # the renditions are made below, in a process of their own
    monkeypatch.setattr(renditions, "renditions_make", lambda *, image, specs: asked.append((image.pk, specs)))
    # An earlier transactional test's flush takes what migrations made: the kecamatan (made
    # again by the factory), the colours (the form is sent with none) and the image library's root.
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    shop = orders_factories.shop()
    client.force_login(shop.owner)
    data = product_post(colors=[])
    data["new_photos"] = [SimpleUploadedFile("besar.jpg", buffer.getvalue(), content_type="image/jpeg")]
    response = client.post("/toko/produk/baru/", data)
    assert response.status_code == 302, response.content.decode()[:500]
    image = ProductPhoto.objects.get(product__shop=shop).image
    assert (image.width, image.height) == (2000, 1500)  # decoded at half scale, stored at the stored size
    assert (image.pk, renditions.PRODUCT_PHOTO) in asked  # the task the upload's commit enqueued

    storage = json.dumps({"MEDIA_ROOT": str(settings.MEDIA_ROOT), "STORAGES": settings.STORAGES}, default=str)
    result = run_python(RENDITIONS_IN_A_FRESH_PROCESS, storage, str(image.pk),
                        database_url=database_url_for_another_process(tmp_path))
    assert result.returncode == 0, result.stderr[-3000:]
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    assert measured["made"] == len(set(renditions.PRODUCT_PHOTO))
    print(f"renditions of a {width}x{height} photo: peak +{measured['growth'] / 2**20:.0f} MB")
    # Stored whole, they cost 310 MB (2.0x its 160 MB decoded); stored at 2000x1500 (12 MB decoded),
    # what is left is mostly Python's own start-up of Willow and the storage.
    assert measured["growth"] < STORED_RENDITIONS_MAX_BYTES, f"{measured['growth'] / 2**20:.0f} MB"


# --- What an accepted photo costs: decoded at reduced size, a budget per request (issue 12) ---------

ZEROS_SIDE = 6300  # the 116 KB PNG of zeros: 39.7 megapixels, under the 40-megapixel limit


def zeros_png(side: int = ZEROS_SIDE) -> bytes:
    """A PNG of side x side black RGB pixels (160 MB once decoded), a hundred-odd kilobytes on disk."""
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)  # 8-bit RGB
    compressor = zlib.compressobj(9)
    row = b"\x00" * (side * 3 + 1)
    data = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", data)
            + _png_chunk(b"IEND", b""))


_ZEROS_JPEG = {}


def zeros_jpeg(side: int = ZEROS_SIDE) -> bytes:
    if side not in _ZEROS_JPEG:
        buffer = io.BytesIO()
        PILImage.new("RGB", (side, side)).save(buffer, "JPEG", quality=90)
        _ZEROS_JPEG[side] = buffer.getvalue()
    return _ZEROS_JPEG[side]


@pytest.fixture
def decoded_sizes(monkeypatch):
    """The size of every picture Pillow decodes, in the order decoded."""
    from PIL import ImageFile

    sizes, load = [], ImageFile.ImageFile.load

    def recording_load(image, *args, **kwargs):
        if image.tile:  # not yet decoded
            sizes.append(image.size)
        return load(image, *args, **kwargs)

    monkeypatch.setattr(ImageFile.ImageFile, "load", recording_load)
    return sizes


def test_a_large_jpeg_is_decoded_at_reduced_size_and_stored_at_the_stored_size(decoded_sizes, settings):
    checked = photo_validate(upload=SimpleUploadedFile("nol.jpg", zeros_jpeg(), content_type="image/jpeg"))
    assert decoded_sizes == [(ZEROS_SIDE // 2, ZEROS_SIDE // 2)]  # a quarter of the pixels, never the whole
    assert (checked.width, checked.height) == (2000, 2000)
    with PILImage.open(io.BytesIO(checked.content)) as stored:
        assert stored.size == (2000, 2000)


def test_a_phone_photo_is_decoded_at_half_scale_and_keeps_its_shape(decoded_sizes):
    buffer = io.BytesIO()
    PILImage.new("RGB", (4032, 3024), (150, 40, 60)).save(buffer, "JPEG", quality=85)
    checked = photo_validate(upload=SimpleUploadedFile("ponsel.jpg", buffer.getvalue(), content_type="image/jpeg"))
    assert decoded_sizes == [(2016, 1512)]
    assert (checked.width, checked.height) == (2000, 1500)


def test_a_png_too_large_to_decode_is_refused_from_its_header(decoded_sizes):
    """The issue's 6300x6300 PNG of zeros: a PNG cannot be decoded smaller, so it is refused unread."""
    upload = SimpleUploadedFile("nol.png", zeros_png(), content_type="image/png")
    assert upload.size < 200 * 1024
    with pytest.raises(ValidationError) as refused:
        photo_validate(upload=upload)
    assert refused.value.code == "too_many_pixels"
    assert refused.value.messages == [
        "Foto “nol.png” (6300×6300 piksel) terlalu besar untuk PNG atau WebP: maksimal 16 megapiksel. "
        "Simpan sebagai JPEG atau perkecil dulu."]
    assert decoded_sizes == []


@pytest.mark.django_db
def test_eight_large_photos_in_one_product_form_go_over_the_request_budget_before_any_is_decoded(
        client, decoded_sizes):
    """Eight 6300x6300 JPEGs: each would be decoded at 9.9 megapixels; the request's 64 are spent by the
    sixth, the seventh and eighth are named, nothing is decoded and nothing is saved."""
    from wagtail.images import get_image_model

    from marketplace.models import Product
    from tests.marketplace.factories import ShopFactory
    from tests.marketplace.test_dashboard import product_post

    shop = ShopFactory()
    client.force_login(shop.owner)
    data = product_post()
    data["new_photos"] = [SimpleUploadedFile(f"kain-{number}.jpg", zeros_jpeg(), content_type="image/jpeg")
                          for number in range(1, 9)]
    response = client.post("/toko/produk/baru/", data)
    assert response.status_code == 400
    page = response.content.decode()
    for number in (7, 8):
        assert (f"Foto “kain-{number}.jpg” melebihi batas satu kiriman: foto-foto yang dipilih bersama lebih "
                "dari 64 megapiksel.") in page
    assert "kain-6.jpg" not in page
    assert decoded_sizes == []
    assert not Product.objects.filter(shop=shop).exists()
    assert not get_image_model().objects.exists()


@pytest.mark.django_db
def test_the_visitor_photo_form_has_the_same_limits(client, home_page, decoded_sizes):
    from tests.tourism import factories
    from tourism.models import VisitorPhoto

    place = factories.destination(slug="lok-baintan", title="Pasar Terapung Lok Baintan")
    response = client.post(f"/id/foto-pengunjung/{place.pk}/", {
        "name": "Siti Rahmah", "instagram": "", "caption": "", "website": "", "consent": "on",
        "photo": SimpleUploadedFile("nol.png", zeros_png(), content_type="image/png")})
    assert response.status_code == 400
    assert "Foto “nol.png” (6300×6300 piksel) terlalu besar untuk PNG atau WebP" in response.content.decode()
    assert decoded_sizes == []
    assert not VisitorPhoto.objects.exists()
