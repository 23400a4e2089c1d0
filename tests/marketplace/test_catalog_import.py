"""Importing artisans and products (shared/contracts/catalog-schema.md).

Every bad record names itself and its field and imports nothing; importing the
same file twice changes nothing the second time.
"""

import copy
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from PIL import Image
from wagtail.images import get_image_model

from marketplace.models import Color, Motif, Product, ProductPhoto, Shop, ShopStatus
from tests.marketplace.factories import ProductFactory, ShopFactory, add_size
from tourism.catalog import CatalogError, import_catalog

pytestmark = pytest.mark.django_db

VALID = {
    "artisans": [
        {
            "slug": "sasirangan-ibu-contoh",
            "name": "Sasirangan Ibu Contoh",
            "story": {"id": "Usaha keluarga sejak 2005.", "en": "A family business since 2005."},
            "district": "Martapura Timur",
            "village": "Pasayangan",
            "email": "Contoh@Example.org",
            "phone": "0812 3456 7890",
            "location": {"lat": -3.4105, "lon": 114.8672},
        },
        {
            "slug": "sasirangan-menunggu",
            "name": "Sasirangan Menunggu",
            "story": {"id": "Baru mulai."},
            "district": "Martapura",
            "email": "menunggu@example.org",
            "approved": False,
        },
    ],
    "products": [
        {
            "slug": "kain-sasirangan-kambang-kacang-hijau",
            "artisan": "sasirangan-ibu-contoh",
            "title": {"id": "Kain Sasirangan Kambang Kacang Hijau", "en": "Green Kambang Kacang Sasirangan Cloth"},
            "description": {"id": "Kain katun 2 meter.", "en": "Two metres of cotton."},
            "price_idr": 175000,
            "stock": 12,
            "motif": "Kambang Kacang",
            "fabric": "Katun",
            "dye": "synthetic",
            "colors": ["hijau", "Merah Muda"],
            "kind": "kain",
            "tags": ["kain", "hijau"],
            "images": ["kain.png", "lipat.png"],
        },
        {
            "slug": "selendang-gigi-haruan",
            "artisan": "sasirangan-ibu-contoh",
            "title": {"id": "Selendang Gigi Haruan"},
            "description": {"id": "Selendang sutra."},
            "price_idr": 0,
            "stock": 0,
        },
    ],
}


def write_catalog(tmp_path, data):
    Image.new("RGB", (64, 48), (30, 140, 60)).save(tmp_path / "kain.png")
    Image.new("RGB", (48, 64), (200, 60, 120)).save(tmp_path / "lipat.png")
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def snapshot():
    return (
        list(Shop.objects.order_by("pk").values_list("slug", "name", "status", "owner_id", "updated_at")),
        list(Product.objects.order_by("pk").values_list("slug", "title_id", "price_idr", "stock", "updated_at")),
        ProductPhoto.objects.count(), get_image_model().objects.count(), get_user_model().objects.count(),
        Motif.objects.count(), Color.objects.count(),
    )


def test_valid_file_creates_shops_owners_and_products(tmp_path):
    report = import_catalog(write_catalog(tmp_path, VALID))
    assert report.counts["artisans"]["created"] == 2
    assert report.counts["products"]["created"] == 2

    shop = Shop.objects.get(slug="sasirangan-ibu-contoh")
    assert shop.status == ShopStatus.APPROVED
    assert shop.story_en == "A family business since 2005."
    assert shop.district.name == "Martapura Timur"
    assert shop.phone == "+6281234567890"
    assert float(shop.latitude) == pytest.approx(-3.4105)
    owner = shop.owner
    assert owner.username == owner.email == "contoh@example.org"
    assert not owner.has_usable_password()
    assert Shop.objects.get(slug="sasirangan-menunggu").status == ShopStatus.PENDING

    product = Product.objects.get(slug="kain-sasirangan-kambang-kacang-hijau")
    assert product.shop == shop and product.is_published
    assert product.title_en == "Green Kambang Kacang Sasirangan Cloth"
    assert (product.price_idr, product.stock, product.fabric, product.dye, product.kind) == (
        175000, 12, "katun", "synthetic", "kain")
    assert product.motif.name == "Kambang Kacang"
    assert sorted(product.colors.values_list("slug", flat=True)) == ["hijau", "merah-muda"]
    assert sorted(product.tags.names()) == ["hijau", "kain"]
    photos = product.ordered_photos
    assert [photo.is_main for photo in photos] == [True, False]
    assert (photos[1].image.width, photos[1].image.height) == (48, 64)
    other = Product.objects.get(slug="selendang-gigi-haruan")
    assert other.kind == "lainnya" and other.is_sold_out and other.motif is None


def test_importing_the_same_file_twice_changes_nothing(tmp_path):
    path = write_catalog(tmp_path, VALID)
    import_catalog(path)
    before = snapshot()
    report = import_catalog(path)
    assert report.counts["artisans"]["unchanged"] == 2
    assert report.counts["products"]["unchanged"] == 2
    assert snapshot() == before


def test_a_changed_record_is_updated_in_place(tmp_path):
    import_catalog(write_catalog(tmp_path, VALID))
    product_pk = Product.objects.get(slug="kain-sasirangan-kambang-kacang-hijau").pk
    changed = copy.deepcopy(VALID)
    changed["products"][0]["price_idr"] = 180000
    changed["products"][0]["images"] = ["lipat.png"]
    report = import_catalog(write_catalog(tmp_path, changed))
    assert report.counts["products"]["updated"] == 1 and report.counts["products"]["unchanged"] == 1
    product = Product.objects.get(slug="kain-sasirangan-kambang-kacang-hijau")
    assert product.pk == product_pk and product.price_idr == 180000
    assert [photo.image.height for photo in product.ordered_photos] == [64]


def test_artisans_products_can_refer_to_a_shop_already_in_the_database(tmp_path):
    ShopFactory(slug="toko-lama")
    data = {"products": [dict(VALID["products"][1], slug="kain-baru", artisan="toko-lama")]}
    import_catalog(write_catalog(tmp_path, data))
    assert Product.objects.get(slug="kain-baru").shop.slug == "toko-lama"


def test_import_never_lifts_an_editors_suspension(tmp_path):
    import_catalog(write_catalog(tmp_path, VALID))
    Shop.objects.filter(slug="sasirangan-ibu-contoh").update(status=ShopStatus.SUSPENDED)
    changed = copy.deepcopy(VALID)
    changed["artisans"][0]["village"] = "Tunggul Irang"
    import_catalog(write_catalog(tmp_path, changed))
    shop = Shop.objects.get(slug="sasirangan-ibu-contoh")
    assert shop.village == "Tunggul Irang" and shop.status == ShopStatus.SUSPENDED


def with_change(record_kind, index, **fields):
    data = copy.deepcopy(VALID)
    for name, value in fields.items():
        if value is None:
            data[record_kind][index].pop(name, None)
        else:
            data[record_kind][index][name] = value
    return data


@pytest.mark.parametrize(("data", "message"), [
    (with_change("products", 1, artisan="toko-tidak-ada"),
     'products[1] (slug "selendang-gigi-haruan"): artisan names an unknown artisan slug \'toko-tidak-ada\''),
    (with_change("products", 0, price_idr=-1),
     'products[0] (slug "kain-sasirangan-kambang-kacang-hijau"): price_idr must be an integer >= 0'),
    (with_change("products", 0, price_idr="175.000"),
     'products[0] (slug "kain-sasirangan-kambang-kacang-hijau"): price_idr must be an integer >= 0, got a text'),
    (with_change("products", 1, stock=-3),
     'products[1] (slug "selendang-gigi-haruan"): stock must be an integer >= 0'),
    (with_change("products", 1, stock=None),
     'products[1] (slug "selendang-gigi-haruan"): stock is required'),
    (with_change("products", 0, dye="indigo"),
     'products[0] (slug "kain-sasirangan-kambang-kacang-hijau"): dye must be one of natural, synthetic; got \'indigo\''),
    (with_change("products", 0, kind="jaket"),
     'products[0] (slug "kain-sasirangan-kambang-kacang-hijau"): kind must be one of'),
    (with_change("products", 0, images=["tidak-ada.png"]),
     'products[0] (slug "kain-sasirangan-kambang-kacang-hijau"): images[0] names a missing image file'),
    (with_change("products", 0, images=["kain.png"] * 9),
     'products[0] (slug "kain-sasirangan-kambang-kacang-hijau"): images must list at most 8 photos; got 9'),
    (with_change("products", 0, title={"en": "Only English"}),
     'products[0] (slug "kain-sasirangan-kambang-kacang-hijau"): title.id (the Indonesian text) is required'),
    (with_change("artisans", 0, email="bukan-email"),
     'artisans[0] (slug "sasirangan-ibu-contoh"): email must be a valid email address; got \'bukan-email\''),
    (with_change("artisans", 0, email=None),
     'artisans[0] (slug "sasirangan-ibu-contoh"): email is required'),
    (with_change("artisans", 1, email="contoh@example.org"),
     'artisans[1] (slug "sasirangan-menunggu"): email \'contoh@example.org\' is also the email of artisan'),
    (with_change("artisans", 0, district="Atlantis"),
     'artisans[0] (slug "sasirangan-ibu-contoh"): district \'Atlantis\' is not a kecamatan'),
    (with_change("artisans", 0, phone="telepon saya"),
     'artisans[0] (slug "sasirangan-ibu-contoh"): phone must be a phone number'),
    (with_change("artisans", 0, approved="ya"),
     'artisans[0] (slug "sasirangan-ibu-contoh"): approved must be true or false'),
    (with_change("artisans", 0, slug="Toko Besar"),
     'artisans[0] (slug "Toko Besar"): slug must be a text of lowercase letters'),
    (with_change("artisans", 0, instagram="@toko"),
     'artisans[0] (slug "sasirangan-ibu-contoh"): unknown field \'instagram\''),
])
def test_each_error_names_record_and_field_and_imports_nothing(tmp_path, data, message):
    before = snapshot()
    with pytest.raises(CatalogError) as caught:
        import_catalog(write_catalog(tmp_path, data))
    assert str(caught.value).startswith(message), str(caught.value)
    assert snapshot() == before


def test_an_email_that_already_owns_another_shop_is_refused(tmp_path):
    ShopFactory(slug="toko-lain", owner__email="contoh@example.org")
    with pytest.raises(CatalogError) as caught:
        import_catalog(write_catalog(tmp_path, VALID))
    assert "already owns the shop 'toko-lain'" in str(caught.value)
    assert not Product.objects.exists()


def test_stock_must_match_the_sizes_kept_in_the_dashboard(tmp_path):
    product = ProductFactory(slug="selendang-gigi-haruan", shop=ShopFactory(slug="sasirangan-ibu-contoh"))
    add_size(product, "M", 2)
    add_size(product, "L", 3)
    with pytest.raises(CatalogError) as caught:
        import_catalog(write_catalog(tmp_path, VALID))
    assert 'products[1] (slug "selendang-gigi-haruan"): stock must be 5' in str(caught.value)


def test_a_late_error_rolls_back_everything_already_written(tmp_path, monkeypatch):
    """Validation passes, then the last save fails: the transaction leaves no trace."""
    from marketplace import catalog

    original = catalog.ProductKind.save
    calls = []

    def failing_save(self, cleaned, record, context):
        calls.append(cleaned["slug"])
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(self, cleaned, record, context)

    monkeypatch.setattr(catalog.ProductKind, "save", failing_save)
    before = snapshot()
    with pytest.raises(RuntimeError):
        import_catalog(write_catalog(tmp_path, VALID))
    assert snapshot()[:2] == before[:2]
    assert not Shop.objects.exists()


def test_command_exits_non_zero_naming_the_record(tmp_path):
    path = write_catalog(tmp_path, with_change("products", 0, stock=-1))
    with pytest.raises(CommandError) as caught:
        call_command("import_catalog", str(path))
    assert "Nothing was imported" in str(caught.value)
    assert 'products[0] (slug "kain-sasirangan-kambang-kacang-hijau"): stock' in str(caught.value)


def test_the_contract_example_imports(tmp_path, settings):
    from pathlib import Path

    example = Path(settings.BASE_DIR).parent / "shared" / "contracts" / "catalog-example.json"
    if not example.exists():
        pytest.skip("shared/contracts is not beside the project")
    data = json.loads(example.read_text(encoding="utf-8"))
    data = {kind: data[kind] for kind in ("artisans", "products")}
    import_catalog(write_catalog(tmp_path, data))
    product = Product.objects.get(slug="kain-sasirangan-kambang-kacang-hijau")
    assert product.price_idr == 175000 and product.shop.slug == "sasirangan-ibu-contoh"


def test_imported_owner_can_set_a_password_and_sign_in(tmp_path, client):
    import_catalog(write_catalog(tmp_path, VALID))
    from django.core import mail

    client.post("/toko/lupa-sandi/", {"email": "contoh@example.org"})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/toko/atur-sandi/" in line)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else path
    response = client.post(set_url, {"new_password1": "kain-sasirangan-baru-7", "new_password2": "kain-sasirangan-baru-7"})
    assert response.status_code == 302
    client.logout()
    assert client.post("/toko/masuk/", {"username": "contoh@example.org",
                                        "password": "kain-sasirangan-baru-7"}).status_code == 302
    assert "Sasirangan Ibu Contoh" in client.get("/toko/").content.decode()


def test_imported_photos_get_their_renditions_at_import_not_in_a_visit(tmp_path, client,
                                                                       django_capture_on_commit_callbacks):
    """As for the dashboard's uploads (config/renditions.py): the first visitor after an import
    must not pay for resizing its photos."""
    rendition_model = get_image_model().get_rendition_model()
    with django_capture_on_commit_callbacks(execute=True):
        import_catalog(write_catalog(tmp_path, VALID))
    made_at_import = set(rendition_model.objects.values_list("image_id", "filter_spec"))

    for path in ["/id/kampung-sasirangan/produk/kain-sasirangan-kambang-kacang-hijau/",
                 "/id/kampung-sasirangan/perajin/sasirangan-ibu-contoh/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        made_by_visit = set(rendition_model.objects.values_list("image_id", "filter_spec")) - made_at_import
        assert not made_by_visit, f"GET {path} made renditions: {sorted(made_by_visit)}"
