"""The marketplace demo: enough artisans, products and motifs, and loading it twice changes nothing."""

import json

import pytest
from wagtail.images import get_image_model

from demo.shops import CATALOG, load_marketplace_demo
from marketplace.models import Motif, Product, ProductPhoto, ProductSize, Shop, ShopStatus

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        list(Shop.objects.order_by("pk").values_list("slug", "status", "updated_at")),
        list(Product.objects.order_by("pk").values_list("slug", "stock", "updated_at")),
        list(ProductPhoto.objects.order_by("pk").values_list("pk", "image_id", "is_main")),
        list(ProductSize.objects.order_by("pk").values_list("pk", "label", "stock")),
        list(Motif.objects.order_by("pk").values_list("slug", "meaning_id", "image_id")),
        get_image_model().objects.count(),
    )


def test_demo_loads_artisans_products_motifs_and_is_idempotent(tmp_path, client):
    load_marketplace_demo(folder=tmp_path / "demo", photo_size=96)

    assert Shop.objects.filter(status=ShopStatus.APPROVED).count() >= 8
    assert Shop.objects.filter(status=ShopStatus.PENDING).exists()  # one application for editors to decide
    assert Product.objects.count() >= 40
    assert not Product.objects.filter(photos__isnull=True).exists()
    assert Product.objects.filter(stock=0).exists()  # some sold out, to show "Habis"
    for name in ("Gigi Haruan", "Kulat Karikit", "Kambang Kacang", "Hiris Pudak", "Bayam Raja", "Naga Balimbur",
                 "Ombak Sinapur Karang", "Daun Jaruju", "Kambang Sakaki", "Turun Dayang", "Iris Gagatas",
                 "Ramak Sahang"):
        motif = Motif.objects.get(name=name)
        assert motif.meaning_id and motif.meaning_en and motif.image_id
    shirt = Product.objects.filter(kind="kemeja").first()
    assert shirt.sizes.exists() and shirt.stock == sum(size.stock for size in shirt.sizes.all())

    before = snapshot()
    load_marketplace_demo(folder=tmp_path / "demo", photo_size=96)
    assert snapshot() == before

    listing = client.get("/id/kampung-sasirangan/")
    assert listing.status_code == 200 and "Gigi Haruan" in listing.content.decode()
    artisan = Shop.objects.get(slug="sasirangan-galuh-banjar").owner
    assert client.login(username=artisan.username, password="gebrak-banjar")


def test_demo_catalogue_is_a_valid_catalogue_with_english():
    data = json.loads(CATALOG.read_text(encoding="utf-8"))
    assert len(data["artisans"]) >= 8 and len(data["products"]) >= 40
    assert all(product["title"].get("en") for product in data["products"])


@pytest.mark.django_db(transaction=True)
def test_the_demos_pictures_are_stored_outside_any_transaction(tmp_path, settings, monkeypatch):
    """With the media in a bucket a file is a network call: none may hold the database's locks; and
    each picture is written once."""
    from importlib import import_module

    from django.apps import apps
    from wagtail.models import Collection

    from tests.storage_writes import storage_writes_recorded
    from tests.task_worker import use_database_backend

    use_database_backend(settings, monkeypatch)
    # A committing test starts from tables another one may have emptied, the migrations' rows too:
    # the kecamatan and colours the catalogue names, and the image library's root.
    for migration in ("tourism.migrations.0003_kecamatan", "marketplace.migrations.0002_colors"):
        import_module(migration).seed(apps, None)
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    writes = storage_writes_recorded(monkeypatch)
    load_marketplace_demo(folder=tmp_path / "demo", photo_size=96)

    assert Motif.objects.filter(image__isnull=False).count() >= 12 and ProductPhoto.objects.exists()
    assert writes.inside == [], writes.inside
    assert len(writes.outside) == len(set(writes.outside)), "a picture was written twice (read back and cleaned again)"
