"""Pricing a parcel: weights rounded as couriers do, zones from Banjar outwards, the seeded table.

The seeded table is what the migration writes (the test database has it), so these tests also
check the figures a buyer would be charged.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketplace.shipping.models import CourierService, ShippingRate
from marketplace.shipping.rates import (
    Destination,
    TableRateSource,
    chargeable_kg,
    destination_zone,
    parcel_cost,
)
from marketplace.shipping.regions import (
    ASEAN_COUNTRIES,
    PROVINCES,
    ZONE_ORDER,
    Zone,
    country_find,
    province_find,
)

pytestmark = pytest.mark.django_db

DOMESTIC_ZONES = [zone for zone in Zone if zone not in {Zone.ASEAN, Zone.ASIA_PACIFIC, Zone.WORLD}]
# One destination per zone, in the order of the zones.
DESTINATION_PER_ZONE = [
    Destination(province="63", city="Kabupaten Banjar"), Destination(province="63"), Destination(province="64"),
    Destination(province="35"), Destination(province="12"), Destination(province="73"), Destination(province="53"),
    Destination(province="94"), Destination(country="SG"), Destination(country="JP"), Destination(country="NL"),
]


@pytest.mark.parametrize(("grams", "tolerance", "kilograms"), [
    (1, 300, 1), (999, 300, 1), (1000, 300, 1), (1300, 300, 1), (1301, 300, 2), (2300, 300, 2), (2301, 300, 3),
    (1001, 0, 2), (30000, 300, 30), (30000, 0, 30),
])
def test_weights_are_rounded_up_to_whole_kilograms_with_the_couriers_tolerance(grams, tolerance, kilograms):
    assert chargeable_kg(grams, tolerance_g=tolerance) == kilograms


def test_first_kilogram_then_each_further_one():
    assert parcel_cost(weight_g=2400, first_kg_idr=290000, next_kg_idr=95000, tolerance_g=0) == 290000 + 2 * 95000


def test_the_38_provinces_with_their_bps_codes_and_names():
    assert len(PROVINCES) == 38
    assert province_find("Jawa Timur") == province_find("  jawa   TIMUR ") == province_find("35") == "35"
    assert province_find("DKI Jakarta") == province_find("dkijakarta") == "31"
    assert province_find("Kalimantan Selatan") == "63"
    assert province_find("Papua Pegunungan") == "97"
    assert province_find("Atlantis") is None and province_find("99") is None


def test_countries_are_iso_codes():
    assert country_find("sg") == "SG" and country_find("ID") == "ID"
    assert country_find("XX") is None and country_find("Singapore") is None


@pytest.mark.parametrize(("destination", "zone"), [
    (Destination(province="63", city="Kota Banjarmasin"), Zone.BANJAR),
    (Destination(province="63", city="banjar"), Zone.BANJAR),
    (Destination(province="63", city="Kota Banjarbaru"), Zone.KALSEL),
    (Destination(province="63"), Zone.KALSEL),
    (Destination(province="31", city="Banjarmasin"), Zone.JAWA_BALI),
    (Destination(province="64"), Zone.KALIMANTAN),
    (Destination(province="11"), Zone.SUMATRA),
    (Destination(province="76"), Zone.SULAWESI),
    (Destination(province="52"), Zone.NUSA_TENGGARA),
    (Destination(province="82"), Zone.MALUKU_PAPUA),
    (Destination(country="MY"), Zone.ASEAN),
    (Destination(country="AU"), Zone.ASIA_PACIFIC),
    (Destination(country="US"), Zone.WORLD),
])
def test_destinations_fall_in_zones_from_banjar_outwards(destination, zone):
    assert destination_zone(destination) == zone


def test_every_zone_is_reachable_and_every_province_has_a_zone():
    assert [destination_zone(destination) for destination in DESTINATION_PER_ZONE] == list(Zone)
    assert ASEAN_COUNTRIES >= {"SG", "MY", "BN"}


def test_the_seeded_table_covers_every_zone_and_is_monotone_by_zone():
    rates = list(ShippingRate.objects.select_related("service"))
    assert {rate.zone for rate in rates} == {zone.value for zone in Zone}
    for service in CourierService.objects.all():
        own = sorted((rate for rate in rates if rate.service_id == service.pk), key=lambda rate: ZONE_ORDER[rate.zone])
        assert own, service
        for nearer, farther in zip(own, own[1:], strict=False):
            assert farther.first_kg_idr >= nearer.first_kg_idr, (service.code, farther.zone)
            assert farther.next_kg_idr >= nearer.next_kg_idr, (service.code, farther.zone)
            assert farther.days_max >= nearer.days_max, (service.code, farther.zone)
    # Every domestic zone has a courier for every weight (so a weighed product always ships in Indonesia).
    for zone in DOMESTIC_ZONES:
        assert sum(rate.zone == zone for rate in rates) >= 4, zone


def test_the_table_answers_cheapest_first_with_one_query(django_assert_num_queries):
    source = TableRateSource()
    with django_assert_num_queries(1):
        first = source.quotes(destination=Destination(province="35"), weight_g=850)
        source.quotes(destination=Destination(province="31"), weight_g=2500)
    assert [quote.cost_idr for quote in first] == sorted(quote.cost_idr for quote in first)
    jne = next(quote for quote in first if quote.id == "jne-reg")
    assert (jne.label, jne.cost_idr, jne.days_min, jne.days_max) == ("JNE REG", 42000, 2, 4)


def test_a_switched_off_service_is_not_offered():
    CourierService.objects.filter(code="jne-yes").update(is_active=False)
    quotes = TableRateSource().quotes(destination=Destination(province="35"), weight_g=500)
    assert "jne-yes" not in {quote.id for quote in quotes} and "jne-reg" in {quote.id for quote in quotes}


PROPERTY_SETTINGS = settings(max_examples=60, deadline=None,
                             suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def seeded_quotes():
    """Every zone's quotes, from one read of the table (the property tests ask thousands of times)."""
    source = TableRateSource()
    return lambda destination, weight_g: source.quotes(destination=destination, weight_g=weight_g)


@PROPERTY_SETTINGS
@given(weight=st.integers(min_value=0, max_value=200_000), zone=st.integers(min_value=0, max_value=10))
def test_shipping_is_never_negative(seeded_quotes, weight, zone):
    quotes = seeded_quotes(DESTINATION_PER_ZONE[zone], weight)
    assert quotes and all(quote.cost_idr > 0 and isinstance(quote.cost_idr, int) for quote in quotes)


@PROPERTY_SETTINGS
@given(lighter=st.integers(min_value=1, max_value=100_000), extra=st.integers(min_value=0, max_value=100_000),
       zone=st.integers(min_value=0, max_value=10))
def test_more_weight_never_costs_less(seeded_quotes, lighter, extra, zone):
    destination = DESTINATION_PER_ZONE[zone]
    light = {quote.id: quote.cost_idr for quote in seeded_quotes(destination, lighter)}
    heavy = {quote.id: quote.cost_idr for quote in seeded_quotes(destination, lighter + extra)}
    assert light.keys() == heavy.keys()
    assert all(heavy[service] >= light[service] for service in light)
    assert min(heavy.values()) >= min(light.values())


@PROPERTY_SETTINGS
@given(weight=st.integers(min_value=1, max_value=100_000), nearer=st.integers(min_value=0, max_value=10),
       step=st.integers(min_value=1, max_value=10))
def test_a_farther_zone_never_costs_less(seeded_quotes, weight, nearer, step):
    farther = min(nearer + step, 10)
    near = {quote.id: quote.cost_idr for quote in seeded_quotes(DESTINATION_PER_ZONE[nearer], weight)}
    far = {quote.id: quote.cost_idr for quote in seeded_quotes(DESTINATION_PER_ZONE[farther], weight)}
    assert min(far.values()) >= min(near.values())
    assert all(far[service] >= near[service] for service in far.keys() & near.keys())
