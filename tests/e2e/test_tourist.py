"""A tourist on a phone, in English: from the home page to a destination, its map and what is
nearby, an artisan close by, a search with a typo, two products from two shops, a declined
card, then a good one, and the confirmation. Real chromium, real localstripe, its webhook
posted to the live site."""

import re

import pytest
from playwright.sync_api import expect

from marketplace.orders.models import Order, OrderStatus
from tests.e2e.conftest import E2E_DB
from tests.e2e.steps import CARD_DECLINED, CARD_OK, checkout_fill, pay_with, rupiah, wait_for

pytestmark = E2E_DB

def test_tourist_finds_a_place_and_buys_from_two_artisans(site, journey_factory, mailoutbox):
    tourist = journey_factory(locale="en-GB")
    page = tourist.page

    # Home, in English.
    page.goto(f"{site.url}/en/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Banjar, from floating markets to sasirangan cloth")
    tourist.shot("home")

    # A featured destination.
    page.get_by_role("link", name="Cahaya Bumi Selamat (CBS) Diamond Market, Martapura").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cahaya Bumi Selamat (CBS) Diamond Market, Martapura")
    expect(page).to_have_url(f"{site.url}/en/destinasi/pasar-intan-cbs-martapura/")
    tourist.shot("destination")

    # Its map: OpenStreetMap's tiles cannot load here, so the page says so and keeps the
    # coordinates and the directions link.
    place_map = page.locator(".place-map")
    place_map.scroll_into_view_if_needed()
    expect(place_map).to_contain_text("Coordinates")
    expect(place_map.get_by_role("link", name="Directions")).to_have_attribute("href", re.compile("google.com/maps"))
    marker = page.locator("img.leaflet-marker-icon")  # Leaflet (our copy) ran, its marker found its picture
    expect(marker).to_have_count(1)
    expect(marker).to_have_js_property("complete", True)
    assert marker.evaluate("img => img.naturalWidth") > 0
    expect(page.get_by_role("status").filter(has_text="The map could not be loaded")).to_be_visible(timeout=12_000)
    assert any("tile.openstreetmap.org" in url for url in tourist.blocked)
    tourist.shot("destination-map-without-tiles", full_page=False)

    # What is nearby: other destinations and the artisans of Martapura, nearest first.
    nearby = page.locator("section.nearby")
    nearby.scroll_into_view_if_needed()
    expect(nearby.get_by_role("heading", name="Nearest destinations")).to_be_visible()
    expect(nearby).to_contain_text("Al-Karomah")
    expect(nearby.get_by_role("heading", name="Nearest sasirangan artisans")).to_be_visible()
    tourist.shot("destination-nearby", full_page=False)
    nearby.get_by_role("link", name="Sasirangan Intan Martapura").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sasirangan Intan Martapura")
    tourist.shot("artisan-nearby")

    # First product: from this artisan's shop.
    first = site.content.products_of("sasirangan-intan-martapura")[0]
    page.get_by_role("link", name=first["title"]["en"]).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(first["title"]["en"])
    tourist.shot("product-1")
    page.get_by_role("button", name="Add to cart").click()
    expect(page).to_have_url(f"{site.url}/en/kampung-sasirangan/keranjang/")

    # A search with a typo finds the cloth of another shop, and offers the right spelling.
    second = site.content.products_of("sasirangan-galuh-banjar")[0]  # red and yellow Gigi Haruan cloth
    page.get_by_role("searchbox", name="Search Gebrak Banjar").fill("gigi haruen")
    page.get_by_role("searchbox", name="Search Gebrak Banjar").press("Enter")
    expect(page).to_have_url(re.compile(r"/en/cari/\?q=gigi\+haruen"))
    expect(page.locator(".search-results__did-you-mean")).to_contain_text("gigi haruan")
    result = page.get_by_role("link", name=second["title"]["en"])
    expect(result).to_be_visible()
    tourist.shot("search-with-typo")
    result.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(second["title"]["en"])
    tourist.shot("product-2")
    page.get_by_role("button", name="Add to cart").click()

    # The cart: one list per artisan, one total.
    expect(page.get_by_role("heading", level=1)).to_have_text("Cart")
    expect(page.get_by_role("heading", name="From Sasirangan Intan Martapura")).to_be_visible()
    expect(page.get_by_role("heading", name="From Sasirangan Galuh Banjar")).to_be_visible()
    total = first["price_idr"] + second["price_idr"]
    expect(page.locator(".ko-total")).to_contain_text(rupiah(total))
    tourist.shot("cart-two-artisans")

    # Checkout: who and where.
    page.get_by_role("link", name="Go to checkout").click()
    checkout_fill(page)
    tourist.shot("checkout")
    page.get_by_role("button", name="Continue to payment").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pay for order")
    pay_url = page.url

    # A declined card: a clear message, the order still waits, the cart is untouched.
    pay_with(page, CARD_DECLINED)
    expect(page.get_by_role("alert")).to_have_text(
        "Your card was declined by the issuing bank. Try another card or call your bank.")
    tourist.shot("card-declined")
    with site.database():
        order = Order.objects.get()
    assert order.status == OrderStatus.AWAITING_PAYMENT
    page.goto(f"{site.url}/en/kampung-sasirangan/keranjang/")
    expect(page.locator(".ko-cart-line")).to_have_count(2)
    expect(page.locator(".ko-total")).to_contain_text(rupiah(total))
    tourist.shot("cart-intact-after-decline")

    # The test card that works: the confirmation, once Stripe's webhook has said so.
    page.goto(pay_url)
    pay_with(page, CARD_OK)
    expect(page.get_by_text("Thank you! Payment received.")).to_be_visible(timeout=20_000)
    expect(page.get_by_text(order.number)).to_be_visible()
    tourist.shot("confirmation")
    with site.database():
        order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert wait_for(lambda: any(message.to == ["emily@example.com"] for message in mailoutbox))

    # Paid: the cart is empty now.
    page.goto(f"{site.url}/en/kampung-sasirangan/keranjang/")
    expect(page.get_by_text("Your cart is still empty.")).to_be_visible()
    assert tourist.errors == []
    # The only failed request: the site saying 402 to the declined card.
    assert tourist.failed_responses == [(402, f"/en/kampung-sasirangan/checkout/{order.token}/emulator/")]


def test_a_finger_swiping_over_a_map_on_a_phone_scrolls_the_page(site, journey_factory):
    """The destinations list's map took a one-finger swipe for itself and the page stood still
    (found by a tourist's walk on a phone). On a phone the map leaves one-finger panning to the
    browser (CSS touch-action, which decides what a swipe does) and keeps pinching; a computer's
    mouse still drags it."""
    phone = journey_factory("phone", viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True,
                            locale="id-ID", user_agent=("Mozilla/5.0 (Linux; Android 13; SM-A146P) AppleWebKit/537.36 "
                                                        "(KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36"))
    computer = journey_factory("computer", viewport={"width": 1280, "height": 900}, locale="id-ID")
    for journey, swipe_scrolls in ((phone, True), (computer, False)):
        page = journey.page
        page.goto(f"{site.url}/id/destinasi/")
        the_map = page.locator("[data-map=destinations]")
        expect(the_map).to_have_class(re.compile("leaflet-container"))
        touch_action = the_map.evaluate("box => getComputedStyle(box).touchAction")
        classes = the_map.get_attribute("class").split()
        if swipe_scrolls:
            assert "pan-y" in touch_action and "leaflet-grab" not in classes, (touch_action, classes)
        else:
            assert "leaflet-grab" in classes, classes  # dragged with the mouse


@pytest.mark.parametrize("path", ["/id/kampung-sasirangan/", "/id/cari/?type=product"])
def test_a_price_typed_the_indonesian_way_filters_the_cloths(site, journey_factory, path):
    """A tourist types "150.000" (Rp 150.000, as prices are written here) into the price filter of the
    listing or the search. The boxes were the browser's number boxes (step 1000), which read the dot
    as a decimal point and refused to send the form ("the two nearest valid values are 0 and 1000"),
    though the server reads dots between the thousands. A text box with the phone's number pad sends
    what was typed; the server reads it as Rp 150.000."""
    journey = journey_factory("phone", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                              locale="id-ID")
    page = journey.page
    page.goto(f"{site.url}{path}")
    price_min = page.locator("input[name=price_min]")
    price_min.evaluate("box => { const group = box.closest('details'); if (group) group.open = true; }")
    assert price_min.get_attribute("inputmode") == "numeric"
    price_min.press_sequentially("150.000")
    price_min.press("Enter")
    expect(page).to_have_url(re.compile(r"price_min=150\.000"))
    expect(page.locator("input[name=price_min]")).to_have_value(re.compile(r"^150\.?000$"))
    prices = [int(re.sub(r"\D", "", text)) for text in page.locator("main").get_by_text(re.compile(r"^Rp [\d.]+")).all_inner_texts()]
    assert prices and min(prices) >= 150_000, prices
    assert journey.errors == []
