"""A buyer whose order was delivered reviews it on a phone, with a photo; an editor approves it in the
Wagtail admin; the artisan replies from the shop dashboard; the product page and its JSON-LD show it.
The review form has no serious or critical axe-core violation."""

from __future__ import annotations

import io
import json
import re
from urllib.parse import urlsplit

from PIL import Image, ImageDraw
from playwright.sync_api import expect

from tests.e2e.conftest import E2E_DB
from tests.e2e.content import PASSWORD
from tests.e2e.steps import admin_sign_in
from tests.e2e.test_accessibility import AXE, BLOCKING, axe_violations, describe

pytestmark = E2E_DB

DESKTOP = {"width": 1280, "height": 900}
ARTISAN = "sasirangan-galuh-banjar"
ARTISAN_EMAIL = "norhayati@galuhbanjar.example"
REVIEW = "Soft cotton and the indigo is deeper than in the photos. Wrapped with a note from the artisan."
REPLY = "Terima kasih, Emily! Semoga kainnya awet dipakai."


def cloth_photo() -> bytes:
    """A phone photo of the cloth on a table, drawn with Pillow."""
    picture = Image.new("RGB", (1200, 900), (222, 205, 170))
    draw = ImageDraw.Draw(picture)
    draw.rectangle((150, 120, 1050, 780), fill=(24, 52, 120))
    for left in range(180, 1050, 90):
        draw.line((left, 140, left + 40, 760), fill=(240, 236, 220), width=12)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def delivered_order_review_path(site, *, artisan: str = ARTISAN, language: str = "en") -> str:
    """An order from `artisan`, shipped and delivered: the path (without the language) of its review form."""
    from marketplace.models import Product
    from marketplace.reviews.links import review_path
    from tests.marketplace.orders import factories as orders

    with site.database():
        product = Product.objects.filter(shop__slug=artisan).order_by("pk").first()
        contact = orders.checkout.Contact(name="Emily Carter", email="emily@example.com", phone="+6281234567890")
        order = orders.delivered_order((product, 1), language=language, contact=contact)
        path = review_path(line_pk=order.sub_orders.get().lines.get().pk, language=language)
    return "/" + path.split("/", 2)[2]


def test_a_buyer_reviews_an_editor_approves_the_artisan_replies(site, journey_factory, mailoutbox):
    from marketplace.models import Product
    from tests.marketplace.orders import factories as orders

    with site.database():
        product = Product.objects.filter(shop__slug=ARTISAN).order_by("pk").first()
        contact = orders.checkout.Contact(name="Emily Carter", email="emily@example.com", phone="+6281234567890")
        order = orders.delivered_order((product, 1), language="en", contact=contact)
    title = product.title_en or product.title_id

    # The invitation came by email; the order's page has the same link.
    [invitation] = [message for message in mailoutbox if "has arrived" in message.subject]
    link = re.search(r"http\S+/en/kampung-sasirangan/ulasan/tulis/\S+/", invitation.body).group(0)
    buyer = journey_factory("buyer", locale="en-GB", bypass_csp=True)  # axe is injected inline
    page = buyer.page
    page.goto(f"{site.url}/en/kampung-sasirangan/pesanan/{order.token}/")
    expect(page.get_by_role("link", name=f"Review {title}")).to_have_attribute("href", urlsplit(link).path)
    buyer.shot("order-delivered")
    page.get_by_role("link", name=f"Review {title}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Review {title}")
    expect(page.get_by_text("Emily, Surabaya")).to_be_visible()

    # Sent empty first: every refusal is said beside its field, and the form passes axe-core.
    page.get_by_role("button", name="Send review").click()
    expect(page.get_by_text("Choose a rating from 1 to 5 stars.")).to_be_visible()
    buyer.shot("review-form-errors")
    if AXE.exists():
        found = {"review-form": [v for v in axe_violations(page) if v["impact"] in BLOCKING]}
        assert not found["review-form"], "axe-core found:\n" + describe(found)
    page.get_by_label("4 stars: pleased").check()
    page.get_by_label("Your review").fill(REVIEW)
    expect(page.get_by_label("Language of the review")).to_have_value("en")
    page.get_by_label(re.compile(r"^Photos \(up to 3\)")).set_input_files(
        files=[{"name": "kain-biru.jpg", "mimeType": "image/jpeg", "buffer": cloth_photo()}])
    buyer.shot("review-form")
    page.get_by_role("button", name="Send review").click()
    expect(page.get_by_text("Thank you! Your review has been received")).to_be_visible()
    buyer.shot("review-sent")
    # Not on the product page until an editor approves it.
    page.goto(f"{site.url}/en/kampung-sasirangan/produk/{product.slug}/")
    expect(page.get_by_text(REVIEW)).to_have_count(0)

    # An editor approves it in the Wagtail admin's review queue.
    editor = journey_factory("editor", viewport=DESKTOP, locale="id-ID")
    admin = editor.page
    admin_sign_in(admin, site.url, "editor")
    admin.goto(f"{site.url}/admin/gebrak/ulasan/")
    expect(admin.get_by_text(REVIEW)).to_be_visible()
    photo = admin.locator("td img").first
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.complete && img.naturalWidth") > 0  # the waiting photo, to moderators
    editor.shot("review-queue")
    admin.get_by_role("button", name="Setujui").click()
    expect(admin.get_by_text("disetujui dan tampil di halaman produk")).to_be_visible()
    editor.shot("review-approved")

    # The artisan replies from the shop dashboard.
    artisan = journey_factory("artisan", locale="id-ID")
    shop = artisan.page
    shop.goto(f"{site.url}/toko/masuk/")
    shop.get_by_label("Alamat email").fill(ARTISAN_EMAIL)
    shop.get_by_label("Kata sandi").fill(PASSWORD)
    shop.get_by_role("button", name="Masuk").click()
    shop.get_by_role("link", name="Ulasan", exact=True).click()
    expect(shop.get_by_text(REVIEW)).to_be_visible()
    shop.get_by_label("Balasan Anda (tampil untuk umum)").fill(REPLY)
    artisan.shot("reply")
    shop.get_by_role("button", name="Kirim balasan").click()
    expect(shop.get_by_text("Balasan Anda tampil di bawah ulasan Emily.")).to_be_visible()
    expect(shop.get_by_role("button", name="Kirim balasan")).to_have_count(0)  # once only
    artisan.shot("replied")

    # The product page shows it: stars, the review, its photo, the reply; and its JSON-LD.
    visitor = journey_factory("visitor", locale="en-GB")
    page = visitor.page
    page.goto(f"{site.url}/en/kampung-sasirangan/produk/{product.slug}/")
    reviews = page.locator("#ulasan")
    expect(reviews.get_by_text(REVIEW)).to_be_visible()
    expect(reviews.get_by_text("Emily, Surabaya")).to_be_visible()
    expect(reviews.get_by_text("Verified buyer")).to_be_visible()
    expect(reviews.get_by_role("img", name="4 out of 5 stars, 1 review")).to_be_visible()
    expect(reviews.get_by_text(REPLY)).to_be_visible()
    thumb = reviews.locator(".rv-photos img")
    expect(thumb).to_have_attribute("src", re.compile(r"\.webp$"))
    # Lazily loaded: it loads once the visitor scrolls down to it (below the delivery box on a phone).
    thumb.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())
    reviews.scroll_into_view_if_needed()
    visitor.shot("product-with-review", full_page=False)
    data = json.loads(page.locator("script[type='application/ld+json']").first.text_content())
    assert data["aggregateRating"]["ratingValue"] == "4.0" and data["aggregateRating"]["reviewCount"] == 1
    assert data["review"][0]["reviewBody"] == REVIEW and data["review"][0]["author"]["name"] == "Emily"
    assert data["review"][0]["inLanguage"] == "en"

    # Someone finds it helpful.
    reviews.get_by_role("button", name="Helpful").click()
    expect(page.get_by_text("Thank you! Your 'helpful' has been counted.")).to_be_visible()
    expect(page.locator("#ulasan").get_by_role("button", name="Helpful (1)")).to_be_visible()

    for journey in (buyer, editor, artisan, visitor):
        assert journey.errors == [], journey.errors
    # The only refusal on the way: the empty review form (400).
    assert [status for status, _path in buyer.failed_responses] == [400]
    assert editor.failed_responses == [] and artisan.failed_responses == [] and visitor.failed_responses == []
