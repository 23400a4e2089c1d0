"""Sign webhook payloads the way Stripe does (HMAC-SHA256 over "<t>.<body>"), computed here
rather than through any SDK helper, so the tests check the real verification."""

import hashlib
import hmac
import json
import time
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "stripe"


def recorded_event(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def signature_header(body: bytes, secret: str, *, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def post_event(client, event: dict, secret: str, **kwargs):
    body = json.dumps(event).encode()
    header = kwargs.pop("header", None) or signature_header(body, secret, **kwargs)
    return client.post("/payments/stripe/webhook/", data=body, content_type="application/json",
                       HTTP_STRIPE_SIGNATURE=header)
