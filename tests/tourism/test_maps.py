"""Maps (progressive: usable without tiles or JavaScript) and what is nearby, nearest first."""

import json
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace.models import Shop, ShopStatus
from tests.marketplace.factories import ImageFactory, ShopFactory
from tests.tourism import factories
from tourism.nearby import haversine_km

pytestmark = pytest.mark.django_db

# Real places of Kabupaten Banjar (approximate coordinates).
LOK_BAINTAN = ("-3.283300", "114.650000")
PASAR_INTAN = ("-3.410500", "114.849600")
SEKUMPUL = ("-3.418900", "114.842800")
RIAM_KANAN = ("-3.510000", "115.020000")


def soup(html):
    return BeautifulSoup(html, "html.parser")


def test_haversine_matches_a_known_distance():
    # Banjarmasin to Martapura is about 31 km in a straight line.
    assert haversine_km(-3.3194, 114.5908, -3.4133, 114.8500) == pytest.approx(30.7, abs=1.0)
    assert haversine_km(*LOK_BAINTAN, *LOK_BAINTAN) == 0


class TestPlaceMap:
    @pytest.fixture
    def place(self, home_page):
        return factories.destination(slug="pasar-intan", title="Pasar Intan", latitude=PASAR_INTAN[0],
                                     longitude=PASAR_INTAN[1])

    def test_coordinates_and_links_are_in_the_page_without_javascript(self, client, place):
        page = soup(client.get("/id/destinasi/pasar-intan/").text)
        box = page.select_one("[data-map=place]")
        assert (box["data-lat"], box["data-lon"]) == ("-3.410500", "114.849600")
        assert "-3.410500, 114.849600" in page.select_one(".place-map__caption").get_text()
        links = [a["href"] for a in page.select("a")]
        assert any(href.startswith("https://www.openstreetmap.org/?mlat=-3.410500&mlon=114.849600") for href in links)
        assert any("query=-3.410500,114.849600" in href for href in links)

    def test_the_coordinates_are_written_once(self, client, place):
        """The facts card and the map's caption both gave them (issue 18): the caption keeps them."""
        text = soup(client.get("/id/destinasi/pasar-intan/").text).select_one("main").get_text(" ")
        assert text.count("-3.410500, 114.849600") == 1
        assert text.count("Koordinat") == 1

    def test_leaflet_comes_from_our_static_files_only(self, client, place):
        page = soup(client.get("/id/destinasi/pasar-intan/").text)
        scripts = [tag["src"] for tag in page.select("script[src]")]
        styles = [tag["href"] for tag in page.select("link[rel=stylesheet]")]
        assert "/static/vendor/leaflet/leaflet.js" in scripts and "/static/js/map.js" in scripts
        assert "/static/vendor/leaflet/leaflet.css" in styles
        assert all(src.startswith("/static/") for src in scripts + styles)

    def test_english_coordinates_are_not_localised(self, client, home_page):
        factories.destination(slug="sekumpul", latitude=SEKUMPUL[0], longitude=SEKUMPUL[1], english_title="Sekumpul")
        box = soup(client.get("/en/destinasi/sekumpul/").text).select_one("[data-map=place]")
        assert box["data-lat"] == "-3.418900"

    def test_event_uses_its_venue_location(self, client, place):
        factories.event(slug="pameran-intan", title="Pameran Intan", venue=place)
        box = soup(client.get("/id/acara/pameran-intan/").text).select_one("[data-map=place]")
        assert box["data-lat"] == "-3.410500"

    def test_no_location_no_map(self, client, home_page):
        factories.event(slug="daring", title="Acara Tanpa Tempat")
        page = soup(client.get("/id/acara/daring/").text)
        assert page.select_one("[data-map]") is None
        assert "/static/vendor/leaflet/leaflet.js" not in str(page)

    def test_the_vendored_leaflet_and_its_licence_are_served(self, client):
        from django.contrib.staticfiles import finders

        assert finders.find("vendor/leaflet/leaflet.js") and finders.find("vendor/leaflet/LICENSE")
        assert finders.find("vendor/leaflet/images/marker-icon.png")


class TestIndexMap:
    @pytest.fixture
    def places(self, home_page):
        for number in range(14):  # more than one listing page (12)
            factories.destination(slug=f"alam-{number}", title=f"Alam {number:02d}", category="nature",
                                  latitude=f"-3.{number:02d}", longitude="114.9")
        factories.destination(slug="sekumpul", title="Kubah Guru Sekumpul", category="religious",
                              latitude=SEKUMPUL[0], longitude=SEKUMPUL[1], english_title="Sekumpul Dome")

    def points(self, html):
        return json.loads(soup(html).select_one("script#destinations-map-data").string)

    def test_every_destination_is_on_the_map_with_its_category(self, client, places):
        points = self.points(client.get("/id/destinasi/").text)
        assert len(points) == 15
        sekumpul = next(point for point in points if point["title"] == "Kubah Guru Sekumpul")
        assert sekumpul == {"title": "Kubah Guru Sekumpul", "url": "/id/destinasi/sekumpul/", "lat": -3.4189,
                            "lon": 114.8428, "category": "religious", "categoryName": "Religi",
                            "district": "Martapura"}

    def test_english_map_has_english_titles_and_urls(self, client, places):
        points = self.points(client.get("/en/destinasi/").text)
        sekumpul = next(point for point in points if point["category"] == "religious")
        assert (sekumpul["title"], sekumpul["url"]) == ("Sekumpul Dome", "/en/destinasi/sekumpul/")
        assert any(point["url"] == "/en/destinasi/alam-3/" for point in points)

    def test_an_english_translation_without_coordinates_keeps_its_point_where_the_original_is(self, client,
                                                                                             places):
        """Where a place is belongs to the place: a translator who emptied the English coordinates
        (the form allows both empty) neither breaks the English index nor moves the point."""
        from tourism.models import DestinationPage

        translation = DestinationPage.objects.get(slug="sekumpul", locale__language_code="en")
        translation.latitude = translation.longitude = None
        translation.save_revision().publish()
        response = client.get("/en/destinasi/")
        assert response.status_code == 200
        sekumpul = next(point for point in self.points(response.text) if point["category"] == "religious")
        assert (sekumpul["title"], sekumpul["lat"], sekumpul["lon"]) == ("Sekumpul Dome", -3.4189, 114.8428)

    def test_the_selected_category_is_passed_to_the_map(self, client, places):
        box = soup(client.get("/id/destinasi/?category=religious").text).select_one("[data-map=destinations]")
        assert box["data-selected-category"] == "religious"

    def test_the_map_costs_the_same_queries_at_any_length(self, client, places):
        # A first visit also pays what a process remembers once (the site, its routes);
        # both measured visits come after one.
        client.get("/en/destinasi/")
        with CaptureQueriesContext(connection) as few:
            client.get("/en/destinasi/")
        for number in range(5):
            factories.destination(slug=f"baru-{number}", latitude="-3.3", longitude="114.7")
        with CaptureQueriesContext(connection) as many:
            client.get("/en/destinasi/")
        assert len(many) == len(few)


class TestNearby:
    @pytest.fixture
    def day_trip(self, home_page):
        places = {
            "pasar-intan": factories.destination(slug="pasar-intan", title="Pasar Intan Martapura",
                                                 latitude=PASAR_INTAN[0], longitude=PASAR_INTAN[1]),
            "sekumpul": factories.destination(slug="sekumpul", title="Kubah Guru Sekumpul", category="religious",
                                              latitude=SEKUMPUL[0], longitude=SEKUMPUL[1],
                                              english_title="Sekumpul Dome"),
            "lok-baintan": factories.destination(slug="lok-baintan", title="Pasar Terapung Lok Baintan",
                                                 latitude=LOK_BAINTAN[0], longitude=LOK_BAINTAN[1]),
            "riam-kanan": factories.destination(slug="riam-kanan", title="Waduk Riam Kanan",
                                                latitude=RIAM_KANAN[0], longitude=RIAM_KANAN[1]),
        }
        ShopFactory(name="Sasirangan Kampung Kraton", latitude=Decimal("-3.4120"), longitude=Decimal("114.8450"))
        ShopFactory(name="Sasirangan Jauh", latitude=Decimal("-3.2900"), longitude=Decimal("114.6600"))
        ShopFactory(name="Toko Belum Disetujui", status="pending", latitude=Decimal("-3.4106"),
                    longitude=Decimal("114.8497"))
        ShopFactory(name="Toko Tanpa Lokasi")
        return places

    def nearby(self, html):
        section = soup(html).select_one("section.nearby")
        lists = section.select(".nearby__list")
        names = [[a.get_text() for a in items.select("a")] for items in lists]
        distances = [[span.get_text() for span in items.select(".nearby__distance")] for items in lists]
        return names, distances

    def test_nearest_destinations_and_approved_shops_first(self, client, day_trip):
        (destinations, shops), (destination_km, shop_km) = self.nearby(client.get("/id/destinasi/pasar-intan/").text)
        assert destinations == ["Kubah Guru Sekumpul", "Waduk Riam Kanan", "Pasar Terapung Lok Baintan"]
        assert destination_km[0] == "1,2 km"
        assert shops == ["Sasirangan Kampung Kraton", "Sasirangan Jauh"]
        assert "Toko Belum Disetujui" not in client.get("/id/destinasi/pasar-intan/").text

    def test_a_shop_approved_later_is_near_at_once(self, client, day_trip, django_capture_on_commit_callbacks):
        client.get("/id/destinasi/pasar-intan/")  # the shops' points remembered
        pending = Shop.objects.get(name="Toko Belum Disetujui")
        pending.status = ShopStatus.APPROVED
        with django_capture_on_commit_callbacks(execute=True):  # a shop's change moves the content generation on, after its commit
            pending.save()
        (_destinations, shops), _distances = self.nearby(client.get("/id/destinasi/pasar-intan/").text)
        assert shops[0] == "Toko Belum Disetujui"

    def test_a_nearby_shops_photo_shows_with_the_pages_other_pictures_renditions(self, client, day_trip,
                                                                              django_capture_on_commit_callbacks):
        sekumpul = day_trip["sekumpul"]  # a picture nearby already: the page asks for renditions anyway
        sekumpul.main_image = ImageFactory()
        sekumpul.save_revision().publish()
        shop = Shop.objects.get(name="Sasirangan Kampung Kraton")
        client.get("/id/destinasi/pasar-intan/")
        with CaptureQueriesContext(connection) as without_photo:
            client.get("/id/destinasi/pasar-intan/")
        shop.photo = ImageFactory()
        with django_capture_on_commit_callbacks(execute=True):  # committed, as the artisan's save is
            shop.save()
        client.get("/id/destinasi/pasar-intan/")
        with CaptureQueriesContext(connection) as with_photo:
            html = client.get("/id/destinasi/pasar-intan/").text
        thumbnail = soup(html).select_one(f"section.nearby a[href$='/{shop.slug}/']").find_parent("li").img
        assert thumbnail is not None and thumbnail.get("src", "").startswith("/media/images/"), thumbnail
        assert len(with_photo) == len(without_photo), [query["sql"] for query in with_photo.captured_queries]

    def test_english_names_and_distances(self, client, day_trip):
        (destinations, _shops), (destination_km, _shop_km) = self.nearby(
            client.get("/en/destinasi/pasar-intan/").text)
        assert destinations[0] == "Sekumpul Dome" and destination_km[0] == "1.2 km"

    def test_queries_do_not_grow_with_places(self, client, day_trip):
        # Each count is of a second visit: the first fills what the process remembers for every page
        # (the site, the route), which an earlier test may or may not have left (tests/conftest.py empties it).
        client.get("/id/destinasi/pasar-intan/")
        with CaptureQueriesContext(connection) as few:
            client.get("/id/destinasi/pasar-intan/")
        for number in range(5):
            factories.destination(slug=f"dekat-{number}", latitude="-3.40", longitude=f"114.8{number}")
            ShopFactory(latitude=Decimal("-3.40"), longitude=Decimal(f"114.8{number}"))
        client.get("/id/destinasi/pasar-intan/")
        with CaptureQueriesContext(connection) as many:
            client.get("/id/destinasi/pasar-intan/")
        assert len(many) == len(few), [query["sql"] for query in many.captured_queries]
