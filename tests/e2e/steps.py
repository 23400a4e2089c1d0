"""Steps more than one journey takes, written as a person does them."""

import re
import time

from playwright.sync_api import expect

from tests.e2e.content import PASSWORD

CARD_OK = "4242424242424242"
CARD_DECLINED = "4000000000000341"


def add_to_cart(site, page, *, language: str, shop: str, product: dict, quantity: int = 1) -> None:
    """From the shop's page on the site, open the product and put `quantity` of it in the cart."""
    title = product["title"][language]
    page.goto(f"{site.url}/{language}/kampung-sasirangan/perajin/{shop}/")
    page.get_by_role("link", name=title).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    button = "Tambah ke keranjang" if language == "id" else "Add to cart"
    page.get_by_label("Jumlah" if language == "id" else "Quantity", exact=True).fill(str(quantity))
    page.get_by_role("button", name=button).click()
    expect(page).to_have_url(f"{site.url}/{language}/kampung-sasirangan/keranjang/")


def checkout_fill(page, *, name: str = "Emily Carter", email: str = "emily@example.com",
                  phone: str = "0812-3456-7890", province: str | None = "Jawa Timur", regency: str = "Kota Surabaya",
                  district: str = "Gubeng", postal_code: str = "60281", street: str = "Jl. Kertajaya No. 12",
                  calculate: bool = True) -> None:
    """The checkout form, in English or Indonesian, for an address in Indonesia: who, where to send it, and
    (`calculate`) the shipping for that address. `province=None` leaves the province to the test."""
    page.get_by_label(re.compile("Full name|Nama lengkap")).fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label(re.compile("WhatsApp number|Nomor WhatsApp")).fill(phone)
    if province is not None:
        page.get_by_label(re.compile("Province|Provinsi")).select_option(province)
    page.get_by_label(re.compile("Regency/city|Kabupaten/kota")).fill(regency)
    page.get_by_label(re.compile("District|Kecamatan")).fill(district)
    page.get_by_label(re.compile("Postal code|Kode pos")).fill(postal_code)
    page.get_by_label(re.compile(r"^(Address|Alamat \()")).fill(street)
    if calculate:
        # Each shop's delivery options for that address (the cheapest courier comes chosen).
        shipping_calculate(page)


def shipping_calculate(page) -> None:
    """Press "Hitung ongkir" and wait for the server's answer: the page it sends back has each shop's options
    priced, and no longer the hint to press the button. Until that page arrives the one being left is showing,
    where checkout.js may have written (and ticked) the same options already; a choice made there is lost."""
    page.get_by_role("button", name=re.compile("Calculate shipping|Hitung ongkir")).click()
    expect(page.locator("#ko-delivery-hint")).to_have_count(0)


def checkout_in_martapura(page) -> None:
    """From the Indonesian cart: to the checkout, as a tourist in Martapura (Indonesia comes chosen),
    and the delivery options for that address, among them pickup at a workshop that offers it."""
    page.get_by_role("link", name="Lanjut ke pembayaran").click()
    # The cart has a "Negara" of its own (its estimate's), also ID: first the checkout page.
    expect(page.get_by_role("heading", level=1)).to_have_text("Data pengiriman")
    expect(page.get_by_label("Negara")).to_have_value("ID")
    checkout_fill(page, name="Siti Aminah", email="siti.aminah@contoh.id", phone="0812 5100 2233",
                  province="Kalimantan Selatan", regency="Kabupaten Banjar", district="Martapura",
                  postal_code="70614", street="Jl. Ahmad Yani Km 39, Martapura")


def pay_with(page, number: str, *, typed: bool = False) -> None:
    """Put a card into localstripe's stand-in for Stripe's card element, then pay. `typed`: key by key,
    as a person types the number printed on the page (spaces and all), instead of pasting it."""
    card = page.locator("#ko-card-element")
    number_field = card.locator("input[placeholder=number]")
    if typed:
        number_field.press_sequentially(number)
    else:
        number_field.fill(number)
    card.locator("input[placeholder=exp_month]").fill("12")
    card.locator("input[placeholder=exp_year]").fill("31")
    card.locator("input[placeholder=cvc]").fill("123")
    card.locator("input[placeholder=postal_code]").fill("60281")
    page.get_by_role("button", name=re.compile(r"^(Pay|Bayar) Rp")).click()


def admin_sign_in(page, base_url: str, username: str) -> None:
    """The Wagtail admin's sign-in, as one of the demo's logins (admin, editor, moderator)."""
    page.goto(f"{base_url}/admin/login/")
    page.get_by_label(re.compile("Nama pengguna|Username")).fill(username)
    page.get_by_label(re.compile("Kata sandi|Password")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Masuk|Sign in")).click()
    expect(page).to_have_url(f"{base_url}/admin/")


def choose_snippet(page, button: str, item: str) -> None:
    """Wagtail's snippet chooser: open the dialog, pick the item by name."""
    page.get_by_role("button", name=button).click()
    dialog = page.locator(".modal-content")
    dialog.get_by_role("link", name=item, exact=True).click()
    expect(dialog).to_be_hidden()


def shop_sign_in(page, base_url: str, email: str) -> None:
    """An artisan signs in to their shop's dashboard (/toko/), which is in Indonesian."""
    page.goto(f"{base_url}/toko/masuk/")
    page.get_by_label("Alamat email").fill(email)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page).to_have_url(f"{base_url}/toko/")


def rupiah(amount: int) -> str:
    """An amount as the site prints it: Rp 185.000."""
    return f"Rp {amount:,}".replace(",", ".")


def wait_for(condition, seconds: float = 10) -> bool:
    """Whether `condition()` comes true within `seconds` (work the task queue does after a response)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()
