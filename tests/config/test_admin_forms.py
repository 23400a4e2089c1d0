"""What an editor gets in the Wagtail admin for input Wagtail's own code answered with a 500:
a damaged or truncated image in the image library (config/library_images.py) and a date-time
whose year Python cannot move between time zones (config/admin_dates.py); and for an amount
written the Indonesian way, which Django's integer field misread (config/digits.py)."""

import html
import io
import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image as PILImage
from wagtail.admin.widgets import AdminDateTimeInput
from wagtail.images import get_image_model
from wagtail.users.models import UserProfile

from config.digits import WholeNumberField
from marketplace.shipping.models import ShippingRate
from tests.marketplace.orders import factories as shop_factories
from tests.tourism import factories
from tourism.models import DestinationPage, EventPage

pytestmark = pytest.mark.django_db

BROKEN = "bukan gambar yang utuh"


def picture(image_format: str) -> bytes:
    buffer = io.BytesIO()
    PILImage.effect_noise((300, 200), 60).convert("RGB").save(buffer, image_format)
    return buffer.getvalue()


def cut_short(data: bytes) -> bytes:
    return data[: len(data) // 2]


@pytest.fixture
def editor_client(client, home_page):
    client.force_login(User.objects.create_superuser("redaksi", "redaksi@banjarkab.go.id", "pw"))
    return client


@pytest.mark.parametrize("name,data", [
    ("pasar-terapung.png", cut_short(picture("PNG"))),
    ("pasar-terapung.jpg", cut_short(picture("JPEG"))),
])
def test_a_truncated_image_in_the_library_upload_is_refused_with_a_message(editor_client, name, data):
    response = editor_client.post("/admin/images/add/", {
        "title": "Pasar terapung", "collection": 1, "file": SimpleUploadedFile(name, data)})
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert any(BROKEN in error for error in errors), errors
    assert not get_image_model().objects.exists()


def test_a_truncated_image_in_the_multiple_uploader_is_refused_with_a_message(editor_client):
    # The uploader's script inserts its messages as HTML: a name chosen to be a tag is not in them.
    response = editor_client.post("/admin/images/multiple/add/", {
        "files[]": SimpleUploadedFile("<img src=x onerror=alert(1)>.png", cut_short(picture("PNG")))})
    answer = json.loads(response.content)
    assert answer["success"] is False
    assert BROKEN in answer["error_message"]
    assert "<" not in answer["error_message"]
    assert not get_image_model().objects.exists()


def test_a_truncated_image_in_the_page_editors_chooser_is_refused_with_a_message(editor_client):
    response = editor_client.post("/admin/images/chooser/create/", {
        "image-chooser-upload-title": "Riam Kanan", "image-chooser-upload-collection": 1,
        "image-chooser-upload-file": SimpleUploadedFile("riam-kanan.jpg", cut_short(picture("JPEG")))})
    assert response.status_code == 200
    assert BROKEN in response.content.decode()
    assert not get_image_model().objects.exists()


def test_an_image_whose_file_is_replaced_by_a_truncated_one_keeps_its_file(editor_client):
    editor_client.post("/admin/images/add/", {
        "title": "Pasar terapung", "collection": 1, "file": SimpleUploadedFile("pasar.png", picture("PNG"))})
    image = get_image_model().objects.get()
    response = editor_client.post(f"/admin/images/{image.pk}/", {
        "title": "Pasar terapung", "collection": 1,
        "file": SimpleUploadedFile("pasar-baru.png", cut_short(picture("PNG")))})
    assert response.status_code == 200
    assert any(BROKEN in error for error in response.context["form"].errors["file"])
    assert get_image_model().objects.get().file.name == image.file.name


def test_a_whole_image_is_still_taken_by_both_uploads(editor_client):
    response = editor_client.post("/admin/images/add/", {
        "title": "Pasar terapung", "collection": 1, "file": SimpleUploadedFile("pasar.png", picture("PNG"))})
    assert response.status_code == 302
    answer = json.loads(editor_client.post("/admin/images/multiple/add/", {
        "files[]": SimpleUploadedFile("intan.jpg", picture("JPEG"))}).content)
    assert answer["success"] is True
    assert sorted(get_image_model().objects.values_list("width", "height")) == [(300, 200), (300, 200)]


def form_data(client, url: str) -> dict:
    """What the admin form at `url` sends when saved unchanged."""
    page_html = client.get(url).content.decode()
    data = {}
    for tag in re.findall(r"<input[^>]*>", page_html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or ('type="checkbox"' in tag and "checked" not in tag):
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = html.unescape(value.group(1)) if value else ""
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page_html, re.S):
        data[name] = html.unescape(text).removeprefix("\n")
    for tag, name, options in re.findall(r'(<select[^>]*name="([^"]+)"[^>]*>)(.*?)</select>', page_html, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', options)
        if chosen or " multiple" not in tag:  # a list with nothing chosen sends nothing
            data[name] = chosen.group(1) if chosen else ""
    return data


def edit_form_data(client, page) -> dict:
    """What the page's edit form sends when saved unchanged (its StreamField is written by the
    editor's JavaScript: sent empty here)."""
    return {**form_data(client, f"/admin/pages/{page.pk}/edit/"), "body-count": "0"}


@pytest.mark.parametrize("field,typed", [
    ("go_live_at", "01-01-0001 00:00"),
    ("expire_at", "01-01-0001 00:00"),
    ("expire_at", "31-12-9999 23:59"),
])
def test_a_schedule_outside_the_years_is_refused_beside_its_field(editor_client, field, typed):
    page = factories.destination(slug="jadwal-aneh")
    revisions = page.revisions.count()
    data = edit_form_data(editor_client, page)
    data[field] = typed
    response = editor_client.post(f"/admin/pages/{page.pk}/edit/", data)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == ["Tahunnya harus antara 1900 dan 2100."]
    assert page.revisions.count() == revisions, "nothing is saved"


def test_a_schedule_in_the_years_is_saved(editor_client):
    page = factories.destination(slug="jadwal-biasa")
    data = edit_form_data(editor_client, page)
    data["go_live_at"] = "01-02-2027 08:00"
    response = editor_client.post(f"/admin/pages/{page.pk}/edit/", data)
    assert response.status_code == 302
    draft = DestinationPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert draft.go_live_at == datetime(2027, 2, 1, 8, 0, tzinfo=ZoneInfo("Asia/Makassar"))


def test_every_admin_date_time_keeps_wagtails_picker_and_the_years():
    """Fails if Wagtail's form field registry stops applying config.admin_dates' registration."""
    event = EventPage.get_edit_handler().get_form_class()
    for name in ("start", "end", "go_live_at", "expire_at"):
        field = event.base_fields[name]
        assert isinstance(field.widget, AdminDateTimeInput), name
        with pytest.raises(ValidationError) as refused:
            field.clean("01-01-0001 00:00")
        assert refused.value.messages == ["Tahunnya harus antara 1900 dan 2100."], name


@pytest.mark.django_db
def test_a_date_typed_the_iso_way_is_kept_and_read_or_refused_with_a_message():
    """Wagtail's picker replaced a date it could not read with the current moment when the field lost
    focus (`validateOnBlur`), and the event was published on today's date without a word (found by an
    editor's walk). The picker now keeps the text; the form reads it, or says it cannot. (The schedule
    dialog's two fields are Wagtail's PublishingPanel's own widgets, left as Wagtail makes them.)"""
    event = EventPage.get_edit_handler().get_form_class()
    for name in ("start", "end"):
        field = event.base_fields[name]
        assert field.widget.get_config()["validateOnBlur"] is False, name
        assert field.clean("2030-12-28 19:00") == datetime(2030, 12, 28, 19, 0, tzinfo=ZoneInfo("Asia/Makassar"))
        assert field.clean("28-12-2030 19:00") == datetime(2030, 12, 28, 19, 0, tzinfo=ZoneInfo("Asia/Makassar"))
        with translation.override("id"), pytest.raises(ValidationError) as refused:
            field.clean("28 Desember")
        assert refused.value.messages == ["Masukkan tanggal/waktu yang valid."], name


def test_an_english_editor_reads_the_refusal_in_english(editor_client):
    editor = User.objects.get(username="redaksi")
    UserProfile.objects.filter(pk=UserProfile.get_for_user(editor).pk).update(preferred_language="en")
    response = editor_client.post("/admin/images/add/", {
        "title": "Floating market", "collection": 1,
        "file": SimpleUploadedFile("market.png", cut_short(picture("PNG")))})
    assert "This file is not a whole image" in response.content.decode()


@pytest.mark.parametrize("size,taken", [((16384, 8), False), ((8, 16384), False), ((16383, 8), True)])
def test_an_image_with_a_side_no_rendition_can_have_is_refused(editor_client, size, taken):
    """Every rendition is WebP, whose side is at most 16383 pixels: a longer panorama was taken,
    then its edit page and every size of it failed."""
    buffer = io.BytesIO()
    PILImage.new("RGB", size, (20, 90, 160)).save(buffer, "PNG")
    response = editor_client.post("/admin/images/add/", {
        "title": "Panorama Riam Kanan", "collection": 1, "file": SimpleUploadedFile("panorama.png", buffer.getvalue())})
    if taken:
        assert response.status_code == 302
        image = get_image_model().objects.get()
        assert editor_client.get(f"/admin/images/{image.pk}/").status_code == 200
    else:
        assert response.status_code == 200
        assert response.context["form"].errors["file"] == [
            f"Gambar ini {size[0]}×{size[1]} piksel; sisi terpanjangnya paling banyak 16383 piksel. "
            "Perkecil dulu, lalu unggah lagi."]
        assert not get_image_model().objects.exists()


@pytest.mark.parametrize("typed,price", [("25.000", 25_000), ("Rp 25.000", 25_000), ("25000", 25_000),
                                         ("1.500.000", 1_500_000)])
def test_an_editors_ticket_price_is_read_with_its_thousands(editor_client, typed, price):
    """Django's integer field took "25.000" as Rp 25 (a decimal part of zeros dropped) and saved it."""
    page = factories.destination(slug="tiket-bertitik")
    data = edit_form_data(editor_client, page)
    data["ticket_price_idr"] = typed
    response = editor_client.post(f"/admin/pages/{page.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    assert DestinationPage.objects.get(pk=page.pk).get_latest_revision_as_object().ticket_price_idr == price


@pytest.mark.parametrize("typed", ["25,000", "25.5", "25.00", "Rp", "9" * 5000])
def test_a_ticket_price_that_is_not_whole_rupiah_is_refused_beside_its_field(editor_client, typed):
    page = factories.destination(slug="tiket-aneh")
    revisions = page.revisions.count()
    data = edit_form_data(editor_client, page)
    data["ticket_price_idr"] = typed
    response = editor_client.post(f"/admin/pages/{page.pk}/edit/", data)
    assert response.status_code == 200
    assert response.context["form"].errors["ticket_price_idr"] == ["Tulis angka utuh, mis. 5 atau 25.000."]
    assert page.revisions.count() == revisions, "nothing is saved"


def test_an_editor_corrects_a_products_price_and_weight_written_with_dots(editor_client):
    product = shop_factories.product(shop=shop_factories.shop(), price_idr=100_000, weight_g=500)
    url = f"/admin/snippets/marketplace/product/edit/{product.pk}/"
    data = form_data(editor_client, url)
    data.update(price_idr="175.000", weight_g="1.200")
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    product.refresh_from_db()
    assert (product.price_idr, product.weight_g) == (175_000, 1_200)


def test_every_admin_whole_number_box_sends_what_was_typed():
    """Fails if Wagtail's form field registry stops applying config.digits' registration (a number box
    reads "25.000" as 25 before the server sees it)."""
    destination = DestinationPage.get_edit_handler().get_form_class()
    rate = ShippingRate.snippet_viewset.get_edit_handler().get_form_class()
    for form, name in ((destination, "ticket_price_idr"), (rate, "first_kg_idr"), (rate, "next_kg_idr")):
        field = form.base_fields[name]
        assert isinstance(field, WholeNumberField), name
        assert (field.widget.input_type, field.widget.attrs["inputmode"]) == ("text", "numeric"), name
