"""Products' packed weights and shops' delivery facts (issue 11): the dashboard, the import, the database.

A weight is what prices a courier parcel; a product without one can only be collected, so a
wrong weight must never be saved silently.
"""

import copy

import pytest
from django.db import IntegrityError, transaction

from marketplace.models import Product, Shop
from tests.marketplace.factories import ProductFactory, ShopFactory
from tests.marketplace.test_catalog_import import VALID, snapshot, write_catalog
from tests.marketplace.test_dashboard import field_errors, product_post
from tourism.catalog import CatalogError, import_catalog

pytestmark = pytest.mark.django_db


@pytest.fixture
def artisan(client):
    shop = ShopFactory()
    client.force_login(shop.owner)
    return shop


def shop_post(shop, **overrides):
    data = {"name": shop.name, "story_id": shop.story_id, "district": shop.district_id, "village": "",
            "phone": ""}
    data.update(overrides)
    return data


# --- Dashboard ------------------------------------------------------------------------------------

def test_artisan_gives_a_product_its_packed_weight(client, artisan):
    response = client.post("/toko/produk/baru/", product_post(weight_g="350"))
    assert response.status_code == 302
    product = Product.objects.get(shop=artisan)
    assert product.weight_g == 350
    edit = client.get(f"/toko/produk/{product.pk}/")
    assert 'name="weight_g"' in edit.content.decode() and 'value="350"' in edit.content.decode()


def test_a_product_may_have_no_weight(client, artisan):
    assert client.post("/toko/produk/baru/", product_post(weight_g="")).status_code == 302
    assert Product.objects.get(shop=artisan).weight_g is None


@pytest.mark.parametrize(("typed", "message"), [
    ("0", "Berat paling sedikit 1 gram."),
    ("30001", "Berat paling banyak 30000 gram (30 kg)."),
    ("0,3 kg", "Tulis berat sebagai angka gram utuh, mis. 300."),
])
def test_a_bad_weight_is_refused_beside_the_field(client, artisan, typed, message):
    response = client.post("/toko/produk/baru/", product_post(weight_g=typed))
    assert response.status_code == 400
    assert field_errors(response, "id_weight_g") == [message]
    assert not Product.objects.exists()


def test_artisan_sets_pickup_and_shipping_abroad(client, artisan):
    response = client.post("/toko/profil/", shop_post(
        artisan, ships_from="Kota Banjarmasin", ships_abroad="on", offers_pickup="on",
        pickup_address="  Jl. Pangeran Antasari No. 5, Kampung Sasirangan  ",
        pickup_hours="Senin-Sabtu 09.00-17.00 WITA"))
    assert response.status_code == 302
    artisan.refresh_from_db()
    assert artisan.ships_from == "Kota Banjarmasin"
    assert artisan.ships_abroad and artisan.offers_pickup
    assert artisan.pickup_address == "Jl. Pangeran Antasari No. 5, Kampung Sasirangan"
    assert artisan.pickup_hours == "Senin-Sabtu 09.00-17.00 WITA"
    page = client.get("/toko/profil/").content.decode()
    assert "Kampung Sasirangan" in page and "Senin-Sabtu" in page


def test_pickup_without_an_address_is_refused(client, artisan):
    response = client.post("/toko/profil/", shop_post(artisan, offers_pickup="on", pickup_address="  "))
    assert response.status_code == 400
    assert field_errors(response, "id_pickup_address") == [
        "Tulis alamat pengambilan, atau matikan pengambilan di tempat."]
    artisan.refresh_from_db()
    assert not artisan.offers_pickup


def test_ships_from_defaults_to_kabupaten_banjar(client, artisan):
    assert client.post("/toko/profil/", shop_post(artisan, ships_from="")).status_code == 302
    artisan.refresh_from_db()
    assert artisan.ships_from == "Kabupaten Banjar"
    assert not artisan.offers_pickup and not artisan.ships_abroad


# --- Database -------------------------------------------------------------------------------------

@pytest.mark.parametrize("weight", [0, 30001])
def test_the_database_refuses_a_weight_out_of_range(weight):
    product = ProductFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.filter(pk=product.pk).update(weight_g=weight)


def test_the_database_refuses_pickup_without_an_address():
    shop = ShopFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Shop.objects.filter(pk=shop.pk).update(offers_pickup=True, pickup_address="")


# --- Catalogue import -----------------------------------------------------------------------------

def catalog_with(where, value):
    kind, index, field = where
    data = copy.deepcopy(VALID)
    data[kind][index][field] = value
    return data


def test_import_writes_weights_pickup_and_shipping_abroad(tmp_path):
    data = copy.deepcopy(VALID)
    data["products"][0]["weight_g"] = 320
    data["artisans"][0].update(pickup_address="Jl. Sasirangan No. 1, Pasayangan",
                               pickup_hours="Senin-Sabtu 09.00-17.00 WITA", ships_abroad=True)
    import_catalog(write_catalog(tmp_path, data))
    assert Product.objects.get(slug="kain-sasirangan-kambang-kacang-hijau").weight_g == 320
    assert Product.objects.get(slug="selendang-gigi-haruan").weight_g is None
    shop = Shop.objects.get(slug="sasirangan-ibu-contoh")
    assert shop.offers_pickup and shop.ships_abroad
    assert shop.pickup_address == "Jl. Sasirangan No. 1, Pasayangan"
    other = Shop.objects.get(slug="sasirangan-menunggu")
    assert not other.offers_pickup and not other.ships_abroad and other.ships_from == "Kabupaten Banjar"

    # The same file again changes nothing; a file without the new fields takes them away.
    assert import_catalog(write_catalog(tmp_path, data)).counts["products"].get("updated", 0) == 0
    import_catalog(write_catalog(tmp_path, VALID))
    assert Product.objects.get(slug="kain-sasirangan-kambang-kacang-hijau").weight_g is None
    assert not Shop.objects.get(slug="sasirangan-ibu-contoh").offers_pickup


def test_a_file_without_the_new_fields_is_still_unchanged_the_second_time(tmp_path):
    import_catalog(write_catalog(tmp_path, VALID))
    report = import_catalog(write_catalog(tmp_path, VALID))
    assert report.counts["products"].get("updated", 0) == 0 and report.counts["artisans"].get("updated", 0) == 0


@pytest.mark.parametrize(("field", "value", "message"), [
    (("products", 0, "weight_g"), 0,
     'products[0] (slug "kain-sasirangan-kambang-kacang-hijau"): weight_g must be an integer >= 1'),
    (("products", 0, "weight_g"), 30001,
     'products[0] (slug "kain-sasirangan-kambang-kacang-hijau"): weight_g must be at most 30000'),
    (("products", 1, "weight_g"), "300 g",
     'products[1] (slug "selendang-gigi-haruan"): weight_g must be an integer >= 1, got a text'),
    (("products", 1, "weight_g"), 0.3,
     'products[1] (slug "selendang-gigi-haruan"): weight_g must be an integer >= 1'),
    (("artisans", 0, "ships_abroad"), "ya",
     'artisans[0] (slug "sasirangan-ibu-contoh"): ships_abroad must be true or false'),
    (("artisans", 0, "pickup_hours"), "09.00-17.00",
     'artisans[0] (slug "sasirangan-ibu-contoh"): pickup_hours needs pickup_address'),
    (("artisans", 1, "pickup_address"), 12,
     'artisans[1] (slug "sasirangan-menunggu"): pickup_address must be a text'),
])
def test_a_bad_delivery_fact_names_record_and_field_and_imports_nothing(tmp_path, field, value, message):
    before = snapshot()
    with pytest.raises(CatalogError) as caught:
        import_catalog(write_catalog(tmp_path, catalog_with(field, value)))
    assert str(caught.value).startswith(message), str(caught.value)
    assert snapshot() == before
