"""GET /api/shipping/options as shared/contracts/http-api.md promises it.

Prices come from the seeded rate table (the migration's), so the figures here are what a buyer
in Surabaya or Singapore would be charged.
"""

import pytest

from marketplace.models import ShopStatus
from tests.marketplace.factories import ProductFactory, ShopFactory

pytestmark = pytest.mark.django_db

URL = "/api/shipping/options"


@pytest.fixture
def kain():
    shop = ShopFactory(slug="sasirangan-acil-sarmilah", name="Sasirangan Acil Sarmilah", offers_pickup=True,
                       pickup_address="Jl. Pasayangan No. 3, Martapura Timur", pickup_hours="Senin-Sabtu 09.00-17.00 WITA")
    return ProductFactory(slug="kain-gigi-haruan", shop=shop, weight_g=350)


@pytest.fixture
def kemeja():
    shop = ShopFactory(slug="rumah-sasirangan", name="Rumah Sasirangan")
    return ProductFactory(slug="kemeja-kulat-karikit", shop=shop, weight_g=300)


def get(client, **params):
    return client.get(URL, params)


def test_options_per_shop_pickup_first_then_couriers_cheapest_first(client, kain, kemeja):
    response = get(client, items="kain-gigi-haruan:2,kemeja-kulat-karikit:1", province="Jawa Timur")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["country"] == "ID" and body["province"] == "Jawa Timur" and body["unavailable"] == []
    first, second = body["shops"]
    assert (first["shop"], first["name"], first["weight_g"]) == ("sasirangan-acil-sarmilah", "Sasirangan Acil Sarmilah", 700)
    pickup = first["options"][0]
    assert pickup == {"id": "pickup", "kind": "pickup", "label": "Ambil sendiri di tempat perajin", "cost_idr": 0,
                      "days_min": 0, "days_max": 0, "address": "Jl. Pasayangan No. 3, Martapura Timur",
                      "hours": "Senin-Sabtu 09.00-17.00 WITA"}
    couriers = first["options"][1:]
    assert couriers and all(option["kind"] == "courier" for option in couriers)
    assert [option["cost_idr"] for option in couriers] == sorted(option["cost_idr"] for option in couriers)
    jne = next(option for option in couriers if option["id"] == "jne-reg")
    assert jne == {"id": "jne-reg", "kind": "courier", "courier": "jne", "service": "REG", "label": "JNE REG",
                   "cost_idr": 42000, "days_min": 2, "days_max": 4}
    # No pickup at the second shop: couriers only.
    assert second["shop"] == "rumah-sasirangan" and second["weight_g"] == 300
    assert {option["kind"] for option in second["options"]} == {"courier"}


def test_weight_rounded_as_couriers_do(client, kemeja):
    # 5 x 300 g = 1.5 kg: more than 300 g over one kilogram, so JNE charges two.
    body = get(client, items="kemeja-kulat-karikit:5", province="35").json()
    jne = next(option for option in body["shops"][0]["options"] if option["id"] == "jne-reg")
    assert body["shops"][0]["weight_g"] == 1500 and jne["cost_idr"] == 2 * 42000
    # 4 x 300 g = 1.2 kg: within the tolerance, one kilogram.
    body = get(client, items="kemeja-kulat-karikit:4", province="35").json()
    assert next(option for option in body["shops"][0]["options"] if option["id"] == "jne-reg")["cost_idr"] == 42000


@pytest.mark.parametrize("province", ["35", "jawa timur", "  JAWA   Timur ", "Jawa Timur"])
def test_province_by_bps_name_or_code_case_and_spaces_ignored(client, kemeja, province):
    body = get(client, items="kemeja-kulat-karikit:1", province=province).json()
    assert body["province"] == "Jawa Timur"


def test_farther_costs_more_and_banjar_is_cheapest(client, kemeja):
    def cheapest(**destination):
        body = get(client, items="kemeja-kulat-karikit:1", **destination).json()
        return body["shops"][0]["options"][0]["cost_idr"]

    banjar = cheapest(province="63", city="Kabupaten Banjar")
    kalsel = cheapest(province="63")
    java = cheapest(province="DKI Jakarta")
    papua = cheapest(province="Papua")
    assert banjar < kalsel < java < papua


def test_abroad_only_shops_that_ship_abroad_and_never_pickup(client, kain, kemeja):
    kain.shop.ships_abroad = True
    kain.shop.save()
    response = get(client, items="kain-gigi-haruan:1,kemeja-kulat-karikit:1", country="sg", province="ignored")
    assert response.status_code == 200
    body = response.json()
    assert body["country"] == "SG" and body["province"] is None
    (shop,) = body["shops"]
    assert shop["shop"] == "sasirangan-acil-sarmilah"
    assert [option["id"] for option in shop["options"]] == ["pos-ems"]
    assert shop["options"][0]["cost_idr"] == 290000
    assert body["unavailable"] == [{"shop": "rumah-sasirangan", "name": "Rumah Sasirangan",
                                    "reason": "Rumah Sasirangan hanya mengirim ke alamat di Indonesia."}]


def test_the_reason_comes_in_the_language_asked_for(client, kemeja):
    body = get(client, items="kemeja-kulat-karikit:1", country="SG", lang="en").json()
    assert body["unavailable"][0]["reason"] == "Rumah Sasirangan ships to addresses in Indonesia only."


@pytest.mark.parametrize(("lang", "label"), [("id", "POS EMS (luar negeri)"), ("en", "POS EMS (international)")])
def test_courier_names_come_in_the_language_asked_for(client, kain, lang, label):
    """The seeded table's one Indonesian name has its English one; brand names are the same in both."""
    kain.shop.ships_abroad = True
    kain.shop.save()
    abroad = get(client, items="kain-gigi-haruan:1", country="SG", lang=lang).json()
    assert [option["label"] for option in abroad["shops"][0]["options"]] == [label]
    at_home = get(client, items="kain-gigi-haruan:1", country="ID", province="Jawa Timur", city="Surabaya",
                  lang=lang).json()
    assert "JNE REG" in [option["label"] for option in at_home["shops"][0]["options"]]


def test_a_product_without_weight_can_only_be_collected(client, kain, kemeja):
    kain.weight_g = None
    kain.save()
    kemeja.weight_g = None
    kemeja.save()
    body = get(client, items="kain-gigi-haruan:1,kemeja-kulat-karikit:1", province="35", lang="en").json()
    (shop,) = body["shops"]
    assert [option["id"] for option in shop["options"]] == ["pickup"] and shop["weight_g"] is None
    assert shop["options"][0]["label"] == "Collect at the artisan's workshop"
    (unavailable,) = body["unavailable"]
    assert unavailable["shop"] == "rumah-sasirangan"
    assert "has no packed weight" in unavailable["reason"]


@pytest.mark.parametrize(("params", "field"), [
    ({"province": "35"}, "items"),
    ({"items": "", "province": "35"}, "items"),
    ({"items": "kain-tidak-ada:1", "province": "35"}, "items"),
    ({"items": "kain-gigi-haruan:0", "province": "35"}, "items"),
    ({"items": "kain-gigi-haruan:100", "province": "35"}, "items"),
    ({"items": "kain-gigi-haruan:-1", "province": "35"}, "items"),
    ({"items": "kain-gigi-haruan:60,kain-gigi-haruan:40", "province": "35"}, "items"),
    ({"items": "kain-gigi-haruan", "province": "35"}, "items"),
    ({"items": "kain-gigi-haruan:dua", "province": "35"}, "items"),
    ({"items": "kain-draf:1", "province": "35"}, "items"),
    ({"items": "kain-toko-menunggu:1", "province": "35"}, "items"),
    ({"items": "kain-gigi-haruan:1", "province": "35", "country": "XX"}, "country"),
    ({"items": "kain-gigi-haruan:1", "province": "35", "country": "Indonesia"}, "country"),
    ({"items": "kain-gigi-haruan:1"}, "province"),
    ({"items": "kain-gigi-haruan:1", "province": "Atlantis"}, "province"),
    ({"items": "kain-gigi-haruan:1", "province": "99"}, "province"),
    ({"items": "kain-gigi-haruan:1", "province": "35", "lang": "fr"}, "lang"),
])
def test_bad_parameters_are_400_naming_the_field(client, kain, params, field):
    ProductFactory(slug="kain-draf", shop=kain.shop, is_published=False, weight_g=300)
    ProductFactory(slug="kain-toko-menunggu", shop=ShopFactory(status=ShopStatus.PENDING), weight_g=300)
    response = get(client, **params)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["field"] == field and body["error"]


def test_errors_speak_the_language_asked_for(client, kain):
    indonesian = get(client, items="kain-gigi-haruan:1", province="Atlantis").json()["error"]
    english = get(client, items="kain-gigi-haruan:1", province="Atlantis", lang="en").json()["error"]
    assert "Provinsi" in indonesian and "province" in english.lower() and english != indonesian


def test_a_post_is_refused(client):
    assert client.post(URL).status_code == 405


def test_queries_do_not_grow_with_the_number_of_shops(client, django_assert_max_num_queries):
    slugs = []
    for number in range(6):
        product = ProductFactory(shop=ShopFactory(offers_pickup=True, pickup_address="Jl. Contoh"), weight_g=300)
        slugs.append(f"{product.slug}:{number + 1}")
    with django_assert_max_num_queries(3):
        response = get(client, items=",".join(slugs), province="35")
    assert response.status_code == 200 and len(response.json()["shops"]) == 6
