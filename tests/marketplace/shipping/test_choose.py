"""The buyer's choice per shop is checked and priced on the server (what checkout will keep per sub-order)."""

import pytest

from marketplace.shipping.options import ShippingChoiceError, shipping_choose, shipping_options
from marketplace.shipping.rates import Destination
from tests.marketplace.factories import ProductFactory, ShopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def items():
    pickup_shop = ShopFactory(slug="toko-ambil", name="Toko Ambil", offers_pickup=True, pickup_address="Jl. Contoh 1")
    courier_shop = ShopFactory(slug="toko-kirim", name="Toko Kirim")
    return [(ProductFactory(shop=pickup_shop, weight_g=350), 2), (ProductFactory(shop=courier_shop, weight_g=300), 1)]


def test_each_shops_choice_is_priced_by_the_server(items):
    options = shipping_options(items=items, destination=Destination(province="35"))
    chosen = shipping_choose(options=options, choices={"toko-ambil": "pickup", "toko-kirim": "jne-reg"})
    pickup, courier = chosen[items[0][0].shop.pk], chosen[items[1][0].shop.pk]
    assert (pickup.kind, pickup.option_id, pickup.shipping_idr) == ("pickup", "pickup", 0)
    assert (courier.kind, courier.option_id, courier.label, courier.shipping_idr, courier.days_min, courier.days_max) \
        == ("courier", "jne-reg", "JNE REG", 42000, 2, 4)


@pytest.mark.parametrize(("choices", "field", "message"), [
    ({"toko-ambil": "pickup"}, "shipping-toko-kirim", "Pilih cara pengiriman untuk Toko Kirim."),
    ({"toko-ambil": "pickup", "toko-kirim": "pickup"}, "shipping-toko-kirim", "sudah tidak tersedia"),
    ({"toko-ambil": "jne-gratis", "toko-kirim": "jne-reg"}, "shipping-toko-ambil", "sudah tidak tersedia"),
])
def test_a_choice_the_server_did_not_offer_names_the_shop(items, choices, field, message):
    options = shipping_options(items=items, destination=Destination(province="35"))
    with pytest.raises(ShippingChoiceError) as caught:
        shipping_choose(options=options, choices=choices)
    assert caught.value.field == field and message in caught.value.message


def test_a_shop_that_cannot_deliver_there_is_refused_with_its_reason(items):
    options = shipping_options(items=items, destination=Destination(country="SG"), language="en")
    with pytest.raises(ShippingChoiceError) as caught:
        shipping_choose(options=options, choices={"toko-ambil": "pos-ems", "toko-kirim": "pos-ems"}, language="en")
    assert caught.value.field == "shipping-toko-ambil"
    assert caught.value.message == "Toko Ambil ships to addresses in Indonesia only."
