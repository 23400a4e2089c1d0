"""Being found: meta tags per language, canonical URLs, JSON-LD, sitemap.xml with hreflang, robots.txt."""

import json
from datetime import timedelta
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.marketplace.factories import ProductFactory, ShopFactory, add_photo
from tests.tourism import factories
from tests.tourism.gebrak_factories import campaign, picture
from tourism.sitemaps import SiteSitemap

pytestmark = pytest.mark.django_db
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def head(html):
    soup = BeautifulSoup(html, "html.parser")
    meta = {tag.get("property") or tag.get("name"): tag["content"] for tag in soup.select("head meta[content]")}
    canonical = soup.select_one('head link[rel="canonical"]')
    alternates = {tag["hreflang"]: tag["href"] for tag in soup.select('head link[rel="alternate"][hreflang]')}
    jsonld = [json.loads(tag.string) for tag in soup.select('script[type="application/ld+json"]')]
    return meta, canonical["href"] if canonical else None, alternates, jsonld, soup.title.string


@pytest.fixture
def translated(home_page):
    return factories.destination(slug="lok-baintan", title="Pasar Terapung Lok Baintan", category="culture",
                                 district_name="Sungai Tabuk", english_title="Lok Baintan Floating Market",
                                 summary="Pasar di atas jukung saat fajar.", main_image=picture(),
                                 latitude="-3.283300", longitude="114.650000", ticket_price_idr=0)


class TestMetaPerLanguage:
    def test_indonesian(self, client, translated):
        meta, canonical, alternates, _jsonld, title = head(client.get("/id/destinasi/lok-baintan/").text)
        assert canonical == "http://testserver/id/destinasi/lok-baintan/"
        assert meta["og:title"] == meta["twitter:title"] == "Pasar Terapung Lok Baintan"
        assert meta["og:description"] == "Pasar di atas jukung saat fajar."
        assert meta["og:url"] == canonical
        assert meta["og:locale"] == "id_ID" and meta["og:locale:alternate"] == "en_US"
        assert meta["og:type"] == "article" and meta["og:site_name"] == "Gebrak Banjar"
        assert meta["og:image"].startswith(f"http://testserver/og/{translated.pk}-id.jpg?v=")
        assert meta["twitter:image"] == meta["og:image"]
        assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630")
        assert meta["twitter:card"] == "summary_large_image"
        assert alternates == {"id": "http://testserver/id/destinasi/lok-baintan/",
                              "en": "http://testserver/en/destinasi/lok-baintan/",
                              "x-default": "http://testserver/id/destinasi/lok-baintan/"}
        assert title.startswith("Pasar Terapung Lok Baintan")

    def test_english(self, client, translated):
        meta, canonical, alternates, _jsonld, _title = head(client.get("/en/destinasi/lok-baintan/").text)
        assert canonical == "http://testserver/en/destinasi/lok-baintan/"
        assert meta["og:title"] == "Lok Baintan Floating Market"
        assert meta["og:description"] == "Summary in English."
        assert meta["og:locale"] == "en_US" and meta["og:locale:alternate"] == "id_ID"
        assert "-en.jpg?v=" in meta["og:image"]
        assert set(alternates) == {"id", "en", "x-default"}

    def test_untranslated_english_url_points_to_the_indonesian_original(self, client, home_page):
        factories.destination(slug="sekumpul", title="Kubah Guru Sekumpul")
        meta, canonical, alternates, _jsonld, _title = head(client.get("/en/destinasi/sekumpul/").text)
        assert canonical == "http://testserver/id/destinasi/sekumpul/"
        assert "en" not in alternates and alternates["id"] == canonical
        assert meta["og:title"] == "Kubah Guru Sekumpul"

    def test_untranslated_english_url_says_its_text_is_indonesian(self, client, home_page):
        """A link shared from the English site to a page not translated yet: the preview names the
        Indonesian page (og:url) and shows its Indonesian text, so it says id_ID, not en_US, and names
        no English alternate that does not exist; the JSON-LD's inLanguage likewise."""
        factories.destination(slug="sekumpul", title="Kubah Guru Sekumpul", summary="Makam ulama.")
        meta, canonical, _alternates, jsonld, _title = head(client.get("/en/destinasi/sekumpul/").text)
        assert meta["og:url"] == canonical == "http://testserver/id/destinasi/sekumpul/"
        assert meta["og:locale"] == "id_ID" and "og:locale:alternate" not in meta
        (data,) = [data for data in jsonld if data["@type"] == "TouristAttraction"]
        assert data["inLanguage"] == "id"

    def test_editors_override_title_and_description(self, client, translated):
        translated.seo_title = "Lok Baintan: pasar terapung tertua"
        translated.search_description = "Datang sebelum subuh untuk melihat jukung penuh buah."
        translated.save_revision().publish()
        meta, _canonical, _alternates, _jsonld, title = head(client.get("/id/destinasi/lok-baintan/").text)
        assert title.startswith("Lok Baintan: pasar terapung tertua")
        assert meta["og:title"] == "Lok Baintan: pasar terapung tertua"
        assert meta["description"] == meta["og:description"] == "Datang sebelum subuh untuk melihat jukung penuh buah."

    def test_listing_pages_have_a_canonical_without_filters(self, client, translated):
        _meta, canonical, _alternates, _jsonld, _title = head(client.get("/id/destinasi/?category=culture").text)
        assert canonical == "http://testserver/id/destinasi/"

    def test_campaign_page_meta(self, client, home_page):
        campaign(slug="gebrak-mei", title="Gebrak Mei", summary="Ayo bagikan Banjar.", english_title="Gebrak May")
        meta, canonical, alternates, _jsonld, _title = head(client.get("/en/kampanye/gebrak-mei/").text)
        assert meta["og:title"] == "Gebrak May" and canonical.endswith("/en/kampanye/gebrak-mei/")
        assert set(alternates) == {"id", "en", "x-default"}


class TestJsonLd:
    def test_tourist_attraction(self, client, translated):
        _meta, _canonical, _alternates, jsonld, _title = head(client.get("/id/destinasi/lok-baintan/").text)
        (data,) = [data for data in jsonld if data["@type"] != "BreadcrumbList"]
        assert data["@context"] == "https://schema.org" and data["@type"] == "TouristAttraction"
        assert data["name"] == "Pasar Terapung Lok Baintan"
        assert data["description"] and data["url"] == "http://testserver/id/destinasi/lok-baintan/"
        assert data["geo"] == {"@type": "GeoCoordinates", "latitude": -3.2833, "longitude": 114.65}
        assert data["address"]["@type"] == "PostalAddress" and data["address"]["addressCountry"] == "ID"
        assert "Sungai Tabuk" in data["address"]["addressLocality"]
        assert data["image"][0].startswith("http://testserver/")
        assert data["isAccessibleForFree"] is True

    def test_event(self, client, translated):
        start = timezone.now() + timedelta(days=10)
        factories.event(slug="festival-jukung", title="Festival Jukung", start=start,
                        end=start + timedelta(hours=3), venue=translated)
        _meta, _canonical, _alternates, jsonld, _title = head(client.get("/id/acara/festival-jukung/").text)
        (data,) = [data for data in jsonld if data["@type"] != "BreadcrumbList"]
        assert data["@type"] == "Event" and data["name"] == "Festival Jukung"
        assert data["startDate"] == start.isoformat() and data["endDate"]
        location = data["location"]
        assert location["@type"] == "Place" and location["name"] == "Pasar Terapung Lok Baintan"
        assert location["address"]["@type"] == "PostalAddress"
        assert location["geo"]["latitude"] == -3.2833
        assert data["eventStatus"].endswith("EventScheduled")
        assert data["eventAttendanceMode"].endswith("OfflineEventAttendanceMode")
        assert data["organizer"]["name"]

    def test_product_with_offer(self, client, home_page):
        product = ProductFactory(title_id="Kain Gigi Haruan", price_idr=175000, stock=0)
        add_photo(product, is_main=True)
        html = client.get(product.get_absolute_url()).text
        meta, _canonical, _alternates, jsonld, _title = head(html)
        # The Product once (the marketplace's own, not a second copy), beside the breadcrumb's.
        (data,) = [data for data in jsonld if data["@type"] != "BreadcrumbList"]
        assert data["@type"] == "Product" and data["name"] == "Kain Gigi Haruan" and data["image"]
        offer = data["offers"]
        assert offer["@type"] == "Offer" and offer["price"] == "175000" and offer["priceCurrency"] == "IDR"
        assert offer["availability"] == "https://schema.org/OutOfStock"
        assert meta["og:type"] == "product" and meta["og:title"] == "Kain Gigi Haruan"

    def test_local_business_for_shops(self, client, home_page):
        shop = ShopFactory(name="Sasirangan Ibu Ida", village="Pasayangan", phone="+6281234567890",
                           latitude=Decimal("-3.4100"), longitude=Decimal("114.8500"))
        meta, canonical, _alternates, jsonld, _title = head(client.get(shop.get_absolute_url()).text)
        (data,) = [data for data in jsonld if data["@type"] != "BreadcrumbList"]
        assert data["@type"] == "LocalBusiness" and data["name"] == "Sasirangan Ibu Ida"
        assert data["address"]["@type"] == "PostalAddress" and "Pasayangan" in data["address"]["addressLocality"]
        assert data["geo"]["latitude"] == -3.41 and data["telephone"] == "+6281234567890"
        assert data["url"] == canonical
        assert meta["og:title"] == "Sasirangan Ibu Ida"

    def test_script_cannot_be_closed_from_content(self, client, home_page):
        factories.destination(slug="jahil", title="Jahil </script><script>alert(1)</script>")
        html = client.get("/id/destinasi/jahil/").text
        assert "</script><script>alert(1)" not in html
        _meta, _canonical, _alternates, jsonld, _title = head(html)
        assert jsonld[0]["name"] == "Jahil </script><script>alert(1)</script>"


class TestSitemap:
    @pytest.fixture
    def content(self, translated):
        factories.destination(slug="sekumpul", title="Kubah Guru Sekumpul")
        hidden = factories.destination(slug="tersembunyi", title="Tersembunyi")
        hidden.unpublish()
        ProductFactory(slug="kain-gigi-haruan", title_id="Kain Gigi Haruan", title_en="Gigi Haruan Cloth")
        ProductFactory(slug="kain-toko-tutup", shop=ShopFactory(slug="toko-ditolak", status="rejected"))
        return translated

    def entries(self, client, path="/sitemap.xml"):
        response = client.get(path)
        assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
        root = ElementTree.fromstring(response.content)
        found = {}
        for url in root.findall(f"{SITEMAP}url"):
            loc = url.find(f"{SITEMAP}loc").text
            found[loc] = {link.get("hreflang"): link.get("href") for link in url.findall(f"{XHTML}link")}
        return found

    def test_past_the_limit_it_goes_on_at_the_next_page_and_robots_names_each(self, client, content,
                                                                              monkeypatch):
        """50,000 URLs is the protocol's limit; a smaller one stands in for it here."""
        everything = self.entries(client)
        monkeypatch.setattr(SiteSitemap, "limit", 7)
        pages = -(-len(everything) // 7)
        assert pages >= 3
        paged = {}
        for number in range(1, pages + 1):
            part = self.entries(client, f"/sitemap.xml?p={number}")
            assert 0 < len(part) <= 7 and not paged.keys() & part.keys()
            paged.update(part)
        assert paged == everything
        assert client.get(f"/sitemap.xml?p={pages + 1}").status_code == 404
        robots = client.get("/robots.txt").text.splitlines()
        assert [line for line in robots if line.startswith("Sitemap:")] == [
            "Sitemap: http://testserver/sitemap.xml",
            *[f"Sitemap: http://testserver/sitemap.xml?p={number}" for number in range(2, pages + 1)]]

    def test_both_languages_with_hreflang_alternates(self, client, content):
        found = self.entries(client)
        id_url = "http://testserver/id/destinasi/lok-baintan/"
        en_url = "http://testserver/en/destinasi/lok-baintan/"
        assert found[id_url] == found[en_url] == {"id": id_url, "en": en_url, "x-default": id_url}
        assert "http://testserver/id/" in found and "http://testserver/en/" in found
        assert "http://testserver/id/destinasi/" in found and "http://testserver/en/destinasi/" in found

    def test_untranslated_pages_only_in_indonesian(self, client, content):
        found = self.entries(client)
        assert "http://testserver/id/destinasi/sekumpul/" in found
        assert "http://testserver/en/destinasi/sekumpul/" not in found

    def test_hidden_things_are_not_listed(self, client, content):
        text = client.get("/sitemap.xml").text
        assert "tersembunyi" not in text and "kain-toko-tutup" not in text and "toko-ditolak" not in text

    def test_marketplace_pages(self, client, content):
        found = self.entries(client)
        product_id = "http://testserver/id/kampung-sasirangan/produk/kain-gigi-haruan/"
        assert found[product_id]["en"] == "http://testserver/en/kampung-sasirangan/produk/kain-gigi-haruan/"
        assert "http://testserver/id/kampung-sasirangan/" in found

    def test_queries_do_not_grow_with_pages(self, client, content):
        with CaptureQueriesContext(connection) as few:
            client.get("/sitemap.xml")
        for number in range(6):
            factories.destination(slug=f"tambahan-{number}", english_title=f"Extra {number}")
            ProductFactory()
        with CaptureQueriesContext(connection) as many:
            client.get("/sitemap.xml")
        assert len(many) <= len(few) + 2, [query["sql"] for query in many.captured_queries]

    def test_a_crawler_asks_no_site_wide_fact_again(self, client, content):
        """The default locale, the locales' codes and whether any page is restricted are what every
        page asks (tourism.routing, remembered): a sitemap request reads only what it lists."""
        client.get("/sitemap.xml")
        with CaptureQueriesContext(connection) as second:
            assert client.get("/sitemap.xml").status_code == 200
        asked = [query["sql"] for query in second.captured_queries
                 if '"wagtailcore_locale"' in query["sql"] or '"wagtailcore_pageviewrestriction"' in query["sql"]]
        assert not asked, asked


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    lines = response.text.splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /admin/" in lines and "Disallow: /toko/" in lines
    assert "Disallow: /" not in lines
    # The search page's own noindex must be readable: a crawler obeys robots.txt first.
    assert "Disallow: /id/cari/" not in lines and "Disallow: /en/cari/" not in lines


def test_the_home_page_says_which_site_and_which_organisation_it_is(client, home_page):
    _meta, canonical, _alternates, jsonld, _title = head(client.get("/id/").text)
    things = {thing["@type"]: thing for thing in jsonld[0]["@graph"]}
    assert things["WebSite"]["name"] == "Gebrak Banjar" and things["WebSite"]["url"] == canonical
    assert (things["WebSite"]["potentialAction"]["target"]["urlTemplate"]
            == "http://testserver/id/cari/?q={search_term_string}")
    assert things["GovernmentOrganization"]["name"] == "Pemerintah Kabupaten Banjar"
    assert things["WebSite"]["publisher"] == {"@id": things["GovernmentOrganization"]["@id"]}


@pytest.mark.parametrize("language", ["id", "en"])
def test_listing_pages_name_the_indonesian_one_as_x_default(client, home_page, language):
    """As the sitemap does: a listing exists in both languages, its original is Indonesian."""
    _meta, _canonical, alternates, _jsonld, _title = head(client.get(f"/{language}/kampung-sasirangan/").text)
    assert alternates == {"id": "http://testserver/id/kampung-sasirangan/",
                          "en": "http://testserver/en/kampung-sasirangan/",
                          "x-default": "http://testserver/id/kampung-sasirangan/"}


@pytest.mark.parametrize("path, description", [
    ("/id/destinasi/", "Jelajahi pasar terapung, wisata religi, alam dan kuliner Kabupaten Banjar."),
    ("/en/acara/", "Festivals, haul commemorations and cultural markets all year round."),
])
def test_index_pages_describe_themselves_with_their_introduction(client, home_page, path, description):
    meta, *_rest = head(client.get(path).text)
    assert meta["description"] == description


@pytest.mark.parametrize("language, home", [("id", "Beranda"), ("en", "Home")])
def test_breadcrumbs_are_structured_data_too(client, translated, language, home):
    """The trail a page shows (home, its index, itself) as schema.org BreadcrumbList."""
    def trail(path):
        jsonld = head(client.get(path).text)[3]
        crumbs = next(data for data in jsonld if data.get("@type") == "BreadcrumbList")["itemListElement"]
        assert [crumb["position"] for crumb in crumbs] == list(range(1, len(crumbs) + 1))
        return [(crumb["name"], crumb["item"]) for crumb in crumbs]

    title = {"id": "Pasar Terapung Lok Baintan", "en": "Lok Baintan Floating Market"}[language]
    index = {"id": "Destinasi", "en": "Destinations"}[language]
    assert trail(f"/{language}/destinasi/lok-baintan/") == [
        (home, f"http://testserver/{language}/"), (index, f"http://testserver/{language}/destinasi/"),
        (title, f"http://testserver/{language}/destinasi/lok-baintan/")]
    assert trail(f"/{language}/destinasi/") == [
        (home, f"http://testserver/{language}/"), (index, f"http://testserver/{language}/destinasi/")]


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_destinations_index_is_shareable(client, home_page, language):
    title, intro = {"id": ("Destinasi", "Jelajahi pasar terapung, wisata religi, alam dan kuliner Kabupaten Banjar."),
                    "en": ("Destinations", "Explore the floating markets, pilgrim sites, nature and food of Banjar "
                                           "Regency.")}[language]
    meta, canonical, alternates, _jsonld, _title = head(client.get(f"/{language}/destinasi/?page=2").text)
    assert canonical == f"http://testserver/{language}/destinasi/?page=2"
    assert meta["og:title"] == title and meta["og:description"] == intro == meta["description"]
    assert meta["og:type"] == "website" and meta["og:url"] == canonical
    assert meta["og:locale"] == {"id": "id_ID", "en": "en_US"}[language] and meta["twitter:card"] == "summary"
    assert alternates["x-default"] == "http://testserver/id/destinasi/?page=2"


def test_the_marketplace_index_is_shareable(client, home_page):
    meta, canonical, _alternates, _jsonld, _title = head(client.get("/en/kampung-sasirangan/").text)
    assert canonical == meta["og:url"] == "http://testserver/en/kampung-sasirangan/"
    assert meta["og:title"] == "Kampung Sasirangan" and meta["og:description"] == meta["description"] != ""
    assert meta["og:locale"] == "en_US" and meta["twitter:card"] == "summary" and "og:image" not in meta


def test_the_search_page_forms_name_their_address(client, home_page):
    """An empty action is not a valid URL (the W3C checker's error); the forms name the page."""
    for language in ("id", "en"):
        response = client.get(f"/{language}/cari/", {"q": "sasirangan"})
        soup = BeautifulSoup(response.text, "html.parser")
        actions = [form.get("action") for form in soup.select("main form[method=get]")]
        assert actions and all(action == f"/{language}/cari/" for action in actions), actions
        assert 'content="noindex, follow"' in response.text
