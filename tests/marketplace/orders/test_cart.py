"""The cart: guests can fill it, it holds products of several shops, quantities never go past
stock, it survives signing in (and out and in again), and bad input is a 4xx with a message."""

import pytest
from bs4 import BeautifulSoup

from marketplace.orders import cart
from marketplace.orders.models import SavedCart
from tests.marketplace.factories import UserFactory, add_size
from tests.marketplace.orders import factories as f

pytestmark = pytest.mark.django_db
CART = "/id/kampung-sasirangan/keranjang/"
ADD = "/id/kampung-sasirangan/keranjang/tambah/"


@pytest.fixture
def goods():
    shop_a, shop_b = f.shop(name="Sasirangan Ibu Aminah"), f.shop(name="Kelompok Tambak Baru")
    return {
        "kain": f.product(shop=shop_a, title_id="Kain Gigi Haruan", price_idr=175_000, stock=3),
        "selendang": f.product(shop=shop_b, title_id="Selendang Kulat Karikit", price_idr=120_000, stock=5),
        "habis": f.product(shop=shop_b, title_id="Kain Habis", stock=0),
        "draf": f.product(shop=shop_a, title_id="Kain Draf", is_published=False),
    }


def lines(client) -> dict:
    return dict(client.session.get(cart.SESSION_KEY, {}))


def messages_on(response) -> str:
    return " ".join(p.get_text(" ", strip=True) for p in BeautifulSoup(response.content, "html.parser")
                    .select(".ko-message"))


def test_guest_adds_products_of_two_shops_and_sees_them_grouped(client, goods):
    client.post(ADD, {"product": goods["kain"].pk, "quantity": 2})
    client.post(ADD, {"product": goods["selendang"].pk, "quantity": 1})
    response = client.get(CART)
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    assert [h.get_text(strip=True) for h in page.select(".ko-card__title")][:2] == [
        "Dari Kelompok Tambak Baru", "Dari Sasirangan Ibu Aminah"]
    assert "Rp 470.000" in page.select_one(".ko-total").get_text()
    assert page.select_one(".header-cart__count").get_text(" ", strip=True) == ", 3 barang"


def test_quantity_is_bounded_by_stock_with_a_notice(client, goods):
    response = client.post(ADD, {"product": goods["kain"].pk, "quantity": 2})
    assert response.status_code == 302
    client.post(ADD, {"product": goods["kain"].pk, "quantity": 5})
    assert lines(client) == {f"{goods['kain'].pk}:0": 3}
    assert "tinggal 3" in messages_on(client.get(CART))


def test_stock_that_fell_since_adding_lowers_the_cart(client, goods):
    client.post(ADD, {"product": goods["kain"].pk, "quantity": 3})
    goods["kain"].__class__.objects.filter(pk=goods["kain"].pk).update(stock=1)
    response = client.get(CART)
    assert "tinggal 1" in messages_on(response)
    assert lines(client) == {f"{goods['kain'].pk}:0": 1}


@pytest.mark.parametrize(("name", "status", "message"), [
    ("habis", 409, "sedang habis"),
    ("draf", 404, "tidak lagi dijual"),
])
def test_sold_out_or_unpublished_cannot_be_added(client, goods, name, status, message):
    response = client.post(ADD, {"product": goods[name].pk, "quantity": 1})
    assert response.status_code == status
    assert message in messages_on(response)
    assert lines(client) == {}


def test_a_product_with_sizes_needs_a_size_and_counts_the_size_stock(client, goods):
    kemeja = f.product(shop=goods["kain"].shop, title_id="Kemeja", stock=3)
    medium = add_size(kemeja, "M", 1)
    add_size(kemeja, "L", 2)
    assert "Pilih ukuran" in messages_on(client.post(ADD, {"product": kemeja.pk, "quantity": 1}))
    client.post(ADD, {"product": kemeja.pk, "size": medium.pk, "quantity": 4})
    assert lines(client) == {f"{kemeja.pk}:{medium.pk}": 1}
    other = add_size(goods["selendang"], "S", 3)
    response = client.post(ADD, {"product": kemeja.pk, "size": other.pk, "quantity": 1})
    assert response.status_code == 400


def test_no_size_chosen_is_400_and_a_sold_out_size_is_named(client, goods):
    kemeja = f.product(shop=goods["kain"].shop, title_id="Kemeja Sasirangan", title_en="Sasirangan Shirt", stock=3)
    small = add_size(kemeja, "S", 0)
    add_size(kemeja, "L", 2)
    missing = client.post(ADD, {"product": kemeja.pk, "quantity": 1})
    assert missing.status_code == 400 and "Pilih ukuran dulu." in messages_on(missing)

    sold_out = client.post(ADD, {"product": kemeja.pk, "size": small.pk, "quantity": 1})
    assert sold_out.status_code == 409
    assert "Maaf, ukuran S dari “Kemeja Sasirangan” sedang habis. Pilih ukuran lain." in messages_on(sold_out)
    english = client.post("/en/kampung-sasirangan/keranjang/tambah/",
                          {"product": kemeja.pk, "size": small.pk, "quantity": 1})
    assert english.status_code == 409
    assert "Sorry, size S of “Sasirangan Shirt” is sold out. Please choose another size." in messages_on(english)
    assert lines(client) == {}


def test_every_size_sold_out_does_not_suggest_another(client, goods):
    kemeja = f.product(shop=goods["kain"].shop, title_id="Kemeja Habis", stock=0)
    small = add_size(kemeja, "S", 0)
    add_size(kemeja, "L", 0)
    response = client.post(ADD, {"product": kemeja.pk, "size": small.pk, "quantity": 1})
    assert response.status_code == 409
    assert "Maaf, ukuran S dari “Kemeja Habis” sedang habis." in messages_on(response)
    assert "Pilih ukuran lain" not in messages_on(response)


@pytest.mark.parametrize("data", [
    {"product": "abc", "quantity": 1}, {"quantity": 1}, {"product": 1, "quantity": 0},
    {"product": 1, "quantity": -3}, {"product": 1, "quantity": "1e9"}, {"product": 1, "quantity": 100},
    {"product": "99999999999999999999999", "quantity": 1}, {"product": 1, "size": "x", "quantity": 1},
])
def test_bad_add_requests_get_400_with_a_message(client, goods, data):
    response = client.post(ADD, data)
    assert response.status_code == 400
    assert messages_on(response)
    assert lines(client) == {}


def test_update_and_remove(client, goods):
    client.post(ADD, {"product": goods["kain"].pk, "quantity": 1})
    client.post(ADD, {"product": goods["selendang"].pk, "quantity": 1})
    key = f"{goods['selendang'].pk}:0"
    client.post("/id/kampung-sasirangan/keranjang/ubah/", {"line": key, "quantity": 4})
    assert lines(client)[key] == 4
    client.post("/id/kampung-sasirangan/keranjang/hapus/", {"line": key})
    assert key not in lines(client)
    assert client.post("/id/kampung-sasirangan/keranjang/ubah/", {"line": key, "quantity": 1}).status_code == 400
    assert client.post("/id/kampung-sasirangan/keranjang/ubah/", {"line": "1;DROP", "quantity": 1}).status_code == 400
    client.post("/id/kampung-sasirangan/keranjang/ubah/", {"line": f"{goods['kain'].pk}:0", "quantity": 0})
    assert lines(client) == {}


def test_garbage_in_the_session_is_ignored(client, goods):
    session = client.session
    session[cart.SESSION_KEY] = {"x": 1, f"{goods['kain'].pk}:0": "2", "5:0": True, f"{goods['selendang'].pk}:0": 2,
                                 "999999:0": 1}
    session.save()
    response = client.get(CART)
    assert response.status_code == 200
    assert lines(client) == {f"{goods['selendang'].pk}:0": 2}


def test_guest_cart_survives_signing_in_and_merges_with_the_saved_one(client, goods):
    buyer = UserFactory(email="pembeli@contoh.id")
    SavedCart.objects.create(user=buyer, lines={f"{goods['selendang'].pk}:0": 2, f"{goods['kain'].pk}:0": 1})
    client.post(ADD, {"product": goods["kain"].pk, "quantity": 2})
    response = client.post("/id/kampung-sasirangan/akun/masuk/",
                           {"username": "pembeli@contoh.id", "password": "sasirangan-rahasia-1"})
    assert response.status_code == 302
    # The larger quantity of a line wins: the same cart saved earlier is not doubled.
    assert lines(client) == {f"{goods['selendang'].pk}:0": 2, f"{goods['kain'].pk}:0": 2}
    assert SavedCart.objects.get(user=buyer).lines == lines(client)
    client.post("/id/kampung-sasirangan/akun/keluar/")
    assert lines(client) == {}
    client.post("/id/kampung-sasirangan/akun/masuk/", {"username": "pembeli@contoh.id",
                                                       "password": "sasirangan-rahasia-1"})
    assert lines(client) == {f"{goods['selendang'].pk}:0": 2, f"{goods['kain'].pk}:0": 2}


def test_the_header_badge_needs_no_session_for_a_new_visitor(client, goods):
    response = client.get(CART)
    assert response.status_code == 200
    assert not BeautifulSoup(response.content, "html.parser").select(".header-cart__count")
    assert "sessionid" not in response.cookies


@pytest.mark.parametrize("change", ["tambah", "ubah", "hapus"])
@pytest.mark.parametrize("lang", ["id", "en"])
def test_opening_a_cart_change_by_its_address_shows_the_cart(client, lang, change):
    """The page a refused change answers (a quantity left empty) has the address of the change; its
    language switch, a reload or the back button opened it with a GET: a blank 405 in Chromium."""
    response = client.get(f"/{lang}/kampung-sasirangan/keranjang/{change}/")
    assert response.status_code == 302 and response["Location"] == f"/{lang}/kampung-sasirangan/keranjang/"
    assert client.get(response["Location"]).status_code == 200
