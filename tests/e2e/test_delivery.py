"""Delivery and the ways to pay, as three buyers on a 360 px phone live them (issue 11, "Done when").

- A tourist in Martapura collects a cloth at the workshop and pays with QRIS; the artisan marks the
  order ready, refuses a wrong pickup code and hands it over for the right one.
- A buyer in Jakarta pays by card for a courier; the shipping on the checkout page and on the order
  page is the rate table's price for the parcel's weight; the artisan ships it and the buyer gets
  the courier's tracking link (page and email).
- A buyer in Singapore fills an address that fits Singapore, is told which shop ships only inside
  Indonesia (nothing ordered), and orders from the shop that ships abroad.

Expected figures come from the database (the rate table, the products' weights), never typed in.
"""

import re

from playwright.sync_api import expect

from marketplace.models import Product
from marketplace.orders.couriers import tracking_link
from marketplace.orders.models import Order, OrderStatus, SubOrderStatus
from marketplace.shipping.models import ShippingRate
from marketplace.shipping.regions import Zone
from tests.e2e.conftest import E2E_DB
from tests.e2e.steps import (
    CARD_OK,
    add_to_cart,
    checkout_fill,
    checkout_in_martapura,
    pay_with,
    rupiah,
    shipping_calculate,
    shop_sign_in,
    wait_for,
)

pytestmark = E2E_DB

PHONE_360 = {"width": 360, "height": 780}
GALUH_BANJAR = "sasirangan-galuh-banjar"  # offers pickup at the workshop and ships abroad
INTAN_MARTAPURA = "sasirangan-intan-martapura"  # no pickup, ships inside Indonesia only
GRAMS_PER_KG = 1000


def fits_the_phone(page) -> None:
    """Nothing wider than the phone: no sideways scrolling."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_360["width"], page.url


def courier_price(*, label: str, zone: str, weight_g: int) -> int:
    """What the rate table says `label` charges for `weight_g` grams to `zone`, rounded as couriers do:
    at least one kilogram; an excess over whole kilograms up to the service's tolerance is free, a
    larger one is a kilogram more; the first kilogram, then each further one."""
    rate = ShippingRate.objects.select_related("service").get(service__label=label, zone=zone)
    kilograms, excess = divmod(weight_g, GRAMS_PER_KG)
    if excess > rate.service.weight_tolerance_g:
        kilograms += 1
    kilograms = max(kilograms, 1)
    return rate.first_kg_idr + (kilograms - 1) * rate.next_kg_idr


def parcel_weight(*lines: tuple[dict, int]) -> int:
    return sum(Product.objects.get(slug=product["slug"]).weight_g * quantity for product, quantity in lines)


def order_page(site, order, language: str) -> str:
    return f"{site.url}/{language}/kampung-sasirangan/pesanan/{order.token}/"


def test_tourist_in_martapura_collects_at_the_workshop_and_pays_with_qris(site, journey_factory, mailoutbox):
    cloth = site.content.products_of(GALUH_BANJAR)[0]
    shop = next(record for record in site.content.artisans if record["slug"] == GALUH_BANJAR)
    tourist = journey_factory("tourist", locale="id-ID", viewport=PHONE_360)
    page = tourist.page

    add_to_cart(site, page, language="id", shop=GALUH_BANJAR, product=cloth)
    checkout_in_martapura(page)
    # Pickup is offered, free, with the workshop's address; the buyer chooses it (it is never the default).
    pickup = page.get_by_label(re.compile(r"^Ambil sendiri"))
    expect(pickup).not_to_be_checked()
    pickup_label = page.locator("label", has_text=re.compile(r"^Ambil sendiri"))
    expect(pickup_label).to_contain_text("gratis")
    expect(pickup_label).to_contain_text(shop["pickup_address"])
    street = page.get_by_label(re.compile(r"^Alamat \("))
    expect(street).to_be_visible()
    pickup.check()
    # Collecting everything: no home address is asked (nor kept); the province stays, it prices the couriers.
    expect(page.get_by_text("Semua barang Anda ambil sendiri di tempat perajin: alamat rumah tidak perlu diisi."))\
        .to_be_visible()
    for box in (street, page.get_by_label("Kode pos"), page.get_by_label(re.compile(r"^Kecamatan"))):
        expect(box).to_be_hidden()
    expect(page.get_by_label(re.compile(r"^Provinsi"))).to_be_visible()
    page.locator("input[name^=shipping-]:not([value=pickup])").first.check()  # a courier again: it is asked
    expect(street).to_be_visible()
    expect(street).to_have_attribute("required", "")  # and the browser asks for it again
    pickup.check()
    expect(street).to_be_hidden()
    fits_the_phone(page)
    tourist.shot("checkout-pickup")
    page.get_by_role("button", name=re.compile(r"^Lanjut ke pembayaran")).click()

    # The pay page: the cloth alone (pickup costs nothing), paid by QRIS.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bayar pesanan")
    expect(page.get_by_text("Total yang dibayar")).to_contain_text(rupiah(cloth["price_idr"]))
    page.get_by_role("link", name="QRIS").click()
    page.get_by_role("button", name=re.compile(r"^Tampilkan kode QRIS untuk Rp")).click()
    qris = page.get_by_role("region", name="Bayar dengan QRIS")
    code = qris.locator("svg").first
    expect(code).to_be_visible()
    box = code.bounding_box()
    assert box["width"] >= 200 and box["x"] >= 0 and box["x"] + box["width"] <= PHONE_360["width"]
    fits_the_phone(page)
    tourist.shot("qris-code")
    qris.get_by_role("button", name="Simulasikan pemindaian").click()

    # The page turns into the confirmation by itself, with the code to show at the workshop.
    expect(page.get_by_role("heading", name="Terima kasih! Pembayaran diterima.")).to_be_visible(timeout=30_000)
    code_shown = page.get_by_text(re.compile(r"Kode pengambilan: [A-Z0-9]{6}$"))
    expect(code_shown).to_be_visible()
    pickup_code = code_shown.text_content().split(":")[-1].strip()
    tourist.shot("confirmation-with-pickup-code")
    with site.database():
        order = Order.objects.get()
        sub_order = order.sub_orders.get()
    assert order.status == OrderStatus.PAID
    assert (sub_order.delivery_kind, sub_order.shipping_idr, sub_order.pickup_code) == ("pickup", 0, pickup_code)
    assert (order.province, order.street, order.postal_code) == ("Kalimantan Selatan", "", "")
    assert order.total_idr == cloth["price_idr"]

    # The artisan, on her phone: the order waits to be made ready.
    artisan = journey_factory("artisan", locale="id-ID", viewport=PHONE_360)
    workshop = artisan.page
    shop_sign_in(workshop, site.url, shop["email"])
    workshop.goto(f"{site.url}/toko/pesanan/")
    workshop.get_by_role("link", name=re.compile(order.number)).click()
    expect(workshop.get_by_text("Pembeli mengambil sendiri di workshop Anda.", exact=False)).to_be_visible()
    workshop.get_by_role("button", name="Siap diambil, beri tahu pembeli").click()
    expect(workshop.get_by_text(f"Pesanan {order.number} ditandai siap diambil.", exact=False)).to_be_visible()
    artisan.shot("marked-ready")
    # The buyer is emailed the code (the task queue sends it) ...
    assert wait_for(lambda: any(message.to == ["siti.aminah@contoh.id"] and pickup_code in message.body
                                for message in mailoutbox))

    # ... and sees it ready on the order page.
    page.goto(order_page(site, order, "id"))
    expect(page.get_by_text("Siap diambil.")).to_be_visible()
    expect(page.get_by_text(f"Kode pengambilan: {pickup_code}")).to_be_visible()
    fits_the_phone(page)
    tourist.shot("order-ready-for-pickup")

    # At the counter: a wrong code is refused, beside the field, and nothing changes ...
    wrong = "222222" if pickup_code != "222222" else "333333"
    code_field = workshop.get_by_label("Kode pengambilan dari pembeli")
    code_field.fill(wrong)
    workshop.get_by_role("button", name="Periksa kode dan serahkan").click()
    expect(workshop.get_by_text(re.compile(r"^Kode pengambilan salah\."))).to_be_visible()
    artisan.shot("wrong-code")
    with site.database():
        sub_order.refresh_from_db()
    assert sub_order.status == SubOrderStatus.READY_FOR_PICKUP
    # ... the buyer's code, typed as read off her phone, hands the cloth over.
    workshop.get_by_label("Kode pengambilan dari pembeli").fill(f"{pickup_code[:3].lower()} {pickup_code[3:]}")
    workshop.get_by_role("button", name="Periksa kode dan serahkan").click()
    expect(workshop.get_by_text(f"Pesanan {order.number} sudah diambil pembeli.", exact=False)).to_be_visible()
    expect(workshop.get_by_role("heading", name="Sudah diambil", exact=True)).to_be_visible()
    artisan.shot("collected")
    with site.database():
        sub_order.refresh_from_db()
    assert sub_order.status == SubOrderStatus.COLLECTED

    page.reload()
    expect(page.get_by_text(re.compile(r"^Diambil .* WITA\.$"))).to_be_visible()
    assert tourist.errors == [] and artisan.errors == []
    assert [status for status, _path in artisan.failed_responses] == [400]  # the wrong code


def test_jakarta_buyer_pays_by_card_for_a_courier_and_gets_the_tracking_link(site, journey_factory, mailoutbox):
    first, second = site.content.products_of(INTAN_MARTAPURA)[:2]
    shop = next(record for record in site.content.artisans if record["slug"] == INTAN_MARTAPURA)
    lines = [(first, 2), (second, 2)]  # 4 x 300 g: 1.2 kg, which JNE charges as one kilogram
    with site.database():
        weight_g = parcel_weight(*lines)
        shipping = courier_price(label="JNE REG", zone=Zone.JAWA_BALI, weight_g=weight_g)
    goods = sum(product["price_idr"] * quantity for product, quantity in lines)
    buyer = journey_factory("buyer", locale="id-ID", viewport=PHONE_360)
    page = buyer.page

    for product, quantity in lines:
        add_to_cart(site, page, language="id", shop=INTAN_MARTAPURA, product=product, quantity=quantity)
    page.get_by_role("link", name="Lanjut ke pembayaran").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Data pengiriman")  # the cart has a "Negara" too
    expect(page.get_by_label("Negara")).to_have_value("ID")
    checkout_fill(page, name="Rina Wulandari", email="rina.w@contoh.id", phone="0813 8800 1122",
                  province="DKI Jakarta", regency="Kota Jakarta Selatan", district="Kebayoran Baru",
                  postal_code="12160", street="Jl. Senopati No. 8")
    # No pickup at this shop; JNE REG is one of the couriers, priced for the parcel's weight.
    expect(page.get_by_label(re.compile(r"^Ambil sendiri"))).to_have_count(0)
    jne = page.get_by_label(re.compile(r"^JNE REG:"))
    expect(page.locator("label", has_text=re.compile(r"^JNE REG:"))).to_contain_text(rupiah(shipping))
    jne.check()
    page.get_by_role("button", name="Hitung ongkir").click()  # the summary follows the choice
    # The server's page marks JNE REG as chosen in its markup; on the page being left only the tick moved.
    expect(page.locator("input[type=radio][checked]")).to_have_value("jne-reg")
    expect(page.get_by_label(re.compile(r"^JNE REG:"))).to_be_checked()
    summary = page.get_by_role("complementary", name="Pesanan Anda")
    expect(summary.get_by_text(re.compile(r"^Ongkos kirim"))).to_contain_text(rupiah(shipping))
    expect(summary.get_by_text(re.compile(r"^Total"))).to_contain_text(rupiah(goods + shipping))
    fits_the_phone(page)
    buyer.shot("checkout-jne")
    page.get_by_role("button", name=re.compile(r"^Lanjut ke pembayaran")).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Bayar pesanan")
    expect(page.get_by_text("Total yang dibayar")).to_contain_text(rupiah(goods + shipping))
    buyer.shot("pay")
    pay_with(page, "4242 4242 4242 4242", typed=True)  # as printed on the page
    expect(page.get_by_role("heading", name="Terima kasih! Pembayaran diterima.")).to_be_visible(timeout=30_000)
    with site.database():
        order = Order.objects.get()
        sub_order = order.sub_orders.get()
    assert order.status == OrderStatus.PAID
    assert (sub_order.delivery_option_id, sub_order.shipping_idr) == ("jne-reg", shipping)
    assert order.total_idr == goods + shipping

    # The order page shows the same shipping.
    page.goto(order_page(site, order, "id"))
    expect(page.get_by_text(re.compile(r"^Ongkos kirim"))).to_contain_text(rupiah(shipping))
    expect(page.get_by_text(re.compile(r"^Pengiriman: JNE REG"))).to_be_visible()
    buyer.shot("order-page")

    # The artisan ships it with JNE and types the receipt number.
    artisan = journey_factory("artisan", locale="id-ID", viewport=PHONE_360)
    workshop = artisan.page
    shop_sign_in(workshop, site.url, shop["email"])
    workshop.goto(f"{site.url}/toko/pesanan/")
    workshop.get_by_role("link", name=re.compile(order.number)).click()
    expect(workshop.get_by_text(f"Ongkos kirim: {rupiah(shipping)}", exact=False)).to_be_visible()
    workshop.get_by_label("Kurir", exact=True).select_option("JNE")
    workshop.get_by_label("Nomor resi").fill("BDJ 0123 4567 89")
    artisan.shot("ship")
    workshop.get_by_role("button", name="Simpan dan beri tahu pembeli").click()
    expect(workshop.get_by_text("BDJ0123456789")).to_be_visible()

    # The buyer's page links to JNE's tracking page for that parcel, and so does the email.
    link = tracking_link(courier_name="JNE", tracking_number="BDJ0123456789")
    assert link and "BDJ0123456789" in link
    page.reload()
    expect(page.get_by_role("link", name="Lacak paket di situs JNE")).to_have_attribute("href", link)
    fits_the_phone(page)
    buyer.shot("order-shipped")
    assert wait_for(lambda: any(message.to == ["rina.w@contoh.id"] and link in message.body
                                for message in mailoutbox))
    assert buyer.errors == [] and artisan.errors == []
    assert buyer.failed_responses == [] and artisan.failed_responses == []


def address_fill_singapore(page, *, phone: str) -> None:
    page.get_by_label("Full name").fill("Tan Wei Ling")
    page.get_by_label("Email").fill("weiling@example.sg")
    page.get_by_label("Country").select_option(label="Indonesia")
    expect(page.get_by_label("State/region (abroad)")).to_be_hidden()  # an Indonesian address has its province
    page.get_by_label("Country").select_option(label="Australia")
    optional = page.locator("label[for=id_region] small")
    expect(optional).to_be_hidden()  # asked for in Australia: not "(optional)"
    page.get_by_label("Country").select_option(label="Singapore")
    expect(page.get_by_label("State/region (abroad)")).to_be_visible()
    expect(optional).to_have_text("(optional)")  # Singapore has none
    page.get_by_label("WhatsApp number").fill(phone)
    page.get_by_label("Regency/city").fill("Singapore")
    page.get_by_label("Postal code").fill("018956")  # six digits: Singapore's, not Indonesia's five
    page.get_by_label(re.compile(r"^Address")).fill("10 Bayfront Avenue, #12-03")


def test_singapore_buyer_is_told_which_shop_ships_abroad_and_orders_from_it(site, journey_factory):
    cloth = site.content.products_of(GALUH_BANJAR)[0]  # Galuh Banjar ships abroad
    shirt = site.content.products_of(INTAN_MARTAPURA)[0]  # Intan Martapura only inside Indonesia
    with site.database():
        shipping = courier_price(label="POS EMS (luar negeri)", zone=Zone.ASEAN, weight_g=parcel_weight((cloth, 1)))
    visitor = journey_factory("visitor", locale="en-GB", viewport=PHONE_360)
    page = visitor.page
    checkout = f"{site.url}/en/kampung-sasirangan/checkout/"

    add_to_cart(site, page, language="en", shop=GALUH_BANJAR, product=cloth)
    add_to_cart(site, page, language="en", shop=INTAN_MARTAPURA, product=shirt)
    # The cart's own estimate, for Singapore: no province is asked (the browser stopped the form at one).
    page.get_by_label("Country").select_option("SG")
    page.get_by_role("button", name="Estimate shipping").click()
    expect(page.locator(".ko-estimate").filter(has_text="Estimated shipping to Singapore: from")).to_be_visible()
    page.get_by_role("link", name="Go to checkout").click()

    # The form fits Singapore: no province, no kecamatan, a six-digit postal code; a phone needs +65.
    address_fill_singapore(page, phone="9123 4567")
    page.get_by_role("button", name="Calculate shipping").click()
    expect(page.get_by_text("Write the WhatsApp number with its country code, e.g. +65 9123 4567.")).to_be_visible()
    for refusal in ("Choose a province.", "Enter the district (kecamatan).", "A postal code has 5 digits, e.g. 70614."):
        expect(page.get_by_text(refusal)).to_have_count(0)
    visitor.shot("phone-without-country-code")
    page.get_by_label("WhatsApp number").fill("+65 9123 4567")
    shipping_calculate(page)

    # One shop cannot send there, and the page names it; the other offers a courier abroad, no pickup.
    refusal = f"{shop_name(site, INTAN_MARTAPURA)} ships to addresses in Indonesia only."
    expect(page.get_by_role("alert").filter(has_text=refusal)).to_be_visible()
    abroad = page.locator("label", has_text=re.compile(r"^POS EMS \(international\)"))  # its English name
    expect(abroad).to_contain_text(rupiah(shipping))
    expect(page.get_by_label(re.compile(r"^(Pickup|Collect)"))).to_have_count(0)
    fits_the_phone(page)
    visitor.shot("one-shop-cannot-ship-abroad")
    page.get_by_role("button", name=re.compile(r"^Continue to.*payment")).click()
    # Refused: the same address again, the refusal now also above the form (the page being left had it once).
    expect(page.get_by_role("alert").filter(has_text=refusal)).to_have_count(2)
    expect(page).to_have_url(checkout)
    with site.database():
        assert not Order.objects.exists()  # nothing ordered, so nothing to charge

    # Without that shirt, the cloth goes to Singapore by POS EMS.
    page.goto(f"{site.url}/en/kampung-sasirangan/keranjang/")
    page.get_by_role("button", name=f"Remove {shirt['title']['en']}").click()
    expect(page.get_by_role("heading", name=re.compile(shop_name(site, INTAN_MARTAPURA)))).to_have_count(0)
    page.get_by_role("link", name="Go to checkout").click()
    address_fill_singapore(page, phone="+65 9123 4567")
    shipping_calculate(page)
    expect(page.get_by_label(re.compile(r"^POS EMS"))).to_be_checked()
    page.get_by_role("button", name=re.compile(r"^Continue to.*payment")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pay for order")
    expect(page.get_by_text("Total to pay")).to_contain_text(rupiah(cloth["price_idr"] + shipping))
    with site.database():
        order = Order.objects.get()
        sub_order = order.sub_orders.get()
    assert (order.country, order.phone, order.postal_code) == ("SG", "+6591234567", "018956")
    assert (sub_order.shop.slug, sub_order.delivery_kind, sub_order.shipping_idr) == (GALUH_BANJAR, "courier", shipping)
    assert order.total_idr == cloth["price_idr"] + shipping
    pay_with(page, CARD_OK)
    expect(page.get_by_role("heading", name="Thank you! Payment received.")).to_be_visible(timeout=30_000)
    expect(page.get_by_text(re.compile(r"^Shipping"))).to_contain_text(rupiah(shipping))
    visitor.shot("confirmation")
    assert visitor.errors == []
    # The only refusals: the phone without its country code, and the order the shirt's shop cannot send.
    assert visitor.failed_responses == [(400, "/en/kampung-sasirangan/checkout/")] * 2


def shop_name(site, slug: str) -> str:
    return next(record["name"] for record in site.content.artisans if record["slug"] == slug)
