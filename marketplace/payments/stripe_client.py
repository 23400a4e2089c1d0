"""The one module that talks to Stripe, or to the local emulator that speaks its API.

Everything else calls the functions here, with whole rupiah; the conversion to
Stripe's minor units happens here and nowhere else (IDR is a two-decimal
currency at Stripe: Rp 175.000 is sent as 17500000).

Stripe needs STRIPE_SECRET_KEY, STRIPE_PUBLISHABLE_KEY and STRIPE_WEBHOOK_SECRET. Without
them, where the settings allow it (STRIPE_EMULATOR: dev and test, never production), the
client talks to localstripe (the emulator that `make run` starts on STRIPE_EMULATOR_PORT);
anywhere else payments are "off": no call leaves, no webhook is believed, checkout says so.
STRIPE_API_BASE points the client anywhere else (an emulator in development and tests).
"""

from __future__ import annotations

import json
import logging
import threading
from functools import cache
from urllib.parse import urlsplit

import stripe
from django.conf import settings

logger = logging.getLogger(__name__)

# The API version the code was written and tested against; pinned so that a change
# at Stripe never changes the shape of what we read.
API_VERSION = "2026-10-28.endive"
# Sized so that a Stripe that hangs costs a buyer's request about 9 s at most (two tries of 4 s
# plus the client's half-second backoff) and then the designed 503 page, well inside the
# server's timeout (gunicorn.conf.py); work in the task queue is tried again later anyway.
# Connecting gets less: a host that does not answer at all is known in 2 s.
CONNECT_TIMEOUT_SECONDS = 2
TIMEOUT_SECONDS = 4
NETWORK_RETRIES = 1
CURRENCY = "idr"
# Stripe allows up to 12 digits for IDR amounts in minor units.
MAX_AMOUNT_MINOR = 999_999_999_999
EMULATOR_SECRET_KEY = "sk_test_localstripe"
EMULATOR_PUBLISHABLE_KEY = "pk_test_localstripe"
EMULATOR_WEBHOOK_SECRET = "whsec_localstripe_development"

StripeError = stripe.StripeError
CardError = stripe.CardError
SignatureVerificationError = stripe.SignatureVerificationError


# What Stripe needs from the environment; all three, or payments are off.
REQUIRED_SETTINGS = ("STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET")


class AmountTooLarge(ValueError):
    pass


class PaymentsOff(StripeError):
    """Payments are switched off (no Stripe keys and no emulator allowed): nothing is sent."""


class PaymentIntentNotFound(stripe.InvalidRequestError):
    """Stripe answered that it has no such PaymentIntent (404, `resource_missing`): it was never
    made with these keys, or the emulator lost it. Unlike an outage, asking again will not help."""


def missing_settings() -> list[str]:
    """The Stripe settings that are not set, of the three Stripe needs."""
    return [name for name in REQUIRED_SETTINGS if not getattr(settings, name, "")]


def payments_mode() -> str:
    """`live` or `test` with Stripe's keys; `emulator` where the settings allow it and no key
    is set (or STRIPE_API_BASE points elsewhere); else `off`."""
    key = settings.STRIPE_SECRET_KEY
    if settings.STRIPE_EMULATOR and (not key or settings.STRIPE_API_BASE):
        return "emulator"
    if missing_settings():
        return "off"
    return "live" if key.startswith(("sk_live", "rk_live")) else "test"


def payments_enabled() -> bool:
    return payments_mode() != "off"


def payments_status() -> dict:
    """For /healthz. Not probed: Stripe being slow must not make the health check slow."""
    mode = payments_mode()
    return {"mode": mode, "status": "not_configured" if mode == "off" else "ok"}


def api_base() -> str:
    if settings.STRIPE_API_BASE:
        return settings.STRIPE_API_BASE.rstrip("/")
    if payments_mode() == "emulator":
        return f"http://127.0.0.1:{settings.STRIPE_EMULATOR_PORT}"
    return stripe.DEFAULT_API_BASE


def csp_sources() -> dict[str, list[str]]:
    """The origins the payment form needs in the Content-Security-Policy (config/security.py).

    With a real Stripe key these are js.stripe.com (the script and its card frames) and
    api.stripe.com; with the emulator, the emulator's own address, which serves a stand-in
    Stripe.js.
    """
    if payments_mode() == "emulator":
        parts = urlsplit(api_base())
        emulator = [f"{parts.scheme}://{parts.netloc}"] if parts.scheme and parts.netloc else []
        return {"script-src": emulator, "frame-src": emulator, "connect-src": emulator}
    return {"script-src": ["https://js.stripe.com"],
            "frame-src": ["https://js.stripe.com", "https://hooks.stripe.com"],
            "connect-src": ["https://api.stripe.com"]}


def publishable_key() -> str:
    if payments_mode() == "emulator":
        return settings.STRIPE_PUBLISHABLE_KEY or EMULATOR_PUBLISHABLE_KEY
    return settings.STRIPE_PUBLISHABLE_KEY


def stripe_js_url() -> str:
    """Stripe.js, or the emulator's stand-in for it."""
    if payments_mode() == "emulator":
        return f"{api_base()}/js.stripe.com/v3/"
    return "https://js.stripe.com/v3/"


def webhook_secret() -> str:
    mode = payments_mode()
    if mode == "off":
        return ""
    return settings.STRIPE_WEBHOOK_SECRET or (EMULATOR_WEBHOOK_SECRET if mode == "emulator" else "")


# One client per (key, address), shared by every thread: a StripeClient never changes the key and
# options it was built with (each call makes its own requestor from them), and its RequestsClient
# keeps one requests.Session per thread (stripe-python 16: _api_requestor.py
# `_new_requestor_with_options`, _http_client.py `_thread_local.session`).
# tests/marketplace/payments/test_stripe_client_threads.py: 8 threads, two keys.
_CLIENT_LOCK = threading.Lock()


def _client_for(api_key: str, base: str) -> stripe.StripeClient:
    # Under a lock: threads that meet an empty cache together would each build a client.
    with _CLIENT_LOCK:
        return _client_made(api_key, base)


@cache
def _client_made(api_key: str, base: str) -> stripe.StripeClient:
    return stripe.StripeClient(
        api_key,
        stripe_version=API_VERSION,
        base_addresses={"api": base, "connect": base, "files": base},
        max_network_retries=NETWORK_RETRIES,
        http_client=stripe.RequestsClient(timeout=(CONNECT_TIMEOUT_SECONDS, TIMEOUT_SECONDS)),
    )


_client_for.cache_clear = _client_made.cache_clear  # forget the clients (tests change the address)


def client() -> stripe.StripeClient:
    mode = payments_mode()
    if mode == "off":
        raise PaymentsOff(f"payments are off: {', '.join(missing_settings())} not set")
    key = settings.STRIPE_SECRET_KEY or (EMULATOR_SECRET_KEY if mode == "emulator" else "")
    return _client_for(key, api_base())


def _raise_if_not_found(error: stripe.InvalidRequestError) -> None:
    # Stripe says `resource_missing` with its 404; localstripe answers a bare 404.
    if error.http_status == 404 or error.code == "resource_missing":
        raise PaymentIntentNotFound(*error.args) from error


def to_minor_units(amount_idr: int) -> int:
    """Whole rupiah to what Stripe expects for IDR (two decimals)."""
    if isinstance(amount_idr, bool) or not isinstance(amount_idr, int) or amount_idr < 0:
        raise ValueError(f"amount must be whole rupiah >= 0, got {amount_idr!r}")
    minor = amount_idr * 100
    if minor > MAX_AMOUNT_MINOR:
        raise AmountTooLarge(f"Rp {amount_idr} is more than Stripe accepts in one IDR payment")
    return minor


def from_minor_units(amount_minor: int) -> int:
    """Stripe's IDR minor units back to whole rupiah (Stripe only ever gives us whole ones)."""
    return int(amount_minor) // 100


# --- PaymentIntents ---------------------------------------------------------------------------

# The ways to pay, as Stripe names their PaymentMethod types. Cards are confirmed by Stripe.js in the
# buyer's browser; QRIS (a QR code any Indonesian bank or e-wallet app pays) and GoPay (a redirect
# to the GoPay app) are confirmed here, server-side, as Stripe's "Direct API" integration does.
PAYMENT_METHODS = ("card", "qris", "gopay")
SERVER_CONFIRMED_METHODS = ("qris", "gopay")


def payment_intent_params(*, amount_idr: int, metadata: dict, method: str = "card") -> dict:
    """What a new PaymentIntent for `method` is created with (checked against stripe-mock in CI)."""
    if method not in PAYMENT_METHODS:
        raise ValueError(f"unknown payment method {method!r}")
    # QRIS and GoPay by the name the pinned API and stripe-python 16 give the list (stripe-mock checks
    # its values against Stripe's own list of types); cards, and anything sent to localstripe (which
    # knows no other), by the older `payment_method_types` that both still accept.
    types_param = ("allowed_payment_method_types"
                   if method in SERVER_CONFIRMED_METHODS and payments_mode() != "emulator" else "payment_method_types")
    return {
        "amount": to_minor_units(amount_idr),
        "currency": CURRENCY,
        types_param: [method],
        "metadata": {**{key: str(value) for key, value in metadata.items()}, "payment_method": method},
    }


def payment_intent_create(*, amount_idr: int, metadata: dict, idempotency_key: str,
                          receipt_email: str = "", method: str = "card") -> stripe.PaymentIntent:
    """A PaymentIntent for a whole order, to be paid by `method`. The idempotency key makes a retry or
    a double click return the same PaymentIntent at Stripe (the emulator ignores it, so callers also
    keep the id and reuse it)."""
    params = payment_intent_params(amount_idr=amount_idr, metadata=metadata, method=method)
    return client().v1.payment_intents.create(params=params, options={"idempotency_key": idempotency_key})


def payment_intent_confirm_params(*, method: str, return_url: str) -> dict:
    """Confirming a QRIS or GoPay PaymentIntent on the server: Stripe makes the PaymentMethod from
    `payment_method_data` and answers with the next action (the QR code to show, or the GoPay page
    to send the buyer to, who comes back to `return_url`)."""
    if method not in SERVER_CONFIRMED_METHODS:
        raise ValueError(f"{method!r} is not confirmed on the server")
    return {"payment_method_data": {"type": method}, "return_url": return_url}


def payment_intent_confirm_method(*, payment_intent_id: str, method: str, return_url: str,
                                  idempotency_key: str) -> stripe.PaymentIntent:
    """Confirm a QRIS or GoPay PaymentIntent; with the emulator (which knows only cards) nothing is
    sent and the PaymentIntent is returned as it is: the site draws the emulated QR code itself."""
    if payments_mode() == "emulator":
        return payment_intent_retrieve(payment_intent_id)
    return client().v1.payment_intents.confirm(
        payment_intent_id, params=payment_intent_confirm_params(method=method, return_url=return_url),
        options={"idempotency_key": idempotency_key})


def emulator_payment_intent_succeed(payment_intent_id: str) -> stripe.PaymentIntent:
    """The emulator's "simulate the scan": the PaymentIntent is paid with the test card, and
    localstripe sends the same `payment_intent.succeeded` webhook a real QRIS or GoPay payment does.
    Only ever with the emulator."""
    if payments_mode() != "emulator":
        raise PaymentsOff("simulating a payment exists only with the emulator")
    method = client().v1.payment_methods.create(params={
        "type": "card", "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2031, "cvc": "123"}})
    return payment_intent_confirm_with(payment_intent_id=payment_intent_id, payment_method_id=method.id)


def payment_intent_retrieve(payment_intent_id: str) -> stripe.PaymentIntent:
    """Raises PaymentIntentNotFound when Stripe has no such PaymentIntent, other StripeErrors
    (APIConnectionError, APIError...) when Stripe could not be asked."""
    try:
        return client().v1.payment_intents.retrieve(payment_intent_id)
    except stripe.InvalidRequestError as error:
        _raise_if_not_found(error)
        raise


def payment_intent_cancel(payment_intent_id: str) -> stripe.PaymentIntent:
    """Raises PaymentIntentNotFound as payment_intent_retrieve does."""
    try:
        return client().v1.payment_intents.cancel(payment_intent_id)
    except stripe.InvalidRequestError as error:
        _raise_if_not_found(error)
        raise


def payment_intent_confirm_with(*, payment_intent_id: str, payment_method_id: str) -> stripe.PaymentIntent:
    """Attach a card and confirm, server-side. Only for the emulator, whose Stripe.js stand-in cannot
    confirm a card itself (and which refuses `confirm` given a payment method: hence update, then
    confirm). Raises CardError when the card is declined."""
    api = client().v1.payment_intents
    api.update(payment_intent_id, params={"payment_method": payment_method_id})
    return api.confirm(payment_intent_id)


def payment_method_from_token(token_id: str) -> str:
    """The card behind a card token made by the emulator's Stripe.js (`stripe.createToken`)."""
    if not isinstance(token_id, str) or not token_id.startswith("tok_"):
        raise stripe.InvalidRequestError("not a card token", "token", http_status=400)
    return client().v1.tokens.retrieve(token_id).card.id


def refund_create(*, payment_intent_id: str, amount_idr: int, idempotency_key: str,
                  metadata: dict | None = None) -> stripe.Refund:
    params = {"payment_intent": payment_intent_id, "amount": to_minor_units(amount_idr)}
    if metadata:
        params["metadata"] = {key: str(value) for key, value in metadata.items()}
    return client().v1.refunds.create(params=params, options={"idempotency_key": idempotency_key})


# --- Connect (only where STRIPE_CONNECT_ENABLED; the emulator has no Connect) ------------------

def connect_account_create(*, email: str, idempotency_key: str) -> stripe.Account:
    params = {
        "type": "express",
        "country": "ID",
        "email": email,
        "capabilities": {"transfers": {"requested": True}},
        "business_type": "individual",
    }
    return client().v1.accounts.create(params=params, options={"idempotency_key": idempotency_key})


def connect_account_retrieve(account_id: str) -> stripe.Account:
    return client().v1.accounts.retrieve(account_id)


def connect_account_link_create(*, account_id: str, refresh_url: str, return_url: str) -> stripe.AccountLink:
    return client().v1.account_links.create(params={
        "account": account_id, "refresh_url": refresh_url, "return_url": return_url,
        "type": "account_onboarding",
    })


def connect_transfer_create(*, account_id: str, amount_idr: int, idempotency_key: str,
                            metadata: dict | None = None) -> stripe.Transfer:
    params = {"amount": to_minor_units(amount_idr), "currency": CURRENCY, "destination": account_id}
    if metadata:
        params["metadata"] = {key: str(value) for key, value in metadata.items()}
    return client().v1.transfers.create(params=params, options={"idempotency_key": idempotency_key})


# --- Webhooks -------------------------------------------------------------------------------

def webhook_event_verify(*, payload: bytes, signature_header: str):
    """The body parsed as plain JSON, when the signature over the raw body is right (and at most
    Stripe's five minutes old); else SignatureVerificationError, or ValueError for a body that is
    not JSON in UTF-8. Whether it has the shape of an event is the caller's to check."""
    secret = webhook_secret()
    if not secret:
        raise SignatureVerificationError("no webhook secret configured", signature_header)
    stripe.WebhookSignature.verify_header(payload, signature_header, secret, stripe.Webhook.DEFAULT_TOLERANCE)
    try:
        return json.loads(payload)
    except RecursionError as error:
        raise ValueError("JSON nested too deeply") from error
