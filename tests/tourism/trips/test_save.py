"""One tap saves a destination, event, shop or product; the plan follows the visitor."""

import pytest
from bs4 import BeautifulSoup
from wagtail.models import Locale

from tests.marketplace.factories import UserFactory
from tests.tourism.trips.conftest import save
from tourism.trips.models import TripPlan, TripStop

pytestmark = pytest.mark.django_db


def stops_of(plan):
    return [(stop.kind, stop.object_id) for stop in plan.stops.order_by("day", "position")]


def test_every_kind_of_page_has_the_save_button_and_its_form(client, places):
    pages = {
        "/id/destinasi/masjid-uji/": f"destination:{places['mosque'].pk}",
        "/id/acara/festival-uji/": f"event:{places['festival'].pk}",
        f"/id/kampung-sasirangan/perajin/{places['shop'].slug}/": f"shop:{places['shop'].pk}",
        "/id/destinasi/": f"destination:{places['market'].pk}",
        "/id/kampung-sasirangan/": f"product:{places['product'].pk}",
        f"/id/kampung-sasirangan/produk/{places['product'].slug}/": f"product:{places['product'].pk}",
    }
    for url, key in pages.items():
        page = BeautifulSoup(client.get(url).content, "html.parser")
        button = page.select_one(f'button[value="{key}"]')
        assert button is not None, url
        assert button["form"] == "trip-save-form" and "Simpan ke rencana" in button.get_text()
        # The page holds nothing of the visitor (the page cache serves it to everyone): no CSRF token.
        form = page.select_one("form#trip-save-form")
        assert form["method"] == "get" and not page.select("#trip-save-form [name=csrfmiddlewaretoken]"), url


def test_without_javascript_the_button_asks_once_more_then_saves(client, places):
    key = f"destination:{places['market'].pk}"
    confirm = client.get("/id/rencana/simpan/", {"stop": key, "next": "/id/destinasi/"})
    assert confirm.status_code == 200 and "Pasar Terapung Uji" in confirm.text
    assert not TripPlan.objects.exists()  # asking writes nothing
    form = BeautifulSoup(confirm.content, "html.parser").select_one("main form[method=post]")
    fields = {field["name"]: field.get("value", "") for field in form.select("input")}
    assert fields["stop"] == key and fields["action"] == "save" and fields["csrfmiddlewaretoken"]
    assert client.post("/id/rencana/simpan/", fields).status_code == 302
    assert TripStop.objects.get().object_id == places["market"].pk
    again = client.get("/id/rencana/simpan/", {"stop": key})
    assert "sudah ada di rencana" in again.text
    assert client.get("/id/rencana/simpan/", {"stop": "castle:1"}).status_code == 400


def test_saving_without_javascript_opens_the_plan_with_the_stop(client, places):
    response = save(client, f"destination:{places['market'].pk}", next="/id/destinasi/")
    assert response.status_code == 302 and response["Location"].startswith("/id/rencana/?dari=")
    plan_page = client.get(response["Location"])
    assert "Pasar Terapung Uji" in plan_page.text and "Disimpan ke rencana perjalanan." in plan_page.text
    assert 'href="/id/destinasi/"' in plan_page.text  # the way back
    assert "gebrak_trip" in response.cookies


def test_toggling_with_javascript_saves_and_removes(client, places):
    key = f"product:{places['product'].pk}"
    assert save(client, key, json=True).json()["saved"] is True
    assert client.get("/id/rencana/status/").json()["saved"] == [key]
    assert save(client, key, json=True).json()["saved"] is True  # a second tap on a stale button: still one
    assert TripStop.objects.count() == 1
    assert save(client, key, action="remove", json=True).json()["saved"] is False
    assert client.get("/id/rencana/status/").json()["saved"] == []


def test_an_english_page_saves_its_indonesian_original_and_both_buttons_show_it(client, places):
    english = places["mosque"].get_translation(Locale.objects.get(language_code="en"))
    save(client, f"destination:{english.pk}", json=True, language="en")
    plan = TripPlan.objects.get()
    assert stops_of(plan) == [("destination", places["mosque"].pk)]
    saved = client.get("/en/my-trip/status/").json()["saved"]
    assert sorted(saved) == sorted([f"destination:{places['mosque'].pk}", f"destination:{english.pk}"])
    assert "Test Mosque" in client.get("/en/my-trip/").text


def test_the_device_keeps_its_plan_after_the_session_ends(client, places, django_app_client=None):
    from django.test import Client

    response = save(client, f"event:{places['festival'].pk}")
    device = Client()
    device.cookies["gebrak_trip"] = response.cookies["gebrak_trip"].value  # the session is gone, the cookie stays
    assert "Festival Uji" in device.get("/id/rencana/").text
    tampered = Client()
    tampered.cookies["gebrak_trip"] = response.cookies["gebrak_trip"].value[:-2] + "xx"
    assert "Festival Uji" not in tampered.get("/id/rencana/").text


def test_signing_in_merges_the_device_plan_into_the_account(client, places):
    user = UserFactory(email="turis@contoh.id")
    account = TripPlan.objects.create(user=user)
    TripStop.objects.create(plan=account, kind="destination", object_id=places["mosque"].pk)
    save(client, f"destination:{places['market'].pk}")
    save(client, f"destination:{places['mosque'].pk}")  # already in the account's plan: kept once
    client.force_login(user)
    assert TripPlan.objects.count() == 1
    assert stops_of(TripPlan.objects.get()) == [("destination", places["mosque"].pk),
                                                ("destination", places["market"].pk)]
    client.logout()
    # Signed out on a shared phone, the device's cookie no longer opens the account's plan.
    assert "Pasar Terapung Uji" not in client.get("/id/rencana/").text


def test_pages_every_visitor_shares_never_show_one_visitor_saved_state(client, places, settings):
    save(client, f"destination:{places['mosque'].pk}")
    html = client.get("/id/destinasi/masjid-uji/").text
    assert "Tersimpan di rencana" not in BeautifulSoup(html, "html.parser").select_one(
        f'button[value="destination:{places["mosque"].pk}"]').get_text()
    status = client.get("/id/rencana/status/")
    assert "no-store" in status["Cache-Control"] and "private" in status["Cache-Control"]
    # What js/trips.js posts with: asked for at the first tap when the visitor has no CSRF cookie yet.
    assert client.get("/id/rencana/status/", {"csrf": "1"}).json()["csrf"]


@pytest.mark.parametrize("key, status, message", [
    ("castle:1", 400, "Jenis tempat ini tidak dikenal."),
    ("destination:abc", 400, "Tempat ini tidak dikenal."),
    ("destination:-3", 400, "Tempat ini tidak dikenal."),
    ("destination:²", 400, "Tempat ini tidak dikenal."),  # str.isdigit() takes it, int() does not
    ("destination:999999", 404, "Tempat ini tidak ada atau belum terbit."),
    ("", 400, "Jenis tempat ini tidak dikenal."),
])
def test_bad_stops_are_refused_with_a_message_and_nothing_written(client, places, key, status, message):
    response = save(client, key)
    assert response.status_code == status and message in response.text
    assert save(client, key, json=True).json() == {"error": message}
    assert not TripPlan.objects.exists() and not TripStop.objects.exists()


def test_an_unpublished_product_cannot_be_saved(client, places):
    places["product"].is_published = False
    places["product"].save()
    assert save(client, f"product:{places['product'].pk}").status_code == 404
    assert not TripStop.objects.exists()


def test_saving_needs_a_post_with_a_csrf_token(places):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert Client().put("/id/rencana/simpan/").status_code == 405
    assert strict.post("/id/rencana/simpan/", {"stop": f"destination:{places['mosque'].pk}"}).status_code == 403
    assert not TripStop.objects.exists()
