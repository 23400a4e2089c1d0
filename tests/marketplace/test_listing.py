"""The Kampung Sasirangan listing: filters, sorting, paging, bad input, query counts."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace.models import Color, ShopStatus
from tests.marketplace.factories import MotifFactory, ProductFactory, ShopFactory, add_photo

pytestmark = pytest.mark.django_db
URL = "/id/kampung-sasirangan/"


def titles(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [link.get_text(strip=True) for link in soup.select(".card__title a")]


@pytest.fixture
def catalogue():
    gigi = MotifFactory(name="Gigi Haruan", slug="gigi-haruan")
    kulat = MotifFactory(name="Kulat Karikit", slug="kulat-karikit")
    merah, biru = Color.objects.get(slug="merah"), Color.objects.get(slug="biru")
    shop = ShopFactory()
    made = {}
    for title, motif, kind, dye, price, colors, stock in [
        ("Kain Gigi Haruan Merah", gigi, "kain", "natural", 150000, [merah], 3),
        ("Kemeja Gigi Haruan Biru", gigi, "kemeja", "synthetic", 250000, [biru], 2),
        ("Selendang Kulat Karikit Merah", kulat, "selendang", "synthetic", 90000, [merah, biru], 0),
        ("Kain Kulat Karikit Biru", kulat, "kain", "natural", 400000, [biru], 7),
    ]:
        product = ProductFactory(shop=shop, title_id=title, motif=motif, kind=kind, dye=dye, price_idr=price,
                                 stock=stock)
        product.colors.set(colors)
        made[title] = product
    return made


def test_everything_public_is_listed_newest_first(client, catalogue):
    assert titles(client.get(URL)) == list(reversed(list(catalogue)))


@pytest.mark.parametrize(("query", "expected"), [
    ("motif=gigi-haruan", {"Kain Gigi Haruan Merah", "Kemeja Gigi Haruan Biru"}),
    ("kind=kain", {"Kain Gigi Haruan Merah", "Kain Kulat Karikit Biru"}),
    ("color=merah", {"Kain Gigi Haruan Merah", "Selendang Kulat Karikit Merah"}),
    ("dye=natural", {"Kain Gigi Haruan Merah", "Kain Kulat Karikit Biru"}),
    ("price_min=100000&price_max=300000", {"Kain Gigi Haruan Merah", "Kemeja Gigi Haruan Biru"}),
    ("price_max=90000", {"Selendang Kulat Karikit Merah"}),
    ("motif=kulat-karikit&color=biru&dye=synthetic", {"Selendang Kulat Karikit Merah"}),
    ("in_stock=1&motif=kulat-karikit", {"Kain Kulat Karikit Biru"}),
])
def test_filters(client, catalogue, query, expected):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    assert set(titles(response)) == expected


def test_a_product_in_two_colours_is_listed_once(client, catalogue):
    response = client.get(f"{URL}?color=biru")
    assert titles(response).count("Selendang Kulat Karikit Merah") == 1
    assert "3 produk" in response.content.decode()


def test_sorting_by_price(client, catalogue):
    assert [t.split()[0] for t in titles(client.get(f"{URL}?sort=price_asc"))] == ["Selendang", "Kain", "Kemeja", "Kain"]
    prices = [catalogue[t].price_idr for t in titles(client.get(f"{URL}?sort=price_desc"))]
    assert prices == sorted(prices, reverse=True)


@pytest.mark.parametrize(("query", "message"), [
    ("motif=tidak-ada", "Motif itu tidak dikenal; filter motif diabaikan."),
    ("kind=jaket", "Jenis itu tidak dikenal; filter jenis diabaikan."),
    ("color=pelangi", "Warna itu tidak dikenal; filter warna diabaikan."),
    ("dye=cat-tembok", "Pewarna harus alami atau sintetis; filter pewarna diabaikan."),
    ("price_min=murah", "Harga terendah harus angka rupiah utuh, 0 atau lebih; diabaikan."),
    ("price_min=-1", "Harga terendah harus angka rupiah utuh, 0 atau lebih; diabaikan."),
    ("price_max=99999999999999999999999", "Harga tertinggi harus angka rupiah utuh, 0 atau lebih; diabaikan."),
    # Past Python's 4300 digits a number cannot be read at all: a 500 once, for the dotted amounts' field.
    ("price_min=" + "9" * 5000, "Harga terendah harus angka rupiah utuh, 0 atau lebih; diabaikan."),
    ("price_min=500&price_max=100", "Harga tertinggi lebih kecil dari harga terendah; diabaikan."),
    ("sort=acak", "Urutan itu tidak dikenal; ditampilkan yang terbaru."),
    ("motif=%00%ff", "Motif itu tidak dikenal; filter motif diabaikan."),
])
def test_bad_filter_values_get_a_message_and_a_400_never_a_500(client, catalogue, query, message):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()
    # The rest of the page still works: the bad filter is ignored.
    assert len(titles(response)) >= 1


def test_bad_page_numbers_fall_back_to_a_page(client, catalogue):
    for page in ("abc", "0", "-3", "99999"):
        assert client.get(f"{URL}?page={page}").status_code == 200


def test_pagination_keeps_the_filters(client):
    shop = ShopFactory()
    for number in range(30):
        ProductFactory(shop=shop, kind="kain", title_id=f"Kain {number:02d}")
    response = client.get(f"{URL}?kind=kain&sort=price_asc")
    soup = BeautifulSoup(response.content, "html.parser")
    next_link = soup.select_one("a[rel=next]")["href"]
    assert "kind=kain" in next_link and "sort=price_asc" in next_link and "page=2" in next_link
    assert len(titles(client.get(URL + next_link))) == 6


def test_filter_choices_offer_only_what_public_products_use(client, catalogue):
    hidden_motif = MotifFactory(name="Naga Balimbur", slug="naga-balimbur")
    ProductFactory(motif=hidden_motif, shop=ShopFactory(status=ShopStatus.PENDING))
    soup = BeautifulSoup(client.get(URL).content, "html.parser")
    motifs = [option["value"] for option in soup.select("#filter-motif option") if option["value"]]
    assert motifs == ["gigi-haruan", "kulat-karikit"]


def _listing_queries(client) -> int:
    client.get(URL)  # renditions are made on the first view; count a warm page
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    return len(queries)


def _make_products(count):
    motif = MotifFactory(name="Kambang Kacang", slug="kambang-kacang")
    shops = [ShopFactory() for _ in range(3)]
    for number in range(count):
        product = ProductFactory(shop=shops[number % 3], motif=motif)
        product.colors.set([Color.objects.get(slug="hijau")])
        add_photo(product, is_main=True)
        add_photo(product, sort_order=1)


def test_listing_costs_the_same_queries_for_5_and_50_products(client):
    _make_products(5)
    few = _listing_queries(client)
    _make_products(45)
    many = _listing_queries(client)
    assert few == many, f"{few} queries for 5 products, {many} for 50"
    assert many <= 12


def test_shop_and_motif_pages_cost_the_same_queries_at_any_length(client):
    motif = MotifFactory(name="Bayam Raja", slug="bayam-raja")
    shop = ShopFactory()

    def counts():
        out = []
        for url in (f"/id/kampung-sasirangan/perajin/{shop.slug}/", "/id/kampung-sasirangan/motif/bayam-raja/"):
            client.get(url)  # makes the new covers' renditions (no worker here)
            client.get(url)  # remembers what the first could not, its covers being made (config.remembered)
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            out.append(len(queries))
        return out

    for _ in range(2):
        add_photo(ProductFactory(shop=shop, motif=motif), is_main=True)
    few = counts()
    for _ in range(10):
        add_photo(ProductFactory(shop=shop, motif=motif), is_main=True)
    assert counts() == few


@pytest.mark.parametrize("written", ["abc", "red;x:y", "#12345g", "b22222"])
def test_a_colours_swatch_takes_six_hex_digits_and_nothing_else(written):
    """A colour's example is drawn as the swatch's CSS colour on product pages; any other text an
    editor typed went into the style attribute as it was."""
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        Color(slug="uji-warna", name_id="uji", hex=written).full_clean()
    assert refused.value.message_dict == {"hex": ["Tulis kode warna seperti #b22222."]}
    Color(slug="uji-warna", name_id="uji", hex="#B22222").full_clean()
    for seeded in Color.objects.all():  # the colours the site starts with
        seeded.full_clean()
