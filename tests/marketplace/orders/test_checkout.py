"""Checkout: the form, one order with a sub-order per shop and snapshots of what was bought,
stock reserved and released, and every refusal a 4xx with a message and nothing written."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.utils import timezone

from marketplace.models import Product
from marketplace.orders import checkout, stock
from marketplace.orders.models import Order, OrderLine, StockState
from tests.marketplace.factories import add_size
from tests.marketplace.orders import emulator
from tests.marketplace.orders import factories as f

pytestmark = pytest.mark.django_db
ADD = "/id/kampung-sasirangan/keranjang/tambah/"


@pytest.fixture
def kain():
    return f.product(shop=f.shop(name="Sasirangan Ibu Aminah"), title_id="Kain Gigi Haruan", price_idr=175_000,
                     stock=3)


def errors_on(response) -> list[str]:
    page = BeautifulSoup(response.content, "html.parser")
    return [item.get_text(" ", strip=True) for item in page.select(".ko-errors li, .ko-message--error")]


def stock_now(product) -> int:
    return Product.objects.get(pk=product.pk).stock


def test_empty_cart_goes_back_to_the_cart(client):
    response = client.get("/id/kampung-sasirangan/checkout/")
    assert response.status_code == 302 and response["Location"] == "/id/kampung-sasirangan/keranjang/"


@pytest.mark.parametrize(("field", "value", "message"), [
    ("postal_code", "7061", "Kode pos terdiri dari 5 angka, mis. 70614."),
    ("postal_code", "07061", "Kode pos terdiri dari 5 angka, mis. 70614."),
    ("postal_code", "7O614", "Kode pos terdiri dari 5 angka, mis. 70614."),
    ("phone", "12345", "Nomor WhatsApp tidak valid. Contoh: 0812 3456 7890."),
    ("phone", "0812 3456 7890 ext. 12345", "Nomor WhatsApp terlalu panjang. Contoh: 0812 3456 7890."),
    ("province", "Atlantis", "Pilih provinsi dari daftar."),
    ("email", "rina@", "Tulis alamat email yang benar, mis. nama@contoh.id."),
    ("name", "", "Tulis nama penerima."),
    ("name", " A. ", "Tulis nama penerima seperti di KTP atau paspor, mis. Siti Aminah."),
    ("name", "--", "Tulis nama penerima seperti di KTP atau paspor, mis. Siti Aminah."),
    ("district", "   ", "Tulis kecamatan."),
    ("checkout_key", "", "Formulir kedaluwarsa; muat ulang halaman."),
])
def test_bad_contact_or_address_is_400_with_the_reason_beside_the_field(client, kain, field, value, message):
    client.post(ADD, {"product": kain.pk, "quantity": 1})
    response = emulator.checkout_form(client, **{field: value})
    assert response.status_code == 400
    assert message in errors_on(response)
    assert not Order.objects.exists() and stock_now(kain) == 3


@pytest.mark.parametrize("written", ["70 111", "70-111", "７０１１１", " 70111 "])
def test_a_postal_code_written_as_people_group_it_is_read(client, kain, written):
    """A buyer on a phone wrote "70 111" and was told a postal code has five digits (found by a
    tourist's walk)."""
    client.post(ADD, {"product": kain.pk, "quantity": 1})
    assert emulator.checkout_form(client, postal_code=written).status_code == 302
    assert Order.objects.get().postal_code == "70111"


# Android's contacts copy "+62 812-3456-7890" wrapped in direction marks (U+202A ... U+202C); a chat app
# adds a zero-width space between the groups: 21 characters, of which 17 are seen.
PASTED_PHONE = "\u202a+62\u00a0812\u200b-3456\u200b-7890\u202c"


def test_a_whatsapp_number_pasted_with_invisible_marks_is_not_too_long(client, kain):
    """The 20-character limit counted the invisible marks: the number was refused as "terlalu panjang"
    though it showed 17 characters; the limit is on what remains once they are dropped."""
    client.post(ADD, {"product": kain.pk, "quantity": 1})
    page = BeautifulSoup(client.get("/id/kampung-sasirangan/checkout/").content, "html.parser")
    # A browser cuts a paste at `maxlength`, counting the marks: the digits at the end would be lost.
    assert not page.select_one("input[name=phone]").has_attr("maxlength")
    response = emulator.checkout_form(client, phone=PASTED_PHONE)
    assert response.status_code == 302, errors_on(response)
    assert Order.objects.get().phone == "+6281234567890"


def test_a_phone_number_too_long_once_its_marks_are_dropped_is_still_refused(client, kain):
    client.post(ADD, {"product": kain.pk, "quantity": 1})
    response = emulator.checkout_form(client, phone="\u202a0812 3456 7890 ext. 12345\u202c")
    assert response.status_code == 400
    assert "Nomor WhatsApp terlalu panjang. Contoh: 0812 3456 7890." in errors_on(response)


@pytest.mark.parametrize("name", ["Sukarno", "Nguyễn Thị Lan", "李娜", "O'Neil Jr."])
def test_a_name_of_one_word_or_another_script_is_a_name(client, kain, name):
    client.post(ADD, {"product": kain.pk, "quantity": 1})
    assert emulator.checkout_form(client, name=name).status_code == 302
    assert Order.objects.get().name == name


def test_order_keeps_what_was_bought_as_it_was(client, kain):
    kemeja = f.product(shop=f.shop(name="Kelompok Tambak Baru"), title_id="Kemeja Sasirangan", price_idr=250_000,
                       stock=2)
    size = add_size(kemeja, "L", 2)
    client.post(ADD, {"product": kain.pk, "quantity": 2})
    client.post(ADD, {"product": kemeja.pk, "size": size.pk, "quantity": 1})
    assert emulator.checkout_form(client).status_code == 302
    order = Order.objects.get()
    Product.objects.filter(pk=kain.pk).update(title_id="Judul Baru", price_idr=1)
    lines = {line.title: (line.size_label, line.unit_price_idr, line.quantity, line.stock_state)
             for line in OrderLine.objects.filter(sub_order__order=order)}
    assert lines == {"Kain Gigi Haruan": ("", 175_000, 2, StockState.RESERVED),
                     "Kemeja Sasirangan": ("L", 250_000, 1, StockState.RESERVED)}
    assert order.sub_orders.count() == 2 and order.total_idr == 600_000 + order.shipping_idr > 600_000
    assert stock_now(kain) == 1 and stock_now(kemeja) == 1
    size.refresh_from_db()
    assert size.stock == 1


def test_out_of_stock_at_checkout_is_409_and_nothing_is_written(client, kain):
    client.post(ADD, {"product": kain.pk, "quantity": 3})
    page = client.get("/id/kampung-sasirangan/checkout/")
    Product.objects.filter(pk=kain.pk).update(stock=1)  # someone else was faster
    data = {"name": "Rina", "email": "rina@contoh.id", "phone": "081234567890", "province": "Bali",
            "regency": "Badung", "district": "Kuta", "postal_code": "80361", "street": "Jl. Pantai 1",
            "checkout_key": emulator.checkout_key(page)}
    data.update(emulator.delivery_choices(client.post("/id/kampung-sasirangan/checkout/", {**data, "action": "quote"})))
    response = client.post("/id/kampung-sasirangan/checkout/", data)
    assert response.status_code in {302, 409}
    if response.status_code == 302:
        # The cart was lowered to what is left when the page read it; the order is for 1.
        assert Order.objects.get().sub_orders.get().amount_idr == 175_000
    else:
        assert not Order.objects.exists()


def test_checkout_start_refuses_more_than_the_stock_and_writes_nothing(kain):
    with pytest.raises(checkout.CheckoutError) as refused:
        f.order_start((kain, 4))
    assert refused.value.status == 409
    assert refused.value.message == "Maaf, “Kain Gigi Haruan” tinggal 3. Ubah keranjang Anda lalu coba lagi."
    assert not Order.objects.exists() and not OrderLine.objects.exists() and stock_now(kain) == 3


def test_a_size_that_runs_out_undoes_the_whole_reservation(kain):
    kemeja = f.product(shop=kain.shop, stock=3)
    small = add_size(kemeja, "S", 1)
    add_size(kemeja, "M", 2)
    with pytest.raises(checkout.CheckoutError):
        f.order_start((kain, 1), (kemeja, small, 2))
    assert stock_now(kain) == 3 and stock_now(kemeja) == 3
    small.refresh_from_db()
    assert small.stock == 1


def test_double_submit_makes_one_order(client, kain):
    client.post(ADD, {"product": kain.pk, "quantity": 1})
    page = client.get("/id/kampung-sasirangan/checkout/")
    data = {"name": "Rina", "email": "rina@contoh.id", "phone": "081234567890", "province": "Bali",
            "regency": "Badung", "district": "Kuta", "postal_code": "80361", "street": "Jl. Pantai 1",
            "checkout_key": emulator.checkout_key(page)}
    data.update(emulator.delivery_choices(client.post("/id/kampung-sasirangan/checkout/", {**data, "action": "quote"})))
    first = client.post("/id/kampung-sasirangan/checkout/", data)
    second = client.post("/id/kampung-sasirangan/checkout/", data)
    assert first["Location"] == second["Location"]
    assert Order.objects.count() == 1 and stock_now(kain) == 2


def test_a_total_stripe_cannot_take_is_refused_with_a_clear_message(client):
    mahal = f.product(shop=f.shop(), title_id="Kain Pusaka", price_idr=5_000_000_000, stock=5)
    client.post(ADD, {"product": mahal.pk, "quantity": 2})
    cart_page = client.get("/id/kampung-sasirangan/keranjang/")
    assert "melebihi batas satu pembayaran kartu (Rp 9.999.999.999)" in cart_page.content.decode()
    response = client.get("/id/kampung-sasirangan/checkout/")
    assert response.status_code == 400
    with pytest.raises(checkout.CheckoutError) as refused:
        f.order_start((mahal, 2))
    assert refused.value.code == "amount_too_large"
    assert not Order.objects.exists() and stock_now(mahal) == 5


def test_unpublished_since_it_went_in_the_cart_is_refused(kain):
    Product.objects.filter(pk=kain.pk).update(is_published=False)
    with pytest.raises(checkout.CheckoutError) as refused:
        f.order_start((kain, 1))
    assert refused.value.status == 409


def test_expired_reservations_go_back_and_the_order_can_still_be_paid(kain, settings, stripe_emulator):
    settings.STOCK_RESERVATION_MINUTES = 30
    order = f.order_start((kain, 2))
    assert stock_now(kain) == 1
    assert stock.stock_release_expired(now=timezone.now() + timedelta(minutes=29)) == 0
    call_command("stock_release_expired")
    assert stock_now(kain) == 1
    assert stock.stock_release_expired(now=timezone.now() + timedelta(minutes=31)) == 1
    assert stock_now(kain) == 3
    assert set(OrderLine.objects.values_list("stock_state", flat=True)) == {StockState.RELEASED}
    # The buyer comes back to pay: the stock is taken again, for another 30 minutes.
    ready = checkout.checkout_payment_prepare(order=order)
    assert ready.client_secret.startswith(ready.payment_intent_id)
    assert stock_now(kain) == 1
    order.refresh_from_db()
    assert order.reserved_until > timezone.now() + timedelta(minutes=29)


def test_paying_for_an_expired_order_whose_stock_is_gone_says_so(kain, stripe_emulator):
    order = f.order_start((kain, 2))
    stock.stock_release_expired(now=timezone.now() + timedelta(hours=1))
    Product.objects.filter(pk=kain.pk).update(stock=1)
    with pytest.raises(checkout.CheckoutError) as refused:
        checkout.checkout_payment_prepare(order=order)
    assert refused.value.status == 409 and "tinggal 1" in refused.value.message


def test_going_back_to_the_cart_and_checking_out_again_gives_back_the_first_attempts_stock(client, kain):
    client.post(ADD, {"product": kain.pk, "quantity": 2})
    emulator.checkout_form(client)
    assert stock_now(kain) == 1
    client.post("/id/kampung-sasirangan/keranjang/ubah/", {"line": f"{kain.pk}:0", "quantity": 3})
    assert emulator.checkout_form(client).status_code == 302
    assert Order.objects.count() == 2
    assert stock_now(kain) == 0  # 3 held for the new attempt, the first one's 2 given back


def test_payments_down_keeps_the_order_gives_the_stock_back_and_says_try_again(client, kain, settings):
    """Nobody can pay an order without a PaymentIntent: its units go back to the shelf at once,
    not after STOCK_RESERVATION_MINUTES; the buyer's next attempt takes them again."""
    settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE = "", "http://127.0.0.1:9"  # nothing listens there
    client.post(ADD, {"product": kain.pk, "quantity": 1})
    pay_url = emulator.checkout_form(client)["Location"]
    config = emulator.pay_config(client.get(pay_url))
    response = client.post(config["prepareUrl"], content_type="application/json")
    assert response.status_code == 503
    assert response.json()["message"].startswith("Pembayaran sedang tidak dapat disiapkan.")
    order = Order.objects.get()
    assert order.status == "awaiting_payment" and not order.stripe_payment_intent_id and stock_now(kain) == 3
    assert set(order.sub_orders.values_list("lines__stock_state", flat=True)) == {"released"}


def status_total_label(client, order, language="id") -> str:
    page = BeautifulSoup(client.get(f"/{language}/kampung-sasirangan/pesanan/{order.token}/").content, "html.parser")
    total = page.select_one(".ko-total")
    return total.get_text(" ", strip=True).removesuffix(total.select_one(".ko-amount").get_text(" ", strip=True)).strip()


def test_the_status_page_says_paid_only_once_the_order_is_paid(client, kain):
    unpaid = f.order_start((kain, 1))
    assert status_total_label(client, unpaid) == "Total yang harus dibayar"
    assert status_total_label(client, unpaid, "en") == "Total to pay"

    # A declined card leaves the order waiting for payment: nothing was paid.
    unpaid.stripe_payment_intent_id = "pi_test_declined"
    unpaid.save(update_fields=["stripe_payment_intent_id"])
    checkout.order_payment_failed(order=unpaid, intent={"id": "pi_test_declined",
                                                        "last_payment_error": {"code": "card_declined"}})
    assert status_total_label(client, unpaid) == "Total yang harus dibayar"

    canceled = checkout.order_cancel_unpaid(order=f.order_start((kain, 1)))
    assert status_total_label(client, canceled) == "Total"

    paid = f.paid_order((kain, 1))
    assert status_total_label(client, paid) == "Total dibayar"
    assert status_total_label(client, paid, "en") == "Total paid"
