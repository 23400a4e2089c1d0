"""Refunds said and made per way to pay (issue 11): the buyer and the editor are told where the money
goes (card, the app that scanned the QRIS code, the GoPay balance), and an artisan cannot cancel their
part of a several-shop order paid with a method that is refunded only in full (QRIS): nothing changes
and they are told to ask the regency's editors. The rule is methods.PARTIAL_REFUNDS, not a method's name.
"""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from marketplace.models import Product
from marketplace.orders import fulfilment, payouts, refunds
from marketplace.orders.models import (
    PayoutLine,
    Refund,
    RefundSource,
    RefundStatus,
    StockState,
    SubOrderStatus,
)
from marketplace.payments import methods
from tests.marketplace.orders import factories as f
from tests.marketplace.orders import test_qris_gopay as qris

pytestmark = pytest.mark.django_db
goods, pay_url, editor = qris.goods, qris.pay_url, qris.editor  # fixtures: two shops' goods, QRIS or GoPay
page, paid_by = qris.page, qris.paid_by

CARD_WORDS = ("kartu", "card")


def owed_by_shop(order) -> dict[str, int]:
    return {sub_order.shop.name: next(row.owed_idr for row in payouts.earnings_for_shop(shop=sub_order.shop)
                                      if row.sub_order == sub_order)
            for sub_order in order.sub_orders.select_related("shop")}


@pytest.fixture
def paid_with(client, pay_url, goods, django_capture_on_commit_callbacks):
    """Pays the order of two shops' goods with a method ("qris", "gopay") at the pay page; the emails so
    far (the order's) forgotten, so a test sees only what its own step sends."""

    def pay(method):
        order = paid_by(client, pay_url, method, django_capture_on_commit_callbacks)
        mail.outbox.clear()
        return order

    return pay


def cancel(client, sub_order, reason="Kain rusak terkena air saat banjir."):
    client.force_login(sub_order.shop.owner)
    return client.post(f"/toko/pesanan/{sub_order.pk}/batalkan/", {"reason": reason})


def test_artisan_cannot_cancel_one_shops_part_of_a_qris_order_and_nothing_changes(
        client, paid_with, goods, django_capture_on_commit_callbacks):
    order = paid_with("qris")
    aminah = order.sub_orders.get(shop__name="Sasirangan Ibu Aminah")
    stock_before = {name: Product.objects.get(pk=product.pk).stock for name, product in goods.items()}
    owed_before, lines_before = owed_by_shop(order), PayoutLine.objects.count()
    client.force_login(aminah.shop.owner)
    detail = page(client.get(f"/toko/pesanan/{aminah.pk}/"))
    assert "Hubungi editor Dinas Pariwisata" in detail.select_one("#cancel-heading").parent.text
    assert detail.select_one(f"form[action$='/toko/pesanan/{aminah.pk}/batalkan/']") is None  # said beforehand

    with django_capture_on_commit_callbacks(execute=True):
        response = cancel(client, aminah)  # a form kept open from before is still refused

    assert response.status_code == 409
    text = page(response).text
    assert "hanya dapat dikembalikan seluruhnya" in text and "Hubungi editor Dinas Pariwisata" in text
    assert "QRIS" in text
    aminah.refresh_from_db()
    assert (aminah.status, aminah.canceled_at, aminah.cancel_reason) == (SubOrderStatus.PAID, None, "")
    assert set(aminah.lines.values_list("stock_state", flat=True)) == {StockState.CONSUMED}
    assert {name: Product.objects.get(pk=product.pk).stock for name, product in goods.items()} == stock_before
    assert not Refund.objects.exists()
    assert owed_by_shop(order) == owed_before and PayoutLine.objects.count() == lines_before
    assert mail.outbox == []


def test_artisan_cancels_one_shops_part_of_a_gopay_order_and_the_buyer_hears_of_gopay(
        client, paid_with, django_capture_on_commit_callbacks):
    order = paid_with("gopay")
    assert methods.allows_partial_refunds("gopay")  # the table's word, which the cancel follows
    tambak = order.sub_orders.get(shop__name="Kelompok Tambak Baru")
    client.force_login(tambak.shop.owner)
    assert page(client.get(f"/toko/pesanan/{tambak.pk}/")).select_one(
        f"form[action$='/toko/pesanan/{tambak.pk}/batalkan/']") is not None

    with django_capture_on_commit_callbacks(execute=True):
        response = cancel(client, tambak)

    assert response.status_code == 302
    tambak.refresh_from_db()
    assert tambak.status == SubOrderStatus.CANCELED
    refund = Refund.objects.get()
    assert (refund.amount_idr, refund.source, refund.status) == (
        120_000 + 36_000, RefundSource.ARTISAN_CANCEL, RefundStatus.SUCCEEDED)
    bodies = [message.body for message in mail.outbox if message.to == ["rina@contoh.id"]]
    assert len(bodies) == 2  # the part cancelled, then the money back
    for body in bodies:
        assert "saldo GoPay Anda" in body
        assert "kartu" not in body


def test_qris_refund_is_said_to_go_back_to_the_app_that_scanned_not_a_card(
        client, paid_with, editor, django_capture_on_commit_callbacks):
    order = paid_with("qris")
    client.force_login(editor)
    form = page(client.get(f"/admin/orders/refund/{order.pk}/")).text
    assert "ke aplikasi bank atau dompet digital yang dipakai pembeli untuk memindai kode QRIS" in form
    assert "kartu pembeli" not in form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/orders/refund/{order.pk}/",
                               {"target": "order", "amount_idr": "", "reason": "Pesanan dibatalkan pembeli."})
    assert response.status_code == 302
    [email] = [message for message in mail.outbox if message.to == ["rina@contoh.id"]]
    assert "aplikasi bank atau dompet digital yang Anda pakai untuk memindai kode QRIS" in email.body
    assert not any(word in email.body for word in CARD_WORDS)

    client.logout()
    status_page = page(client.get(reverse("orders:status", kwargs={"token": order.token}))).text
    assert "Dana dikembalikan" in status_page
    assert "memindai kode QRIS" in status_page and "ke kartu" not in status_page
    english = page(client.get(reverse("orders:status", kwargs={"token": order.token}).replace("/id/", "/en/", 1)))
    assert "banking or e-wallet app you scanned the QRIS code with" in english.text


def test_card_refund_still_says_the_card():
    order = f.paid_order((f.product(shop=f.shop(), price_idr=100_000), 1))
    with translation.override("id"):
        assert "kartu yang Anda pakai untuk membayar" in refunds.refund_destination(order=order)
        assert "kartu pembeli" in refunds.refund_destination(order=order, staff=True)
    with translation.override("en"):
        assert "the card you paid with" in refunds.refund_destination(order=order)


def test_qris_order_of_one_shop_is_cancelled_with_its_whole_refund(monkeypatch):
    """All that is left of the payment is this part: a full refund, which QRIS allows."""
    order = f.paid_order((f.product(shop=f.shop(), price_idr=100_000, stock=3), 2))
    methods.record(order_id=order.pk, payment_intent_id=order.stripe_payment_intent_id, method="qris",
                   action=methods.NextAction())
    sent = []
    monkeypatch.setattr(refunds, "refund_submit_enqueue", sent.append)
    [sub_order] = order.sub_orders.all()

    fulfilment.suborder_cancel(sub_order=sub_order, reason="Pembeli membatalkan lewat WhatsApp.")

    sub_order.refresh_from_db()
    assert sub_order.status == SubOrderStatus.CANCELED
    [refund] = sent
    assert refund.amount_idr == order.total_idr and refund.source == RefundSource.ARTISAN_CANCEL
