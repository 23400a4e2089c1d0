"""Steps more than one journey takes, written as a person does them."""

import re

from playwright.sync_api import expect

from tests.e2e.content import PASSWORD

CARD_OK = "4242424242424242"
CARD_DECLINED = "4000000000000341"


def checkout_fill(page, *, name: str = "Emily Carter", email: str = "emily@example.com") -> None:
    """The English checkout form: who, where to send it, and the shipping for that address."""
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("WhatsApp number").fill("0812-3456-7890")
    page.get_by_label("Province").select_option("Jawa Timur")
    page.get_by_label("Regency/city").fill("Kota Surabaya")
    page.get_by_label("District").fill("Gubeng")
    page.get_by_label("Postal code").fill("60281")
    page.get_by_label(re.compile(r"^Address")).fill("Jl. Kertajaya No. 12")
    # Each shop's delivery options for that address (the cheapest courier comes chosen).
    page.get_by_role("button", name="Calculate shipping").click()


def pay_with(page, number: str) -> None:
    """Type a card into localstripe's stand-in for Stripe's card element, then pay."""
    card = page.locator("#ko-card-element")
    card.locator("input[placeholder=number]").fill(number)
    card.locator("input[placeholder=exp_month]").fill("12")
    card.locator("input[placeholder=exp_year]").fill("31")
    card.locator("input[placeholder=cvc]").fill("123")
    card.locator("input[placeholder=postal_code]").fill("60281")
    page.get_by_role("button", name=re.compile(r"^Pay Rp")).click()


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
