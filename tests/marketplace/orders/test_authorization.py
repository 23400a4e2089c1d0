"""Who may see and change which order: the dashboard's order and earnings URLs for every role
and method, order status links by token, and a buyer's own orders.

DASHBOARD_ORDER_URLS classifies every URL marketplace/orders/dashboard_urls.py adds to the
dashboard; tests/marketplace/test_dashboard_authorization.py checks that every dashboard URL
is classified somewhere.
"""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from marketplace.models import ShopStatus
from marketplace.orders import dashboard_urls
from marketplace.orders.models import PayoutAccount, Refund, SubOrder
from tests.marketplace.factories import UserFactory
from tests.marketplace.orders import factories as f

pytestmark = pytest.mark.django_db

# Name one sub-order by its id: only the shop that fulfils it may reach it.
SUB_ORDER_URLS = {"order_detail", "order_ship", "order_tracking", "order_delivered", "order_cancel", "order_ready",
                  "order_collect", "order_packing_slip"}
# About the requester's own shop: nothing in the URL says whose.
OWN_SHOP_ORDER_URLS = {"orders", "earnings", "earnings_csv", "payout_bank"}
# Stripe Connect onboarding: only with STRIPE_CONNECT_ENABLED (tested in test_connect.py).
CONNECT_URLS = {"connect_start", "connect_refresh", "connect_return"}
DASHBOARD_ORDER_URLS = SUB_ORDER_URLS | OWN_SHOP_ORDER_URLS | CONNECT_URLS
ROLES = ["owner", "other_artisan", "applicant", "no_shop", "anonymous"]


def test_every_order_dashboard_url_is_classified():
    assert {pattern.name for pattern in dashboard_urls.urlpatterns} == DASHBOARD_ORDER_URLS


@pytest.fixture
def world(stripe_emulator):
    owner_shop = f.shop(name="Toko Pemilik Asli")
    other_shop = f.shop(name="Toko Perajin Lain")
    applicant_shop = f.shop(name="Toko Pemohon", status=ShopStatus.PENDING)
    buyer = UserFactory(email="pembeli-a@contoh.id")
    order = f.paid_order((f.product(shop=owner_shop, title_id="Kain Milik Pemilik", stock=3), 1),
                         (f.product(shop=other_shop, title_id="Kain Perajin Lain", stock=3), 1), user=buyer)
    other_buyer_order = f.paid_order((f.product(shop=other_shop, title_id="Selendang Lain", stock=2), 1),
                                     user=UserFactory(email="pembeli-b@contoh.id"),
                                     contact=f.checkout.Contact(name="Pembeli Kedua", email="pembeli-b@contoh.id",
                                                                phone="+6281111111111"))
    return {
        "owner": owner_shop.owner, "other_artisan": other_shop.owner, "applicant": applicant_shop.owner,
        "no_shop": UserFactory(), "anonymous": None, "owner_shop": owner_shop, "order": order,
        "sub_order": order.sub_orders.get(shop=owner_shop), "buyer": buyer, "other_buyer_order": other_buyer_order,
    }


def snapshot(world):
    sub_order = SubOrder.objects.get(pk=world["sub_order"].pk)
    return ((sub_order.status, sub_order.courier, sub_order.tracking_number, sub_order.cancel_reason),
            Refund.objects.count(),
            list(PayoutAccount.objects.filter(shop=world["owner_shop"]).values_list("bank_name", "account_number")))


def post_data(name):
    return {"order_ship": {"courier": "JNE", "tracking_number": "JNE123456789"},
            "order_tracking": {"courier": "JNE", "tracking_number": "JNE123456789"},
            "order_cancel": {"reason": "Diretas"},
            "payout_bank": {"bank_name": "Bank Diretas", "account_number": "1234567890", "account_holder": "X"},
            }.get(name, {})


def url_for(name, world):
    if name in SUB_ORDER_URLS:
        return reverse(f"dashboard:{name}", args=[world["sub_order"].pk])
    return reverse(f"dashboard:{name}")


MATRIX = [(name, role, method) for name in sorted(SUB_ORDER_URLS | OWN_SHOP_ORDER_URLS) for role in ROLES
          for method in ("get", "post")]


@pytest.mark.parametrize(("name", "role", "method"), MATRIX, ids=["-".join(case) for case in MATRIX])
def test_dashboard_order_authorization(client, world, name, role, method):
    user = world[role]
    if user is not None:
        client.force_login(user)
    before = snapshot(world)

    response = getattr(client, method)(url_for(name, world), post_data(name) if method == "post" else None)

    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("dashboard:login") + "?next=")
    elif role == "owner":
        # The world's sub-order is paid, not shipped: the owner cannot mark it received yet (409) nor correct
        # its receipt number (409); it goes by courier, so it is not made ready for pickup (409) nor collected
        # (400: no code typed).
        refused = {"order_delivered": {409}, "order_tracking": {409}, "order_ready": {409},
                   "order_collect": {400}}.get(name, set())
        assert response.status_code in {200, 302, 405} | refused, response.status_code
    elif role in {"applicant", "no_shop"}:
        assert response.status_code == 403
    elif name in SUB_ORDER_URLS:
        assert response.status_code == 404
    else:
        # Their own (empty or other) orders and earnings: nothing of the owner's shop shows.
        assert response.status_code in {200, 302, 405}
        if response.status_code == 200:
            text = response.content.decode()
            # (The order itself is shared with the other artisan's shop; the owner's part is not.)
            assert "Kain Milik Pemilik" not in text
            assert reverse("dashboard:order_detail", args=[world["sub_order"].pk]) not in text
    if role != "owner":
        assert snapshot(world) == before


def test_owner_sees_only_their_part_of_a_shared_order(client, world):
    client.force_login(world["owner"])
    text = client.get(reverse("dashboard:order_detail", args=[world["sub_order"].pk])).content.decode()
    assert "Kain Milik Pemilik" in text and "Kain Perajin Lain" not in text
    csv = client.get(reverse("dashboard:earnings_csv")).content.decode()
    assert csv.count("\n") == 2 and world["order"].number in csv
    other_part = world["order"].sub_orders.exclude(pk=world["sub_order"].pk).get()
    assert client.get(reverse("dashboard:order_detail", args=[other_part.pk])).status_code == 404


def test_order_status_needs_the_right_token(client, world):
    order = world["order"]
    assert client.get(f"/id/kampung-sasirangan/pesanan/{order.token}/").status_code == 200
    wrong = "A" * len(order.token)
    for path in (f"/id/kampung-sasirangan/pesanan/{wrong}/", f"/en/kampung-sasirangan/pesanan/{wrong}/",
                 f"/id/kampung-sasirangan/pesanan/{wrong}/terima-kasih/",
                 f"/id/kampung-sasirangan/checkout/{wrong}/bayar/",
                 f"/id/kampung-sasirangan/pesanan/{order.pk}/", f"/id/kampung-sasirangan/pesanan/{order.number}/"):
        assert client.get(path).status_code == 404, path
    for path in (f"/id/kampung-sasirangan/checkout/{wrong}/siapkan/", f"/id/kampung-sasirangan/checkout/{wrong}/emulator/"):
        assert client.post(path, data="{}", content_type="application/json").status_code == 404, path


def test_the_status_page_is_never_cached(client, world):
    response = client.get(f"/id/kampung-sasirangan/pesanan/{world['order'].token}/")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_signed_in_buyers_see_their_own_orders_only(client, world):
    mine = "/id/kampung-sasirangan/pesanan/"
    response = client.get(mine)
    assert response.status_code == 302 and response["Location"].startswith("/id/kampung-sasirangan/akun/masuk/")
    client.force_login(world["buyer"])
    page = BeautifulSoup(client.get(mine).content, "html.parser")
    numbers = [link.get_text(strip=True) for link in page.select(".ko-order-list h2 a")]
    assert numbers == [world["order"].number]
    assert world["other_buyer_order"].number not in page.get_text()
