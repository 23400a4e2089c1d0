"""A buyer on /en/ reads the products' English titles (Indonesian where there is none) after the
cart too: on the pay page, the order's pages and in their emails. Artisans read Indonesian."""

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.urls import reverse
from django.utils import translation

from marketplace.orders import checkout, fulfilment
from marketplace.orders.models import Order
from tests.marketplace.factories import UserFactory
from tests.marketplace.orders import emulator
from tests.marketplace.orders import factories as f

pytestmark = pytest.mark.django_db
ADD = "/en/kampung-sasirangan/keranjang/tambah/"


def lines_on(response) -> list[str]:
    page = BeautifulSoup(response.content, "html.parser")
    return [item.get_text(" ", strip=True) for item in page.select(".ko-lines li")]


def test_english_titles_on_the_pay_and_order_pages_and_in_the_buyers_emails(client,
                                                                            django_capture_on_commit_callbacks):
    aminah = f.shop(name="Sasirangan Ibu Aminah", owner=UserFactory(email="aminah@contoh.id"))
    kain = f.product(shop=aminah, title_id="Kain Gigi Haruan", title_en="Gigi Haruan Cloth", price_idr=175_000,
                     stock=4)
    selendang = f.product(shop=aminah, title_id="Selendang Kulat Karikit", title_en="", price_idr=120_000, stock=2)
    client.post(ADD, {"product": kain.pk, "quantity": 2})
    client.post(ADD, {"product": selendang.pk, "quantity": 1})
    pay_url = emulator.checkout_form(client, lang="en")["Location"]
    assert pay_url.startswith("/en/")

    pay_lines = " | ".join(lines_on(client.get(pay_url)))
    assert "2 × Gigi Haruan Cloth" in pay_lines and "1 × Selendang Kulat Karikit" in pay_lines
    assert "Kain Gigi Haruan" not in pay_lines
    # The same order read in Indonesian, and what was bought stays as it was in both languages.
    assert "2 × Kain Gigi Haruan" in " | ".join(lines_on(client.get(pay_url.replace("/en/", "/id/", 1))))
    kain.title_en = "Renamed Cloth"
    kain.save()

    order = Order.objects.get()
    order.stripe_payment_intent_id = "pi_test_english_titles"
    order.save(update_fields=["stripe_payment_intent_id"])
    with django_capture_on_commit_callbacks(execute=True):
        checkout.order_mark_paid(order=order, intent=f.intent_for(order))
    confirmation = client.get(f"/en/kampung-sasirangan/pesanan/{order.token}/terima-kasih/")
    assert "2 × Gigi Haruan Cloth" in " | ".join(lines_on(confirmation))

    buyer, artisan = (next(message for message in mail.outbox if message.to == [to])
                      for to in (order.email, "aminah@contoh.id"))
    assert "2 × Gigi Haruan Cloth" in buyer.body and "1 × Selendang Kulat Karikit" in buyer.body
    assert "2 × Kain Gigi Haruan" in artisan.body and "Gigi Haruan Cloth" not in artisan.body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        fulfilment.suborder_mark_shipped(sub_order=order.sub_orders.get(), courier="JNE",
                                         tracking_number="JNE123456789")
    assert "2 × Gigi Haruan Cloth" in mail.outbox[0].body


def test_a_refusal_for_lack_of_stock_names_the_english_title():
    kain = f.product(shop=f.shop(), title_id="Kain Gigi Haruan", title_en="Gigi Haruan Cloth", stock=1)
    with translation.override("en"), pytest.raises(checkout.CheckoutError) as caught:
        f.order_start((kain, 2), language="en")
    assert "Gigi Haruan Cloth" in caught.value.message


def test_a_shipped_part_reads_shipped_in_both_places(client):
    """The status pill said "Sent" above "Shipped with JNE ..." (issue 18): one word, both languages."""
    kain = f.product(shop=f.shop(name="Sasirangan Ibu Aminah"), title_id="Kain Gigi Haruan", stock=4)
    order = f.paid_order((kain, 1), language="en")
    fulfilment.suborder_mark_shipped(sub_order=order.sub_orders.get(), courier="JNE", tracking_number="JNE01234")

    def status(language):
        page = BeautifulSoup(client.get(f"/{language}/kampung-sasirangan/pesanan/{order.token}/").content,
                             "html.parser")
        shipping = page.select_one(".ko-shipping").get_text(" ", strip=True)
        return page.select_one(".ko-pill").get_text(strip=True), shipping.split(",")[0]

    assert status("en") == ("Shipped", "Shipped with JNE")
    assert status("id") == ("Dikirim", "Dikirim dengan JNE")


@pytest.mark.parametrize("kind", ["pickup", "courier"])
def test_a_paid_order_reads_as_being_prepared_and_a_pickup_is_not_said_to_be_shipped(client, kind):
    """A buyer collecting at the workshop read "Perlu dikirim" (the artisan's "to ship"), "the artisans
    will ship your items and send the tracking number" and "Dikirim ke" their home address (found by
    a tourist's walk)."""
    shop = f.shop(name="Sasirangan Ibu Aminah", offers_pickup=True, pickup_address="Jl. Pasayangan No. 7")
    kain = f.product(shop=shop, title_id="Kain Gigi Haruan", stock=4)
    order = f.paid_order((kain, 1), kind=kind)
    url = reverse("orders:confirmation", kwargs={"token": order.token})
    page = BeautifulSoup(client.get(url, follow=True).content, "html.parser")
    text = " ".join(page.get_text(" ").split())
    assert "Terima kasih! Pembayaran diterima." in text
    assert page.select_one(".ko-pill").get_text(strip=True) == "Sedang disiapkan"
    street = order.address_lines[0]
    if kind == "pickup":
        assert "siap diambil" in text and "nomor resi" not in text
        assert "Dikirim ke" not in text and street not in text
    else:
        assert "memberi tahu nomor resi" in text and "Dikirim ke" in text and street in text
