"""One search index per model: products, shops, motifs and districts are in the project's own
index (search/), not also in Wagtail's; editors still find them in the admin's listings and
choosers, which ask the database (config/admin_search.py)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from wagtail.search.models import IndexEntry

from marketplace.models import Motif, Product, Shop
from tests.marketplace.factories import MotifFactory, ProductFactory, ShopFactory
from tourism.snippets import District

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    client.force_login(get_user_model().objects.create_superuser("admin", "admin@contoh.id", "pw"))
    return client


def test_saving_them_writes_nothing_to_wagtails_search_index():
    shop = ShopFactory(name="Sasirangan Galuh")
    ProductFactory(shop=shop, title_id="Kain Kembang Kacang")
    MotifFactory(name="Gigi Haruan")
    District.objects.create(name="Kecamatan Contoh", slug="kecamatan-contoh")
    models = [Product, Shop, Motif, District]
    types = [ContentType.objects.get_for_model(model) for model in models]
    assert not IndexEntry.objects.filter(content_type__in=types).exists()


@pytest.mark.parametrize("model, query, wanted, unwanted", [
    (Shop, "galuh", "Sasirangan Galuh", "Sasirangan Intan"),
    (Product, "kembang", "Kain Kembang Kacang", "Kain Gigi Haruan"),
    (Motif, "haruan", "Gigi Haruan", "Bayam Raja"),
    (District, "aranio", "Aranio", "Martapura Timur"),
])
def test_the_admin_listing_and_chooser_find_them_by_name(editor, model, query, wanted, unwanted):
    galuh, intan = ShopFactory(name="Sasirangan Galuh"), ShopFactory(name="Sasirangan Intan")
    ProductFactory(shop=galuh, title_id="Kain Kembang Kacang")
    ProductFactory(shop=intan, title_id="Kain Gigi Haruan")
    MotifFactory(name="Gigi Haruan")
    MotifFactory(name="Bayam Raja")
    viewset = model.snippet_viewset
    for url in (reverse(viewset.get_url_name("list")),
                reverse(viewset.chooser_viewset.get_url_name("choose_results"))):
        response = editor.get(url, {"q": query})
        assert response.status_code == 200, url
        text = response.content.decode()
        assert wanted in text and unwanted not in text, url


@pytest.mark.parametrize("query", ['Pasar "Terapung', '16"', 'a"b', '"Lok', '"Pasar Terapung"', '"', '""'])
def test_an_admin_search_with_a_double_quote_finds_what_its_words_name(editor, home_page, query):
    """On SQLite Wagtail's backend wrote a word's quote into SQL unescaped: "unterminated string"
    (config/admin_search_backend.py). Each search answers, and the words without the quote are found."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.config.test_admin_forms import picture

    editor.post("/admin/images/add/", {"title": "Pasar Terapung 16 Lok a b", "collection": 1,
                                       "file": SimpleUploadedFile("pasar.png", picture("PNG"))})
    for url in ("/admin/images/", "/admin/images/chooser/results/", "/admin/pages/search/", "/admin/documents/"):
        response = editor.get(url, {"q": query})
        assert response.status_code == 200, url
    if query.strip('"'):  # quotes alone search for nothing, as an empty search does in Wagtail
        assert b"Pasar Terapung 16 Lok a b" in editor.get("/admin/images/", {"q": query}).content
