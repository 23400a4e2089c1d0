"""Buying end to end against the real Stripe emulator (localstripe): a tourist buys from two
shops with 4242 4242 4242 4242, sees the confirmation; a declined card says so and leaves the
cart; the webhook marks the order paid and a duplicate changes nothing; each artisan sees
their part and what they are owed. The last test lets localstripe deliver the webhook itself
to a live server."""

import json
import time
import uuid
from datetime import timedelta

import pytest
import requests
from bs4 import BeautifulSoup
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from marketplace.models import Product
from marketplace.orders import cart
from marketplace.orders.models import Order, OrderStatus, PayoutLine, StockState, SubOrderStatus
from marketplace.payments import stripe_client
from marketplace.payments.models import StripeEvent
from tests.marketplace.factories import UserFactory
from tests.marketplace.orders import emulator
from tests.marketplace.orders import factories as f

pytestmark = pytest.mark.django_db
ADD = "/{lang}/kampung-sasirangan/keranjang/tambah/"


@pytest.fixture
def goods(stripe_emulator):
    aminah, tambak = f.shop(name="Sasirangan Ibu Aminah"), f.shop(name="Kelompok Tambak Baru")
    return {"kain": f.product(shop=aminah, title_id="Kain Gigi Haruan", price_idr=175_000, stock=4),
            "selendang": f.product(shop=tambak, title_id="Selendang Kulat Karikit", price_idr=120_000, stock=2)}


def fill_cart(client, goods, lang="id"):
    client.post(ADD.format(lang=lang), {"product": goods["kain"].pk, "quantity": 2})
    client.post(ADD.format(lang=lang), {"product": goods["selendang"].pk, "quantity": 1})


def stocks(goods):
    return {name: Product.objects.get(pk=product.pk).stock for name, product in goods.items()}


def test_two_shops_one_payment_confirmation_and_artisans(client, goods, stripe_emulator,
                                                         django_capture_on_commit_callbacks):
    fill_cart(client, goods)
    response = emulator.checkout_form(client)
    assert response.status_code == 302
    pay_url = response["Location"]
    order = Order.objects.get()
    # Goods 470 000 and each shop's parcel to Surabaya at the seeded table's cheapest first kilogram, 36 000.
    assert (order.total_idr, order.status, order.phone) == (542_000, OrderStatus.AWAITING_PAYMENT, "+6281234567890")
    assert sorted((s.shop.name, s.amount_idr) for s in order.sub_orders.all()) == [
        ("Kelompok Tambak Baru", 120_000), ("Sasirangan Ibu Aminah", 350_000)]
    assert stocks(goods) == {"kain": 2, "selendang": 1}  # reserved

    # Two clicks on "Bayar": one PaymentIntent.
    config = emulator.pay_config(client.get(pay_url))
    assert config["mode"] == "emulator"
    first = client.post(config["prepareUrl"], content_type="application/json").json()
    second = client.post(config["prepareUrl"], content_type="application/json").json()
    assert first["client_secret"] == second["client_secret"]
    order.refresh_from_db()
    intent = stripe_client.payment_intent_retrieve(order.stripe_payment_intent_id)
    assert (intent.amount, intent.currency, intent.metadata["order"]) == (54_200_000, "idr", str(order.pk))

    paid = emulator.pay_with_card(client, stripe_emulator, pay_url)
    assert paid.status_code == 200 and paid.json()["status"] == "succeeded"

    # Stripe's webhook (the PaymentIntent as Stripe now has it) marks it paid.
    event = emulator.event_for(stripe_client.payment_intent_retrieve(order.stripe_payment_intent_id),
                               "payment_intent.succeeded")
    with django_capture_on_commit_callbacks(execute=True):
        assert emulator.deliver(client, event) == "handled"
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert set(order.sub_orders.values_list("status", flat=True)) == {SubOrderStatus.PAID}
    assert set(order.sub_orders.values_list("lines__stock_state", flat=True)) == {StockState.CONSUMED}
    assert stocks(goods) == {"kain": 2, "selendang": 1}
    subjects = sorted(message.subject for message in mail.outbox)
    assert subjects == sorted([f"Pesanan {order.number} diterima — Kampung Sasirangan",
                               f"Pesanan baru {order.number} untuk Sasirangan Ibu Aminah",
                               f"Pesanan baru {order.number} untuk Kelompok Tambak Baru"])
    confirmation = next(m for m in mail.outbox if m.to == ["rina@contoh.id"])
    assert f"/id/kampung-sasirangan/pesanan/{order.token}/" in confirmation.body

    # A duplicate of the same event changes nothing.
    ledger = list(PayoutLine.objects.values_list("pk", "amount_idr"))
    with django_capture_on_commit_callbacks(execute=True):
        assert emulator.deliver(client, event) == "duplicate"
    assert list(PayoutLine.objects.values_list("pk", "amount_idr")) == ledger
    assert len(mail.outbox) == 3 and stocks(goods) == {"kain": 2, "selendang": 1}

    page = client.get(config["confirmationUrl"])
    assert "Terima kasih! Pembayaran diterima." in page.content.decode()
    assert client.session.get(cart.SESSION_KEY) == {}

    # Each artisan sees their part, and what they are owed: sale − 5 % fee + shipping.
    for product, owed in ((goods["kain"], "Rp 368.500"), (goods["selendang"], "Rp 150.000")):
        client.force_login(product.shop.owner)
        orders_page = client.get("/toko/pesanan/").content.decode()
        assert order.number in orders_page and product.title_id in orders_page
        earnings = BeautifulSoup(client.get("/toko/pendapatan/").content, "html.parser")
        assert owed in earnings.select_one(".db-table tbody").get_text()


def test_declined_card_says_so_and_the_cart_stays(client, goods, stripe_emulator):
    fill_cart(client, goods, lang="en")
    pay_url = emulator.checkout_form(client, lang="en")["Location"]
    cart_before = dict(client.session[cart.SESSION_KEY])

    declined = emulator.pay_with_card(client, stripe_emulator, pay_url, emulator.CARD_DECLINED)
    assert declined.status_code == 402
    assert declined.json()["error"] == "card_declined"
    assert declined.json()["message"] == "Your card was declined by the issuing bank. Try another card or call your bank."
    assert client.session[cart.SESSION_KEY] == cart_before
    order = Order.objects.get()
    assert order.status == OrderStatus.AWAITING_PAYMENT
    declined_intent = order.stripe_payment_intent_id

    # The emulator's payment_failed webhook gives the stock back ...
    failed = emulator.event_for(stripe_client.payment_intent_retrieve(declined_intent),
                                "payment_intent.payment_failed")
    emulator.deliver(client, failed)
    assert stocks(goods) == {"kain": 4, "selendang": 2}

    # ... and the next attempt takes it again and pays on a fresh PaymentIntent (the emulator
    # cannot retry a declined one).
    ok = emulator.pay_with_card(client, stripe_emulator, pay_url, emulator.CARD_OK)
    assert ok.json()["status"] == "succeeded"
    order.refresh_from_db()
    assert order.stripe_payment_intent_id != declined_intent and order.payment_intent_count == 2
    assert stocks(goods) == {"kain": 2, "selendang": 1}
    assert stripe_client.payment_intent_retrieve(declined_intent).status == "canceled"

    # A late copy of the old failure changes nothing now.
    late = emulator.event_for(stripe_client.payment_intent_retrieve(declined_intent), "payment_intent.payment_failed")
    emulator.deliver(client, late)
    assert stocks(goods) == {"kain": 2, "selendang": 1}


def test_the_confirmation_page_asks_stripe_when_the_webhook_is_late(client, goods, stripe_emulator):
    fill_cart(client, goods)
    pay_url = emulator.checkout_form(client)["Location"]
    emulator.pay_with_card(client, stripe_emulator, pay_url)
    order = Order.objects.get()
    assert order.status == OrderStatus.AWAITING_PAYMENT  # no webhook yet
    confirmation = f"/id/kampung-sasirangan/pesanan/{order.token}/terima-kasih/"
    waiting = client.get(confirmation).content.decode()
    assert "menunggu konfirmasi pembayaran dari Stripe" in waiting and 'http-equiv="refresh"' in waiting
    Order.objects.filter(pk=order.pk).update(payment_prepared_at=timezone.now() - timedelta(seconds=11))
    page = client.get(confirmation)
    assert "Terima kasih! Pembayaran diterima." in page.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


def test_three_d_secure_card_asks_the_page_to_authenticate(client, goods, stripe_emulator):
    fill_cart(client, goods)
    pay_url = emulator.checkout_form(client)["Location"]
    answer = emulator.pay_with_card(client, stripe_emulator, pay_url, emulator.CARD_3DS).json()
    assert answer["status"] == "requires_action" and answer["client_secret"].startswith("pi_")
    # What localstripe's Stripe.js does when the buyer completes 3-D Secure.
    intent_id = answer["client_secret"].split("_secret_")[0]
    done = requests.post(f"{stripe_emulator}/v1/payment_intents/{intent_id}/_authenticate?success=true",
                         data=json.dumps({"key": stripe_client.publishable_key(),
                                          "client_secret": answer["client_secret"]}), timeout=10)
    assert done.json()["status"] == "succeeded"


def test_without_javascript_the_pay_page_says_what_to_do(client, goods):
    fill_cart(client, goods)
    page = BeautifulSoup(client.get(emulator.checkout_form(client)["Location"]).content, "html.parser")
    assert "memerlukan JavaScript" in page.select_one("noscript").get_text()
    assert page.select_one("#ko-pay-form").has_attr("hidden")


@pytest.mark.django_db(transaction=True)
def test_localstripe_delivers_the_webhook_itself(client, live_server, stripe_emulator):
    """The real thing: localstripe signs and posts payment_intent.succeeded to the running site."""
    shop = f.shop(name="Sasirangan Ibu Aminah")
    kain = f.product(shop=shop, title_id="Kain Gigi Haruan", price_idr=175_000, stock=4)
    hook_id = f"test-{uuid.uuid4().hex[:8]}"
    requests.post(f"{stripe_emulator}/_config/webhooks/{hook_id}", timeout=5, data={
        "url": f"{live_server.url}/payments/stripe/webhook/", "secret": stripe_client.EMULATOR_WEBHOOK_SECRET,
        "events[0]": "payment_intent.succeeded"}).raise_for_status()
    client.post(ADD.format(lang="id"), {"product": kain.pk, "quantity": 1})
    pay_url = emulator.checkout_form(client)["Location"]
    assert emulator.pay_with_card(client, stripe_emulator, pay_url).json()["status"] == "succeeded"
    order = Order.objects.get()
    deadline = time.monotonic() + 15
    # Wait for the confirmation email, the last thing done (after the commit): with SQLite the
    # live server shares the test's connection, so the rows show before the work is over.
    while time.monotonic() < deadline and not any(message.to == ["rina@contoh.id"] for message in mail.outbox):
        time.sleep(0.2)
    order.refresh_from_db()
    # (localstripe also posts the earlier tests' late events here; they are not about this order.)
    event = StripeEvent.objects.get(type="payment_intent.succeeded", object_id=order.stripe_payment_intent_id)
    assert event.handled
    assert order.status == OrderStatus.PAID


def test_paying_again_before_the_webhook_came_goes_to_the_confirmation_not_a_card_error(client, goods, stripe_emulator):
    """Found by a buyer's journey: paid, then Back to the pay page (the webhook not in yet) and "Bayar"
    again. The PaymentIntent had succeeded; confirming it again was refused, and the buyer read that
    the card number was wrong."""
    fill_cart(client, goods)
    pay_url = emulator.checkout_form(client)["Location"]
    assert emulator.pay_with_card(client, stripe_emulator, pay_url).json()["status"] == "succeeded"
    order = Order.objects.get()
    assert order.status == OrderStatus.AWAITING_PAYMENT  # no webhook yet
    again = emulator.pay_with_card(client, stripe_emulator, pay_url)
    assert again.status_code == 200 and again.json()["status"] == "succeeded", again.content
    assert Order.objects.get().payment_intent_count == 1
    # Past the webhook's grace the pay page asks Stripe and sends the buyer to the order instead.
    Order.objects.filter(pk=order.pk).update(payment_prepared_at=timezone.now() - timedelta(seconds=11))
    cache.clear()
    back = client.get(pay_url)
    assert back.status_code == 302 and back["Location"] == f"/id/kampung-sasirangan/pesanan/{order.token}/"
    assert Order.objects.get().status == OrderStatus.PAID


def test_back_to_the_delivery_details_from_the_pay_page_keeps_what_the_buyer_wrote(client, goods):
    """The pay page's "Data pengiriman" link opened the checkout with name, email, phone, district,
    postal code and street empty, and each shop's courier back to the cheapest."""
    fill_cart(client, goods)
    first = client.get("/id/kampung-sasirangan/checkout/")
    chosen = {}
    for radio in BeautifulSoup(emulator.checkout_form(client, action="quote").content, "html.parser").select(
            "input[type=radio][name^=shipping-]"):
        chosen.setdefault(radio["name"], radio["value"])  # not the page's default: the first offered
    assert first.status_code == 200
    emulator.checkout_form(client, **chosen)
    order = Order.objects.get()
    back = BeautifulSoup(client.get("/id/kampung-sasirangan/checkout/").content, "html.parser")
    values = {field: back.select_one(f"[name={field}]") for field in
              ("name", "email", "phone", "district", "postal_code", "street")}
    assert {field: (box.get("value") or box.get_text()).strip() for field, box in values.items()} == {
        "name": "Rina Wulandari", "email": "rina@contoh.id", "phone": order.phone, "district": "Gubeng",
        "postal_code": "60281", "street": "Jl. Kertajaya No. 12"}
    wanted = {fieldset["data-field"]: fieldset.get("data-wanted") for fieldset in back.select("fieldset[data-field]")}
    assert wanted == chosen


@pytest.mark.parametrize(("lang", "one_day", "script_day"), [("id", "1 hari", "%(days)s hari"),
                                                           ("en", "1 day", "%(days)s day")])
def test_a_courier_of_one_day_reads_one_day_not_a_range_of_one(client, goods, lang, one_day, script_day):
    fill_cart(client, goods, lang=lang)  # JNE YES takes a day to Surabaya in the seeded table
    quote = BeautifulSoup(emulator.checkout_form(client, lang=lang, action="quote").content, "html.parser")
    labels = [label.get_text(" ", strip=True) for label in quote.select("label[for^=shipping-]")]
    yes = [label for label in labels if label.startswith("JNE YES")]
    assert yes and all(label.endswith(f"· {one_day}") for label in yes), yes
    # What checkout.js writes when the address changes: the same words.
    script = json.loads(quote.select_one("#ko-delivery-config").string)
    assert script["messages"]["day"] == script_day


def test_the_next_person_at_a_shared_browser_does_not_read_the_last_ones_address(client, goods):
    """The unpaid attempt's details fill the form for the same buyer only, while it holds its goods."""
    fill_cart(client, goods)
    emulator.checkout_form(client)
    order = Order.objects.get()

    def street_shown():
        page = BeautifulSoup(client.get("/id/kampung-sasirangan/checkout/").content, "html.parser")
        return page.select_one("[name=street]").get_text().strip()

    assert street_shown() == "Jl. Kertajaya No. 12"
    Order.objects.filter(pk=order.pk).update(reserved_until=timezone.now() - timedelta(minutes=1))
    assert street_shown() == ""  # left long ago: the goods went back to the shelf
    Order.objects.filter(pk=order.pk).update(reserved_until=timezone.now() + timedelta(minutes=10))
    client.force_login(UserFactory())  # another person signs in on the same browser
    assert street_shown() == ""
