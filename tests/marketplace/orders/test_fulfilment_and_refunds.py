"""After payment: artisans ship (the buyer is emailed) or cancel (stock back, money back);
editors refund a whole order or one shop's part, all or some, in the Wagtail admin; the
refunds are real ones at the Stripe emulator and what each shop is owed follows."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.core import mail

from marketplace.models import Product
from marketplace.orders import checkout, payouts, refunds
from marketplace.orders.models import (
    Order,
    Refund,
    RefundSource,
    RefundStatus,
    StockState,
    SubOrderStatus,
)
from marketplace.payments import stripe_client
from tests.marketplace.factories import UserFactory
from tests.marketplace.orders import emulator
from tests.marketplace.orders import factories as f
from tourism.roles import EDITORS, MODERATORS

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(client, stripe_emulator):
    """An order for Rp 470.000 from two shops, paid with a card at the emulator."""
    aminah, tambak = f.shop(name="Sasirangan Ibu Aminah"), f.shop(name="Kelompok Tambak Baru")
    kain = f.product(shop=aminah, title_id="Kain Gigi Haruan", price_idr=175_000, stock=4)
    selendang = f.product(shop=tambak, title_id="Selendang Kulat Karikit", price_idr=120_000, stock=2)
    order = f.order_start((kain, 2), (selendang, 1))
    checkout.checkout_payment_prepare(order=order)
    order.refresh_from_db()
    token = emulator.card_token(stripe_emulator, emulator.CARD_OK)
    stripe_client.payment_intent_confirm_with(payment_intent_id=order.stripe_payment_intent_id,
                                              payment_method_id=stripe_client.payment_method_from_token(token))
    intent = stripe_client.payment_intent_retrieve(order.stripe_payment_intent_id).to_dict()
    order = checkout.order_mark_paid(order=order, intent=intent)
    mail.outbox.clear()
    return {"order": order, "kain": kain, "selendang": selendang,
            "aminah": order.sub_orders.get(shop=aminah), "tambak": order.sub_orders.get(shop=tambak)}


def owed(sub_order) -> int:
    return next(row.owed_idr for row in payouts.earnings_for_shop(shop=sub_order.shop) if row.sub_order == sub_order)


def stripe_refunded(order) -> int:
    intent = stripe_client.payment_intent_retrieve(order.stripe_payment_intent_id).to_dict()
    charge = intent["latest_charge"]  # localstripe gives the charge itself, Stripe its id
    if isinstance(charge, str):
        charge = stripe_client.client().v1.charges.retrieve(charge).to_dict()
    return stripe_client.from_minor_units(charge["amount_refunded"])


def test_artisan_marks_shipped_and_the_buyer_is_told(client, paid, django_capture_on_commit_callbacks):
    client.force_login(paid["aminah"].shop.owner)
    url = f"/toko/pesanan/{paid['aminah'].pk}/kirim/"
    bad = client.post(url, {"courier": "", "tracking_number": "!"})
    assert bad.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"courier": "JNE", "tracking_number": "JNE0012345678"})
    assert response.status_code == 302
    paid["aminah"].refresh_from_db()
    assert (paid["aminah"].status, paid["aminah"].courier, paid["aminah"].tracking_number) == (
        SubOrderStatus.SHIPPED, "JNE", "JNE0012345678")
    [message] = mail.outbox
    assert message.to == ["rina@contoh.id"] and "JNE0012345678" in message.body
    # The same again (a double tap) is what was done, emailing nobody; another number is refused here.
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"courier": "JNE", "tracking_number": "JNE0012345678"}).status_code == 302
    assert len(mail.outbox) == 1
    assert client.post(url, {"courier": "JNE", "tracking_number": "JNE0012345999"}).status_code == 409
    status_page = client.get(paid["order"].get_absolute_url()).content.decode()
    assert "JNE0012345678" in status_page


def test_artisan_cancels_stock_returns_and_money_goes_back(client, paid, django_capture_on_commit_callbacks):
    client.force_login(paid["aminah"].shop.owner)
    url = f"/toko/pesanan/{paid['aminah'].pk}/batalkan/"
    assert client.post(url, {"reason": ""}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "Kain rusak terkena air saat banjir."})
    assert response.status_code == 302
    paid["aminah"].refresh_from_db()
    assert paid["aminah"].status == SubOrderStatus.CANCELED
    assert Product.objects.get(pk=paid["kain"].pk).stock == 4
    assert set(paid["aminah"].lines.values_list("stock_state", flat=True)) == {StockState.RETURNED}
    refund = Refund.objects.get()
    # The whole part goes back: goods 350 000 and its shipping, 36 000.
    assert (refund.amount_idr, refund.status, refund.source) == (386_000, RefundStatus.SUCCEEDED,
                                                                 RefundSource.ARTISAN_CANCEL)
    assert refund.stripe_refund_id.startswith("re_")
    assert stripe_refunded(paid["order"]) == 386_000
    assert owed(paid["aminah"]) == 0 and owed(paid["tambak"]) == 114_000 + 36_000
    assert sorted(m.subject for m in mail.outbox) == sorted([
        f"Sebagian pesanan {paid['order'].number} dibatalkan",
        f"Dana Rp 386.000 untuk pesanan {paid['order'].number} dikembalikan"])
    # The same again (a double tap on a slow connection) is what was done: no second refund nor email.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"reason": "Kain rusak terkena air saat banjir."}).status_code == 302
    assert Refund.objects.count() == 1 and mail.outbox == []
    # Cancelled ones are not cancelled again for another reason.
    assert client.post(url, {"reason": "Lagi"}).status_code == 409
    assert Refund.objects.count() == 1


@pytest.fixture
def editor(client):
    user = UserFactory(username="editor-uji", email="editor@banjarkab.go.id")
    user.groups.add(Group.objects.get(name=EDITORS))
    client.force_login(user)
    return user


def test_editor_refunds_part_of_one_shops_share_in_the_admin(client, paid, editor):
    order = paid["order"]
    inspect = client.get(f"/admin/orders/inspect/{order.pk}/")
    assert inspect.status_code == 200 and "Kembalikan dana" in inspect.content.decode()
    form = client.get(f"/admin/orders/refund/{order.pk}/")
    assert form.status_code == 200
    response = client.post(f"/admin/orders/refund/{order.pk}/", {
        "target": str(paid["tambak"].pk), "amount_idr": "20000", "reason": "Warna sedikit berbeda dari foto."})
    assert response.status_code == 302
    refund = Refund.objects.get()
    assert (refund.amount_idr, refund.status, refund.created_by) == (20_000, RefundStatus.SUCCEEDED, editor)
    assert list(refund.parts.values_list("sub_order", "amount_idr")) == [(paid["tambak"].pk, 20_000)]
    assert stripe_refunded(order) == 20_000
    # Rp 100.000 of goods left: fee 5 000, shop 95 000 and its shipping (36 000: a partial refund of
    # goods gives back no shipping); the other shop is untouched.
    assert owed(paid["tambak"]) == 95_000 + 36_000 and owed(paid["aminah"]) == 332_500 + 36_000


def test_editor_refunds_the_rest_of_the_order_and_no_more(client, paid, editor):
    order = paid["order"]
    refunds.refund_make(order=order, sub_order=paid["tambak"], amount_idr=20_000, reason="Sebagian")
    too_much = client.post(f"/admin/orders/refund/{order.pk}/",
                           {"target": "order", "amount_idr": "522001", "reason": "Terlalu banyak"})
    assert too_much.status_code == 400
    assert "Paling banyak Rp 522.000" in too_much.content.decode()
    assert Refund.objects.count() == 1
    everything = client.post(f"/admin/orders/refund/{order.pk}/", {"target": "order", "amount_idr": "",
                                                                   "reason": "Pesanan dibatalkan pembeli."})
    assert everything.status_code == 302
    assert refunds.refunded_total(order=order) == 470_000 + 2 * 36_000 == stripe_refunded(order)
    assert owed(paid["tambak"]) == 0 and owed(paid["aminah"]) == 0
    again = client.post(f"/admin/orders/refund/{order.pk}/", {"target": "order", "amount_idr": "1", "reason": "x"})
    assert again.status_code == 400 and "seluruh dananya sudah dikembalikan" in again.content.decode()


def test_people_without_the_permission_cannot_refund(client, paid):
    client.force_login(paid["aminah"].shop.owner)
    assert client.get(f"/admin/orders/refund/{paid['order'].pk}/").status_code in {302, 403}
    moderator = UserFactory(username="moderator-uji")
    moderator.groups.add(Group.objects.get(name=MODERATORS))
    client.force_login(moderator)
    assert client.get(f"/admin/orders/inspect/{paid['order'].pk}/").status_code == 200
    assert client.post(f"/admin/orders/refund/{paid['order'].pk}/",
                       {"target": "order", "amount_idr": "1", "reason": "x"}).status_code in {302, 403}
    assert not Refund.objects.exists()


def test_nobody_edits_or_deletes_an_order_in_a_form(client, paid):
    admin = UserFactory(username="super-uji", is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get(f"/admin/orders/edit/{paid['order'].pk}/").status_code in {302, 403}
    assert client.post(f"/admin/orders/delete/{paid['order'].pk}/").status_code in {302, 403}
    assert client.get("/admin/orders/new/").status_code in {302, 403}
    assert Order.objects.filter(pk=paid["order"].pk).exists()
    listing = BeautifulSoup(client.get("/admin/orders/").content, "html.parser")
    assert paid["order"].number in listing.get_text()


def test_a_refund_stripe_refuses_is_marked_failed_with_the_reason(paid, settings):
    order = paid["order"]
    Order.objects.filter(pk=order.pk).update(stripe_payment_intent_id="pi_does_not_exist")
    order.refresh_from_db()
    refund = refunds.refund_make(order=order, amount_idr=10_000, reason="Uji")
    assert refund.status == RefundStatus.FAILED and refund.failure_message
    assert refunds.refunded_total(order=order) == 0
