"""Production without Stripe's keys never falls back to the local emulator (issue 13, finding 1).

The emulator's webhook secret is public, so a production site that believed it would let anyone
sign "paid" for a real order. Without STRIPE_SECRET_KEY, STRIPE_PUBLISHABLE_KEY and
STRIPE_WEBHOOK_SECRET production runs with checkout switched off: the cart says so, checkout
and the webhook refuse, and `check --deploy` names what is missing. Everything here loads the
real `config.settings.production`, in a subprocess.
"""

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from marketplace.orders.models import Order, OrderStatus, PayoutLine
from marketplace.payments import stripe_client
from marketplace.payments.models import StripeEvent
from tests.marketplace.orders import factories as f
from tests.marketplace.payments.stripe_signing import post_event, recorded_event

ROOT = Path(__file__).resolve().parents[3]
STRIPE_KEYS = {"STRIPE_SECRET_KEY": "sk_test_gebrak", "STRIPE_PUBLISHABLE_KEY": "pk_test_gebrak",
               "STRIPE_WEBHOOK_SECRET": "whsec_gebrak"}


def production(code: str, **env_overrides) -> subprocess.CompletedProcess:
    """Run Python under config.settings.production with only the environment given here."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("STRIPE_") and key not in {"DEBUG", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", "SECRET_KEY": "k3y-" + "a1b2c3d4e5" * 6,
                "ALLOWED_HOSTS": "gebrak.banjarkab.go.id", **env_overrides})
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=180)


def deploy_check(**env_overrides) -> subprocess.CompletedProcess:
    return production("import sys; from django.core.management import execute_from_command_line; "
                      "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
                      **env_overrides)


def test_check_deploy_names_the_missing_stripe_settings():
    result = deploy_check()
    assert result.returncode != 0
    assert "payments.E001" in result.stderr
    assert "STRIPE_SECRET_KEY, STRIPE_PUBLISHABLE_KEY, STRIPE_WEBHOOK_SECRET not set" in result.stderr
    only_the_key = deploy_check(STRIPE_SECRET_KEY="sk_live_gebrak")
    assert "payments.E001" in only_the_key.stderr
    assert "STRIPE_PUBLISHABLE_KEY, STRIPE_WEBHOOK_SECRET not set" in only_the_key.stderr
    configured = deploy_check(**STRIPE_KEYS)
    assert configured.returncode == 0, configured.stdout + configured.stderr


PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from config.security import ContentSecurityPolicyMiddleware
from marketplace.payments import stripe_client, webhooks
from tests.marketplace.payments.stripe_signing import recorded_event, signature_header

body = json.dumps(recorded_event("payment_intent.succeeded")).encode()
forged = RequestFactory().post("/payments/stripe/webhook/", data=body, content_type="application/json",
                               HTTP_STRIPE_SIGNATURE=signature_header(body, stripe_client.EMULATOR_WEBHOOK_SECRET))
try:
    reverse("orders:pay_emulator", kwargs={"token": "a" * 32})
    emulator_view = True
except NoReverseMatch:
    emulator_view = False
try:
    webhook_status = webhooks.stripe_webhook(forged).status_code
except Exception as error:  # it went on to read the event (here, a database with no tables)
    webhook_status = f"processed: {error!r}"
page = ContentSecurityPolicyMiddleware(lambda request: HttpResponse("<p>hi</p>"))(RequestFactory().get("/id/"))
print(json.dumps({
    "mode": stripe_client.payments_mode(), "webhook_status": webhook_status,
    "emulator_view": emulator_view, "csp": page["Content-Security-Policy"],
    "emulator_setting": getattr(settings, "STRIPE_EMULATOR", None), "has_port": hasattr(settings, "STRIPE_EMULATOR_PORT"),
}))
"""


def test_production_without_keys_never_believes_the_emulator():
    result = production(PROBE)
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.splitlines()[-1])
    assert seen["mode"] == "off"
    # An event signed with the emulator's public secret is refused before it is read.
    assert seen["webhook_status"] == 503
    # Neither the emulator's payment view nor its address in the Content-Security-Policy.
    assert seen["emulator_view"] is False
    assert "127.0.0.1" not in seen["csp"] and "8420" not in seen["csp"]
    assert seen["emulator_setting"] is False and seen["has_port"] is False


def test_production_with_keys_is_stripe():
    result = production(PROBE, STRIPE_SECRET_KEY="sk_live_gebrak", STRIPE_PUBLISHABLE_KEY="pk_live_gebrak",
                        STRIPE_WEBHOOK_SECRET="whsec_gebrak")
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.splitlines()[-1])
    assert seen["mode"] == "live"
    assert seen["webhook_status"] == 400  # the emulator's signature is not Stripe's
    assert "https://js.stripe.com" in seen["csp"] and "127.0.0.1" not in seen["csp"]


# --- The site as production runs it without keys --------------------------------------------------

def production_stripe_settings() -> dict:
    """The Stripe settings config.settings.production ends up with when no Stripe variable is set."""
    result = production("import importlib, json; module = importlib.import_module('config.settings.production'); "
                        "print(json.dumps({name: getattr(module, name) for name in dir(module) "
                        "if name.startswith('STRIPE_')}))")
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.splitlines()[-1])


@pytest.fixture(scope="module")
def production_values():
    return production_stripe_settings()


@pytest.fixture
def kain(db):
    return f.product(shop=f.shop(name="Sasirangan Ibu Aminah"), title_id="Kain Gigi Haruan", price_idr=175_000,
                     stock=3)


@pytest.fixture
def to_production(settings, production_values):
    """Call it to give this process's settings the Stripe part exactly as production has it."""

    def switch():
        # The URLconf is built once per process: built now, under the test settings, so that the
        # tests after this one still have the emulator's payment view.
        importlib.import_module(settings.ROOT_URLCONF)
        for name, value in production_values.items():
            setattr(settings, name, value)
        if "STRIPE_EMULATOR_PORT" not in production_values:
            del settings.STRIPE_EMULATOR_PORT

    return switch


@pytest.mark.django_db
def test_a_forged_paid_event_marks_nothing_paid(client, kain, to_production):
    order = f.order_start((kain, 1))  # made while payments worked; the keys were then removed
    to_production()
    event = recorded_event("payment_intent.succeeded")
    event["data"]["object"].update(id="pi_forged", amount=stripe_client.to_minor_units(order.total_idr),
                                   metadata={"order": str(order.pk), "order_number": order.number})
    response = post_event(client, event, stripe_client.EMULATOR_WEBHOOK_SECRET)
    assert response.status_code == 503
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert not StripeEvent.objects.exists() and not PayoutLine.objects.exists()


def checkout_link(response) -> bool:
    return BeautifulSoup(response.content, "html.parser").select_one('a[href$="/checkout/"]') is not None


@pytest.mark.django_db
@pytest.mark.parametrize(("lang", "message"), [
    ("id", "Pembayaran online belum tersedia di situs ini."),
    ("en", "Online payment is not available on this site yet."),
])
def test_the_cart_and_checkout_say_online_payment_is_not_available(client, kain, to_production, lang, message):
    to_production()
    client.post(f"/{lang}/kampung-sasirangan/keranjang/tambah/", {"product": kain.pk, "quantity": 1})
    cart = client.get(f"/{lang}/kampung-sasirangan/keranjang/")
    assert cart.status_code == 200
    assert message in cart.content.decode()
    assert not checkout_link(cart)
    page = client.get(f"/{lang}/kampung-sasirangan/checkout/")
    assert page.status_code == 503 and message in page.content.decode()
    form = client.post(f"/{lang}/kampung-sasirangan/checkout/", {
        "name": "Rina Wulandari", "email": "rina@contoh.id", "phone": "0812-3456-7890", "province": "Jawa Timur",
        "regency": "Kota Surabaya", "district": "Gubeng", "postal_code": "60281", "street": "Jl. Kertajaya No. 12",
        "checkout_key": "k" * 32})
    assert form.status_code == 503 and message in form.content.decode()
    assert not Order.objects.exists()


@pytest.mark.django_db
def test_an_order_from_before_cannot_be_paid_and_no_call_leaves(client, kain, to_production):
    order = f.order_start((kain, 1))
    to_production()
    prepared = client.post(f"/id/kampung-sasirangan/checkout/{order.token}/siapkan/")
    assert prepared.status_code == 503
    assert prepared.json()["error"] == "payments_off"
    pay = client.get(f"/en/kampung-sasirangan/checkout/{order.token}/bayar/", follow=True)
    assert "Online payment is not available on this site yet." in pay.content.decode()
    with pytest.raises(stripe_client.PaymentsOff):
        stripe_client.client()
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT and not order.stripe_payment_intent_id

