"""What the visitor bought for pickup joins their plan by itself: the workshop, its hours, the code."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from tests.marketplace.factories import UserFactory
from tests.marketplace.orders.factories import paid_order, pickup_shop, product
from tourism.trips.models import TripPlan, TripStop

pytestmark = pytest.mark.django_db


@pytest.fixture
def tourist(places):
    user = UserFactory(email="turis@contoh.id")
    plan = TripPlan.objects.create(user=user, day_count=2)
    TripStop.objects.create(plan=plan, kind="destination", object_id=places["market"].pk, day=1)
    TripStop.objects.create(plan=plan, kind="destination", object_id=places["mosque"].pk, day=2)
    return user


def days(html):
    page = BeautifulSoup(html, "html.parser")
    return [[item.select_one(".trip-stop__title").get_text() for item in day.select(".trip-stop")]
            for day in page.select(".trip-day")]


def test_a_paid_pickup_joins_the_day_nearest_to_the_workshop_with_its_code(client, tourist):
    # The workshop is in Martapura, 1.5 km from the mosque (day 2), 24 km from the floating market (day 1).
    workshop = pickup_shop(name="Sasirangan Ambil", latitude="-3.400", longitude="114.850", pickup_hours="08:00-16:00")
    order = paid_order((product(shop=workshop, title_id="Kain Ambil"), 1), user=tourist, kind="pickup")
    sub_order = order.sub_orders.get()
    assert sub_order.pickup_code
    client.force_login(tourist)
    html = client.get("/id/rencana/").text
    assert days(html) == [["Pasar Terapung Uji"], ["Masjid Uji", "Ambil pesanan di Sasirangan Ambil"]]
    joined = BeautifulSoup(html, "html.parser").select_one(".trip-stop--joined").get_text(" ")
    assert sub_order.pickup_code in joined and "08:00-16:00" in joined and sub_order.number in joined
    assert "Naik" not in joined  # not saved by hand: nothing to move or remove
    # The read-only link never shows a pickup code.
    shared = Client().get(f"/id/rencana/lihat/{TripPlan.objects.get().share_token}/").text
    assert sub_order.pickup_code not in shared and "Sasirangan Ambil" not in shared


def test_only_the_visitors_own_open_pickups_join(client, tourist, places):
    workshop = pickup_shop(name="Sasirangan Lain", latitude="-3.400", longitude="114.850")
    someone = UserFactory(email="orang@contoh.id")
    paid_order((product(shop=workshop), 1), user=someone, kind="pickup")
    paid_order((product(shop=workshop), 1), user=tourist, kind="courier")
    client.force_login(tourist)
    assert days(client.get("/id/rencana/").text) == [["Pasar Terapung Uji"], ["Masjid Uji"]]


def test_a_guests_pickup_joins_the_plan_on_the_device_it_was_bought_on(client, places):
    """No account: the order is remembered by the session that checked out, so the workshop joins the
    plan kept on that phone; another visitor's plan does not get it."""
    from marketplace.orders import checkout
    from marketplace.orders.models import Order
    from tests.marketplace.orders import emulator
    from tests.marketplace.orders.factories import intent_for

    TripStop.objects.create(plan=TripPlan.objects.create(day_count=1), kind="destination",
                            object_id=places["mosque"].pk, day=1)  # someone else's plan
    workshop = pickup_shop(name="Sasirangan Tamu", latitude="-3.401", longitude="114.851", pickup_hours="08:00-15:00")
    cloth = product(shop=workshop, title_id="Kain Tamu")
    assert client.post("/id/kampung-sasirangan/keranjang/tambah/", {"product": cloth.pk, "quantity": 1}).status_code == 302
    placed = emulator.checkout_form(client, **{f"shipping-{workshop.slug}": "pickup"})
    assert placed.status_code == 302, placed.content[:500]
    order = Order.objects.get()
    order.stripe_payment_intent_id = f"pi_test_{order.pk}"
    order.save(update_fields=["stripe_payment_intent_id"])
    checkout.order_mark_paid(order=order, intent=intent_for(order))
    code = order.sub_orders.get().pickup_code

    html = client.get("/id/rencana/").text
    assert days(html) == [["Ambil pesanan di Sasirangan Tamu"]]
    assert code in BeautifulSoup(html, "html.parser").select_one(".trip-stop--joined").get_text(" ")
    assert code not in Client().get("/id/rencana/").text
