"""The artisans' dashboard at /toko/: sign up, apply, products with photos and sizes.

Every form answers bad input with an Indonesian message next to the field, a
4xx, and nothing written.
"""

import io

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from PIL import Image as PILImage
from wagtail.images import get_image_model

from marketplace.models import Product, ProductPhoto, ProductSize, Shop, ShopStatus
from tests.marketplace.factories import (
    ProductFactory,
    ShopFactory,
    UserFactory,
    add_photo,
    add_size,
    district,
    jpeg_bytes,
    png_bytes,
)

pytestmark = pytest.mark.django_db


def upload(name="kain.jpg", content=None, content_type="image/jpeg"):
    return SimpleUploadedFile(name, content if content is not None else jpeg_bytes(), content_type=content_type)


def product_post(**overrides):
    data = {
        "title_id": "Kain Sasirangan Gigi Haruan",
        "title_en": "",
        "description_id": "Kain katun 2 meter.",
        "description_en": "",
        "price_idr": "175000",
        "stock": "6",
        "kind": "kain",
        "motif": "",
        "fabric": "Katun",
        "dye": "synthetic",
        "colors": ["merah", "kuning"],
        "sizes-TOTAL_FORMS": "3",
        "sizes-INITIAL_FORMS": "0",
        "sizes-MIN_NUM_FORMS": "0",
        "sizes-MAX_NUM_FORMS": "20",
    }
    for index in range(3):
        data[f"sizes-{index}-label"] = ""
        data[f"sizes-{index}-stock"] = ""
    data.update(overrides)
    return data


def field_errors(response, field_id) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    errors = soup.select(f"#{field_id}_error li")
    return [error.get_text(strip=True) for error in errors]


@pytest.fixture
def artisan(client):
    shop = ShopFactory(status=ShopStatus.APPROVED)
    client.force_login(shop.owner)
    return shop


# --- Sign-up and application ---------------------------------------------------------------

def test_sign_up_then_apply_creates_a_pending_shop_invisible_to_the_public(client):
    response = client.post("/toko/daftar/", {"email": "Ibu.Aluh@Contoh.id", "password1": "kain-sasirangan-99",
                                             "password2": "kain-sasirangan-99"})
    assert response.status_code == 302 and response["Location"] == "/toko/ajukan/"

    response = client.post("/toko/ajukan/", {
        "name": "Sasirangan Ibu Aluh", "story_id": "Kami mewarnai kain sejak 1998.", "story_en": "",
        "district": district("Martapura Timur").pk, "village": "Pasayangan", "phone": "0812-3456-7890",
        "photo": upload("toko.png", png_bytes(), "image/png"),
    })
    assert response.status_code == 302
    shop = Shop.objects.get(name="Sasirangan Ibu Aluh")
    assert shop.owner.username == "ibu.aluh@contoh.id"
    assert shop.status == ShopStatus.PENDING
    assert shop.phone == "+6281234567890"
    assert shop.photo is not None
    assert client.get(f"/id/kampung-sasirangan/perajin/{shop.slug}/").status_code == 404
    home = client.get("/toko/").content.decode()
    assert "Menunggu persetujuan" in home


def test_sign_in_with_email_and_password(client):
    UserFactory(email="perajin@contoh.id")
    response = client.post("/toko/masuk/", {"username": "PERAJIN@contoh.id", "password": "sasirangan-rahasia-1"})
    assert response.status_code == 302
    assert client.get("/toko/").status_code == 302  # signed in, no shop yet: on to the application
    client.logout()
    bad = client.post("/toko/masuk/", {"username": "perajin@contoh.id", "password": "salah"})
    assert bad.status_code == 400
    assert "Email atau kata sandi salah" in bad.content.decode()


def test_sign_up_refuses_taken_email_and_weak_or_mismatched_passwords(client):
    UserFactory(email="ada@contoh.id")
    response = client.post("/toko/daftar/", {"email": "ada@contoh.id", "password1": "kain-sasirangan-99",
                                             "password2": "kain-sasirangan-99"})
    assert response.status_code == 400
    assert "sudah terdaftar" in field_errors(response, "id_email")[0]
    response = client.post("/toko/daftar/", {"email": "baru@contoh.id", "password1": "kain-sasirangan-99",
                                             "password2": "kain-sasirangan-98"})
    assert field_errors(response, "id_password2") == ["Kedua kata sandi tidak sama."]
    response = client.post("/toko/daftar/", {"email": "baru@contoh.id", "password1": "12345678",
                                             "password2": "12345678"})
    assert response.status_code == 400 and field_errors(response, "id_password1")
    response = client.post("/toko/daftar/", {"email": "bukan-email", "password1": "x", "password2": "x"})
    assert "alamat email yang benar" in field_errors(response, "id_email")[0]


def test_application_errors_are_indonesian_next_to_fields_and_nothing_is_saved(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post("/toko/ajukan/", {"name": "", "story_id": "", "district": "99999", "phone": "12ab",
                                             "photo": upload("toko.jpg", b"bukan foto", "image/jpeg")})
    assert response.status_code == 400
    assert field_errors(response, "id_name") == ["Nama toko wajib diisi."]
    assert field_errors(response, "id_story_id") == ["Ceritakan sedikit tentang usaha Anda."]
    assert field_errors(response, "id_district") == ["Pilih kecamatan dari daftar."]
    assert field_errors(response, "id_phone") == ["Nomor WhatsApp tidak valid. Contoh: 0812 3456 7890."]
    assert field_errors(response, "id_photo") == ["Berkas “toko.jpg” bukan foto JPEG, PNG, atau WebP."]
    assert not Shop.objects.exists()
    assert not get_image_model().objects.exists()


def test_rejected_artisan_sees_the_reason_and_editing_resubmits(client):
    shop = ShopFactory(status=ShopStatus.REJECTED, decision_reason="Foto produk belum ada.")
    client.force_login(shop.owner)
    assert "Foto produk belum ada." in client.get("/toko/").content.decode()
    response = client.post("/toko/profil/", {"name": shop.name, "story_id": "Cerita baru yang lebih lengkap.",
                                             "district": shop.district_id, "village": "", "phone": ""})
    assert response.status_code == 302
    shop.refresh_from_db()
    assert shop.status == ShopStatus.PENDING
    assert shop.story_id == "Cerita baru yang lebih lengkap."


def test_a_whatsapp_number_copied_from_the_contacts_is_taken(client, artisan):
    """Android's contacts and WhatsApp copy a number wrapped in direction marks (U+202A ... U+202C):
    it looked right and was refused with "Nomor WhatsApp tidak valid"."""
    response = client.post("/toko/profil/", {"name": artisan.name, "story_id": "Cerita.", "district": artisan.district_id,
                                             "phone": "\u202a+62 812\u20113456\u20117890\u202c"})
    assert response.status_code == 302, response.content.decode()[-2000:]
    artisan.refresh_from_db()
    assert artisan.phone == "+6281234567890"


def test_password_reset_reaches_an_imported_artisan_without_a_password(client):
    user = UserFactory(email="impor@contoh.id")
    user.set_unusable_password()
    user.save()
    ShopFactory(owner=user)
    response = client.post("/toko/lupa-sandi/", {"email": "impor@contoh.id"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/toko/atur-sandi/" in mail.outbox[0].body


# --- Products ---------------------------------------------------------------------------------

def test_create_product_with_photos_sizes_and_colours(client, artisan):
    data = product_post(kind="kemeja", **{
        "sizes-0-label": "M", "sizes-0-stock": "2", "sizes-1-label": "L", "sizes-1-stock": "3"})
    data["new_photos"] = [upload("satu.jpg"), upload("dua.png", png_bytes(), "image/png")]
    response = client.post("/toko/produk/baru/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    product = Product.objects.get(shop=artisan)
    assert product.price_idr == 175000
    assert product.stock == 5  # the sizes' stock together, not the 6 typed
    assert [(size.label, size.stock) for size in product.sizes.all()] == [("M", 2), ("L", 3)]
    assert sorted(product.colors.values_list("slug", flat=True)) == ["kuning", "merah"]
    assert product.fabric == "katun"
    assert not product.is_published
    photos = product.ordered_photos
    assert len(photos) == 2 and photos[0].is_main and photos[0].image.title == product.title_id
    assert photos[0].image.uploaded_by_user == artisan.owner


def test_a_bad_photo_among_good_ones_saves_nothing(client, artisan):
    data = product_post()
    data["new_photos"] = [upload("bagus.jpg"), upload("virus.jpg", b"MZ\x90\x00 bukan gambar", "image/jpeg"),
                          upload("bagus2.jpg")]
    response = client.post("/toko/produk/baru/", data)
    assert response.status_code == 400
    assert field_errors(response, "id_new_photos") == ["Berkas “virus.jpg” bukan foto JPEG, PNG, atau WebP."]
    assert "belum ada yang disimpan" in response.content.decode()
    assert not Product.objects.exists()
    assert not get_image_model().objects.exists()
    # What was typed is still there to fix.
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one("#id_title_id")["value"] == "Kain Sasirangan Gigi Haruan"


def test_photos_chosen_on_a_refused_form_are_asked_for_again(client, artisan):
    """A browser never sends chosen files again: a form refused for another field dropped the artisan's
    photos without a word, and saving the corrected form made a product without them."""
    data = product_post(description_id="")
    data["new_photos"] = [upload("satu.jpg"), upload("dua.jpg")]
    response = client.post("/toko/produk/baru/", data)
    assert response.status_code == 400
    assert field_errors(response, "id_new_photos") == [
        "2 foto yang Anda pilih belum diunggah karena ada isian lain yang perlu diperbaiki. "
        "Pilih fotonya lagi, lalu simpan."]
    assert not get_image_model().objects.exists()
    # Without photos chosen, nothing is said about them.
    response = client.post("/toko/produk/baru/", product_post(description_id=""))
    assert response.status_code == 400 and field_errors(response, "id_new_photos") == []


def test_a_shop_photo_chosen_on_a_refused_profile_is_asked_for_again(client, artisan):
    response = client.post("/toko/profil/", {"name": "", "story_id": "Cerita.", "district": artisan.district_id,
                                             "photo": upload("toko.jpg")})
    assert response.status_code == 400
    assert field_errors(response, "id_photo") == [
        "1 foto yang Anda pilih belum diunggah karena ada isian lain yang perlu diperbaiki. "
        "Pilih fotonya lagi, lalu simpan."]


def test_product_field_errors_are_indonesian_and_beside_the_field(client, artisan):
    response = client.post("/toko/produk/baru/", product_post(
        title_id="", price_idr="-5", stock="lima", kind="jaket", dye="cat", colors=["pelangi"],
        **{"sizes-0-label": "", "sizes-0-stock": "4", "sizes-1-label": "M", "sizes-1-stock": "-1"}))
    assert response.status_code == 400
    assert field_errors(response, "id_title_id") == ["Judul wajib diisi."]
    assert field_errors(response, "id_price_idr") == ["Harga tidak boleh kurang dari 0."]
    assert field_errors(response, "id_stock") == ["Tulis stok sebagai angka utuh, mis. 5."]
    assert field_errors(response, "id_kind") == ["Pilih jenis dari daftar."]
    assert field_errors(response, "id_dye") == ["Pilih pewarna alami atau sintetis."]
    text = response.content.decode()
    assert "Pilih warna dari daftar." in text
    assert "Tulis nama ukurannya, mis. M atau XL." in text
    assert "Stok tidak boleh kurang dari 0." in text
    assert not Product.objects.exists()


@pytest.mark.parametrize(("typed", "price"), [("150.000", 150_000), ("Rp 150.000", 150_000), ("1.500.000", 1_500_000),
                                             ("150000", 150_000), ("rp.175000", 175_000), ("Rp\xa0175.000", 175_000),
                                             ("Rp 175.000,00", 175_000), ("175.000,-", 175_000), ("Rp 50.000,-", 50_000)])
def test_a_price_written_the_indonesian_way_is_read_in_thousands(client, artisan, typed, price):
    """Django's own field read "150.000" as 150 (a decimal part of zeros dropped) and the browser's number
    box did the same: an artisan's Rp 150.000 went on sale at Rp 150, with a success message."""
    response = client.post("/toko/produk/baru/", product_post(price_idr=typed, stock="1.000"))
    assert response.status_code == 302, response.content.decode()[:2000]
    product = Product.objects.get(shop=artisan)
    assert (product.price_idr, product.stock) == (price, 1000)


@pytest.mark.parametrize("typed", ["150,000", "150.5", "150.00", "15.0000", "Rp", "1.2.3", "9" * 5000,
                                   "175.000,50", "175.000,0-", ",-", "Rp ,00"])
def test_a_price_that_is_not_whole_rupiah_is_refused_not_guessed(client, artisan, typed):
    response = client.post("/toko/produk/baru/", product_post(price_idr=typed))
    assert response.status_code == 400
    assert field_errors(response, "id_price_idr") == ["Tulis harga sebagai angka rupiah utuh, mis. 175000 atau 175.000."]
    assert not Product.objects.exists()


def test_the_price_box_sends_what_was_typed(client, artisan):
    """A number box (type=number) reads a dot as a decimal point before the server sees it."""
    soup = BeautifulSoup(client.get("/toko/produk/baru/").content, "html.parser")
    for name in ("price_idr", "stock", "weight_g"):
        box = soup.select_one(f"#id_{name}")
        assert (box["type"], box["inputmode"]) == ("text", "numeric"), name


def test_more_than_eight_photos_is_refused(client, artisan):
    product = ProductFactory(shop=artisan)
    for position in range(7):
        add_photo(product, is_main=position == 0, sort_order=position)
    data = product_post()
    data["new_photos"] = [upload("a.jpg"), upload("b.jpg")]
    response = client.post(f"/toko/produk/{product.pk}/", data)
    assert response.status_code == 400
    assert "Paling banyak 8 foto per produk" in field_errors(response, "id_new_photos")[0]
    assert product.photos.count() == 7


def test_edit_photos_choose_main_reorder_and_delete(client, artisan):
    product = ProductFactory(shop=artisan)
    first = add_photo(product, is_main=True, sort_order=0)
    second = add_photo(product, sort_order=1)
    third = add_photo(product, sort_order=2)
    data = product_post(main_photo=f"existing-{third.pk}", **{
        f"photo-{first.pk}-order": "3", f"photo-{second.pk}-order": "2", f"photo-{third.pk}-order": "1",
        f"photo-{second.pk}-delete": "1"})
    response = client.post(f"/toko/produk/{product.pk}/", data)
    assert response.status_code == 302
    photos = list(ProductPhoto.objects.filter(product=product).order_by("sort_order"))
    assert [photo.pk for photo in photos] == [third.pk, first.pk]
    assert [photo.is_main for photo in photos] == [True, False]


def test_deleting_the_main_photo_makes_the_next_one_main(client, artisan):
    product = ProductFactory(shop=artisan)
    first = add_photo(product, is_main=True, sort_order=0)
    second = add_photo(product, sort_order=1)
    response = client.post(f"/toko/produk/{product.pk}/", product_post(
        main_photo=f"existing-{first.pk}", **{f"photo-{first.pk}-delete": "1"}))
    assert response.status_code == 302
    assert list(product.photos.values_list("pk", "is_main")) == [(second.pk, True)]


def test_a_new_upload_can_be_the_main_photo(client, artisan):
    product = ProductFactory(shop=artisan)
    old = add_photo(product, is_main=True)
    data = product_post(main_photo="new-0")
    data["new_photos"] = [upload("baru.jpg")]
    client.post(f"/toko/produk/{product.pk}/", data)
    main = product.photos.get(is_main=True)
    assert main.pk != old.pk and main.image.title == "Kain Sasirangan Gigi Haruan"


def test_a_main_photo_choice_that_names_no_upload_keeps_the_main_photo(client, artisan):
    """A choice the form never offers (new-², new-99) is ignored, not a 500."""
    product = ProductFactory(shop=artisan)
    old = add_photo(product, is_main=True)
    for choice in ("new-²", "new-99"):
        data = product_post(main_photo=choice)
        data["new_photos"] = [upload("baru.jpg")]
        assert client.post(f"/toko/produk/{product.pk}/", data).status_code == 302
        assert product.photos.get(is_main=True).pk == old.pk


def test_the_photo_the_artisan_makes_main_is_the_one_every_card_shows(client, artisan):
    """A product's cards (listing, shop, home, campaigns) show its cover: the main photo, as the
    artisan chose it, the next one when it is deleted, and the placeholder when none is left."""
    product = ProductFactory(shop=artisan)
    first = add_photo(product, is_main=True, sort_order=0)
    second = add_photo(product, sort_order=1)

    def card_shows():
        page = BeautifulSoup(client.get("/id/kampung-sasirangan/").content, "html.parser")
        card = page.select_one("li.card--product")
        image = card.select_one("img.card__image")
        return image["src"] if image else card.select_one(".card__placeholder--cloth") and "placeholder"

    def card_picture(photo):
        return photo.image.get_rendition("fill-400x400|format-webp").url

    assert card_shows() == card_picture(first)
    response = client.post(f"/toko/produk/{product.pk}/", product_post(is_published="on", main_photo=f"existing-{second.pk}"))
    assert response.status_code == 302
    assert card_shows() == card_picture(second)

    response = client.post(f"/toko/produk/{product.pk}/", product_post(
        is_published="on", main_photo=f"existing-{second.pk}", **{f"photo-{second.pk}-delete": "1"}))
    assert response.status_code == 302
    assert card_shows() == card_picture(first)

    response = client.post(f"/toko/produk/{product.pk}/", product_post(is_published="on", **{f"photo-{first.pk}-delete": "1"}))
    assert response.status_code == 302
    assert card_shows() == "placeholder"


def test_editing_sizes_keeps_stock_in_step(client, artisan):
    product = ProductFactory(shop=artisan, kind="kemeja", stock=5)
    add_size(product, "M", 2, 0)
    add_size(product, "L", 3, 1)
    response = client.post(f"/toko/produk/{product.pk}/", product_post(kind="kemeja", **{
        "sizes-TOTAL_FORMS": "3", "sizes-INITIAL_FORMS": "2",
        "sizes-0-label": "M", "sizes-0-stock": "4", "sizes-1-label": "L", "sizes-1-stock": "3",
        "sizes-1-DELETE": "on", "sizes-2-label": "XL", "sizes-2-stock": "1"}))
    assert response.status_code == 302
    product.refresh_from_db()
    assert [(size.label, size.stock) for size in product.sizes.all()] == [("M", 4), ("XL", 1)]
    assert product.stock == 5


def form_as_shown(client, url) -> dict:
    """What the artisan's browser would send back for the form at `url`, untouched."""
    return form_from(client.get(url))


def form_from(response) -> dict:
    """What the browser would send back for the product form on a page it was answered."""
    soup = BeautifulSoup(response.content, "html.parser")
    form = soup.select_one("form[enctype]") or soup.select_one("main form")
    data = {}
    for field in form.select("input[name], textarea[name], select[name]"):
        name, kind = field["name"], field.get("type", "")
        if kind in {"checkbox", "radio"}:
            if field.has_attr("checked"):
                data.setdefault(name, []).append(field.get("value", "on"))
        elif kind == "file" or name == "csrfmiddlewaretoken":
            continue
        elif field.name == "textarea":
            data[name] = field.get_text()
        elif field.name == "select":
            chosen = field.select_one("option[selected]")
            data[name] = chosen["value"] if chosen else ""
        else:
            data[name] = field.get("value", "")
    return data


def sold(product, quantity, size=None):
    """What a buyer's order does to the stock (marketplace.orders.stock)."""
    Product.objects.filter(pk=product.pk).update(stock=F("stock") - quantity)
    if size is not None:
        ProductSize.objects.filter(pk=size.pk).update(stock=F("stock") - quantity)


def test_a_form_opened_before_a_sale_does_not_put_the_sold_cloth_back_on_sale(client, artisan):
    product = ProductFactory(shop=artisan, stock=1, description_id="Kain lama.")
    shown = form_as_shown(client, f"/toko/produk/{product.pk}/")
    sold(product, 1)  # a buyer takes the last one while the form is open
    shown["description_id"] = "Kain katun 2 meter, dicelup tangan."
    response = client.post(f"/toko/produk/{product.pk}/", shown)
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.description_id, product.stock) == ("Kain katun 2 meter, dicelup tangan.", 0)


def test_a_stock_changed_by_both_the_artisan_and_a_sale_is_asked_again_then_saved(client, artisan):
    product = ProductFactory(shop=artisan, stock=2, price_idr=200_000)
    shown = form_as_shown(client, f"/toko/produk/{product.pk}/")
    sold(product, 2)
    shown.update(stock="5", price_idr="250.000")  # restocked, and a new price
    asked = client.post(f"/toko/produk/{product.pk}/", shown)
    assert asked.status_code == 409
    assert field_errors(asked, "id_stock") == [
        "Sejak halaman ini dibuka, stoknya berubah dari 2 menjadi 0 (pesanan pembeli). "
        "Periksa stok yang Anda tulis, lalu simpan lagi."]
    product.refresh_from_db()
    assert (product.stock, product.price_idr) == (0, 200_000)  # nothing saved
    again = form_from(asked)
    assert (again["stock"], again["stock_seen"], again["price_idr"]) == ("5", "0", "250.000")  # as typed
    assert client.post(f"/toko/produk/{product.pk}/", again).status_code == 302
    product.refresh_from_db()
    assert (product.stock, product.price_idr) == (5, 250_000)


def test_a_stock_typed_as_it_already_is_is_saved_without_asking(client, artisan):
    product = ProductFactory(shop=artisan, stock=5)
    shown = form_as_shown(client, f"/toko/produk/{product.pk}/")
    sold(product, 1)
    shown["stock"] = "4"  # the artisan counted the shelf: four, as the sale left it
    assert client.post(f"/toko/produk/{product.pk}/", shown).status_code == 302
    product.refresh_from_db()
    assert product.stock == 4


def test_a_size_sold_while_the_form_is_open_keeps_its_sale(client, artisan):
    product = ProductFactory(shop=artisan, kind="kemeja", stock=5)
    medium, _large = add_size(product, "M", 2, 0), add_size(product, "L", 3, 1)
    shown = form_as_shown(client, f"/toko/produk/{product.pk}/")
    sold(product, 1, size=medium)
    assert client.post(f"/toko/produk/{product.pk}/", shown).status_code == 302
    product.refresh_from_db()
    assert [(size.label, size.stock) for size in product.sizes.all()] == [("M", 1), ("L", 3)]
    assert product.stock == 4
    shown = form_as_shown(client, f"/toko/produk/{product.pk}/")
    sold(product, 1, size=medium)
    shown["sizes-0-stock"] = "6"
    asked = client.post(f"/toko/produk/{product.pk}/", shown)
    assert asked.status_code == 409
    assert "stoknya berubah dari 1 menjadi 0" in asked.content.decode()
    assert client.post(f"/toko/produk/{product.pk}/", form_from(asked)).status_code == 302
    product.refresh_from_db()
    assert [(size.label, size.stock) for size in product.sizes.all()] == [("M", 6), ("L", 3)]
    assert product.stock == 9


def test_duplicate_size_labels_are_refused(client, artisan):
    response = client.post("/toko/produk/baru/", product_post(**{
        "sizes-0-label": "M", "sizes-0-stock": "1", "sizes-1-label": "m", "sizes-1-stock": "1"}))
    assert response.status_code == 400
    assert "Ukuran ini sudah ada di atas." in response.content.decode()


def test_publish_and_unpublish(client, artisan, django_capture_on_commit_callbacks):
    product = ProductFactory(shop=artisan, is_published=False)
    url = f"/id/kampung-sasirangan/produk/{product.slug}/"
    assert client.get(url).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):  # the purge follows the commit
        client.post(f"/toko/produk/{product.pk}/terbitkan/", {"publish": "1"})
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/toko/produk/{product.pk}/terbitkan/", {"publish": "0"})
    assert client.get(url).status_code == 404


def test_product_list_shows_drafts_and_sold_out(client, artisan):
    ProductFactory(shop=artisan, title_id="Kain Draf", is_published=False)
    ProductFactory(shop=artisan, title_id="Kain Habis", stock=0)
    ProductFactory(title_id="Kain Orang Lain")
    text = client.get("/toko/produk/").content.decode()
    assert "Kain Draf" in text and "Kain Habis" in text and "Habis" in text
    assert "Kain Orang Lain" not in text


def test_optional_fields_say_so_once(client, artisan):
    """The English fields' labels said "boleh dikosongkan" and the field template added it again
    (issue 18): the product form and the shop application (here its profile page, the same form)."""
    for path in ("/toko/produk/baru/", "/toko/profil/"):
        soup = BeautifulSoup(client.get(path).content, "html.parser")
        labels = [label.get_text(" ", strip=True) for label in soup.select(".db-field label, .db-field legend")]
        assert all(label.count("boleh dikosongkan") <= 1 for label in labels), (path, labels)
        assert any("(bahasa Inggris) (boleh dikosongkan)" in label for label in labels), (path, labels)


def test_dashboard_speaks_indonesian_to_an_english_browser(client, artisan):
    response = client.get("/toko/produk/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Tambah produk" in response.content.decode()


def test_uploaded_photo_is_stored_upright_without_location(client, artisan):
    exif = PILImage.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    exif[0x8825] = {1: "S", 2: (3.0, 24.0, 0.0), 3: "E", 4: (114.0, 51.0, 0.0)}
    data = product_post()
    data["new_photos"] = [upload("ponsel.jpg", jpeg_bytes(size=(60, 40), exif=exif.tobytes()))]
    assert client.post("/toko/produk/baru/", data).status_code == 302
    image = Product.objects.get().main_photo.image
    with image.open_file() as stored:
        picture = PILImage.open(io.BytesIO(stored.read()))
        assert picture.size == (40, 60)
        assert (image.width, image.height) == (40, 60)
        assert not picture.getexif()


def test_a_missing_product_is_a_plain_404_not_a_redirect(client, artisan):
    response = client.get("/toko/produk/999999/")
    assert response.status_code == 404
    assert "Tidak ditemukan" in response.content.decode()


def test_a_new_product_form_sent_twice_makes_one_product(client, artisan):
    """Back after saving, then "Simpan produk" again (or a double tap on a slow network) made a second
    product: the form is once only."""
    shown = form_as_shown(client, "/toko/produk/baru/")
    assert shown["form_key"]
    data = product_post(form_key=shown["form_key"])
    first = client.post("/toko/produk/baru/", data)
    assert first.status_code == 302
    again = client.post("/toko/produk/baru/", data)
    product = Product.objects.get(shop=artisan)
    assert again.status_code == 302 and again["Location"] == first["Location"] == f"/toko/produk/{product.pk}/"
    page = client.get(again["Location"]).content.decode()
    assert "sudah disimpan; ini halamannya." in page
    # Back, a price corrected, saved again: the artisan is told the correction is not in yet.
    corrected = client.post("/toko/produk/baru/", {**data, "price_idr": "185.000"})
    assert corrected["Location"] == first["Location"]
    assert "perubahan terakhir belum disimpan" in client.get(corrected["Location"]).content.decode()
    assert Product.objects.get(shop=artisan).price_idr == 175_000
    # A new form is a new product.
    other = product_post(form_key=form_as_shown(client, "/toko/produk/baru/")["form_key"], title_id="Selendang")
    assert client.post("/toko/produk/baru/", other).status_code == 302
    assert Product.objects.filter(shop=artisan).count() == 2


def test_two_sends_of_a_new_product_form_at_once_make_one_product(client, artisan, monkeypatch):
    """The second of two simultaneous sends does not find the first's product before saving; the
    database's unique key stops it, and it answers with the first one's page."""
    from marketplace import dashboard_views

    data = product_post(form_key=form_as_shown(client, "/toko/produk/baru/")["form_key"])
    assert client.post("/toko/produk/baru/", data).status_code == 302
    real = dashboard_views._made_by_form
    calls = []

    def not_yet_then_found(*args):
        calls.append(args)
        return None if len(calls) == 1 else real(*args)

    monkeypatch.setattr(dashboard_views, "_made_by_form", not_yet_then_found)
    racing = client.post("/toko/produk/baru/", data)
    product = Product.objects.get(shop=artisan)
    assert racing.status_code == 302 and racing["Location"] == f"/toko/produk/{product.pk}/"
    assert len(calls) == 2


def test_an_application_sent_twice_at_once_is_one_shop_and_no_error(client, monkeypatch):
    """"Kirim pengajuan" tapped twice on a slow connection: both sends passed the view's "no shop yet"
    check, the second failed on the one-shop-per-login key and answered 500, the page the phone shows,
    so the artisan could not tell whether the application went in (found driving the site)."""
    from marketplace import dashboard_views, selectors

    user = UserFactory(email="acil@contoh.id")
    client.force_login(user)
    data = {"name": "Sasirangan Acil", "story_id": "Kami mewarnai kain sejak 2001.",
            "district": district("Martapura Timur").pk}
    assert client.post("/toko/ajukan/", data).status_code == 302
    images_before = get_image_model().objects.count()
    # The second send, as it was when the first had not committed yet: no shop found before saving.
    real = selectors.shop_for_owner
    monkeypatch.setattr(dashboard_views.selectors, "shop_for_owner", lambda user: None)
    racing = client.post("/toko/ajukan/", {**data, "photo": upload("toko.png", png_bytes(), "image/png")})
    monkeypatch.setattr(dashboard_views.selectors, "shop_for_owner", real)

    assert racing.status_code == 302 and racing["Location"] == "/toko/"
    assert Shop.objects.filter(owner=user).count() == 1
    assert get_image_model().objects.count() == images_before  # the second send's photo is not kept
    home = client.get("/toko/")
    assert "Pengajuan toko Anda sudah terkirim" in home.content.decode()
    assert "Menunggu persetujuan" in home.content.decode()


def test_an_application_sent_again_after_it_went_in_says_so(client):
    """Back to the application form and "Kirim pengajuan" again: the artisan is told it went in."""
    user = UserFactory(email="acil@contoh.id")
    client.force_login(user)
    data = {"name": "Sasirangan Acil", "story_id": "Cerita.", "district": district("Martapura Timur").pk}
    assert client.post("/toko/ajukan/", data).status_code == 302
    again = client.post("/toko/ajukan/", data)
    assert again.status_code == 302 and again["Location"] == "/toko/"
    assert Shop.objects.filter(owner=user).count() == 1
    assert "Pengajuan toko Anda sudah terkirim" in client.get("/toko/").content.decode()
