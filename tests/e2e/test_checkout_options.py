"""Checkout's delivery options follow the address (issue 11): a buyer on a 360 px phone picks the
province "Jawa Timur" and each shop's couriers appear without "Hitung ongkir" being pressed
(checkout.js asks GET /api/shipping/options); another courier changes the total shown; the order
then goes on to the pay page with that courier at the rate table's price.

Expected figures come from the database (the rate table, the product's weight), never from the page."""

import re

from playwright.sync_api import expect

from marketplace.models import Product
from marketplace.orders.models import Order
from marketplace.shipping.models import ShippingRate
from marketplace.shipping.regions import Zone
from tests.e2e.conftest import E2E_DB
from tests.e2e.steps import add_to_cart, checkout_fill, rupiah

pytestmark = E2E_DB

PHONE_360 = {"width": 360, "height": 780}
INTAN_MARTAPURA = "sasirangan-intan-martapura"  # no pickup: couriers only


def courier_prices(*, zone: str, weight_g: int) -> dict[str, int]:
    """{service code: price} of every active courier to `zone` for `weight_g` grams, as the rate table
    reads: at least one kilogram, an excess beyond the service's tolerance a kilogram more."""
    prices = {}
    for rate in ShippingRate.objects.filter(zone=zone, service__is_active=True).select_related("service"):
        kilograms, excess = divmod(weight_g, 1000)
        kilograms = max(kilograms + (1 if excess > rate.service.weight_tolerance_g else 0), 1)
        prices[rate.service.code] = rate.first_kg_idr + (kilograms - 1) * rate.next_kg_idr
    return prices


def address_fill_but_the_province(page) -> None:
    checkout_fill(page, name="Rina Wulandari", email="rina.w@contoh.id", phone="0812 3456 7890", province=None,
                  calculate=False)


def test_courier_options_appear_as_the_province_is_chosen_on_a_phone(site, journey_factory):
    cloth = site.content.products_of(INTAN_MARTAPURA)[0]
    buyer = journey_factory(locale="id-ID", viewport=PHONE_360)
    page = buyer.page
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)

    page.goto(f"{site.url}/id/kampung-sasirangan/perajin/{INTAN_MARTAPURA}/")
    page.get_by_role("link", name=cloth["title"]["id"]).first.click()
    page.get_by_role("button", name="Tambah ke keranjang").click()
    page.get_by_role("link", name="Lanjut ke pembayaran").click()
    with site.database():
        product = Product.objects.select_related("shop").get(title_id=cloth["title"]["id"])
        prices = courier_prices(zone=Zone.JAWA_BALI, weight_g=product.weight_g)
    goods, shop = product.price_idr, product.shop.slug
    cheapest = min(prices, key=lambda code: (prices[code], code))
    dearest = max(prices, key=lambda code: (prices[code], code))
    assert prices[dearest] > prices[cheapest]

    posts.clear()  # from here on, the checkout page: nothing is sent before the buyer says so
    address_fill_but_the_province(page)
    summary = page.get_by_role("complementary", name="Pesanan Anda")
    expect(summary.locator(".ko-total")).to_contain_text(rupiah(goods))
    expect(page.locator(f"input[name=shipping-{shop}]")).to_have_count(0)

    # The province chosen: the options come by themselves, the cheapest courier chosen, announced.
    page.get_by_label("Provinsi").select_option("Jawa Timur")
    expect(page.locator(f"input[name=shipping-{shop}]")).to_have_count(len(prices))
    expect(page.get_by_role("status")).to_have_text("Pilihan pengiriman diperbarui untuk alamat ini.")
    expect(page.locator(f"#shipping-{shop}-{cheapest}")).to_be_checked()
    expect(page.locator(f"label[for=shipping-{shop}-{dearest}]")).to_contain_text(rupiah(prices[dearest]))
    expect(summary.locator(".ko-total")).to_contain_text(rupiah(goods + prices[cheapest]))
    assert posts == []  # "Hitung ongkir" was not pressed: nothing was sent
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_360["width"]
    buyer.shot("options-for-jawa-timur")

    # Another courier: the summary's shipping and total follow.
    page.get_by_label(re.compile(r"^" + re.escape(page.locator(f"label[for=shipping-{shop}-{dearest}]")
                                                  .inner_text().split(":")[0]) + ":")).check()
    expect(summary.get_by_text(re.compile(r"^Ongkos kirim"))).to_contain_text(rupiah(prices[dearest]))
    expect(summary.locator(".ko-total")).to_contain_text(rupiah(goods + prices[dearest]))
    buyer.shot("another-courier")

    # On to paying: the server prices the same choice again.
    page.get_by_role("button", name=re.compile(r"^Lanjut ke pembayaran")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bayar pesanan")
    expect(page.get_by_text("Total yang dibayar")).to_contain_text(rupiah(goods + prices[dearest]))
    with site.database():
        order = Order.objects.get()
        sub_order = order.sub_orders.get()
    assert (sub_order.delivery_option_id, sub_order.shipping_idr) == (dearest, prices[dearest])
    assert order.total_idr == goods + prices[dearest]
    assert buyer.errors == [] and buyer.failed_responses == []


def test_when_the_api_does_not_answer_hitung_ongkir_still_works(site, journey_factory):
    cloth = site.content.products_of(INTAN_MARTAPURA)[0]
    buyer = journey_factory(locale="id-ID", viewport=PHONE_360)
    page = buyer.page
    # A network that loses the page's call for options (the site itself still answers forms).
    page.route("**/api/shipping/options*", lambda route: route.abort("failed"))
    page.goto(f"{site.url}/id/kampung-sasirangan/perajin/{INTAN_MARTAPURA}/")
    page.get_by_role("link", name=cloth["title"]["id"]).first.click()
    page.get_by_role("button", name="Tambah ke keranjang").click()
    page.get_by_role("link", name="Lanjut ke pembayaran").click()
    with site.database():
        shop = Product.objects.select_related("shop").get(title_id=cloth["title"]["id"]).shop.slug

    address_fill_but_the_province(page)
    page.get_by_label("Provinsi").select_option("Jawa Timur")
    expect(page.get_by_role("status")).to_have_text(
        "Ongkos kirim belum bisa dihitung otomatis. Tekan “Hitung ongkir”.")
    expect(page.locator(f"input[name=shipping-{shop}]")).to_have_count(0)
    page.get_by_role("button", name="Hitung ongkir").click()
    expect(page.locator(f"input[name=shipping-{shop}]").first).to_be_visible()
    expect(page.locator(f"input[name=shipping-{shop}][checked]")).to_have_count(1)
    assert buyer.errors == []


def test_abroad_the_form_drops_the_province_and_goes_on_without_hitung_ongkir(site, journey_factory):
    """A buyer in Singapore, with JavaScript: choosing the country hides the province and kecamatan
    (the browser must not ask for them: the page was drawn for Indonesia, where both are required),
    the shop that ships abroad offers its couriers by itself, and the order goes on to paying."""
    galuh_banjar = "sasirangan-galuh-banjar"  # ships abroad
    cloth = site.content.products_of(galuh_banjar)[0]
    buyer = journey_factory(locale="en-GB", viewport=PHONE_360)
    page = buyer.page
    page.goto(f"{site.url}/en/kampung-sasirangan/perajin/{galuh_banjar}/")
    page.get_by_role("link", name=cloth["title"]["en"]).first.click()
    page.get_by_role("button", name="Add to cart").click()
    page.get_by_role("link", name="Go to checkout").click()
    with site.database():
        shop = Product.objects.select_related("shop").get(title_id=cloth["title"]["id"]).shop.slug

    # The cart has a province of its own (its estimate's): first the checkout page.
    expect(page.get_by_role("heading", level=1)).to_have_text("Shipping details")
    province = page.get_by_label(re.compile(r"^Province"))
    expect(province).to_be_visible()
    page.get_by_label("Full name").fill("Tan Wei Ling")
    page.get_by_label("Email").fill("weiling@example.sg")
    page.get_by_label("Country").select_option(label="Singapore")
    expect(province).to_be_hidden()
    expect(page.get_by_label(re.compile(r"^District"))).to_be_hidden()
    page.get_by_label("WhatsApp number").fill("+65 9123 4567")
    page.get_by_label("Regency/city").fill("Singapore")
    page.get_by_label(re.compile(r"^Address")).fill("10 Bayfront Avenue, #12-03")
    expect(page.locator(f"input[name=shipping-{shop}]").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_360["width"]
    buyer.shot("singapore-address")

    page.get_by_role("button", name=re.compile(r"^Continue to.*payment")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pay")
    with site.database():
        order = Order.objects.get()
    assert (order.country, order.province, order.postal_code) == ("SG", "", "")
    assert buyer.errors == [] and buyer.failed_responses == []


def test_a_shop_that_cannot_send_abroad_says_so_as_the_country_is_chosen(site, journey_factory):
    """With JavaScript, a shop that sends inside Indonesia only says so as soon as the address is
    abroad, before "Calculate shipping", and says it as an alert, as the server's page does."""
    shirt = site.content.products_of(INTAN_MARTAPURA)[0]
    buyer = journey_factory(locale="en-GB", viewport=PHONE_360)
    page = buyer.page
    add_to_cart(site, page, language="en", shop=INTAN_MARTAPURA, product=shirt)
    page.get_by_role("link", name="Go to checkout").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Shipping details")
    page.get_by_label("Country").select_option(label="Singapore")
    page.get_by_label("WhatsApp number").fill("+65 9123 4567")
    page.get_by_label("Regency/city").fill("Singapore")
    page.get_by_label(re.compile(r"^Address")).fill("10 Bayfront Avenue, #12-03")
    with site.database():
        shop_name = Product.objects.select_related("shop").get(title_id=shirt["title"]["id"]).shop.name
    refusal = page.get_by_role("alert").filter(has_text=f"{shop_name} ships to addresses in Indonesia only.")
    expect(refusal).to_be_visible()
    expect(page.locator("#ko-delivery-hint")).to_have_count(1)  # checkout.js wrote it: the form was not sent
    assert buyer.errors == [] and buyer.failed_responses == []
