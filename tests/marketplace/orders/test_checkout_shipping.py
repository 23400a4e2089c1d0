"""Checkout with delivery (issue 11): each shop's choice priced on the server from the rate table,
the order charging goods plus shipping, buyers abroad, pickup, and tampered choices refused."""

import dataclasses

import pytest
from bs4 import BeautifulSoup

from marketplace.models import Product
from marketplace.orders import checkout
from marketplace.orders.models import DeliveryKind, Order, OrderLine
from marketplace.payments import stripe_client
from marketplace.shipping.models import ShippingRate
from tests.marketplace.orders import emulator
from tests.marketplace.orders import factories as f

pytestmark = pytest.mark.django_db
ADD = "/id/kampung-sasirangan/keranjang/tambah/"
CHECKOUT = "/id/kampung-sasirangan/checkout/"
SINGAPORE = {"country": "SG", "phone": "+65 9123 4567", "province": "", "regency": "Singapore", "district": "",
             "postal_code": "018956", "street": "10 Bayfront Avenue"}


def page_text(response) -> str:
    return BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)


def rupiah(amount: int) -> str:
    return "Rp " + f"{amount:,}".replace(",", ".")


def expected_cost(rate: ShippingRate, weight_g: int) -> int:
    """The courier's price as its tariff reads: first kilogram, then each further one begun (beyond the
    service's tolerance)."""
    kilograms = weight_g // 1000 + (1 if weight_g % 1000 > rate.service.weight_tolerance_g else 0)
    return rate.first_kg_idr + (max(kilograms, 1) - 1) * rate.next_kg_idr


def form_data(page, **fields) -> dict:
    """The checkout form as a buyer without JavaScript fills it in (to Surabaya unless `fields` say)."""
    return {"name": "Rina", "email": "rina@contoh.id", "phone": "081234567890", "country": "ID",
            "province": "Jawa Timur", "regency": "Kota Surabaya", "district": "Gubeng", "postal_code": "60281",
            "street": "Jl. Kertajaya 12", "checkout_key": emulator.checkout_key(page), **fields}


@pytest.fixture
def aminah():
    return f.shop(name="Sasirangan Ibu Aminah", offers_pickup=True, pickup_address="Jl. Pasayangan No. 7, Martapura",
                  pickup_hours="Senin-Sabtu 08.00-16.00")


def test_a_jakarta_buyer_pays_the_goods_plus_the_rate_table_price_for_the_weights(client, aminah):
    kain = f.product(shop=aminah, price_idr=175_000, weight_g=350, stock=5)
    kemeja = f.product(shop=aminah, price_idr=250_000, weight_g=800, stock=5)
    client.post(ADD, {"product": kain.pk, "quantity": 2})
    client.post(ADD, {"product": kemeja.pk, "quantity": 1})
    response = emulator.checkout_form(client, province="DKI Jakarta", regency="Jakarta Selatan", district="Tebet",
                                      postal_code="12810")
    assert response.status_code == 302
    order = Order.objects.get()
    sub_order = order.sub_orders.get()
    rates = ShippingRate.objects.filter(zone="jawa-bali", service__is_active=True).select_related("service")
    cheapest = min(expected_cost(rate, 1500) for rate in rates)
    assert sub_order.delivery_kind == DeliveryKind.COURIER
    assert sub_order.shipping_idr == cheapest > 0
    assert sub_order.amount_idr == 600_000
    assert order.total_idr == 600_000 + cheapest
    # What Stripe is asked for is that total, and the pay page says so.
    assert stripe_client.to_minor_units(order.total_idr) == (600_000 + cheapest) * 100
    pay = client.get(response["Location"])
    assert rupiah(order.total_idr) in page_text(pay)


def test_the_buyer_s_courier_is_priced_by_the_server_whatever_the_page_said(client, aminah):
    kain = f.product(shop=aminah, price_idr=175_000, weight_g=2300, stock=5)
    client.post(ADD, {"product": kain.pk, "quantity": 1})
    rates = {rate.service.code: rate for rate in
             ShippingRate.objects.filter(zone="jawa-bali", service__is_active=True).select_related("service")}
    dearest = max(rates, key=lambda code: expected_cost(rates[code], 2300))
    response = emulator.checkout_form(client, **{f"shipping-{aminah.slug}": dearest, "shipping_idr": "1"})
    assert response.status_code == 302
    sub_order = Order.objects.get().sub_orders.get()
    assert sub_order.delivery_option_id == dearest
    assert sub_order.shipping_idr == expected_cost(rates[dearest], 2300)


def test_without_javascript_hitung_ongkir_shows_each_shop_s_options_and_the_total(client, aminah):
    kain = f.product(shop=aminah, price_idr=175_000, weight_g=350, stock=5)
    client.post(ADD, {"product": kain.pk, "quantity": 1})
    page = client.get(CHECKOUT)
    response = client.post(CHECKOUT, {
        "name": "Rina", "email": "rina@contoh.id", "phone": "081234567890", "country": "ID",
        "province": "Jawa Timur", "regency": "Kota Surabaya", "district": "Gubeng", "postal_code": "60281",
        "street": "Jl. Kertajaya 12", "checkout_key": emulator.checkout_key(page), "action": "quote"})
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    radios = soup.select(f"input[name=shipping-{aminah.slug}]")
    assert radios[0]["value"] == "pickup"  # pickup first, then couriers cheapest first
    assert "Jl. Pasayangan No. 7, Martapura" in page_text(response)
    chosen = soup.select_one(f"input[name=shipping-{aminah.slug}][checked]")["value"]
    assert chosen != "pickup"  # the cheapest courier comes chosen; collecting is the buyer's choice
    assert not Order.objects.exists()


def test_pickup_costs_nothing_and_the_buyer_gets_a_code_once_paid(client, aminah):
    kain = f.product(shop=aminah, price_idr=175_000, stock=5)
    client.post(ADD, {"product": kain.pk, "quantity": 1})
    response = emulator.checkout_form(client, province="Kalimantan Selatan", regency="Kabupaten Banjar",
                                      district="Martapura", postal_code="70614",
                                      **{f"shipping-{aminah.slug}": "pickup"})
    assert response.status_code == 302
    order = Order.objects.get()
    sub_order = order.sub_orders.get()
    assert sub_order.delivery_kind == DeliveryKind.PICKUP and sub_order.shipping_idr == 0
    assert order.total_idr == 175_000 and not sub_order.pickup_code
    paid = checkout.order_mark_paid(order=order, intent=f.intent_for(order, payment_intent_id="pi_pickup"))
    assert len(paid.sub_orders.get().pickup_code) == 6


def test_a_singapore_buyer_is_told_which_shop_does_not_ship_abroad_and_nothing_is_written(client, aminah):
    local = f.product(shop=aminah, price_idr=175_000, stock=5)
    abroad = f.product(shop=f.shop(name="Galeri Sasirangan Banjarmasin", ships_abroad=True), price_idr=300_000, stock=5)
    client.post(ADD, {"product": local.pk, "quantity": 1})
    client.post(ADD, {"product": abroad.pk, "quantity": 1})
    response = emulator.checkout_form(client, **SINGAPORE)
    assert response.status_code == 400
    assert "Sasirangan Ibu Aminah hanya mengirim ke alamat di Indonesia." in page_text(response)
    assert not Order.objects.exists() and not OrderLine.objects.exists()
    assert Product.objects.get(pk=local.pk).stock == 5 and Product.objects.get(pk=abroad.pk).stock == 5


def test_a_singapore_buyer_buys_from_a_shop_that_ships_abroad(client):
    galeri = f.shop(name="Galeri Sasirangan Banjarmasin", ships_abroad=True)
    kain = f.product(shop=galeri, price_idr=300_000, weight_g=350, stock=5)
    client.post(ADD, {"product": kain.pk, "quantity": 1})
    response = emulator.checkout_form(client, **SINGAPORE)
    assert response.status_code == 302
    order = Order.objects.get()
    sub_order = order.sub_orders.get()
    rates = ShippingRate.objects.filter(zone="asean", service__is_active=True).select_related("service")
    assert sub_order.shipping_idr == min(expected_cost(rate, 350) for rate in rates) > 0
    assert order.total_idr == 300_000 + sub_order.shipping_idr
    assert (order.country, order.province, order.postal_code, order.phone) == ("SG", "", "018956", "+6591234567")


AUSTRALIA = {"country": "AU", "phone": "+61 412 345 678", "province": "", "regency": "Sydney", "district": "",
             "postal_code": "2000", "street": "1 Macquarie Street"}


def test_an_australian_buyer_is_asked_for_the_state_and_the_parcel_carries_it(
        client, mailoutbox, django_capture_on_commit_callbacks):
    """A parcel to Australia without its state is held by the post: the form asks for it (optional in
    Singapore, which has none), and the order, the buyer's email and the artisan's slip name it."""
    galeri = f.shop(name="Galeri Sasirangan Banjarmasin", ships_abroad=True)
    kain = f.product(shop=galeri, price_idr=300_000, weight_g=350, stock=5)
    client.post(ADD, {"product": kain.pk, "quantity": 1})
    refused = emulator.checkout_form(client, lang="en", **AUSTRALIA)
    assert refused.status_code == 400
    field = BeautifulSoup(refused.content, "html.parser").select_one("#id_region").find_parent(class_="ko-field")
    assert "Write the state or province: addresses in this country need it." in field.get_text(" ", strip=True)
    assert not Order.objects.exists() and Product.objects.get(pk=kain.pk).stock == 5
    response = emulator.checkout_form(client, lang="en", **AUSTRALIA, region="  NSW ")
    assert response.status_code == 302
    order = Order.objects.get()
    assert (order.country, order.province, order.regency, order.postal_code) == ("AU", "NSW", "Sydney", "2000")
    with django_capture_on_commit_callbacks(execute=True):  # the emails leave after the commit
        checkout.order_mark_paid(order=order, intent=f.intent_for(order, payment_intent_id="pi_sydney"))
    confirmation = next(message for message in mailoutbox if message.to == ["rina@contoh.id"])
    assert "Sydney NSW 2000\nAustralia (AU)" in confirmation.body


@pytest.mark.parametrize(("lang", "most_chosen", "others", "germany", "ivory_coast"), [
    ("id", "Sering dipilih", "Negara lain (A-Z)", "Jerman", "Côte d’Ivoire"),
    ("en", "Most chosen", "Other countries (A-Z)", "Germany", "Côte d’Ivoire"),
])
def test_every_country_is_listed_by_its_name_in_the_reading_language(
        client, aminah, lang, most_chosen, others, germany, ivory_coast):
    """A buyer from Chile or Kenya finds their country by its name, not its ISO code: the countries
    buyers choose most first, then all the others from A to Z."""
    kain = f.product(shop=aminah, price_idr=175_000, stock=5)
    client.post(ADD, {"product": kain.pk, "quantity": 1})
    page = BeautifulSoup(client.get(CHECKOUT.replace("/id/", f"/{lang}/")).content, "html.parser")
    select = page.select_one("select#id_country")
    groups = select.find_all("optgroup")
    assert [group["label"] for group in groups] == [most_chosen, others]
    assert groups[0].find("option")["value"] == "ID" and "selected" in groups[0].find("option").attrs
    options = {option["value"]: option.get_text() for option in select.find_all("option")}
    assert len(options) == 249 and all(name != code for code, name in options.items())
    assert options["DE"] == germany and options["CI"] == ivory_coast
    others_names = [option.get_text() for option in groups[1].find_all("option")]
    assert others_names[0].startswith("Af") and others_names[-1] == "Zimbabwe"
    assert others_names.index(ivory_coast) < others_names.index("Kenya")  # Côte under C


def test_a_country_beyond_the_most_chosen_is_bought_to_by_name(client):
    galeri = f.shop(name="Galeri Sasirangan Banjarmasin", ships_abroad=True)
    kain = f.product(shop=galeri, price_idr=300_000, weight_g=350, stock=5)
    client.post(ADD, {"product": kain.pk, "quantity": 1})
    response = emulator.checkout_form(client, **{**SINGAPORE, "country": "CL", "phone": "+56 9 1234 5678",
                                                 "regency": "Santiago", "postal_code": "7500000"})
    assert response.status_code == 302
    order = Order.objects.get()
    assert order.country == "CL" and order.address_lines[-1] == "Cile (CL)"


def test_a_region_sent_with_an_indonesian_address_is_not_kept(client, aminah):
    kain = f.product(shop=aminah, price_idr=175_000, stock=5)
    client.post(ADD, {"product": kain.pk, "quantity": 1})
    response = emulator.checkout_form(client, region="California")
    assert response.status_code == 302
    assert Order.objects.get().province == "Jawa Timur"


def test_a_buyer_abroad_back_at_the_checkout_finds_the_state_in_its_own_box(client):
    galeri = f.shop(name="Galeri Sasirangan Banjarmasin", ships_abroad=True)
    kain = f.product(shop=galeri, price_idr=300_000, weight_g=350, stock=5)
    client.post(ADD, {"product": kain.pk, "quantity": 1})
    assert emulator.checkout_form(client, **AUSTRALIA, region="NSW").status_code == 302
    page = BeautifulSoup(client.get(CHECKOUT).content, "html.parser")
    assert page.select_one("[name=region]")["value"] == "NSW"
    assert page.select_one("[name=province] option[selected]") is None or \
        page.select_one("[name=province] option[selected]")["value"] == ""


NO_HOME_ADDRESS = {"regency": "", "district": "", "postal_code": "", "street": ""}


def test_a_buyer_who_collects_everything_gives_no_home_address(client, aminah, django_capture_on_commit_callbacks,
                                                                mailoutbox):
    """Collecting at the workshop, a buyer in Surabaya is asked for the province only (it prices the
    couriers offered beside pickup); a half-typed postal code left in the form stops nobody, and
    nothing of a home address is kept, shown or emailed."""
    kain = f.product(shop=aminah, price_idr=175_000, stock=5)
    client.post(ADD, {"product": kain.pk, "quantity": 1})
    response = emulator.checkout_form(client, **{**NO_HOME_ADDRESS, "postal_code": "602",
                                                 f"shipping-{aminah.slug}": "pickup"})
    assert response.status_code == 302
    order = Order.objects.get()
    assert (order.province, order.regency, order.district, order.postal_code, order.street) == (
        "Jawa Timur", "", "", "", "")
    assert order.address_lines == ["Jawa Timur"]
    pay_page = page_text(client.get(response["Location"]))
    assert "Dikirim ke" not in pay_page and "Pembeli Rina" in pay_page
    with django_capture_on_commit_callbacks(execute=True):
        checkout.order_mark_paid(order=order, intent=f.intent_for(order, payment_intent_id="pi_collect"))
    confirmation = next(message for message in mailoutbox if message.to == ["rina@contoh.id"])
    assert "Dikirim ke" not in confirmation.body


def test_without_javascript_hitung_ongkir_needs_no_street_and_pickup_goes_on_without_one(client, aminah):
    """The no-JavaScript path: "Hitung ongkir" with the province and city only shows each shop's
    choices (pickup among them), and the buyer who then chooses pickup pays without a street."""
    kain = f.product(shop=aminah, price_idr=175_000, stock=5)
    client.post(ADD, {"product": kain.pk, "quantity": 1})
    page = client.get(CHECKOUT)
    data = form_data(page, province="Kalimantan Selatan", regency="Kabupaten Banjar", district="", postal_code="",
                     street="")
    quote = client.post(CHECKOUT, {**data, "action": "quote"})
    assert quote.status_code == 200
    choices = BeautifulSoup(quote.content, "html.parser").select(f"input[name=shipping-{aminah.slug}]")
    assert "pickup" in [choice["value"] for choice in choices]
    assert client.post(CHECKOUT, {**data, f"shipping-{aminah.slug}": "pickup"}).status_code == 302
    assert Order.objects.get().street == ""


def test_a_form_sent_back_with_a_mistake_keeps_the_pickup_chosen(client, aminah):
    """Back with a 400 (a phone number too short), the page chooses pickup again for checkout.js, which
    then hides the home address again; before, the cheapest courier came chosen instead."""
    kain = f.product(shop=aminah, price_idr=175_000, stock=5)
    client.post(ADD, {"product": kain.pk, "quantity": 1})
    response = emulator.checkout_form(client, **{**NO_HOME_ADDRESS, "phone": "12",
                                                 f"shipping-{aminah.slug}": "pickup"})
    assert response.status_code == 400
    shop_set = BeautifulSoup(response.content, "html.parser").select_one(f"fieldset[data-shop={aminah.slug}]")
    assert shop_set["data-wanted"] == "pickup"


def test_a_home_address_is_still_asked_when_one_shop_sends_by_courier(client, aminah):
    kain = f.product(shop=aminah, price_idr=175_000, stock=5)
    galeri = f.shop(name="Galeri Sasirangan Banjarmasin")
    client.post(ADD, {"product": kain.pk, "quantity": 1})
    client.post(ADD, {"product": f.product(shop=galeri, price_idr=90_000, weight_g=200, stock=5).pk, "quantity": 1})
    response = emulator.checkout_form(client, **{**NO_HOME_ADDRESS, f"shipping-{aminah.slug}": "pickup"})
    assert response.status_code == 400
    assert "Tulis alamat jalan dan nomor rumah." in page_text(response)
    assert not Order.objects.exists() and Product.objects.get(pk=kain.pk).stock == 5


def test_pickup_refused_where_it_is_not_offered_asks_for_the_address_again(client):
    """A pickup choice for a shop that offers none (a tampered form, or the shop stopped offering it)
    is refused naming the shop; nothing is written without an address."""
    shop = f.shop(name="Galeri Sasirangan Banjarmasin")
    kain = f.product(shop=shop, price_idr=90_000, weight_g=200, stock=5)
    client.post(ADD, {"product": kain.pk, "quantity": 1})
    response = emulator.checkout_form(client, **{**NO_HOME_ADDRESS, f"shipping-{shop.slug}": "pickup"})
    assert response.status_code == 400
    assert "Pilihan pengiriman untuk Galeri Sasirangan Banjarmasin sudah tidak tersedia" in page_text(response)
    assert not Order.objects.exists() and Product.objects.get(pk=kain.pk).stock == 5


@pytest.mark.parametrize(("overrides", "message"), [
    ({"shipping-{shop}": "jne-kilat-gratis"}, "Pilihan pengiriman untuk Sasirangan Ibu Aminah sudah tidak tersedia; "
                                              "pilih lagi."),
    ({"shipping-{shop}": None}, "Pilih cara pengiriman untuk Sasirangan Ibu Aminah."),
    # Pickup is for buyers in Indonesia: abroad, the id the page had is refused.
    ({"shipping-{shop}": "pickup", "country": "MY", "phone": "+60 12 345 6789", "postal_code": "50088",
      "region": "Kuala Lumpur"},
     "Sasirangan Ibu Aminah hanya mengirim ke alamat di Indonesia."),
    ({"country": "XX"}, "Pilih negara dari daftar."),
])
def test_a_tampered_or_missing_choice_is_400_with_the_reason_and_nothing_written(client, aminah, overrides, message):
    kain = f.product(shop=aminah, price_idr=175_000, stock=5)
    client.post(ADD, {"product": kain.pk, "quantity": 1})
    overrides = {key.format(shop=aminah.slug): value for key, value in overrides.items()}
    page = client.get(CHECKOUT)
    data = {"name": "Rina", "email": "rina@contoh.id", "phone": "081234567890", "country": "ID",
            "province": "Jawa Timur", "regency": "Kota Surabaya", "district": "Gubeng", "postal_code": "60281",
            "street": "Jl. Kertajaya 12", "checkout_key": emulator.checkout_key(page),
            f"shipping-{aminah.slug}": "pickup"}
    data.update(overrides)
    response = client.post(CHECKOUT, {key: value for key, value in data.items() if value is not None})
    assert response.status_code == 400
    assert message in page_text(response)
    assert not Order.objects.exists() and not OrderLine.objects.exists()
    assert Product.objects.get(pk=kain.pk).stock == 5


def test_the_service_refuses_a_choice_it_did_not_offer_naming_the_shop_s_field(aminah):
    kain = f.product(shop=aminah, price_idr=175_000, stock=5)
    with pytest.raises(checkout.CheckoutError) as refused:
        f.order_start((kain, 1), delivery={aminah.slug: "pos-gratis"})
    assert refused.value.status == 400 and refused.value.field == f"shipping-{aminah.slug}"
    with pytest.raises(checkout.CheckoutError) as refused:
        f.order_start((kain, 1), address=dataclasses.replace(f.ADDRESS, province="Atlantis"), delivery={})
    assert refused.value.field == "province"
    assert not Order.objects.exists() and Product.objects.get(pk=kain.pk).stock == 5


def test_the_form_sent_again_after_back_with_another_delivery_makes_the_order_the_buyer_chose(client, aminah):
    """On a phone, Back from the pay page lands on the form the last "Hitung ongkir" answered (a POST:
    Chrome offers to send it again), so the form comes back with the checkout key of the order just made.
    The buyer who then picked a courier instead of collecting, or corrected the street, was sent to the
    first order's payment without a word: pickup, Rp 175.000, the old street. The same form sent twice
    (a double tap) still makes one order."""
    kain = f.product(shop=aminah, price_idr=175_000, weight_g=350, stock=5)
    client.post(ADD, {"product": kain.pk, "quantity": 1})
    form_key = "f" * 32  # the checkout form's hidden key, as the page that Back shows again holds it
    first = emulator.checkout_form(client, checkout_key=form_key, **{f"shipping-{aminah.slug}": "pickup"})
    assert first.status_code == 302
    attempt = Order.objects.get()
    assert attempt.sub_orders.get().delivery_kind == DeliveryKind.PICKUP and attempt.total_idr == 175_000
    # Sent again as it was (a double tap, or Back and Continue without a change): the same order.
    again = emulator.checkout_form(client, checkout_key=form_key, **{f"shipping-{aminah.slug}": "pickup"})
    assert again["Location"] == first["Location"] and Order.objects.count() == 1
    # The same form with a courier chosen and the street corrected: that order, not the first one. (The
    # courier is chosen on the page: a "Hitung ongkir" sent without a choice now keeps the attempt's pickup.)
    offered = checkout.delivery_options(items=[(kain, 1)], address=f.ADDRESS).for_shop(aminah).options
    cheapest = next(option["id"] for option in offered if option["kind"] == "courier")
    courier = emulator.checkout_form(client, checkout_key=form_key, street="Jl. Kertajaya No. 21",
                                     **{f"shipping-{aminah.slug}": cheapest})
    assert courier.status_code == 302 and courier["Location"] != first["Location"]
    order = Order.objects.exclude(pk=attempt.pk).get()
    assert courier["Location"].endswith(f"/checkout/{order.token}/bayar/")
    sub_order = order.sub_orders.get()
    assert sub_order.delivery_kind == DeliveryKind.COURIER and sub_order.shipping_idr > 0
    assert order.total_idr == 175_000 + sub_order.shipping_idr and order.street == "Jl. Kertajaya No. 21"
    # The first attempt's cloth went back on the shelf: one is held, by the order being paid.
    kain.refresh_from_db()
    assert kain.stock == 4


def test_the_changed_form_sent_twice_makes_one_order(client, aminah):
    """Back, another street, and "Lanjut ke pembayaran" tapped twice on a slow connection: one new order
    and one pay page, not a new order per tap (an order under a new random key could not be found again)."""
    kain = f.product(shop=aminah, price_idr=175_000, weight_g=350, stock=5)
    client.post(ADD, {"product": kain.pk, "quantity": 1})
    form_key = "g" * 32
    first = emulator.checkout_form(client, checkout_key=form_key, **{f"shipping-{aminah.slug}": "pickup"})
    offered = checkout.delivery_options(items=[(kain, 1)], address=f.ADDRESS).for_shop(aminah).options
    courier = {f"shipping-{aminah.slug}": next(option["id"] for option in offered if option["kind"] == "courier")}
    one = emulator.checkout_form(client, checkout_key=form_key, street="Jl. Kertajaya No. 21", **courier)
    two = emulator.checkout_form(client, checkout_key=form_key, street="Jl. Kertajaya No. 21", **courier)
    assert first["Location"] != one["Location"] == two["Location"]
    assert Order.objects.count() == 2
    kain.refresh_from_db()
    assert kain.stock == 4  # the pickup attempt gave its cloth back; the courier order holds one


def test_the_changed_form_tapped_twice_at_once_with_the_last_cloth_is_one_order(aminah):
    """Both taps read the first attempt before either made the new order (the second one's request began
    before the first answered): the second is the first's order, not "Maaf, ... baru saja habis"."""
    kain = f.product(shop=aminah, price_idr=175_000, weight_g=350, stock=1)
    attempt = f.order_start((kain, 1), key="k" * 24, kind="pickup")
    moved = dataclasses.replace(f.ADDRESS, street="Jl. Kertajaya No. 21")
    made = f.order_start((kain, 1), key="k" * 24, address=moved)
    assert made.pk != attempt.pk
    assert f.order_start((kain, 1), key="k" * 24, address=moved).pk == made.pk
    assert Product.objects.get(pk=kain.pk).stock == 0 and Order.objects.count() == 2


def test_a_refused_new_attempt_leaves_the_first_attempt_holding_its_cloth(aminah):
    """The changed form is refused (a delivery the shop does not offer: 400): nothing changed, the first
    attempt, which the buyer can still pay, still holds the last cloth."""
    kain = f.product(shop=aminah, price_idr=175_000, weight_g=350, stock=1)
    f.order_start((kain, 1), key="k" * 24, kind="pickup")
    with pytest.raises(checkout.CheckoutError):
        f.order_start((kain, 1), key="k" * 24, delivery={aminah.slug: "no-such-option"})
    assert Product.objects.get(pk=kain.pk).stock == 0
    assert OrderLine.objects.get().stock_state == "reserved"


def test_a_refused_order_after_going_back_to_the_cart_leaves_the_earlier_one_holding(client, aminah):
    """Back to the cart, then a new checkout form that is refused: the earlier, still payable attempt
    keeps its cloth (it was given back before the new order was even checked)."""
    kain = f.product(shop=aminah, price_idr=175_000, weight_g=350, stock=1)
    client.post(ADD, {"product": kain.pk, "quantity": 1})
    assert emulator.checkout_form(client, **{f"shipping-{aminah.slug}": "pickup"}).status_code == 302
    refused = emulator.checkout_form(client, **{f"shipping-{aminah.slug}": "no-such-option"})
    assert refused.status_code == 400
    assert Product.objects.get(pk=kain.pk).stock == 0
    assert OrderLine.objects.get().stock_state == "reserved"


def test_hitung_ongkir_sent_again_after_back_keeps_the_attempt_s_pickup_chosen(client, aminah):
    """Back from the pay page, Chrome sends again the "Hitung ongkir" that chose nothing yet (its answer is
    the page the buyer left): the page came back with the cheapest courier chosen, not the pickup of the
    order just made, and "Lanjut ke pembayaran" then made a courier order the buyer did not ask for. A
    choice in the form still counts first; a choice no longer offered falls to the cheapest courier."""
    kain = f.product(shop=aminah, price_idr=175_000, weight_g=350, stock=5)
    client.post(ADD, {"product": kain.pk, "quantity": 1})
    page = client.get(CHECKOUT)
    data = form_data(page)
    quote = client.post(CHECKOUT, {**data, "action": "quote"})
    field = f"shipping-{aminah.slug}"
    cheapest = emulator.delivery_choices(quote)[field]
    assert cheapest != "pickup"
    made = client.post(CHECKOUT, {**data, field: "pickup"})
    assert made.status_code == 302
    # Back: the quote is sent again as it was, without a choice.
    again = client.post(CHECKOUT, {**data, "action": "quote"})
    assert again.status_code == 200
    assert emulator.delivery_choices(again) == {field: "pickup"}
    # What the form sends is the buyer's choice: a courier chosen on the page stays chosen.
    chosen = client.post(CHECKOUT, {**data, "action": "quote", field: cheapest})
    assert emulator.delivery_choices(chosen) == {field: cheapest}
    # With the form sent as it was, the order is the one already made (pickup).
    assert client.post(CHECKOUT, {**data, **emulator.delivery_choices(again)})["Location"] == made["Location"]
    assert Order.objects.count() == 1


def test_back_and_forth_the_attempt_asked_for_again_holds_the_last_cloth(client, aminah):
    """Pickup, Back, a courier, Back, pickup again: the form asks for the first attempt again, which had
    given its cloth back to the courier attempt; the buyer was sent to pay it and read "baru saja habis",
    their own other attempt holding the last cloth (found by a review)."""
    kain = f.product(shop=aminah, price_idr=175_000, weight_g=350, stock=1)
    client.post(ADD, {"product": kain.pk, "quantity": 1})
    form_key = "h" * 32
    pickup = {f"shipping-{aminah.slug}": "pickup"}
    offered = checkout.delivery_options(items=[(kain, 1)], address=f.ADDRESS).for_shop(aminah).options
    courier = {f"shipping-{aminah.slug}": next(option["id"] for option in offered if option["kind"] == "courier")}
    first = emulator.checkout_form(client, checkout_key=form_key, **pickup)
    assert emulator.checkout_form(client, checkout_key=form_key, **courier)["Location"] != first["Location"]
    again = emulator.checkout_form(client, checkout_key=form_key, **pickup)
    assert again["Location"] == first["Location"]
    attempt = Order.objects.get(token=first["Location"].rstrip("/").split("/")[-2])
    assert set(OrderLine.objects.filter(sub_order__order=attempt).values_list("stock_state", flat=True)) == {"reserved"}
    assert set(OrderLine.objects.exclude(sub_order__order=attempt).values_list("stock_state", flat=True)) == {"released"}
    assert Product.objects.get(pk=kain.pk).stock == 0
    assert client.get(first["Location"]).status_code == 200


def test_a_buyer_who_signs_in_between_two_attempts_is_not_refused_their_own_cloth(client, aminah):
    """A guest's attempt holds the last cloth; they sign in ("Masuk", the session kept) and check out again:
    the cart counted that attempt as theirs, so the new order must replace it, not be refused "baru saja
    habis" (found by a review of a version that replaced only an attempt of the same signed-in buyer)."""
    from tests.marketplace.factories import UserFactory

    kain = f.product(shop=aminah, price_idr=175_000, weight_g=350, stock=1)
    client.post(ADD, {"product": kain.pk, "quantity": 1})
    assert emulator.checkout_form(client).status_code == 302
    client.force_login(UserFactory(email="rina@contoh.id"))
    again = emulator.checkout_form(client)
    assert again.status_code == 302, again.content.decode()[-400:]
    assert Order.objects.count() == 2 and Product.objects.get(pk=kain.pk).stock == 0
