"""An artisan on a phone, in Indonesian: signs up at /toko/, applies for a shop, waits for an
editor (who approves it in the Wagtail admin), adds a product with a photo from the phone,
finds it on the site and in search, receives an order and marks it shipped."""

import io
import re

from django.utils.text import slugify
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from marketplace.models import Product
from marketplace.orders.models import SubOrderStatus
from tests.e2e.conftest import E2E_DB
from tests.e2e.steps import admin_sign_in
from tests.marketplace.orders import factories as orders

pytestmark = E2E_DB

DESKTOP = {"width": 1280, "height": 900}
SHOP = "Sasirangan Acil Rabiah"
PRODUCT = "Kain Sasirangan Ombak Sinapur Karang Biru"


def photo_jpeg() -> bytes:
    """A phone-sized photo of a blue and white striped cloth, drawn with Pillow."""
    picture = Image.new("RGB", (1200, 1600), (24, 64, 140))
    draw = ImageDraw.Draw(picture)
    for top in range(0, 1600, 80):
        draw.polygon([(0, top), (600, top + 40), (1200, top), (1200, top + 20), (600, top + 60), (0, top + 20)],
                     fill=(235, 240, 250))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def test_artisan_applies_is_approved_sells_and_ships(site, journey_factory, mailoutbox):
    artisan = journey_factory("artisan", locale="id-ID")
    page = artisan.page

    # Sign up ...
    page.goto(f"{site.url}/toko/daftar/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Daftar sebagai perajin")
    page.get_by_label("Alamat email").fill("rabiah@contoh.id")
    page.get_by_label("Kata sandi", exact=True).fill("kain-biru-sinapur-88")
    page.get_by_label("Ulangi kata sandi").fill("kain-biru-sinapur-88")
    artisan.shot("signup")
    page.get_by_role("button", name="Buat akun").click()

    # ... and apply for a shop.
    expect(page.get_by_role("heading", level=1)).to_have_text("Ajukan toko")
    page.get_by_label("Nama toko").fill(SHOP)
    page.get_by_label("Cerita toko (bahasa Indonesia)").fill(
        "Acil Rabiah menjelujur dan mencelup kain sasirangan di rumahnya di Pasayangan sejak 2010.")
    page.get_by_label("Kecamatan").select_option(label="Martapura Timur")
    page.get_by_label("Desa/kelurahan").fill("Pasayangan")
    artisan.shot("apply")
    page.get_by_role("button", name="Kirim pengajuan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SHOP)
    expect(page.get_by_text("Menunggu persetujuan").first).to_be_visible()
    artisan.shot("waiting-for-approval")
    # Not yet: products wait for the editor's decision.
    page.goto(f"{site.url}/toko/produk/baru/")
    expect(page.get_by_text("Toko Anda sedang diperiksa editor.")).to_be_visible()

    # An editor approves the shop in the Wagtail admin (its home page lists the waiting shops).
    editor = journey_factory("editor", viewport=DESKTOP, locale="id-ID")
    admin = editor.page
    admin_sign_in(admin, site.url, "admin")
    admin.get_by_role("link", name=SHOP).click()
    expect(admin.get_by_role("heading", name=SHOP, exact=True)).to_be_visible()
    admin.get_by_label("Setujui: toko dan produknya tampil untuk umum").check()
    editor.shot("admin-approve-shop")
    admin.get_by_role("button", name="Simpan keputusan").click()
    expect(admin.get_by_text(f"Keputusan untuk “{SHOP}” disimpan: Disetujui.")).to_be_visible()
    editor.shot("admin-shop-approved")
    assert any(message.to == ["rabiah@contoh.id"] for message in mailoutbox)

    # The artisan adds a product with a photo from the phone, published at once.
    page.goto(f"{site.url}/toko/")
    page.get_by_role("link", name="Tambah produk").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Produk baru")
    page.get_by_label("Judul (bahasa Indonesia)").fill(PRODUCT)
    page.get_by_label("Deskripsi (bahasa Indonesia)").fill(
        "Kain katun 2 meter bermotif ombak sinapur karang, biru tua dan putih, dicelup tangan.")
    page.get_by_label("Jenis").select_option(label="Kain")
    page.get_by_label("Harga (Rp)").fill("210.000")  # as Indonesians write it: a number box read it as 210
    page.locator("#id_stock").fill("3")  # labelled "Stok (boleh dikosongkan)"
    page.get_by_label("Berat setelah dikemas (gram)").fill("350")  # so couriers can carry it
    page.get_by_label("Tambah foto").set_input_files(
        files=[{"name": "kain-biru.jpg", "mimeType": "image/jpeg", "buffer": photo_jpeg()}])
    page.get_by_label("Terbitkan (tampil untuk pembeli)").check()
    artisan.shot("new-product")
    page.get_by_role("button", name="Simpan produk").click()
    expect(page.get_by_text(f"Produk “{PRODUCT}” ditambahkan.")).to_be_visible()
    expect(page.locator("img.db-thumb")).to_have_count(1)
    artisan.shot("product-saved")

    # It is on the site, with its photo ...
    page.get_by_role("link", name="Lihat di situs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PRODUCT)
    expect(page.locator(".ks-product__price")).to_have_text("Rp 210.000")
    photo = page.locator(".ks-product__main img")
    expect(photo).to_have_attribute("src", re.compile(r"\.webp$"))
    # Reached by a link, not page.goto: the photo may still be loading.
    expect(photo).to_have_js_property("complete", True)
    assert photo.evaluate("img => img.naturalWidth") > 0
    artisan.shot("product-on-the-site")

    # ... and in search (the database engine indexed it when it was saved).
    page.goto(f"{site.url}/id/cari/?q=ombak+sinapur")
    expect(page.get_by_role("link", name=PRODUCT)).to_be_visible()
    artisan.shot("product-in-search")

    # A tourist buys it (the checkout itself is the tourist journey's; here it is the services'
    # way, paid as Stripe's webhook would say).
    with site.database():
        product = Product.objects.get(title_id=PRODUCT)
        assert product.slug == slugify(PRODUCT)
        order = orders.paid_order((product, 2))

    page.goto(f"{site.url}/toko/pesanan/")
    expect(page.get_by_role("link", name=re.compile(order.number))).to_be_visible()
    artisan.shot("orders")
    page.get_by_role("link", name=re.compile(order.number)).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Pesanan {order.number}")  # the list says "2 ×" too
    expect(page.get_by_text(f"2 × {PRODUCT}")).to_be_visible()
    page.get_by_label("Kurir", exact=True).select_option("JNE")
    page.get_by_label("Nomor resi").fill("JNE0123456789")
    artisan.shot("mark-shipped")
    page.get_by_role("button", name="Simpan dan beri tahu pembeli").click()
    expect(page.get_by_text("JNE0123456789")).to_be_visible()
    artisan.shot("shipped")

    with site.database():
        sub_order = order.sub_orders.get()
    assert (sub_order.status, sub_order.courier, sub_order.tracking_number) == (
        SubOrderStatus.SHIPPED, "JNE", "JNE0123456789")
    assert any(message.to == [order.email] and "JNE0123456789" in message.body for message in mailoutbox)
    assert artisan.errors == [] and editor.errors == []
    assert artisan.failed_responses == [(403, "/toko/produk/baru/")]

