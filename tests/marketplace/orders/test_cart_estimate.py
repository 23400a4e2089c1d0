"""The cart's shipping estimate (issue 11): once the province or country is known (the cart's own GET
form, or the address the buyer last gave at checkout), each shop says what its cheapest courier costs
there, or that it can be collected for free, and the cart an estimated total; all from the rate table."""

import pytest
from bs4 import BeautifulSoup

from marketplace.shipping.models import ShippingRate
from tests.marketplace.orders import emulator
from tests.marketplace.orders import factories as f
from tests.marketplace.orders.test_checkout_shipping import expected_cost, rupiah

pytestmark = pytest.mark.django_db
CART = "/id/kampung-sasirangan/keranjang/"
ADD = "/id/kampung-sasirangan/keranjang/tambah/"


def text(response, selector: str = "body") -> str:
    return " ".join(node.get_text(" ", strip=True)
                    for node in BeautifulSoup(response.content, "html.parser").select(selector))


def table_cheapest(zone: str, weight_g: int) -> int:
    """The cheapest active courier's price for `weight_g` grams to `zone`, read off the rate table."""
    rates = ShippingRate.objects.filter(zone=zone, service__is_active=True).select_related("service")
    return min(expected_cost(rate, weight_g) for rate in rates)


@pytest.fixture
def cart_of_1500_g(client):
    shop = f.shop(name="Sasirangan Ibu Aminah")
    kain = f.product(shop=shop, price_idr=175_000, weight_g=350, stock=5)
    kemeja = f.product(shop=shop, price_idr=250_000, weight_g=800, stock=5)
    client.post(ADD, {"product": kain.pk, "quantity": 2})
    client.post(ADD, {"product": kemeja.pk, "quantity": 1})
    return shop


def test_a_jakarta_buyer_sees_the_rate_table_s_cheapest_price_for_the_cart_s_weight(client, cart_of_1500_g):
    before = client.get(CART)
    assert "Perkiraan ongkir ke" not in text(before)  # nowhere to send it yet: no estimate
    response = client.get(CART, {"country": "ID", "province": "DKI Jakarta"})
    assert response.status_code == 200
    cheapest = table_cheapest("jawa-bali", 1500)
    assert cheapest > 0
    assert f"Perkiraan ongkir ke DKI Jakarta: mulai {rupiah(cheapest)}" in text(response, ".ko-estimate")
    assert rupiah(600_000 + cheapest) in text(response, ".ko-estimate-total")
    # The goods' total is still the goods: the estimate is shown beside it, not added to it.
    assert rupiah(600_000) in text(response, ".ko-total")
    # The cart remembers where to (the same session, no query string), and checkout starts from there.
    again = client.get(CART)
    assert f"mulai {rupiah(cheapest)}" in text(again, ".ko-estimate")
    checkout_page = BeautifulSoup(client.get("/id/kampung-sasirangan/checkout/").content, "html.parser")
    assert checkout_page.select_one("#id_province option[selected]")["value"] == "DKI Jakarta"


def test_the_estimate_follows_the_address_given_at_checkout(client, cart_of_1500_g):
    emulator.checkout_form(client, province="Jawa Timur", regency="Kota Surabaya")
    response = client.get(CART)
    assert f"Perkiraan ongkir ke Jawa Timur: mulai {rupiah(table_cheapest('jawa-bali', 1500))}" in text(
        response, ".ko-estimate")


def test_a_workshop_that_offers_pickup_says_collecting_is_free(client):
    shop = f.pickup_shop(name="Sasirangan Acil Mariam")
    client.post(ADD, {"product": f.product(shop=shop, price_idr=120_000, weight_g=180, stock=5).pk, "quantity": 1})
    response = client.get(CART, {"country": "ID", "province": "Kalimantan Selatan"})
    estimate = text(response, ".ko-estimate")
    assert "Ambil sendiri di workshop: gratis" in estimate
    assert "Perkiraan ongkir ke Kalimantan Selatan: mulai Rp" in estimate


def test_abroad_a_shop_that_ships_only_in_indonesia_says_so_and_there_is_no_total(client):
    shop = f.pickup_shop(name="Sasirangan Acil Mariam")
    client.post(ADD, {"product": f.product(shop=shop, price_idr=120_000, weight_g=180, stock=5).pk, "quantity": 1})
    response = client.get("/en/kampung-sasirangan/keranjang/", {"country": "SG"})
    assert response.status_code == 200
    assert "Sasirangan Acil Mariam ships to addresses in Indonesia only." in text(response, ".ko-estimate")
    assert not text(response, ".ko-estimate-total")


def test_the_estimate_names_a_country_beyond_the_most_chosen_by_its_name(client):
    shop = f.shop(name="Galeri Sasirangan Banjarmasin", ships_abroad=True)
    client.post(ADD, {"product": f.product(shop=shop, price_idr=300_000, weight_g=350, stock=5).pk, "quantity": 1})
    estimate = text(client.get(CART, {"country": "KE"}), ".ko-estimate")
    assert "Perkiraan ongkir ke Kenya: mulai Rp" in estimate and "KE" not in estimate.split()
    assert "Dengan kurir termurah ke Kenya;" in text(client.get(CART, {"country": "KE"}))


@pytest.mark.parametrize(("query", "field", "message"), [
    ({"country": "ID", "province": "Atlantis"}, "province", "Pilih provinsi dari daftar."),
    ({"country": "ID", "province": ""}, "province", "Pilih provinsi untuk melihat perkiraan ongkir."),
    ({"country": "XX"}, "country", "Pilih negara dari daftar."),
])
def test_an_unknown_province_or_country_is_400_with_the_reason_beside_the_field(client, cart_of_1500_g, query,
                                                                                  field, message):
    response = client.get(CART, query)
    assert response.status_code == 400
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select_one(f"#id_{field}_error").get_text(" ", strip=True) == message
    assert not page.select(".ko-estimate")
    # The cart itself is intact and still leads on to checkout.
    assert rupiah(600_000) in text(response, ".ko-total")
    assert page.select_one("a[href='/id/kampung-sasirangan/checkout/']") is not None


def test_the_estimate_costs_no_query_per_shop_or_line(client):
    from tests.marketplace.orders.test_query_counts import fill, products, queries

    shops = [f.shop() for _ in range(3)]
    where = "/id/kampung-sasirangan/keranjang/?country=ID&province=Jawa+Timur"
    fill(client, products(2, shops=shops[:2]))
    few = queries(client, where)
    assert "mulai Rp" in text(client.get(where), ".ko-estimate")
    fill(client, products(6, shops=shops))
    assert queries(client, where) == few


def test_checkout_tells_its_script_the_cart_and_the_api_and_goes_on_to_payment(client, cart_of_1500_g):
    import json

    page = BeautifulSoup(client.get("/en/kampung-sasirangan/checkout/").content, "html.parser")
    config = json.loads(page.select_one("#ko-delivery-config").string)
    kain, kemeja = cart_of_1500_g.products.order_by("price_idr")
    assert config["url"] == "/api/shipping/options" and config["lang"] == "en"
    assert sorted(config["items"].split(",")) == sorted([f"{kain.slug}:2", f"{kemeja.slug}:1"])
    assert config["goodsIdr"] == 600_000
    # Each shop has its place for the options (filled by the script, or by "Calculate shipping").
    assert [node["data-shop"] for node in page.select("fieldset[data-shop]")] == [cart_of_1500_g.slug]
    assert page.select_one("#ko-delivery-status[aria-live=polite]") is not None
    # The way to pay (card, QRIS, GoPay) is chosen on the next page: the button does not promise a card.
    assert page.select_one("#ko-checkout-form button.button--block").get_text(strip=True) == "Continue to payment"
    indonesian = BeautifulSoup(client.get("/id/kampung-sasirangan/checkout/").content, "html.parser")
    assert indonesian.select_one("#ko-checkout-form button.button--block").get_text(strip=True) == (
        "Lanjut ke pembayaran")
