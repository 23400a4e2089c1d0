"""The product page's delivery and returns (issue 11): what the box tells a buyer on a phone, the
WhatsApp link to the artisan, and the JSON-LD `shippingDetails` / `hasMerchantReturnPolicy` made
from the same facts. Figures come from a rate table the tests set (not the seeded one)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from marketplace.shipping.models import CourierService, ShippingRate
from marketplace.shipping.regions import ASEAN_COUNTRIES
from marketplace.shipping.table_csv import rate_table_export, rate_table_import
from tests.marketplace.factories import ProductFactory, ShopFactory
from tests.marketplace.test_dashboard import field_errors
from tests.marketplace.test_delivery_facts import shop_post
from tests.marketplace.test_public_pages import jsonld_of
from tests.tourism import factories as tourism_factories

pytestmark = pytest.mark.django_db

# zone: (first kg, each further kg, days min, days max), for two services
JNE = {"banjar": (10_000, 10_000, 1, 2), "jawa-bali": (42_000, 42_000, 2, 4),
       "maluku-papua": (98_000, 98_000, 5, 9)}
POS = {"banjar": (9_000, 9_000, 2, 3), "jawa-bali": (38_000, 38_000, 3, 6), "maluku-papua": (90_000, 90_000, 6, 12),
       "asean": (290_000, 95_000, 5, 10), "asia-pacific": (390_000, 135_000, 7, 14), "world": (520_000, 210_000, 10, 21)}


@pytest.fixture(autouse=True)
def table():
    ShippingRate.objects.all().delete()
    CourierService.objects.all().delete()
    for code, label, tolerance, rates in (("jne-reg", "JNE REG", 300, JNE), ("pos-kilat", "POS Kilat", 0, POS)):
        service = CourierService.objects.create(code=code, courier=code.split("-")[0], service=code.split("-")[1],
                                                label=label, weight_tolerance_g=tolerance)
        for zone, (first, further, low, high) in rates.items():
            ShippingRate.objects.create(service=service, zone=zone, first_kg_idr=first, next_kg_idr=further,
                                        days_min=low, days_max=high)


def url(product, language="id"):
    return f"/{language}/kampung-sasirangan/produk/{product.slug}/"


def box(response):
    section = BeautifulSoup(response.content, "html.parser").select_one("section.ks-delivery")
    assert section is not None, "no delivery box"
    return section


def text_of(section) -> str:
    return " ".join(section.get_text(" ", strip=True).split())


# --- The box -------------------------------------------------------------------------------------

def test_box_tells_where_from_where_to_how_long_and_from_what_price(client):
    product = ProductFactory(weight_g=350, shop__ships_from="Martapura, Kabupaten Banjar")
    text = text_of(box(client.get(url(product))))
    assert "Pengiriman & pengembalian" in text
    assert "Dikirim dari Martapura, Kabupaten Banjar" in text
    assert "Dikirim ke Seluruh Indonesia" in text and "luar negeri" not in text.replace("Luar negeri", "")
    # Nearest and farthest zone, the cheapest service of each (POS), its days.
    assert "Banjar dan Banjarmasin: perkiraan 2–3 hari, Rp 9.000" in text
    assert "Maluku dan Papua: perkiraan 6–12 hari, Rp 90.000" in text
    assert "Ongkir mulai Rp 9.000 untuk 350 g" in text
    assert "Ambil sendiri" not in text


def test_heavier_products_start_at_the_price_of_their_weight(client):
    product = ProductFactory(weight_g=1_300)  # JNE forgives 300 g: 1 kg; POS charges 2 kg
    text = text_of(box(client.get(url(product))))
    assert "Ongkir mulai Rp 10.000 untuk 1300 g" in text
    assert "Banjar dan Banjarmasin: perkiraan 1–2 hari, Rp 10.000" in text


def test_a_pickup_shop_shows_its_address_and_hours_and_others_do_not(client):
    pickup = ProductFactory(shop__offers_pickup=True, shop__pickup_address="Jl. Sasirangan No. 5, Kampung Melayu",
                            shop__pickup_hours="Senin-Sabtu 09.00-17.00 WITA")
    other = ProductFactory()
    text = text_of(box(client.get(url(pickup))))
    assert "Ambil sendiri (gratis) Jl. Sasirangan No. 5, Kampung Melayu" in text
    assert "Jam: Senin-Sabtu 09.00-17.00 WITA" in text
    other_text = text_of(box(client.get(url(other))))
    assert "Ambil sendiri" not in other_text and "Jl. Sasirangan" not in other_text


def test_abroad_only_for_a_shop_that_ships_abroad(client):
    abroad = ProductFactory(weight_g=350, shop__ships_abroad=True)
    home = ProductFactory(weight_g=350, shop__ships_abroad=False)
    section = box(client.get(url(abroad)))
    assert "Seluruh Indonesia dan luar negeri" in text_of(section)
    lines = [" ".join(item.get_text(" ", strip=True).split()) for item in section.select(".ks-delivery__abroad li")]
    assert lines == ["ASEAN: perkiraan 5–10 hari, Rp 290.000", "Asia-Pasifik: perkiraan 7–14 hari, Rp 390.000",
                     "Negara lain: perkiraan 10–21 hari, Rp 520.000"]
    section = box(client.get(url(home)))
    assert not section.select(".ks-delivery__abroad") and "luar negeri" not in text_of(section)


def test_a_product_without_weight_says_it_can_only_be_collected(client):
    product = ProductFactory(weight_g=None, shop__offers_pickup=True, shop__pickup_address="Jl. Pasayangan 3")
    text = text_of(box(client.get(url(product))))
    assert "hanya bisa diambil sendiri di tempat perajin" in text
    assert "Jl. Pasayangan 3" in text
    assert "Ongkir mulai" not in text and "Dikirim ke" not in text


def test_returns_policy_is_short_and_plain(client):
    text = text_of(box(client.get(url(ProductFactory()))))
    assert "dikembalikan dalam 7 hari setelah diterima" in text
    assert "Ongkir pengembalian ditanggung pembeli, kecuali barang tiba rusak" in text


def test_the_box_speaks_english_on_english_pages(client):
    product = ProductFactory(weight_g=350, shop__offers_pickup=True, shop__pickup_address="Jl. Pasayangan 3",
                             shop__pickup_hours="09.00-17.00")
    text = text_of(box(client.get(url(product, "en"))))
    assert "Delivery & returns" in text
    assert "Banjar and Banjarmasin: about 2–3 days, Rp 9.000" in text
    assert "Shipping from Rp 9.000 for 350 g" in text
    assert "Collect it yourself (free) Jl. Pasayangan 3" in text and "Hours: 09.00-17.00" in text
    assert "returned within 7 days of receipt" in text


# --- WhatsApp ------------------------------------------------------------------------------------

def whatsapp(response):
    return BeautifulSoup(response.content, "html.parser").select_one("a.ks-artisan__whatsapp")


@pytest.mark.parametrize(("language", "message"), [
    ("id", "Halo Sasirangan Bu Ida, saya tertarik dengan Kain Gigi Haruan (http://testserver{path})"),
    ("en", "Hello Sasirangan Bu Ida, I am interested in Gigi Haruan Cloth (http://testserver{path})"),
])
def test_whatsapp_link_names_the_product_in_the_page_language(client, language, message):
    product = ProductFactory(title_id="Kain Gigi Haruan", title_en="Gigi Haruan Cloth",
                             shop__name="Sasirangan Bu Ida", shop__phone="+6281234567890")
    link = whatsapp(client.get(url(product, language)))
    assert link is not None
    parts = urlsplit(link["href"])
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "wa.me", "/6281234567890")
    assert parse_qs(parts.query)["text"] == [message.format(path=url(product, language))]
    assert link["target"] == "_blank" and "noopener" in link["rel"]
    assert "Sasirangan Bu Ida" in link.get_text(" ", strip=True)  # its accessible name says whom it reaches


def test_no_whatsapp_link_without_a_number(client):
    assert whatsapp(client.get(url(ProductFactory(shop__phone="")))) is None


def test_the_number_the_artisan_types_is_the_one_linked(client):
    shop = ShopFactory()
    client.force_login(shop.owner)
    assert client.post("/toko/profil/", shop_post(shop, phone="0812-3456-7890")).status_code == 302
    product = ProductFactory(shop=shop)
    assert urlsplit(whatsapp(Client().get(url(product)))["href"]).path == "/6281234567890"


def test_a_bad_whatsapp_number_is_refused_beside_the_field(client):
    shop = ShopFactory(phone="")
    client.force_login(shop.owner)
    response = client.post("/toko/profil/", shop_post(shop, phone="0812-abc"))
    assert response.status_code == 400
    assert field_errors(response, "id_phone") == ["Nomor WhatsApp tidak valid. Contoh: 0812 3456 7890."]
    shop.refresh_from_db()
    assert shop.phone == ""


# --- JSON-LD -------------------------------------------------------------------------------------

def days(low, high):
    return {"@type": "QuantitativeValue", "minValue": low, "maxValue": high, "unitCode": "DAY"}


def test_jsonld_shipping_details_and_return_policy_with_the_tables_figures(client):
    product = ProductFactory(weight_g=350, shop__ships_abroad=False)
    offer = jsonld_of(client.get(url(product)))["offers"]
    assert offer["shippingDetails"] == [{
        "@type": "OfferShippingDetails",
        "shippingRate": {"@type": "MonetaryAmount", "currency": "IDR", "minValue": 9_000, "maxValue": 90_000},
        "shippingDestination": {"@type": "DefinedRegion", "addressCountry": "ID"},
        "deliveryTime": {"@type": "ShippingDeliveryTime", "handlingTime": days(1, 2), "transitTime": days(2, 12)},
    }]
    assert offer["hasMerchantReturnPolicy"] == {
        "@type": "MerchantReturnPolicy",
        "applicableCountry": "ID",
        "returnPolicyCategory": "https://schema.org/MerchantReturnFiniteReturnWindow",
        "merchantReturnDays": 7,
        "returnMethod": "https://schema.org/ReturnByMail",
        "returnFees": "https://schema.org/ReturnFeesCustomerResponsibility",
    }
    assert "availableDeliveryMethod" not in offer


def test_jsonld_names_the_abroad_countries_only_for_a_shop_that_ships_abroad(client):
    product = ProductFactory(weight_g=1_500, shop__ships_abroad=True, shop__offers_pickup=True,
                             shop__pickup_address="Jl. Pasayangan 3")
    offer = jsonld_of(client.get(url(product)))["offers"]
    details = offer["shippingDetails"]
    assert [entry["shippingDestination"]["addressCountry"] == "ID" for entry in details] == [True] + [False] * 3
    asean = details[1]
    assert sorted(asean["shippingDestination"]["addressCountry"]) == sorted(ASEAN_COUNTRIES)
    assert asean["shippingRate"] == {"@type": "MonetaryAmount", "currency": "IDR", "value": 290_000 + 95_000}
    assert asean["deliveryTime"]["transitTime"] == days(5, 10)
    world = details[3]["shippingDestination"]["addressCountry"]
    assert "US" in world and "ID" not in world and "SG" not in world and "JP" not in world
    assert offer["availableDeliveryMethod"] == "https://schema.org/OnSitePickup"


def test_jsonld_of_a_product_that_can_only_be_collected_does_not_ship(client):
    product = ProductFactory(weight_g=None, shop__offers_pickup=True, shop__pickup_address="Jl. Pasayangan 3")
    offer = jsonld_of(client.get(url(product)))["offers"]
    assert offer["shippingDetails"] == [{"@type": "OfferShippingDetails", "doesNotShip": True,
                                         "shippingDestination": {"@type": "DefinedRegion", "addressCountry": "ID"}}]
    assert offer["hasMerchantReturnPolicy"]["merchantReturnDays"] == 7


# --- Caches --------------------------------------------------------------------------------------

@pytest.fixture
def caches_on(settings):
    settings.PAGE_CACHE_SECONDS = 300
    settings.FRAGMENT_CACHE_SECONDS = 300  # both emptied before each test (tests/conftest.py)


def change_by_form(price):
    rate = ShippingRate.objects.get(service__code="pos-kilat", zone="banjar")
    rate.first_kg_idr = price
    rate.save()


def change_by_csv(price):
    text = rate_table_export()
    assert ",banjar,9000,9000," in text
    rate_table_import(text.replace(",banjar,9000,9000,", f",banjar,{price},9000,"))


@pytest.mark.parametrize("change", [change_by_form, change_by_csv])
def test_an_editors_rate_change_shows_on_stored_product_pages_and_leaves_others_stored(
        caches_on, home_page, change, django_capture_on_commit_callbacks):
    product = ProductFactory(weight_g=350)
    destination = tourism_factories.destination(slug="pasar-terapung-lok-baintan", title="Pasar Terapung Lok Baintan")
    signed_in = Client()
    signed_in.force_login(ShopFactory().owner)  # fragments, never the page cache
    visitor = Client()
    # The destination first: values remembered while a product page renders carry its tags on.
    assert visitor.get(destination.url).status_code == 200
    assert visitor.get(destination.url)["X-Page-Cache"] == "hit"
    assert "Rp 9.000" in text_of(box(visitor.get(url(product))))
    assert visitor.get(url(product))["X-Page-Cache"] == "hit"
    assert "Rp 9.000" in text_of(box(signed_in.get(url(product))))

    with django_capture_on_commit_callbacks(execute=True):
        change(8_000)

    page = visitor.get(url(product))
    assert page["X-Page-Cache"] == "miss"
    assert "Banjar dan Banjarmasin: perkiraan 2–3 hari, Rp 8.000" in text_of(box(page))
    assert jsonld_of(page)["offers"]["shippingDetails"][0]["shippingRate"]["minValue"] == 8_000
    assert "Rp 8.000" in text_of(box(signed_in.get(url(product))))
    # Only what showed the rates: a destination's page stays stored.
    assert visitor.get(destination.url)["X-Page-Cache"] == "hit"


def test_the_rate_table_is_read_once_for_every_zone(django_assert_num_queries):
    from marketplace.delivery import delivery_facts

    product = ProductFactory(weight_g=350, shop__ships_abroad=True)
    with django_assert_num_queries(1):
        facts = delivery_facts(product)
    assert [estimate.zone for estimate in facts.domestic] == ["banjar", "maluku-papua"]
    assert [estimate.zone for estimate in facts.abroad] == ["asean", "asia-pacific", "world"]


def test_product_pages_read_the_rate_table_once_until_an_editor_changes_it(
        caches_on, home_page, settings, django_capture_on_commit_callbacks):
    """Each product page estimates a dozen zones: the table is remembered (as plain values, a copy
    per request) and read again only once a rate changed, which the next page shows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.FRAGMENT_CACHE_SECONDS = 0  # every view renders its delivery box
    first, second = ProductFactory(weight_g=350), ProductFactory(weight_g=1200)
    signed_in = Client()  # never the page cache
    signed_in.force_login(ShopFactory().owner)

    def rate_reads(product) -> tuple[int, str]:
        with CaptureQueriesContext(connection) as captured:
            page = signed_in.get(url(product))
        assert page.status_code == 200
        return (sum(f'FROM "{ShippingRate._meta.db_table}"' in query["sql"] for query in captured),
                text_of(box(page)))

    assert rate_reads(first)[0] == 1
    reads, text = rate_reads(second)
    assert reads == 0 and "Banjar dan Banjarmasin: perkiraan 1–2 hari, Rp 10.000" in text  # another service for 1.2 kg
    with django_capture_on_commit_callbacks(execute=True):
        change_by_form(8_000)
    reads, text = rate_reads(first)
    assert reads == 1 and "Banjar dan Banjarmasin: perkiraan 2–3 hari, Rp 8.000" in text


def test_rates_an_editor_adds_to_an_empty_table_show_at_once(
        caches_on, home_page, django_capture_on_commit_callbacks):
    """A table with no rates read nothing, yet it is remembered and stored pages show it: the
    rates an editor then adds must show on the next view, not when some other change comes."""
    with django_capture_on_commit_callbacks(execute=True):
        ShippingRate.objects.all().delete()
    product = ProductFactory(weight_g=350)
    signed_in = Client()  # never the page cache: what the remembered table says
    signed_in.force_login(ShopFactory().owner)
    visitor = Client()
    for client in (visitor, signed_in):
        assert "Rp 9.000" not in text_of(box(client.get(url(product))))
    assert visitor.get(url(product))["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        ShippingRate.objects.create(service=CourierService.objects.get(code="pos-kilat"), zone="banjar",
                                    first_kg_idr=9_000, next_kg_idr=9_000, days_min=2, days_max=3)

    for client in (visitor, signed_in):
        assert "Banjar dan Banjarmasin: perkiraan 2–3 hari, Rp 9.000" in text_of(box(client.get(url(product))))
