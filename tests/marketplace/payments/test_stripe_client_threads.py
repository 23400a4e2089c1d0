"""The Stripe client shared per key (marketplace/payments/stripe_client._client_for) mixes no keys
between threads (issue 12: nothing mutable shared between threads).

Why it is safe (stripe-python 16.1, the installed source): a `StripeClient` keeps its API key in
the `RequestorOptions` it was built with and never changes them; each call builds a new
`_APIRequestor` from them plus that call's own options (`_api_requestor.py`,
`_new_requestor_with_options`); the `RequestsClient` keeps one `requests.Session` per thread
(`_http_client.py`, `self._thread_local.session`; stripe-python PRs #531 and #534). So one client
per (key, address) may serve every thread; a different key is a different client. This test
holds that against a library upgrade or a change of ours (a single client whose key is set per
call would fail it)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from marketplace.payments import stripe_client

KEYS = ("sk_test_toko_satu", "sk_test_toko_dua")


class EchoKey(BaseHTTPRequestHandler):
    """Answers any GET with a PaymentIntent whose metadata names the key the request carried."""

    def do_GET(self):  # noqa: N802 - http.server's name
        key = self.headers.get("Authorization", "").removeprefix("Bearer ")
        body = json.dumps({"id": "pi_echo", "object": "payment_intent", "metadata": {"key": key}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def echo_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), EchoKey)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_eight_threads_with_two_keys_each_get_their_own_key(echo_server):
    barrier = threading.Barrier(8)
    wrong: list[tuple[str, str]] = []
    clients: dict[str, set[int]] = {key: set() for key in KEYS}
    lock = threading.Lock()

    def buyer(key: str) -> None:
        barrier.wait()
        for _call in range(15):
            client = stripe_client._client_for(key, echo_server)
            seen = client.v1.payment_intents.retrieve("pi_echo").metadata["key"]
            with lock:
                clients[key].add(id(client))
                if seen != key:
                    wrong.append((key, seen))

    threads = [threading.Thread(target=buyer, args=(KEYS[number % 2],)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert wrong == [], f"{len(wrong)} calls went out with another thread's key"
    # One client per key, shared by that key's threads; the two keys never share one.
    assert all(len(ids) == 1 for ids in clients.values()) and clients[KEYS[0]] != clients[KEYS[1]]
