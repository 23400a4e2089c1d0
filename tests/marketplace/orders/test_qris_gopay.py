"""QRIS and GoPay on the pay page, offline through the Stripe emulator (issue 11, "Paying").

localstripe knows only cards: the site draws the emulated PaymentIntent's QR code itself, and the
emulator-only "simulate the scan" pays that PaymentIntent at localstripe, which then has the same
`payment_intent.succeeded` to send as Stripe. The webhook -> task -> order paid path is the real one.
"""

from datetime import timedelta

import pytest
import requests
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from marketplace.models import Product
from marketplace.orders import checkout
from marketplace.orders.models import Order, OrderStatus
from marketplace.payments import methods, stripe_client
from marketplace.payments.models import PaymentIntentMethod
from tests.marketplace.orders import emulator, test_flow_emulator

pytestmark = pytest.mark.django_db
goods = test_flow_emulator.goods  # two shops' products, as in the card journey


@pytest.fixture
def pay_url(client, goods):
    test_flow_emulator.fill_cart(client, goods)
    response = emulator.checkout_form(client)
    assert response.status_code == 302
    return response["Location"]


def page(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def form_action(soup: BeautifulSoup, method: str) -> str:
    return soup.select_one(f"form input[name=method][value={method}]").find_parent("form")["action"]


def show_qr(client, pay_url):
    choice = client.get(pay_url + "?metode=qris")
    assert choice.status_code == 200
    soup = page(choice)
    assert soup.select_one(".ko-qris svg") is None  # no QR before the buyer asks for one
    order = Order.objects.get()
    response = client.post(form_action(soup, "qris"), {"method": "qris", "amount": str(order.total_idr)})
    assert response.status_code == 302 and response["Location"].endswith("?metode=qris")
    return client.get(response["Location"])


def webhook_pays(client, order: Order, capture) -> None:
    """The `payment_intent.succeeded` localstripe has to send once the scan is simulated (delivered here,
    signed like Stripe's): the task marks the order paid."""
    event = emulator.event_for(stripe_client.payment_intent_retrieve(order.stripe_payment_intent_id),
                               "payment_intent.succeeded")
    with capture(execute=True):
        assert emulator.deliver(client, event) == "handled"
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


def localstripe_intent(api_base: str, intent_id: str) -> dict:
    response = requests.get(f"{api_base}/v1/payment_intents/{intent_id}", timeout=10,
                            auth=(stripe_client.EMULATOR_SECRET_KEY, ""))
    response.raise_for_status()
    return response.json()


def test_qris_paid_by_simulating_the_scan(client, pay_url, goods, stripe_emulator,
                                          django_capture_on_commit_callbacks):
    shown = show_qr(client, pay_url)
    soup = page(shown)
    order = Order.objects.get()
    row = PaymentIntentMethod.objects.get()
    assert (row.method, row.payment_intent_id, row.order_id) == ("qris", order.stripe_payment_intent_id, order.pk)
    # The QR code of the emulated PaymentIntent, its expiry, and the page refreshing for the webhook.
    assert soup.select_one(".ko-qris svg path") is not None
    assert soup.select_one(".ko-qris__code")["data-qr"] == methods.EMULATOR_QR_PREFIX + order.stripe_payment_intent_id
    expiry = timezone.localtime(row.expires_at).strftime("%H:%M")
    assert f"Kode berlaku sampai pukul {expiry} WITA." in soup.select_one(".ko-qris__expiry").text
    assert soup.select_one('meta[http-equiv="refresh"]') is not None
    intent = stripe_client.payment_intent_retrieve(order.stripe_payment_intent_id)
    # Goods 470 000 and two parcels to Surabaya at 36 000 each.
    assert (intent.amount, intent.currency, intent.metadata["payment_method"]) == (54_200_000, "idr", "qris")

    scan = soup.find("button", string="Simulasikan pemindaian").find_parent("form")["action"]
    response = client.post(scan)
    assert response.status_code == 302
    assert localstripe_intent(stripe_emulator, order.stripe_payment_intent_id)["status"] == "succeeded"

    # The webhook localstripe sends for it (here delivered by the test, signed like Stripe's).
    webhook_pays(client, order, django_capture_on_commit_callbacks)
    assert {p.pk: p.stock for p in Product.objects.all()} == {goods["kain"].pk: 2, goods["selendang"].pk: 1}
    # The QR page turns into the confirmation.
    after = client.get(pay_url + "?metode=qris")
    assert after.status_code == 302 and after["Location"].endswith(f"/pesanan/{order.token}/terima-kasih/")
    assert "Terima kasih! Pembayaran diterima." in client.get(after["Location"]).content.decode()


def test_expired_qr_is_renewed_for_the_same_order(client, pay_url, goods, stripe_emulator,
                                                  django_capture_on_commit_callbacks):
    show_qr(client, pay_url)
    order = Order.objects.get()
    first = order.stripe_payment_intent_id
    PaymentIntentMethod.objects.filter(payment_intent_id=first).update(expires_at=timezone.now() - timedelta(seconds=1))

    expired = client.get(pay_url + "?metode=qris")
    soup = page(expired)
    assert soup.select_one(".ko-qris svg") is None
    assert "Kode QR sebelumnya sudah kedaluwarsa" in soup.text
    assert soup.select_one('meta[http-equiv="refresh"]') is None
    # An expired code cannot be paid, not even in the emulator.
    scan = client.post(reverse("orders:pay_scan", kwargs={"token": order.token}))
    assert scan.status_code == 409 and "kedaluwarsa" in scan.content.decode()

    renewed = client.post(form_action(soup, "qris"), {"method": "qris", "amount": str(order.total_idr)})
    assert renewed.status_code == 302
    order.refresh_from_db()
    assert Order.objects.count() == 1
    assert order.stripe_payment_intent_id != first and order.payment_intent_count == 2
    assert localstripe_intent(stripe_emulator, first)["status"] == "canceled"
    assert {p.pk: p.stock for p in Product.objects.all()} == {goods["kain"].pk: 2, goods["selendang"].pk: 1}
    assert page(client.get(renewed["Location"])).select_one(".ko-qris svg") is not None

    client.post(reverse("orders:pay_scan", kwargs={"token": order.token}))
    webhook_pays(client, order, django_capture_on_commit_callbacks)


def test_released_stock_is_taken_again_when_the_qr_is_renewed(client, pay_url, goods, stripe_emulator):
    show_qr(client, pay_url)
    order = Order.objects.get()
    PaymentIntentMethod.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    # The QR expired at Stripe too: its payment_failed webhook gave the stock back.
    checkout.order_payment_failed(order=order, intent={"id": order.stripe_payment_intent_id,
                                                       "last_payment_error": {"code": "payment_intent_expired"}})
    assert {p.pk: p.stock for p in Product.objects.all()} == {goods["kain"].pk: 4, goods["selendang"].pk: 2}
    waiting = page(client.get(pay_url + "?metode=qris"))
    assert waiting.select_one(".ko-qris svg") is None and waiting.select_one('meta[http-equiv="refresh"]') is None
    assert waiting.find("button", string="Buat kode QR baru") is not None
    client.post(reverse("orders:pay_method", kwargs={"token": order.token}), {"method": "qris"})
    assert {p.pk: p.stock for p in Product.objects.all()} == {goods["kain"].pk: 2, goods["selendang"].pk: 1}


def test_changing_to_card_after_qris_pays_by_card(client, pay_url, stripe_emulator, django_capture_on_commit_callbacks):
    show_qr(client, pay_url)
    order = Order.objects.get()
    qris = order.stripe_payment_intent_id
    card_page = page(client.get(pay_url + "?metode=card"))
    assert card_page.select_one("#ko-pay-form") is not None and card_page.select_one(".ko-qris") is None
    paid = emulator.pay_with_card(client, stripe_emulator, pay_url)
    assert paid.status_code == 200 and paid.json()["status"] == "succeeded"
    order.refresh_from_db()
    assert order.stripe_payment_intent_id != qris
    assert methods.method_of(order.stripe_payment_intent_id) == "card"
    assert localstripe_intent(stripe_emulator, qris)["status"] == "canceled"


def test_gopay_in_the_emulator(client, pay_url, stripe_emulator, django_capture_on_commit_callbacks):
    order = Order.objects.get()
    response = client.post(reverse("orders:pay_method", kwargs={"token": order.token}),
                           {"method": "gopay", "amount": str(order.total_idr)})
    assert response.status_code == 302 and response["Location"].endswith("?metode=gopay")
    soup = page(client.get(response["Location"]))
    assert soup.find("button", string="Simulasikan persetujuan GoPay") is not None
    client.post(reverse("orders:pay_scan", kwargs={"token": order.token}))
    order.refresh_from_db()
    assert methods.method_of(order.stripe_payment_intent_id) == "gopay"
    webhook_pays(client, order, django_capture_on_commit_callbacks)


@pytest.mark.parametrize("data, field", [
    ({"method": "bitcoin"}, "(method)"),
    ({"method": ""}, "(method)"),
    ({"method": "qris", "amount": "1000"}, "(amount)"),
    ({"method": "qris", "amount": "470000.5"}, "(amount)"),
])
def test_bad_choices_are_refused_and_nothing_is_written(client, pay_url, data, field):
    order = Order.objects.get()
    response = client.post(reverse("orders:pay_method", kwargs={"token": order.token}), data)
    assert response.status_code == 400
    assert field in page(response).select_one("[role=alert]").text
    fresh = Order.objects.get()
    assert (fresh.stripe_payment_intent_id, fresh.payment_prepared_at, fresh.payment_intent_count) == (None, None, 0)
    assert not PaymentIntentMethod.objects.exists()


@pytest.mark.parametrize("body, field", [({"method": "qris"}, "method"), ({"method": 7}, "method"),
                                         ({"amount": 1000}, "amount"), ([], "method")])
def test_bad_json_to_prepare_is_refused(client, pay_url, body, field):
    order = Order.objects.get()
    response = client.post(reverse("orders:pay_prepare", kwargs={"token": order.token}), body,
                           content_type="application/json")
    assert response.status_code == 400 and response.json()["field"] == field
    assert Order.objects.get().stripe_payment_intent_id is None


def test_simulate_the_scan_does_not_exist_with_stripe_keys(client, pay_url, settings):
    order = Order.objects.get()
    settings.STRIPE_SECRET_KEY = "sk_live_abc"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_live_abc"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_abc"
    settings.STRIPE_API_BASE = ""
    assert stripe_client.payments_mode() == "live"
    assert client.post(f"/id/kampung-sasirangan/checkout/{order.token}/emulator/pindai/").status_code == 404
    soup = page(client.get(pay_url + "?metode=qris"))
    assert soup.find(string=lambda text: text and "Simulasikan" in text) is None



# --- Refunds: what each method allows --------------------------------------------------------

@pytest.fixture
def editor(client):
    from django.contrib.auth.models import Group

    from tests.marketplace.factories import UserFactory
    from tourism.roles import EDITORS

    user = UserFactory(username="editor-uji", email="editor@banjarkab.go.id")
    user.groups.add(Group.objects.get(name=EDITORS))
    return user


def paid_by(client, pay_url, method: str, django_capture_on_commit_callbacks) -> Order:
    order = Order.objects.get()
    client.post(reverse("orders:pay_method", kwargs={"token": order.token}), {"method": method})
    client.post(reverse("orders:pay_scan", kwargs={"token": order.token}))
    order.refresh_from_db()
    webhook_pays(client, order, django_capture_on_commit_callbacks)
    return order


def test_qris_is_refunded_only_in_full(client, pay_url, editor, django_capture_on_commit_callbacks):
    from marketplace.orders.models import Refund

    order = paid_by(client, pay_url, "qris", django_capture_on_commit_callbacks)
    client.force_login(editor)
    form = page(client.get(f"/admin/orders/refund/{order.pk}/"))
    assert "Dibayar dengan: QRIS." in form.text
    assert "tidak dapat dikembalikan sebagian" in form.select_one("[role=note]").text
    one_shop = order.sub_orders.get(shop__name="Kelompok Tambak Baru")
    for data in ({"target": str(one_shop.pk), "amount_idr": "", "reason": "Satu toko saja"},
                 {"target": "order", "amount_idr": "20000", "reason": "Sebagian"}):
        refused = client.post(f"/admin/orders/refund/{order.pk}/", data)
        assert refused.status_code == 400
        assert "Pembayaran QRIS tidak dapat dikembalikan sebagian" in refused.content.decode()
    assert not Refund.objects.exists()
    whole = client.post(f"/admin/orders/refund/{order.pk}/", {"target": "order", "amount_idr": "",
                                                               "reason": "Pesanan dibatalkan pembeli."})
    assert whole.status_code == 302
    assert Refund.objects.get().amount_idr == 470_000 + 2 * 36_000 == order.total_idr


def test_gopay_is_refunded_in_part(client, pay_url, editor, django_capture_on_commit_callbacks):
    from marketplace.orders.models import Refund

    order = paid_by(client, pay_url, "gopay", django_capture_on_commit_callbacks)
    client.force_login(editor)
    form = page(client.get(f"/admin/orders/refund/{order.pk}/"))
    assert "Dibayar dengan: GoPay." in form.text and form.select_one("[role=note]") is None
    one_shop = order.sub_orders.get(shop__name="Kelompok Tambak Baru")
    response = client.post(f"/admin/orders/refund/{order.pk}/",
                           # Written as Indonesians write it: Django's own field read it as Rp 20.
                           {"target": str(one_shop.pk), "amount_idr": "20.000", "reason": "Warna berbeda"})
    assert response.status_code == 302
    assert Refund.objects.get().amount_idr == 20_000


def test_gopay_turned_down_stops_the_wait(client, pay_url, stripe_emulator):
    order = Order.objects.get()
    client.post(reverse("orders:pay_method", kwargs={"token": order.token}), {"method": "gopay"})
    order.refresh_from_db()
    assert page(client.get(pay_url + "?metode=gopay")).select_one('meta[http-equiv="refresh"]') is not None
    checkout.order_payment_failed(order=order, intent={"id": order.stripe_payment_intent_id,
                                                       "last_payment_error": {"code": "payment_method_provider_decline"}})
    turned_down = page(client.get(pay_url + "?metode=gopay"))
    assert turned_down.select_one('meta[http-equiv="refresh"]') is None
    assert "Pembayaran belum berhasil. Coba lagi, atau pilih cara bayar lain." in turned_down.select_one("[role=alert]").text


def test_each_attempt_has_its_own_idempotency_key(client, pay_url, monkeypatch):
    """A key reused with other parameters is refused by Stripe: an attempt whose answer was lost and
    that the buyer retries with another way to pay must not reuse the first one's key."""
    keys = []
    create = stripe_client.payment_intent_create

    def recorded(**kwargs):
        keys.append(kwargs["idempotency_key"])
        return create(**kwargs)

    monkeypatch.setattr(stripe_client, "payment_intent_create", recorded)
    order = Order.objects.get()
    client.post(reverse("orders:pay_method", kwargs={"token": order.token}), {"method": "qris"})
    client.post(reverse("orders:pay_prepare", kwargs={"token": order.token}), content_type="application/json")
    client.post(reverse("orders:pay_method", kwargs={"token": order.token}), {"method": "gopay"})
    assert keys == [f"order-{order.pk}-payment-intent-qris", f"order-{order.pk}-payment-intent-2",
                    f"order-{order.pk}-payment-intent-3-gopay"]


def test_only_the_card_tab_speaks_of_card_numbers(client, pay_url):
    card_note = "Data kartu diproses oleh Stripe; situs ini tidak pernah melihat nomor kartu Anda."
    assert card_note in page(client.get(pay_url)).text
    for method in ("qris", "gopay"):
        assert card_note not in page(client.get(f"{pay_url}?metode={method}")).text, method
