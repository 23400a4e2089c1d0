"""A tourist on a phone pays with QRIS, offline: the pay page shows the emulated QR code and its
expiry, "Simulasikan pemindaian" pays it at localstripe, whose webhook reaches the live site, and
the page turns into the confirmation by itself. And the test card typed as printed, with spaces."""

import re

from playwright.sync_api import expect

from marketplace.orders.models import Order, OrderStatus
from tests.e2e.conftest import E2E_DB
from tests.e2e.steps import checkout_fill, pay_with

pytestmark = E2E_DB


def to_the_pay_page(site, page) -> None:
    product = site.content.products_of("sasirangan-intan-martapura")[0]
    page.goto(f"{site.url}/en/kampung-sasirangan/")
    page.get_by_role("link", name=product["title"]["en"]).first.click()
    page.get_by_role("button", name="Add to cart").click()
    page.get_by_role("link", name="Go to checkout").click()
    checkout_fill(page)
    page.get_by_role("button", name="Continue to payment").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pay for order")


def test_tourist_pays_with_qris_on_a_phone(site, journey_factory):
    tourist = journey_factory(locale="en-GB")
    page = tourist.page
    to_the_pay_page(site, page)
    page.get_by_role("link", name="QRIS").click()
    page.get_by_role("button", name=re.compile(r"^Show the QRIS code for Rp")).click()
    code = page.locator(".ko-qris__code svg")
    expect(code).to_be_visible()
    box = code.bounding_box()
    assert box["width"] >= 200 and box["x"] >= 0 and box["x"] + box["width"] <= 390  # scannable, on screen
    expect(page.locator(".ko-qris__expiry")).to_contain_text(re.compile(r"valid until \d\d:\d\d"))
    tourist.shot("qris-code")
    page.get_by_role("button", name="Simulate the scan").click()
    # localstripe posts payment_intent.succeeded to the site; the page reloads into the confirmation.
    expect(page.get_by_text("Thank you! Payment received.")).to_be_visible(timeout=30_000)
    tourist.shot("qris-confirmation")
    with site.database():
        assert Order.objects.get().status == OrderStatus.PAID
    assert tourist.errors == []


def test_the_test_cards_typed_as_printed(site, journey_factory):
    """Typed with its spaces, a card number reached the emulator cut at 16 characters ("4000 0000 0000 0"),
    which localstripe then took for some other card: the declining card was paid."""
    tourist = journey_factory(locale="en-GB")
    page = tourist.page
    to_the_pay_page(site, page)
    pay_with(page, "4000 0000 0000 0341", typed=True)
    expect(page.get_by_role("alert")).to_have_text(
        "Your card was declined by the issuing bank. Try another card or call your bank.")
    expect(page.locator("#ko-card-element input[placeholder=number]")).to_have_value("4000000000000341")
    page.reload()
    pay_with(page, "4242 4242 4242 4242", typed=True)
    expect(page.get_by_text("Thank you! Payment received.")).to_be_visible(timeout=30_000)
