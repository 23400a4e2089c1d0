"""What tourists see: shop, product and motif pages, in both languages."""

import json
import re

import pytest
from bs4 import BeautifulSoup

from marketplace.models import Color, ShopStatus
from tests.marketplace.factories import (
    MotifFactory,
    ProductFactory,
    ShopFactory,
    add_photo,
    add_size,
)

pytestmark = pytest.mark.django_db


def jsonld_of(response) -> dict:
    soup = BeautifulSoup(response.content, "html.parser")
    script = soup.find("script", type="application/ld+json")
    assert script is not None, "no JSON-LD on the page"
    return json.loads(script.string)


def test_product_page_shows_price_attributes_artisan_and_photos(client):
    motif = MotifFactory(name="Gigi Haruan", slug="gigi-haruan")
    product = ProductFactory(title_id="Kain Sasirangan Gigi Haruan Merah", price_idr=175000, stock=4,
                             motif=motif, fabric="katun", dye="natural", shop__name="Sasirangan Ibu Norhayati")
    product.colors.set([Color.objects.get(slug="merah")])
    add_photo(product, is_main=True)
    add_photo(product, sort_order=1)

    response = client.get(f"/id/kampung-sasirangan/produk/{product.slug}/")

    assert response.status_code == 200
    text = response.content.decode()
    assert "Rp 175.000" in text
    assert "Gigi Haruan" in text and f'href="/id/kampung-sasirangan/motif/{motif.slug}/"' in text
    assert "Sasirangan Ibu Norhayati" in text
    assert "Pewarna alami" in text and "katun" in text and "merah" in text
    soup = BeautifulSoup(response.content, "html.parser")
    main_image = soup.select_one(".ks-product__main img")
    assert "srcset" in main_image.attrs and ".webp" in main_image["srcset"]
    widths = re.findall(r"\d+w", main_image["srcset"])
    assert widths and len(set(widths)) == len(widths)  # each width once (a 40 px photo: one)


@pytest.mark.parametrize("side, widths", [(900, [600, 900]), (1300, [600, 900, 1200]), (500, [500])])
def test_the_product_photo_offers_each_width_once(client, side, widths):
    """Wagtail never enlarges: a 1200 rendition of a 900 px photo is 900 px, a second '900w'."""
    from django.core.files.base import ContentFile

    from marketplace.models import ProductPhoto
    from tests.marketplace.factories import ImageFactory, jpeg_bytes

    product = ProductFactory(title_en="Gigi Haruan Cloth")
    image = ImageFactory(file=ContentFile(jpeg_bytes(size=(side, side)), name="kain.jpg"))
    ProductPhoto.objects.create(product=product, image=image, is_main=True)
    for language in ("id", "en"):
        soup = BeautifulSoup(client.get(f"/{language}/kampung-sasirangan/produk/{product.slug}/").content,
                             "html.parser")
        main = soup.select_one(".ks-product__main img")
        srcset = main.get("srcset") or f"{main['src']} {side}w"
        assert [int(entry.split()[-1].rstrip("w")) for entry in srcset.split(",")] == widths


def test_product_jsonld_is_a_schema_org_product_with_an_idr_offer(client):
    product = ProductFactory(title_id="Selendang Kulat Karikit", price_idr=250000, stock=0)
    add_photo(product, is_main=True)

    data = jsonld_of(client.get(f"/id/kampung-sasirangan/produk/{product.slug}/"))

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Product"
    assert data["name"] == "Selendang Kulat Karikit"
    assert data["offers"]["@type"] == "Offer"
    assert data["offers"]["priceCurrency"] == "IDR"
    assert data["offers"]["price"] == "250000"
    assert data["offers"]["availability"] == "https://schema.org/OutOfStock"
    assert data["image"][0].startswith("http://testserver/")


def test_jsonld_cannot_break_out_of_its_script_tag(client):
    product = ProductFactory(title_id="Kain </script><script>alert(1)</script>")
    response = client.get(f"/id/kampung-sasirangan/produk/{product.slug}/")
    assert b"<script>alert(1)" not in response.content
    assert jsonld_of(response)["name"] == "Kain </script><script>alert(1)</script>"


def test_sold_out_product_says_habis(client):
    product = ProductFactory(stock=0)
    response = client.get(f"/id/kampung-sasirangan/produk/{product.slug}/")
    assert "Habis" in response.content.decode()


def test_sizes_show_with_their_own_stock_state(client):
    product = ProductFactory(kind="kemeja", stock=3)
    add_size(product, "M", 3, 0)
    add_size(product, "L", 0, 1)
    text = client.get(f"/id/kampung-sasirangan/produk/{product.slug}/").content.decode()
    soup = BeautifulSoup(text, "html.parser")
    sizes = [item.get_text(" ", strip=True) for item in soup.select(".ks-sizes li")]
    assert sizes == ["M", "L (habis)"]


def test_english_reader_sees_english_where_given_and_indonesian_otherwise(client):
    product = ProductFactory(title_id="Kain Sasirangan Hijau", title_en="Green Sasirangan Cloth",
                             description_id="Kain katun dua meter.", description_en="")
    text = client.get(f"/en/kampung-sasirangan/produk/{product.slug}/").content.decode()
    assert "Green Sasirangan Cloth" in text
    assert "Kain katun dua meter." in text  # no English description: the Indonesian one
    text_id = client.get(f"/id/kampung-sasirangan/produk/{product.slug}/").content.decode()
    assert "Kain Sasirangan Hijau" in text_id


def test_shop_page_shows_story_place_and_published_products_only(client):
    shop = ShopFactory(name="Sasirangan Ibu Contoh", village="Pasayangan", story_id="Cerita toko kami.",
                       story_en="Our shop's story.", phone="+6281234567890")
    ProductFactory(shop=shop, title_id="Kain Terbit")
    ProductFactory(shop=shop, title_id="Kain Draf", is_published=False)

    text = client.get(f"/id/kampung-sasirangan/perajin/{shop.slug}/").content.decode()
    assert "Cerita toko kami." in text
    assert "Pasayangan, Martapura Timur" in text
    assert "Kain Terbit" in text and "Kain Draf" not in text
    assert "https://wa.me/6281234567890" in text
    assert "Our shop&#x27;s story." in client.get(f"/en/kampung-sasirangan/perajin/{shop.slug}/").content.decode()


def test_unpublished_product_is_404(client):
    product = ProductFactory(is_published=False)
    assert client.get(f"/id/kampung-sasirangan/produk/{product.slug}/").status_code == 404


def test_motif_page_shows_meaning_products_and_shops(client):
    motif = MotifFactory(name="Kulat Karikit", slug="kulat-karikit", meaning_id="Makna jamur kecil.",
                         meaning_en="Meaning of the small mushroom.")
    maker = ShopFactory(name="Toko Pembuat Kulat")
    ProductFactory(shop=maker, motif=motif, title_id="Kain Kulat Karikit Biru")
    other = ProductFactory(title_id="Kain Motif Lain", shop__name="Toko Motif Lain")

    text = client.get("/id/kampung-sasirangan/motif/kulat-karikit/").content.decode()
    assert "Makna jamur kecil." in text
    assert "Kain Kulat Karikit Biru" in text and "Toko Pembuat Kulat" in text
    assert other.title_id not in text and "Toko Motif Lain" not in text
    assert "Meaning of the small mushroom." in client.get("/en/kampung-sasirangan/motif/kulat-karikit/").content.decode()


def test_unknown_motif_is_404(client):
    assert client.get("/id/kampung-sasirangan/motif/tidak-ada/").status_code == 404


def test_motif_index_and_shop_index_list_what_is_public(client):
    MotifFactory(name="Hiris Pudak", slug="hiris-pudak")
    ShopFactory(name="Toko Disetujui")
    ShopFactory(name="Toko Menunggu", status=ShopStatus.PENDING)
    assert "Hiris Pudak" in client.get("/id/kampung-sasirangan/motif/").content.decode()
    shops = client.get("/id/kampung-sasirangan/perajin/").content.decode()
    assert "Toko Disetujui" in shops and "Toko Menunggu" not in shops


def test_home_page_sasirangan_slot_shows_real_products(client, home_page):
    ProductFactory(title_id="Kain Untuk Beranda", price_idr=99000)
    text = client.get("/id/").content.decode()
    assert "Kain Untuk Beranda" in text
    assert "Rp 99.000" in text


def test_english_pages_speak_english_around_the_content(client):
    product = ProductFactory(stock=0, dye="natural", kind="selendang")
    text = client.get(f"/en/kampung-sasirangan/produk/{product.slug}/").content.decode()
    assert "Sold out" in text and "Natural dye" in text and "Shawl" in text
    listing = client.get("/en/kampung-sasirangan/").content.decode()
    assert "Filter and sort" in listing and "1 product" in listing


def test_english_labels_one_shop_as_one_artisan(client):
    motif = MotifFactory(name="Kulat Karikit", slug="kulat-karikit")
    product = ProductFactory(title_id="Kain Kulat", motif=motif, shop__name="Toko Norhayati")
    listing = BeautifulSoup(client.get("/en/kampung-sasirangan/").content, "html.parser")
    card = listing.select_one(".card--product .card__meta").get_text(" ", strip=True)
    assert "Artisan: Toko Norhayati" in card and "Artisans" not in card
    # The section of all artisans keeps its plural name.
    assert "Artisans" in [link.get_text(strip=True) for link in listing.select("a")]
    detail = BeautifulSoup(client.get(f"/en/kampung-sasirangan/produk/{product.slug}/").content, "html.parser")
    assert detail.select_one("#artisan-heading").get_text(strip=True) == "Artisan"

    def makers_heading():
        page = BeautifulSoup(client.get("/en/kampung-sasirangan/motif/kulat-karikit/").content, "html.parser")
        return page.select_one(".detail__aside .facts-card__heading").get_text(strip=True)

    assert makers_heading() == "Artisan who makes it"
    ProductFactory(title_id="Kain Kulat Dua", motif=motif, shop__name="Toko Kedua")
    assert makers_heading() == "Artisans who make it"
    # Indonesian has one word for both.
    indonesian = BeautifulSoup(client.get("/id/kampung-sasirangan/").content, "html.parser")
    assert "Perajin: Toko" in indonesian.select_one(".card--product .card__meta").get_text(" ", strip=True)


def test_product_page_reads_buy_then_description_then_share(client):
    """The share buttons sat between "Add to cart" and the description (issue 18)."""
    product = ProductFactory(title_id="Kain Gigi Haruan", description_id="Kain katun dua meter, dicelup tangan.")
    soup = BeautifulSoup(client.get(f"/id/kampung-sasirangan/produk/{product.slug}/").content, "html.parser")
    order = [element.get("class")[0] for element in soup.select(".ks-buy, .ks-product__description, .facts, .share")]
    assert order == ["ks-buy", "prose", "facts", "share"]


def breadcrumbs_of(response) -> tuple[list, list]:
    """The BreadcrumbList JSON-LD as (name, URL) and the visible breadcrumb's names."""
    soup = BeautifulSoup(response.content, "html.parser")
    scripts = [json.loads(script.string) for script in soup.select('script[type="application/ld+json"]')]
    (data,) = [data for data in scripts if data.get("@type") == "BreadcrumbList"]
    items = data["itemListElement"]
    assert [item["position"] for item in items] == list(range(1, len(items) + 1))
    visible = [item.get_text(strip=True) for item in soup.select("nav.breadcrumb li")]
    return [(item["name"], item["item"]) for item in items], visible


@pytest.mark.parametrize("language, home, artisans, title", [
    ("id", "Beranda", "Perajin", "Kain Sasirangan Hijau"), ("en", "Home", "Artisans", "Green Sasirangan Cloth")])
def test_marketplace_breadcrumbs_are_structured_data_too(client, language, home, artisans, title):
    """Index, shop and product pages carry the trail they show as schema.org BreadcrumbList,
    in the reader's language."""
    shop = ShopFactory(name="Sasirangan Ibu Contoh", slug="ibu-contoh")
    product = ProductFactory(shop=shop, slug="kain-hijau", title_id="Kain Sasirangan Hijau",
                             title_en="Green Sasirangan Cloth")
    base = f"http://testserver/{language}/kampung-sasirangan/"
    start = [(home, f"http://testserver/{language}/"), ("Kampung Sasirangan", base)]
    expected = {
        f"/{language}/kampung-sasirangan/": start,
        f"/{language}/kampung-sasirangan/perajin/ibu-contoh/": [
            *start, (artisans, base + "perajin/"), (shop.name, base + "perajin/ibu-contoh/")],
        f"/{language}/kampung-sasirangan/produk/{product.slug}/": [
            *start, (shop.name, base + "perajin/ibu-contoh/"), (title, base + "produk/kain-hijau/")],
    }
    for path, trail in expected.items():
        jsonld, visible = breadcrumbs_of(client.get(path))
        assert jsonld == trail, path
        assert visible == [name for name, _url in trail], path
