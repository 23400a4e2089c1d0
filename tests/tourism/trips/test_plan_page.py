"""The plan page: days, order without JavaScript, distances, facts, events on the dates, suggestions."""

import math
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.marketplace.factories import ProductFactory
from tests.tourism import factories
from tests.tourism.trips.conftest import save
from tourism.trips.models import TripPlan, TripStop
from tourism.trips.registry import StopFacts
from tourism.trips.selectors import leg_between

pytestmark = pytest.mark.django_db
# Session, user, plan, stops; per kind its rows and pictures; nearby destinations and shops.
PLAN_PAGE_QUERIES = 11  # 19 while its rows asked Wagtail's public() and Locale.get_default() (a query each, each time), 26 before the default locale and "any page restricted" were remembered


def order(plan):
    return [(stop.day, stop.kind, stop.object_id) for stop in plan.stops.order_by("day", "position")]


def titles_by_day(html):
    page = BeautifulSoup(html, "html.parser")
    return [[a.get_text() for a in day.select(".trip-stop__title a")] for day in page.select(".trip-day")]


def test_distance_and_travel_time_between_two_known_places():
    # Martapura's Al-Karomah mosque to the Lok Baintan floating market: 0.12° of latitude and
    # 0.183° of longitude at 3.35° S, about 24.3 km on a sphere of radius 6371 km.
    mosque = StopFacts(title="Masjid", url="/", latitude=-3.413, longitude=114.848)
    market = StopFacts(title="Pasar", url="/", latitude=-3.293, longitude=114.665)
    leg = leg_between(mosque, market)
    cosines = 6371.0088 * math.acos(
        math.sin(math.radians(-3.413)) * math.sin(math.radians(-3.293))
        + math.cos(math.radians(-3.413)) * math.cos(math.radians(-3.293)) * math.cos(math.radians(114.665 - 114.848)))
    assert leg.distance_km == pytest.approx(cosines, abs=0.01) and round(leg.distance_km, 1) == 24.3
    assert leg.minutes == 55 and not leg.by_boat  # 24.3 x 1.4 = 34 km at 40 km/h = 51 min, up to 55
    boat = leg_between(StopFacts(title="Waduk", url="/", latitude=-3.535, longitude=114.995, by_boat=True),
                       StopFacts(title="Pulau", url="/", latitude=-3.548, longitude=115.015, by_boat=True))
    assert boat.by_boat and boat.minutes == 20  # 2.65 km x 1.2 at 12 km/h = 15.9 min, rounded up to 20
    assert leg_between(mosque, StopFacts(title="Tanpa lokasi", url="/")) is None


def test_the_page_shows_each_stop_with_its_facts_the_leg_and_how_it_is_estimated(client, places):
    save(client, f"destination:{places['mosque'].pk}")
    save(client, f"destination:{places['market'].pk}")
    save(client, f"product:{places['product'].pk}")
    html = client.get("/id/rencana/").text
    text = BeautifulSoup(html, "html.parser").select_one("main").get_text(" ")
    assert titles_by_day(html) == [["Masjid Uji", "Pasar Terapung Uji", "Kain Uji"]]
    assert "04:00-22:00" in text and "Gratis" in text and "05:30-09:00" in text and "Rp 25.000" in text
    assert "Rp 175.000" in text and "09:00-16:00" in text  # the product: its price, its workshop's hours
    assert "24,3 km garis lurus · sekitar 55 menit" in text
    assert "jarak × 1,4 (jalan berkelok) pada 40 km/jam" in text
    assert 'data-map="destinations"' in html and "destinations-map-data" in html
    english = client.get("/en/my-trip/").text
    assert "24.3 km in a straight line · about 55 minutes" in english and "Day 1" in english


def test_the_english_plan_names_each_stop_in_english_and_in_the_singular(client, places):
    """It read "1 Destinations" and an event's venue by its Indonesian name."""
    from tourism.models import EventPage

    EventPage.objects.filter(pk=places["festival"].pk).update(venue=places["mosque"])
    save(client, f"destination:{places['mosque'].pk}")
    save(client, f"event:{places['festival'].pk}")
    save(client, f"product:{places['product'].pk}")
    save(client, f"shop:{places['shop'].pk}")
    english = BeautifulSoup(client.get("/en/my-trip/").text, "html.parser")
    kinds = [" ".join(kind.get_text(" ", strip=True).split()[1:]) for kind in english.select(".trip-stop__kind")]
    assert kinds == ["Destination", "Event", "Product", "Artisan"]
    notes = [note.get_text(strip=True) for note in english.select(".trip-stop__note")]
    assert any(note.startswith("Test Mosque, ") for note in notes), notes
    indonesian = BeautifulSoup(client.get("/id/rencana/").text, "html.parser")
    assert [" ".join(kind.get_text(" ", strip=True).split()[1:]) for kind in indonesian.select(".trip-stop__kind")] == [
        "Destinasi", "Acara", "Produk", "Perajin"]
    assert any(note.get_text(strip=True).startswith("Masjid Uji, ") for note in indonesian.select(".trip-stop__note"))


def test_days_and_order_without_javascript(client, places):
    for key in ("mosque", "market"):
        save(client, f"destination:{places[key].pk}")
    save(client, f"event:{places['festival'].pk}")
    plan = TripPlan.objects.get()
    mosque, market, festival = plan.stops.order_by("position")
    assert client.post("/id/rencana/hari/tambah/").status_code == 302
    # Down from the last place of day 1: it opens day 2.
    response = client.post("/id/rencana/pindah/", {"stop_id": festival.pk, "direction": "down"})
    assert response.status_code == 302 and response["Location"] == f"/id/rencana/#stop-{festival.pk}"
    assert order(plan) == [(1, "destination", places["mosque"].pk), (1, "destination", places["market"].pk),
                           (2, "event", places["festival"].pk)]
    client.post("/id/rencana/pindah/", {"stop_id": market.pk, "direction": "up"})
    assert titles_by_day(client.get("/id/rencana/").text) == [["Pasar Terapung Uji", "Masjid Uji"], ["Festival Uji"]]
    client.post("/id/rencana/pindah/", {"stop_id": mosque.pk, "day": "2"})
    assert titles_by_day(client.get("/id/rencana/").text) == [["Pasar Terapung Uji"], ["Festival Uji", "Masjid Uji"]]
    client.post("/id/rencana/pindah/", {"stop_id": festival.pk, "direction": "up"})  # top of day 2: back to day 1
    assert titles_by_day(client.get("/id/rencana/").text) == [["Pasar Terapung Uji", "Festival Uji"], ["Masjid Uji"]]
    client.post("/id/rencana/hari/hapus/", {"day": "1"})
    assert titles_by_day(client.get("/id/rencana/").text) == [["Masjid Uji", "Pasar Terapung Uji", "Festival Uji"]]


@pytest.mark.parametrize("data, status, message", [
    ({"direction": "up"}, 404, "Tempat itu tidak ada di rencana Anda."),
    ({"day": "-1"}, 400, "Pilih hari 1 sampai 1."),
    ({"day": "0"}, 400, "Pilih hari 1 sampai 1."),
    ({"day": "3"}, 400, "Pilih hari 1 sampai 1."),
    ({"day": "²"}, 400, "Pilih hari 1 sampai 1."),
    ({"direction": "sideways"}, 400, "Arah pindah tidak dikenal."),
])
def test_bad_moves_are_refused_and_change_nothing(client, places, data, status, message):
    save(client, f"destination:{places['mosque'].pk}")
    save(client, f"destination:{places['market'].pk}")
    stop = TripStop.objects.order_by("position").first()
    before = order(TripPlan.objects.get())
    response = client.post("/id/rencana/pindah/", {"stop_id": stop.pk if "day" in data or data.get("direction") == "sideways"
                                                   else 999999, **data})
    assert response.status_code == status and message in response.text
    assert order(TripPlan.objects.get()) == before


def test_another_visitors_stop_cannot_be_moved(client, places):
    from django.test import Client

    other = Client()
    save(other, f"destination:{places['mosque'].pk}")
    save(other, f"destination:{places['market'].pk}")
    theirs = TripStop.objects.order_by("position").last()
    save(client, f"destination:{places['mosque'].pk}")
    response = client.post("/id/rencana/pindah/", {"stop_id": theirs.pk, "direction": "up"})
    assert response.status_code == 404 and "Tempat itu tidak ada di rencana Anda." in response.text
    theirs.refresh_from_db()
    assert theirs.position == 1
    assert client.post("/id/rencana/pindah/", {"stop_id": theirs.pk, "direction": "up"},
                       HTTP_ACCEPT="application/json").json() == {"error": "Tempat itu tidak ada di rencana Anda."}


def test_a_bad_date_is_refused(client, places):
    save(client, f"destination:{places['mosque'].pk}")
    response = client.post("/id/rencana/tanggal/", {"start_date": "31-12-2026"})
    assert response.status_code == 400 and "Tanggal tidak dikenal" in response.text
    assert TripPlan.objects.get().start_date is None


@pytest.mark.parametrize("raw", ["0001-01-01", "9999-12-31", "far"])
def test_a_date_outside_the_years_a_trip_takes_is_refused_and_the_plan_still_shows(client, places, raw):
    """Before, any date Python reads was kept: year 9999 or 1 then broke the plan's page and its
    shared link with a 500 until the visitor changed it."""
    save(client, f"destination:{places['mosque'].pk}")
    today = timezone.localdate()
    if raw == "far":
        raw = (today + timedelta(days=2 * 365 + 1)).isoformat()
    response = client.post("/id/rencana/tanggal/", {"start_date": raw})
    assert response.status_code == 400 and "Pilih tanggal antara" in response.text
    assert TripPlan.objects.get().start_date is None
    page = client.get("/id/rencana/")
    assert page.status_code == 200
    picker = BeautifulSoup(page.text, "html.parser").select_one("#trip-start")
    assert (picker["min"], picker["max"]) == ((today - timedelta(days=365)).isoformat(),
                                              (today + timedelta(days=2 * 365)).isoformat())
    assert client.post("/id/rencana/tanggal/", {"start_date": picker["max"]}).status_code == 302
    assert client.get("/id/rencana/").status_code == 200
    english = client.post("/en/my-trip/tanggal/", {"start_date": "9999-12-31"})
    assert english.status_code == 400 and "Choose a date between" in english.text


def test_events_on_the_chosen_dates_and_places_worth_adding(client, places):
    factories.destination(slug="masjid-dekat", title="Masjid Dekat", latitude="-3.415", longitude="114.850")
    save(client, f"destination:{places['mosque'].pk}")
    start = timezone.localdate(places["festival"].start) - timedelta(days=1)
    client.post("/id/rencana/tanggal/", {"start_date": start.isoformat()})
    client.post("/id/rencana/hari/tambah/")
    page = BeautifulSoup(client.get("/id/rencana/").text, "html.parser")
    day_two = page.select_one("#day-2")
    assert "Festival Uji" in day_two.select_one(".trip-day__events").get_text()
    assert page.select_one("#day-1 .trip-day__events") is None
    suggested = page.select_one("#trip-suggestions-heading").parent.get_text(" ")
    assert "Masjid Dekat" in suggested and "Masjid Uji" not in suggested


def test_events_on_the_dates_read_only_what_the_plan_shows_of_them(client, places):
    """The plan lists an event on its dates by its linked title and time: its row is read without
    its body, place or picture (an event's body is JSON parsed for every row read)."""
    from wagtail.models import Locale

    translation = places["festival"].copy_for_translation(Locale.objects.get(language_code="en"), copy_parents=True)
    translation.title = "Test Festival"
    translation.save_revision().publish()
    save(client, f"destination:{places['mosque'].pk}")
    start = timezone.localdate(places["festival"].start)
    client.post("/id/rencana/tanggal/", {"start_date": start.isoformat()})
    for path, title in (("/id/rencana/", "Festival Uji"), ("/en/my-trip/", "Test Festival")):
        with CaptureQueriesContext(connection) as queries:
            page = BeautifulSoup(client.get(path).text, "html.parser")
        assert title in page.select_one("#day-1 .trip-day__events").get_text(), path
        event_reads = [query["sql"] for query in queries if 'FROM "tourism_eventpage"' in query["sql"]]
        assert event_reads, path
        for sql in event_reads:
            selected = sql.split(" FROM ")[0]
            for column in ('"tourism_eventpage"."body"', '"tourism_eventpage"."venue_id"', "tourism_district",
                           "wagtailimages_image"):
                assert column not in selected, f"{path}: {column} read for the plan's events: {sql[:3000]}"


def test_the_plan_page_costs_the_same_queries_for_four_stops_or_ten(client, places):
    def plan_queries():
        client.get("/id/rencana/")  # what the process remembers once (site, locales) is paid here
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/id/rencana/").status_code == 200
        return len(queries)

    for n in range(3):  # places worth adding, whatever the plan holds
        factories.destination(slug=f"lain-{n}", latitude="-3.43", longitude=f"114.8{n}")
    for key in (f"destination:{places['mosque'].pk}", f"event:{places['festival'].pk}",
                f"shop:{places['shop'].pk}", f"product:{places['product'].pk}"):
        save(client, key)
    few = plan_queries()
    for n in range(4):
        more = factories.destination(slug=f"tempat-{n}", latitude="-3.42", longitude=f"114.8{n}")
        save(client, f"destination:{more.pk}")
    save(client, f"destination:{places['market'].pk}")
    save(client, f"product:{ProductFactory(shop=places['shop']).pk}")
    assert TripStop.objects.count() == 10
    assert plan_queries() == few == PLAN_PAGE_QUERIES


def test_an_event_saved_on_a_day_of_another_date_says_which_day_it_is_on(client, places):
    """Dates given after events were saved (all on day 1): each event that is not on its day says so."""
    save(client, f"event:{places['festival'].pk}")
    festival_day = timezone.localdate(places["festival"].start)
    client.post("/id/rencana/tanggal/", {"start_date": (festival_day - timedelta(days=2)).isoformat()})

    def warning(path="/id/rencana/"):
        note = BeautifulSoup(client.get(path).text, "html.parser").select_one(".trip-stop__warning")
        return note.get_text(" ", strip=True) if note else None

    date = f"{festival_day.day} {['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'][festival_day.month - 1]} {festival_day.year}"
    assert warning() == f"Acara ini pada {date}, di luar tanggal rencana ini."
    client.post("/id/rencana/hari/tambah/")
    client.post("/id/rencana/hari/tambah/")
    assert warning() == f"Acara ini pada {date}, bukan pada hari ini: pindahkan ke Hari 3."
    english = warning("/en/my-trip/")
    assert english.startswith("This event is on ") and english.endswith(", not on this day: move it to Day 3.")
    stop = TripStop.objects.get()
    client.post("/id/rencana/pindah/", {"stop_id": stop.pk, "day": 3})
    assert warning() is None


def test_a_festival_over_several_days_is_on_each_of_them_and_the_shared_plan_only_says_which(client, home_page):
    from datetime import datetime, time

    first = timezone.localdate() + timedelta(days=20)
    zone = timezone.get_current_timezone()
    festival = factories.event(slug="festival-empat-hari", title="Festival Empat Hari",
                               start=datetime.combine(first, time(19, 0), tzinfo=zone),
                               end=datetime.combine(first + timedelta(days=4), time(0, 0), tzinfo=zone))
    save(client, f"event:{festival.pk}")
    # The plan starts on the festival's third day, for three days: the festival's days 3 and 4, then one after.
    client.post("/id/rencana/tanggal/", {"start_date": (first + timedelta(days=2)).isoformat()})
    client.post("/id/rencana/hari/tambah/")
    client.post("/id/rencana/hari/tambah/")

    def warning(path="/id/rencana/"):
        note = BeautifulSoup(client.get(path).text, "html.parser").select_one(".trip-stop__warning")
        return note.get_text(" ", strip=True) if note else None

    assert warning() is None, "on day 1, one of the festival's days"
    stop = TripStop.objects.get()
    client.post("/id/rencana/pindah/", {"stop_id": stop.pk, "day": 2})
    assert warning() is None
    # Day 3 begins at the midnight the festival ends: not one of its days.
    client.post("/id/rencana/pindah/", {"stop_id": stop.pk, "day": 3})
    assert warning().endswith("bukan pada hari ini: pindahkan ke Hari 1.")
    # The shared plan cannot be changed by its reader: it says which day, not to move it.
    shared = f"/id/rencana/lihat/{TripPlan.objects.get().share_token}/"
    assert warning(shared).endswith(", di Hari 1 rencana ini.")
