"""The shipping address as buyers, artisans and couriers read it (order page, emails, packing slip)."""

from django.utils import translation

from marketplace.orders.models import Order


def test_an_address_abroad_names_its_country_in_the_reading_language_with_its_code():
    order = Order(country="SG", regency="Singapore", postal_code="018956", street="10 Bayfront Avenue, #12-03")
    with translation.override("id"):
        assert order.address_lines == ["10 Bayfront Avenue, #12-03", "Singapore 018956", "Singapura (SG)"]
    with translation.override("en"):
        assert order.address_lines[-1] == "Singapore (SG)"
    # Beyond the countries buyers choose most: its name all the same (Unicode's CLDR), with the code.
    chile = Order(country="CL", regency="Santiago", street="Av. Providencia 1234")
    with translation.override("id"):
        assert chile.address_lines[-1] == "Cile (CL)"
    with translation.override("en"):
        assert chile.address_lines[-1] == "Chile (CL)"


def test_an_address_in_indonesia_keeps_its_province_and_postal_code():
    order = Order(country="ID", province="Kalimantan Selatan", regency="Kabupaten Banjar", district="Martapura",
                  postal_code="70614", street="Jl. Ahmad Yani Km 39")
    assert order.address_lines == ["Jl. Ahmad Yani Km 39", "Martapura, Kabupaten Banjar", "Kalimantan Selatan 70614"]


def test_an_address_abroad_names_its_state_between_the_city_and_the_postal_code():
    order = Order(country="AU", province="NSW", regency="Sydney", postal_code="2000", street="1 Macquarie Street")
    with translation.override("en"):
        assert order.address_lines == ["1 Macquarie Street", "Sydney NSW 2000", "Australia (AU)"]
    assert Order(country="MY", province="Selangor", regency="Shah Alam",
                 street="Jalan Plumbum 7").address_lines[1] == "Shah Alam Selangor"
