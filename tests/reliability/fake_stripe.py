"""A tiny Stripe on loopback that can misbehave: answer, hang, or fail with 500.

Enough of Stripe's PaymentIntents API for the order flow (create with an
Idempotency-Key, retrieve, cancel) and of its Connect transfers (create; a destination
named acct_missing... is refused as Stripe refuses an unknown account), with
Stripe's idempotency rule: the same key
returns the same PaymentIntent, so the tests can count how many Stripe really
made. `mode` is read per request: "ok", "hang" (accept, read, never answer in
time) or "error500" (make the PaymentIntent, then answer 500 as if it broke on
the way back, the worst case).
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


class FakeStripe:
    def __init__(self, *, hang_seconds: float = 5.0):
        self.mode = "ok"
        self.hang_seconds = hang_seconds
        self.intents: dict[str, dict] = {}
        self.transfers: dict[str, dict] = {}
        self.by_key: dict[str, str] = {}
        self.requests: list[tuple[str, str, str]] = []  # (method, path, idempotency key)
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                fake._handle(self, "GET")

            def do_POST(self):
                fake._handle(self, "POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self):
        self.mode = "ok"
        self.server.shutdown()
        self.server.server_close()

    # --- What Stripe's side knows ---------------------------------------------------------------
    def pay(self, intent_id: str) -> None:
        """The buyer's card went through at Stripe (whatever the site heard of it)."""
        self.intents[intent_id]["status"] = "succeeded"
        self.intents[intent_id]["amount_received"] = self.intents[intent_id]["amount"]

    def create_requests(self) -> list[str]:
        return [key for method, path, key in self.requests if method == "POST" and path == "/v1/payment_intents"]

    # --- Serving ----------------------------------------------------------------------------------
    def _handle(self, handler, method):
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length).decode() if length else ""
        key = handler.headers.get("Idempotency-Key", "")
        path = handler.path.split("?")[0]
        with self.lock:
            self.requests.append((method, path, key))
        mode = self.mode
        if mode == "hang":
            time.sleep(self.hang_seconds)
            return  # the client has long given up; close without an answer
        status, payload = self._answer(method, path, body, key)
        if mode == "error500":
            status, payload = 500, {"error": {"type": "api_error", "message": "An unknown error occurred"}}
        data = json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.send_header("Request-Id", f"req_{secrets.token_hex(6)}")
        handler.end_headers()
        handler.wfile.write(data)

    def _answer(self, method, path, body, key):
        form = {name: values[-1] for name, values in parse_qs(body).items()}
        with self.lock:
            if method == "POST" and path == "/v1/payment_intents":
                if key and key in self.by_key:
                    return 200, self.intents[self.by_key[key]]
                intent_id = f"pi_fake_{secrets.token_hex(6)}"
                intent = {
                    "id": intent_id, "object": "payment_intent", "amount": int(form.get("amount", 0)),
                    "amount_received": 0, "currency": form.get("currency", "idr"),
                    "status": "requires_payment_method", "client_secret": f"{intent_id}_secret_{secrets.token_hex(4)}",
                    "metadata": {name[9:-1]: value for name, value in form.items() if name.startswith("metadata[")},
                    "last_payment_error": None, "livemode": False,
                }
                self.intents[intent_id] = intent
                if key:
                    self.by_key[key] = intent_id
                return 200, intent
            if method == "POST" and path == "/v1/transfers":
                return self._transfer(form, key)
            parts = path.strip("/").split("/")
            if len(parts) >= 3 and parts[:2] == ["v1", "payment_intents"] and parts[2] in self.intents:
                intent = self.intents[parts[2]]
                if method == "POST" and parts[3:] == ["cancel"]:
                    intent["status"] = "canceled"
                return 200, intent
        if len(parts) >= 3 and parts[:2] == ["v1", "payment_intents"]:  # as Stripe says it
            return 404, {"error": {"code": "resource_missing", "param": "intent", "type": "invalid_request_error",
                                   "message": f"No such payment_intent: '{parts[2]}'",
                                   "doc_url": "https://stripe.com/docs/error-codes/resource-missing"}}
        return 404, {"error": {"type": "invalid_request_error", "message": f"No such resource: {path}"}}

    def _transfer(self, form, key):
        if form.get("destination", "").startswith("acct_missing"):
            return 400, {"error": {"code": "resource_missing", "param": "destination", "type": "invalid_request_error",
                                   "message": f"No such destination: '{form['destination']}'"}}
        if key and key in self.by_key:
            return 200, self.transfers[self.by_key[key]]
        transfer = {"id": f"tr_fake_{secrets.token_hex(6)}", "object": "transfer", "amount": int(form.get("amount", 0)),
                    "currency": form.get("currency", "idr"), "destination": form.get("destination")}
        self.transfers[transfer["id"]] = transfer
        if key:
            self.by_key[key] = transfer["id"]
        return 200, transfer
