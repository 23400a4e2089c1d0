"""Doing in tests what the pay page's JavaScript does against the Stripe emulator (localstripe),
and delivering webhooks the way Stripe does (signed, HMAC computed here)."""

from __future__ import annotations

import json
import re
import secrets
import time

import requests
from bs4 import BeautifulSoup

from marketplace.payments import stripe_client
from tests.marketplace.payments.stripe_signing import post_event

CARD_OK = "4242424242424242"
CARD_DECLINED = "4000000000000341"
CARD_3DS = "4000002500003155"


def card_token(api_base: str, number: str) -> str:
    """What localstripe's Stripe.js stand-in does for stripe.createToken(cardElement)."""
    response = requests.post(f"{api_base}/v1/tokens", timeout=10, data={
        "card[number]": number, "card[exp_month]": "12", "card[exp_year]": "2031", "card[cvc]": "123",
        "key": stripe_client.publishable_key(), "payment_user_agent": "localstripe"})
    response.raise_for_status()
    return response.json()["id"]


def checkout_key(response) -> str:
    return BeautifulSoup(response.content, "html.parser").select_one("input[name=checkout_key]")["value"]


def pay_config(response) -> dict:
    return json.loads(BeautifulSoup(response.content, "html.parser").select_one("#ko-payments").string)


def delivery_choices(response) -> dict[str, str]:
    """The delivery option each shop has chosen on a checkout page (radio inputs named shipping-<shop>)."""
    page = BeautifulSoup(response.content, "html.parser")
    return {radio["name"]: radio["value"] for radio in page.select("input[type=radio][name^=shipping-][checked]")}


def checkout_form(client, lang="id", **overrides):
    """GET the checkout page, fill in the contact and address, ask for the shipping ("Hitung ongkir") and
    POST the form with each shop's delivery as the page chose it; returns the response. `overrides`
    replace any field, a delivery choice (shipping-<shop slug>) too."""
    from tests.marketplace.orders.factories import rate_table

    rate_table()
    page = client.get(f"/{lang}/kampung-sasirangan/checkout/")
    assert page.status_code == 200, page.status_code
    data = {"name": "Rina Wulandari", "email": "rina@contoh.id", "phone": "0812-3456-7890", "country": "ID",
            "province": "Jawa Timur", "regency": "Kota Surabaya", "district": "Gubeng", "postal_code": "60281",
            "street": "Jl. Kertajaya No. 12", "checkout_key": checkout_key(page)}
    data.update(overrides)
    quote = client.post(f"/{lang}/kampung-sasirangan/checkout/", {**data, "action": "quote"})
    if quote.status_code == 200:
        data = {**delivery_choices(quote), **data}
    return client.post(f"/{lang}/kampung-sasirangan/checkout/", {key: value for key, value in data.items()
                                                                  if value is not None})


def pay_with_card(client, api_base: str, pay_page_url: str, number: str = CARD_OK):
    """The JavaScript's emulator path: token, then the site's emulator endpoint."""
    config = pay_config(client.get(pay_page_url))
    return client.post(config["emulatorUrl"], data=json.dumps({"token": card_token(api_base, number)}),
                       content_type="application/json")


def event_for(obj, event_type: str) -> dict:
    """A Stripe event around an object, as Stripe (and localstripe) would send it."""
    data = obj.to_dict() if hasattr(obj, "to_dict") else obj
    return {"id": f"evt_{secrets.token_hex(12)}", "object": "event", "api_version": stripe_client.API_VERSION,
            "created": int(time.time()), "livemode": False, "type": event_type, "data": {"object": data}}


def deliver(client, event: dict, secret: str = stripe_client.EMULATOR_WEBHOOK_SECRET):
    response = post_event(client, event, secret)
    assert response.status_code == 200, response.content
    return response.json()["outcome"]


def token_from_location(location: str) -> str:
    return re.search(r"/(?:checkout|pesanan)/([A-Za-z0-9_-]{20,64})/", location).group(1)
