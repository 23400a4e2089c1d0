"""The artisan's side of delivery (issue 11, part B): pickup codes, ready and collected, couriers with
tracking links, the packing slip, the dashboard's counts, and what the buyer reads on the order page
and in the emails.

Orders are paid as Stripe's webhook would mark them (factories.paid_order's way); the delivery the
buyer chose is written on the sub-orders before payment, as checkout will.
"""

import re
import secrets

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from marketplace.orders import checkout, couriers, fulfilment, payouts, pickup, selectors
from marketplace.orders.forms import ShipForm
from marketplace.orders.models import DeliveryKind, SubOrder, SubOrderStatus
from tests.marketplace.factories import UserFactory
from tests.marketplace.orders import factories as f
from tourism.roles import EDITORS

pytestmark = pytest.mark.django_db

PICKUP_ADDRESS = "Jl. Kampung Sasirangan No. 7, Kampung Melayu, Banjarmasin Tengah"
PICKUP_HOURS = "Senin–Sabtu 09.00–17.00 WITA"


def pickup_shop(**kwargs):
    return f.shop(offers_pickup=True, pickup_address=PICKUP_ADDRESS, pickup_hours=PICKUP_HOURS, **kwargs)


def paid_with(delivery: dict, *items, **kwargs):
    """An order whose every shop part has `delivery` (the checkout's choice), paid; the order's
    total is goods plus shipping, as checkout makes it."""
    order = f.order_start(*items, **kwargs)
    order.sub_orders.update(**delivery)
    order.total_idr = sum(sub_order.amount_idr + sub_order.shipping_idr for sub_order in order.sub_orders.all())
    order.stripe_payment_intent_id = f"pi_test_{order.pk}_{secrets.token_hex(4)}"
    order.save(update_fields=["total_idr", "stripe_payment_intent_id"])
    return checkout.order_mark_paid(order=order, intent=f.intent_for(order))


PICKUP = {"delivery_kind": DeliveryKind.PICKUP, "delivery_option_id": "pickup", "delivery_label": "Ambil sendiri",
          "shipping_idr": 0}
JNE_REG = {"delivery_kind": DeliveryKind.COURIER, "delivery_option_id": "jne-reg", "delivery_label": "JNE REG",
           "shipping_idr": 18_000, "delivery_days_min": 2, "delivery_days_max": 3}


@pytest.fixture
def picked_up(django_capture_on_commit_callbacks):
    """A tourist's pickup order from a shop with a workshop, paid; emails sent and then cleared."""
    shop = pickup_shop(name="Sasirangan Ibu Aminah")
    kain = f.product(shop=shop, title_id="Kain Gigi Haruan", price_idr=175_000, stock=4)
    with django_capture_on_commit_callbacks(execute=True):
        order = paid_with(PICKUP, (kain, 1))
    sub_order = order.sub_orders.get()
    return {"order": order, "sub_order": sub_order, "shop": shop, "emails": list(mail.outbox)}


def test_a_paid_pickup_has_a_code_the_buyer_reads_on_the_page_and_in_the_confirmation(client, picked_up):
    code = picked_up["sub_order"].pickup_code
    assert re.fullmatch(r"[ABCDEFGHJKMNPQRSTVWXYZ2-9]{6}", code)
    confirmation = next(message for message in picked_up["emails"] if message.to == ["rina@contoh.id"])
    assert code in confirmation.body and PICKUP_ADDRESS in confirmation.body and PICKUP_HOURS in confirmation.body
    assert "Ongkos kirim: Gratis" in confirmation.body and "Total dibayar: Rp 175.000" in confirmation.body
    artisan = next(message for message in picked_up["emails"] if message.to != ["rina@contoh.id"])
    assert "mengambil sendiri" in artisan.body and "Jawa Timur" not in artisan.body
    page = client.get(picked_up["order"].get_absolute_url()).content.decode()
    assert code in page and PICKUP_ADDRESS in page and "Diambil sendiri di workshop" in page


def test_pickup_ready_then_a_wrong_code_then_the_right_one(client, picked_up, django_capture_on_commit_callbacks):
    sub_order, order = picked_up["sub_order"], picked_up["order"]
    client.force_login(picked_up["shop"].owner)
    ready_url = reverse("dashboard:order_ready", args=[sub_order.pk])
    collect_url = reverse("dashboard:order_collect", args=[sub_order.pk])
    mail.outbox.clear()

    # Ready: the buyer is emailed the code, where and when.
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(ready_url).status_code == 302
    sub_order.refresh_from_db()
    assert sub_order.status == SubOrderStatus.READY_FOR_PICKUP and sub_order.ready_at is not None
    [ready_email] = mail.outbox
    assert ready_email.to == ["rina@contoh.id"] and "siap diambil" in ready_email.subject
    assert sub_order.pickup_code in ready_email.body and PICKUP_ADDRESS in ready_email.body
    assert PICKUP_HOURS in ready_email.body
    # Twice (a double tap on a slow connection): what was done, not an error; nothing sent again.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(ready_url)
    assert again.status_code == 302
    assert len(mail.outbox) == 1

    wrong = "".join("A" if char != "A" else "B" for char in sub_order.pickup_code)
    refused = client.post(collect_url, {"code": wrong})
    assert refused.status_code == 400 and "Kode pengambilan salah" in refused.content.decode()
    assert SubOrder.objects.get(pk=sub_order.pk).status == SubOrderStatus.READY_FOR_PICKUP
    assert client.post(collect_url, {"code": ""}).status_code == 400

    # Typed as a person types it: lower case, a space in the middle.
    typed = f"{sub_order.pickup_code[:3].lower()} {sub_order.pickup_code[3:].lower()}"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(collect_url, {"code": typed}).status_code == 302
    sub_order.refresh_from_db()
    assert sub_order.status == SubOrderStatus.COLLECTED and sub_order.collected_at is not None
    assert sub_order.is_received
    # Collected counts as received: the buyer is invited to review, as after a delivery.
    [invitation] = mail.outbox
    assert invitation.to == ["rina@contoh.id"] and "Kain Gigi Haruan" in invitation.body
    # Twice with the same code (a double tap): what was done, the buyer is not invited again; another
    # code on a collected order is refused, saying it was collected.
    with django_capture_on_commit_callbacks(execute=True):
        twice = client.post(collect_url, {"code": sub_order.pickup_code})
    assert twice.status_code == 302
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        other = client.post(collect_url, {"code": wrong})
    assert other.status_code == 409 and "sudah diambil" in other.content.decode()
    assert len(mail.outbox) == 1
    sub_order.refresh_from_db()
    assert sub_order.status == SubOrderStatus.COLLECTED
    page = client.get(order.get_absolute_url()).content.decode()
    assert "Sudah diambil" in page and "Ulas Kain Gigi Haruan" in page


def test_a_pickup_is_neither_shipped_nor_a_parcel_made_ready(client, picked_up):
    client.force_login(picked_up["shop"].owner)
    sub_order = picked_up["sub_order"]
    shipped = client.post(reverse("dashboard:order_ship", args=[sub_order.pk]),
                          {"courier": "JNE", "tracking_number": "0113234567890123"})
    assert shipped.status_code == 409
    courier_order = paid_with(JNE_REG, (f.product(shop=picked_up["shop"], stock=2), 1))
    parcel = courier_order.sub_orders.get()
    assert parcel.pickup_code == ""
    assert client.post(reverse("dashboard:order_ready", args=[parcel.pk])).status_code == 409
    assert client.post(reverse("dashboard:order_collect", args=[parcel.pk]), {"code": "ABCDEF"}).status_code == 409
    assert SubOrder.objects.get(pk=sub_order.pk).status == SubOrderStatus.PAID
    assert SubOrder.objects.get(pk=parcel.pk).status == SubOrderStatus.PAID


def test_another_shops_artisan_cannot_act_on_a_pickup(client, picked_up):
    sub_order = picked_up["sub_order"]
    client.force_login(f.shop(name="Toko Lain").owner)
    for name, data in (("order_ready", {}), ("order_collect", {"code": sub_order.pickup_code})):
        assert client.post(reverse(f"dashboard:{name}", args=[sub_order.pk]), data).status_code == 404
    assert client.get(reverse("dashboard:order_packing_slip", args=[sub_order.pk])).status_code == 404
    assert SubOrder.objects.get(pk=sub_order.pk).status == SubOrderStatus.PAID


def test_courier_shipping_gives_the_buyer_a_tracking_link(client, django_capture_on_commit_callbacks):
    shop = f.shop()
    order = paid_with(JNE_REG, (f.product(shop=shop, title_id="Selendang Kulat Karikit", price_idr=120_000,
                                           stock=3), 1))
    sub_order = order.sub_orders.get()
    client.force_login(shop.owner)
    url = reverse("dashboard:order_ship", args=[sub_order.pk])

    # A courier not in the list, and a number that is not one of SiCepat's: 400 in Indonesian, nothing written.
    unknown = client.post(url, {"courier": "Kurir Bulan", "tracking_number": "0113234567890123"})
    assert unknown.status_code == 400 and "Pilih kurir dari daftar" in unknown.content.decode()
    bad_number = client.post(url, {"courier": "SiCepat", "tracking_number": "SC-12"})
    assert bad_number.status_code == 400
    assert "Nomor resi SiCepat tidak seperti itu" in bad_number.content.decode()
    assert SubOrder.objects.filter(pk=sub_order.pk, status=SubOrderStatus.PAID, courier="", tracking_number="").exists()

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"courier": "JNE", "tracking_number": "0113 2345-6789 0123"})
    assert response.status_code == 302
    sub_order.refresh_from_db()
    assert (sub_order.status, sub_order.courier, sub_order.tracking_number) == (
        SubOrderStatus.SHIPPED, "JNE", "0113234567890123")
    link = "https://www.jne.co.id/tracking-package?awb=0113234567890123"
    [shipped] = mail.outbox
    assert link in shipped.body and "JNE REG" in shipped.body
    page = client.get(order.get_absolute_url()).content.decode()
    assert f'href="{link}"' in page


def test_shipped_sent_twice_by_a_double_tap_is_done_once_not_an_error(client, django_capture_on_commit_callbacks):
    """On a slow connection the artisan taps "Simpan dan beri tahu pembeli" twice: the second answer, the
    one the phone shows, was a red 409 "Pesanan ini sudah ditandai dikirim" as if shipping had failed."""
    shop = f.shop()
    order = paid_with(JNE_REG, (f.product(shop=shop, price_idr=120_000, stock=3), 1))
    sub_order = order.sub_orders.get()
    client.force_login(shop.owner)
    url = reverse("dashboard:order_ship", args=[sub_order.pk])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, {"courier": "JNE", "tracking_number": "0113234567890123"})
        second = client.post(url, {"courier": "JNE", "tracking_number": "0113 2345 6789 0123"})
    assert (first.status_code, second.status_code) == (302, 302)
    assert len(mail.outbox) == 1  # the buyer is told once
    # Another number on a shipped parcel is still refused here: correcting it is the other form.
    other = client.post(url, {"courier": "JNE", "tracking_number": "0113234567890999"})
    assert other.status_code == 409 and "Perbaiki" in other.content.decode()
    sub_order.refresh_from_db()
    assert sub_order.tracking_number == "0113234567890123"


def test_ready_and_collected_sent_twice_by_a_double_tap_are_done_once_not_an_error(
        client, picked_up, django_capture_on_commit_callbacks):
    """"Siap diambil" tapped twice on a slow connection: the second answer, the page the phone shows, was a
    red 409 "Pesanan ini sudah ditandai siap diambil", as "Simpan dan beri tahu pembeli" was before."""
    sub_order = picked_up["sub_order"]
    client.force_login(picked_up["shop"].owner)
    ready_url = reverse("dashboard:order_ready", args=[sub_order.pk])
    collect_url = reverse("dashboard:order_collect", args=[sub_order.pk])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first, second = client.post(ready_url), client.post(ready_url, follow=True)
    assert first.status_code == 302 and second.status_code == 200
    assert "ditandai siap diambil" in second.content.decode()
    assert len(mail.outbox) == 1 and "siap diambil" in mail.outbox[0].subject
    ready_at = SubOrder.objects.get(pk=sub_order.pk).ready_at
    code = sub_order.pickup_code
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(collect_url, {"code": code})
        second = client.post(collect_url, {"code": code.lower()})
    assert (first.status_code, second.status_code) == (302, 302)
    assert len(mail.outbox) == 2  # the review invitation, once
    sub_order.refresh_from_db()
    assert sub_order.status == SubOrderStatus.COLLECTED and sub_order.ready_at == ready_at
    # Ready again after it was collected is still refused: that is no double tap.
    assert client.post(ready_url).status_code == 409


# What a phone pastes around a number copied from a chat or a courier's app: direction marks
# (U+202A ... U+202C, U+200E), a zero-width space, a no-break space, a word joiner; full-width letters.
PASTED = "\u202a0113\u00a02345-6789\u200b0123\u202c\u200e\u2060"


def test_a_receipt_number_pasted_with_invisible_characters_is_taken(client):
    """The number looked exactly like the example and was refused ("Nomor resi JNE tidak seperti itu"):
    the artisan could not ship without typing it again by hand."""
    shop = f.shop()
    order = paid_with(JNE_REG, (f.product(shop=shop, price_idr=120_000, stock=3), 1))
    sub_order = order.sub_orders.get()
    client.force_login(shop.owner)
    response = client.post(reverse("dashboard:order_ship", args=[sub_order.pk]),
                           {"courier": "JNE", "tracking_number": PASTED})
    assert response.status_code == 302, response.content.decode()[-3000:]
    sub_order.refresh_from_db()
    assert (sub_order.status, sub_order.tracking_number) == (SubOrderStatus.SHIPPED, "0113234567890123")


def test_a_pickup_code_pasted_with_invisible_characters_or_in_full_width_letters_is_taken(client, picked_up):
    sub_order = picked_up["sub_order"]
    client.force_login(picked_up["shop"].owner)
    code = sub_order.pickup_code
    full_width = "".join(chr(ord(char) + 0xFEE0) for char in code[3:])
    typed = f"\u200e{code[:3].lower()}\u200b{full_width}\u202c"
    response = client.post(reverse("dashboard:order_collect", args=[sub_order.pk]), {"code": typed})
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert SubOrder.objects.get(pk=sub_order.pk).status == SubOrderStatus.COLLECTED


@pytest.fixture
def shipped(client, django_capture_on_commit_callbacks):
    """A JNE parcel marked shipped with a mistyped receipt number; the artisan signed in, emails cleared."""
    shop = f.shop(name="Sasirangan Ibu Aminah")
    order = paid_with(JNE_REG, (f.product(shop=shop, title_id="Selendang Kulat Karikit", price_idr=120_000,
                                           stock=3), 1))
    sub_order = order.sub_orders.get()
    client.force_login(shop.owner)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("dashboard:order_ship", args=[sub_order.pk]),
                           {"courier": "JNE", "tracking_number": "0113234567890999"}).status_code == 302
    mail.outbox.clear()
    return {"order": order, "sub_order": sub_order, "shop": shop}


def test_a_mistyped_receipt_number_is_corrected_and_the_buyer_gets_the_new_link(
        client, shipped, django_capture_on_commit_callbacks):
    order, sub_order = shipped["order"], shipped["sub_order"]
    url = reverse("dashboard:order_tracking", args=[sub_order.pk])
    page = client.get(reverse("dashboard:order_detail", args=[sub_order.pk])).content.decode()
    assert f'action="{url}"' in page and 'value="0113234567890999"' in page, "the form starts with what was typed"

    bad = client.post(url, {"courier": "SiCepat", "tracking_number": "SC-12"})
    assert bad.status_code == 400 and "Nomor resi SiCepat tidak seperti itu" in bad.content.decode()
    assert '<details class="db-details" open>' in bad.content.decode(), "the form with its error is open"
    assert SubOrder.objects.get(pk=sub_order.pk).tracking_number == "0113234567890999"

    with django_capture_on_commit_callbacks() as after_commit:
        response = client.post(url, {"courier": "JNE", "tracking_number": "0113 2345 6789 0123"})
    assert response.status_code == 302 and mail.outbox == [], "the email leaves after the commit"
    for callback in after_commit:
        callback()
    assert (f"Nomor resi pesanan {order.number} diperbaiki. Pembeli diberi tahu lewat email."
            in client.get(response["Location"]).content.decode())
    sub_order.refresh_from_db()
    assert (sub_order.status, sub_order.courier, sub_order.tracking_number) == (
        SubOrderStatus.SHIPPED, "JNE", "0113234567890123")
    [corrected] = mail.outbox
    assert corrected.subject == f"Nomor resi pesanan {order.number} diperbaiki oleh Sasirangan Ibu Aminah"
    assert "https://www.jne.co.id/tracking-package?awb=0113234567890123" in corrected.body
    assert "bukan yang dikirim sebelumnya" in corrected.body and "0113234567890999" not in corrected.body
    status_page = client.get(order.get_absolute_url()).content.decode()
    assert "0113234567890123" in status_page and "0113234567890999" not in status_page

    # The same again (a second tap) changes nothing and emails nobody.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(url, {"courier": "JNE", "tracking_number": "0113234567890123"}, follow=True)
    assert "tidak ada yang diubah" in again.content.decode()
    assert len(mail.outbox) == 1


def test_a_received_parcels_receipt_number_stays_and_a_paid_one_is_shipped_first(client, shipped):
    sub_order = shipped["sub_order"]
    fulfilment.suborder_mark_delivered(sub_order=sub_order)
    url = reverse("dashboard:order_tracking", args=[sub_order.pk])
    refused = client.post(url, {"courier": "JNE", "tracking_number": "0113234567890123"})
    assert refused.status_code == 409 and "Paket sudah diterima pembeli" in refused.content.decode()
    assert SubOrder.objects.get(pk=sub_order.pk).tracking_number == "0113234567890999"
    assert f'action="{url}"' not in client.get(reverse("dashboard:order_detail", args=[sub_order.pk])).content.decode()
    # Said before what was typed is looked at: the received parcel's page has no form to show errors in.
    typo = client.post(url, {"courier": "SiCepat", "tracking_number": "SC-12"})
    assert typo.status_code == 409 and "Paket sudah diterima pembeli" in typo.content.decode()

    unshipped = paid_with(JNE_REG, (f.product(shop=shipped["shop"], title_id="Kain Bayam Raja", stock=2), 1))
    unshipped_part = unshipped.sub_orders.get()
    early = client.post(reverse("dashboard:order_tracking", args=[unshipped_part.pk]),
                        {"courier": "JNE", "tracking_number": "0113234567890123"})
    assert early.status_code == 409 and "Hanya pesanan yang sedang dikirim" in early.content.decode()
    assert SubOrder.objects.get(pk=unshipped_part.pk).status == SubOrderStatus.PAID


def test_an_english_buyer_is_told_of_a_new_courier_in_english(client, django_capture_on_commit_callbacks):
    shop = f.shop(name="Sasirangan Ibu Aminah")
    order = paid_with(JNE_REG, (f.product(shop=shop, title_id="Selendang Kulat Karikit", stock=3), 1), language="en")
    sub_order = order.sub_orders.get()
    client.force_login(shop.owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("dashboard:order_ship", args=[sub_order.pk]),
                    {"courier": "JNE", "tracking_number": "0113234567890123"})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("dashboard:order_tracking", args=[sub_order.pk]),
                               {"courier": "SiCepat", "tracking_number": "000123456789"})
    assert response.status_code == 302
    [corrected] = mail.outbox
    assert corrected.subject == f"The receipt number of order {order.number} was corrected by Sasirangan Ibu Aminah"
    assert "Use the number below, not the one sent before." in corrected.body
    assert "https://www.sicepat.com/checkAwb/000123456789" in corrected.body and "jne.co.id" not in corrected.body


def test_another_shops_artisan_cannot_correct_a_receipt_number(client, shipped):
    sub_order = shipped["sub_order"]
    client.force_login(f.shop(name="Toko Lain").owner)
    assert client.post(reverse("dashboard:order_tracking", args=[sub_order.pk]),
                       {"courier": "JNE", "tracking_number": "0113234567890123"}).status_code == 404
    assert SubOrder.objects.get(pk=sub_order.pk).tracking_number == "0113234567890999"


@pytest.mark.parametrize("language,days,artisan_reads,expected", [
    ("id", (1, 1), "Perkiraan sampai 1 hari setelah dikirim.", "Perkiraan sampai 1 hari setelah dikirim."),
    ("en", (1, 1), "Perkiraan sampai 1 hari setelah dikirim.", "Expected 1 day after shipping."),
    # A rate may start at 0 days (same day): the range, as checkout showed it.
    ("id", (0, 2), "Perkiraan sampai 0–2 hari setelah dikirim.", "Perkiraan sampai 0–2 hari setelah dikirim."),
])
def test_a_one_day_courier_is_one_day_in_the_shipped_email_and_on_the_dashboard(
        client, django_capture_on_commit_callbacks, language, days, artisan_reads, expected):
    shop = f.shop()
    fast = {**JNE_REG, "delivery_label": "JNE YES", "delivery_days_min": days[0], "delivery_days_max": days[1]}
    order = paid_with(fast, (f.product(shop=shop, title_id="Selendang Kulat Karikit", stock=3), 1),
                      language=language)
    sub_order = order.sub_orders.get()
    client.force_login(shop.owner)
    dashboard = client.get(reverse("dashboard:order_detail", args=[sub_order.pk])).content.decode()
    assert artisan_reads in dashboard and "1–1" not in dashboard
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("dashboard:order_ship", args=[sub_order.pk]),
                    {"courier": "JNE", "tracking_number": "0113234567890123"})
    [shipped_email] = mail.outbox
    assert expected in shipped_email.body and "1–1" not in shipped_email.body


def test_the_order_page_and_confirmation_show_goods_shipping_and_total(client, django_capture_on_commit_callbacks):
    shop = f.shop()
    with django_capture_on_commit_callbacks(execute=True):
        order = paid_with(JNE_REG, (f.product(shop=shop, price_idr=175_000, stock=3), 2))
    assert order.total_idr == 368_000
    page = re.sub(r"\s+", " ", client.get(order.get_absolute_url()).content.decode())
    assert re.search(r"Barang <span class=\"ko-amount\">Rp 350.000</span>", page)
    assert re.search(r"Ongkos kirim <span class=\"ko-amount\">Rp 18.000</span>", page)
    assert "Rp 368.000" in page and "Pengiriman: JNE REG" in page and "perkiraan 2–3 hari" in page
    confirmation = next(message for message in mail.outbox if message.to == ["rina@contoh.id"])
    assert "Pengiriman: JNE REG: Rp 18.000" in confirmation.body
    assert "Ongkos kirim: Rp 18.000" in confirmation.body and "Total dibayar: Rp 368.000" in confirmation.body
    # An English order reads it in English.
    english = paid_with(JNE_REG, (f.product(shop=shop, price_idr=100_000, stock=3), 1), language="en")
    text = client.get(english.get_absolute_url().replace("/id/", "/en/", 1)).content.decode()
    assert "Shipping" in text and "Rp 18.000" in text


def test_the_dashboard_counts_what_waits(client, picked_up, django_assert_num_queries):
    shop = picked_up["shop"]
    paid_with(JNE_REG, (f.product(shop=shop, stock=5), 1))
    paid_with(JNE_REG, (f.product(shop=shop, stock=5), 1))
    ready = paid_with(PICKUP, (f.product(shop=shop, stock=5), 1)).sub_orders.get()
    fulfilment.suborder_mark_ready(sub_order=ready)
    paid_with(JNE_REG, (f.product(shop=f.shop(), stock=5), 1))  # another shop's
    with django_assert_num_queries(1):
        counts = selectors.shop_order_counts(shop=shop)
    assert counts == {"to_ship": 2, "to_prepare": 1, "to_collect": 1, "waiting": 4}

    client.force_login(shop.owner)
    home = re.sub(r"\s+", " ", client.get(reverse("dashboard:home")).content.decode())
    assert "<strong>2</strong> menunggu dikirim" in home and "<strong>1</strong> menunggu diambil pembeli" in home
    orders = client.get(reverse("dashboard:orders")).content.decode()
    assert re.search(r'<span class="db-count">4<span class="visually-hidden"> menunggu', orders)
    # Each order in the list says how it goes to the buyer.
    assert orders.count("Ambil sendiri di workshop") == 2 and orders.count("JNE REG") == 2


def test_the_packing_slip(client, picked_up):
    shop = picked_up["shop"]
    client.force_login(shop.owner)
    parcel_order = paid_with(JNE_REG, (f.product(shop=shop, title_id="Selendang Ombak Sinapur", stock=2), 2))
    parcel = parcel_order.sub_orders.get()
    slip = client.get(reverse("dashboard:order_packing_slip", args=[parcel.pk]))
    assert slip.status_code == 200
    text = slip.content.decode()
    for expected in (parcel_order.number, "Rina Wulandari", "Jl. Kertajaya No. 12, RT 03/RW 05", "Gubeng, Kota Surabaya",
                     "Jawa Timur 60281", "2 × Selendang Ombak Sinapur", "JNE REG", shop.name):
        assert expected in text, expected
    assert "<script" not in text and "packing-slip.css" in text
    detail = client.get(reverse("dashboard:order_detail", args=[parcel.pk])).content.decode()
    assert reverse("dashboard:order_packing_slip", args=[parcel.pk]) in detail

    pickup_slip = client.get(reverse("dashboard:order_packing_slip", args=[picked_up["sub_order"].pk])).content.decode()
    assert picked_up["sub_order"].pickup_code in pickup_slip and "DIAMBIL SENDIRI" in pickup_slip
    assert "Kertajaya" not in pickup_slip


def test_a_ready_pickup_the_buyer_never_collects_can_be_cancelled(client, picked_up):
    sub_order = fulfilment.suborder_mark_ready(sub_order=picked_up["sub_order"])
    fulfilment.suborder_cancel(sub_order=sub_order, reason="Pembeli tidak datang selama 30 hari.")
    assert SubOrder.objects.get(pk=sub_order.pk).status == SubOrderStatus.CANCELED


def test_a_collected_pickup_cannot_be_cancelled(client, picked_up):
    sub_order = fulfilment.suborder_mark_collected(sub_order=picked_up["sub_order"],
                                                   code=picked_up["sub_order"].pickup_code)
    client.force_login(picked_up["shop"].owner)
    refused = client.post(reverse("dashboard:order_cancel", args=[sub_order.pk]), {"reason": "Salah pencet"})
    assert refused.status_code == 409 and "sudah diambil pembeli tidak dapat dibatalkan" in refused.content.decode()
    assert SubOrder.objects.get(pk=sub_order.pk).status == SubOrderStatus.COLLECTED


def test_an_open_pickup_code_is_unique(picked_up):
    taken = picked_up["sub_order"]
    other = paid_with(PICKUP, (f.product(shop=picked_up["shop"], stock=2), 1)).sub_orders.get()
    assert other.pickup_code != taken.pickup_code
    with pytest.raises(IntegrityError), transaction.atomic():
        SubOrder.objects.filter(pk=other.pk).update(pickup_code=taken.pickup_code)
    # Once collected, its code may come round again.
    SubOrder.objects.filter(pk=taken.pk).update(status=SubOrderStatus.COLLECTED)
    SubOrder.objects.filter(pk=other.pk).update(pickup_code=taken.pickup_code)
    assert pickup.pickup_code_normalize(" ab3-k9x ") == "AB3K9X"


def test_every_courier_in_the_list_accepts_its_own_example_and_links_it():
    for courier in couriers.COURIERS:
        number = couriers.tracking_number_normalize(courier.example)
        assert courier.number_pattern.match(number), courier.name
        link = couriers.tracking_link(courier_name=courier.name, tracking_number=number)
        assert link == ("" if not courier.tracking_url else courier.tracking_url.format(number=number))
        assert not link or link.startswith("https://")
    # Same-day delivery by Grab or Gojek can be marked shipped with the booking code; it has no tracking page.
    form = ShipForm({"courier": "Kurir instan (Grab/Gojek)", "tracking_number": "gk-1234 5678"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["tracking_number"] == "GK12345678"
    assert couriers.tracking_link(courier_name="Kurir instan (Grab/Gojek)", tracking_number="GK12345678") == ""
    # An old order's free-text courier shows without a link.
    assert couriers.tracking_link(courier_name="Kurir Pak Udin", tracking_number="12345") == ""


def test_editors_see_the_delivery_on_the_admins_order_page(client):
    shop = f.shop()
    order = paid_with(JNE_REG, (f.product(shop=shop, stock=2), 1))
    fulfilment.suborder_mark_shipped(sub_order=order.sub_orders.get(), courier="SiCepat", tracking_number="000123456789")
    editor = UserFactory(username="editor-pengiriman")
    editor.groups.add(Group.objects.get(name=EDITORS))
    client.force_login(editor)
    page = client.get(f"/admin/orders/inspect/{order.pk}/").content.decode()
    assert "JNE REG" in page and "Rp 18.000" in page
    assert 'href="https://www.sicepat.com/checkAwb/000123456789"' in page


def test_a_collected_pickup_is_settled_with_the_artisan_a_ready_one_not_yet(picked_up):
    today = timezone.localdate()
    ready = fulfilment.suborder_mark_ready(sub_order=picked_up["sub_order"])
    assert payouts.settlement_preview(period_end=today) == []
    fulfilment.suborder_mark_collected(sub_order=ready, code=ready.pickup_code)
    [preview] = payouts.settlement_preview(period_end=today)
    assert (preview.shop, preview.amount_idr) == (picked_up["shop"], 175_000 - 8_750)
