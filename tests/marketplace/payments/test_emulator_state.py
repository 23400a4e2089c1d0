"""What the Stripe emulator of `make run` made survives a killed site (issue 13, finding 9).

localstripe kept its state in /tmp/localstripe.pickle, one file shared by every localstripe on the
machine: the test suite's own (which starts from scratch) overwrote a developer's PaymentIntents.
scripts/run_dev.py now starts it through scripts/stripe_emulator.py with the state in
var/localstripe/ (here a folder of the test's own), and reuses one left running.
"""

import importlib.util
import os
import signal
import socket
import time
from pathlib import Path

import pytest
import requests

from marketplace.payments import stripe_client

ROOT = Path(__file__).resolve().parents[3]


def run_dev():
    spec = importlib.util.spec_from_file_location("run_dev", ROOT / "scripts" / "run_dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def payment_intent_create(base: str) -> dict:
    response = requests.post(f"{base}/v1/payment_intents", auth=(stripe_client.EMULATOR_SECRET_KEY, ""), timeout=10,
                             data={"amount": 17_500_000, "currency": "idr", "metadata[order]": "7"})
    response.raise_for_status()
    return response.json()


def payment_intent_get(base: str, intent_id: str) -> requests.Response:
    return requests.get(f"{base}/v1/payment_intents/{intent_id}", auth=(stripe_client.EMULATOR_SECRET_KEY, ""),
                        timeout=10)


@pytest.fixture
def emulators():
    started = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def test_payment_intents_survive_a_killed_emulator(tmp_path, emulators, localstripe_server):
    script = run_dev()
    assert script.EMULATOR_STATE == ROOT / "var" / "localstripe"  # git-ignored: .gitignore has /var/
    port, state = free_port(), tmp_path / "localstripe"
    base = f"http://127.0.0.1:{port}"
    emulators.append(script.emulator_start(port=port, state_dir=state))
    intent = payment_intent_create(base)

    emulators[0].send_signal(signal.SIGKILL)  # `make run` killed, the emulator with it
    emulators[0].wait(timeout=10)
    # Meanwhile another localstripe (the test suite's, from scratch) writes its own state.
    payment_intent_create(localstripe_server)

    emulators.append(script.emulator_start(port=port, state_dir=state))
    again = payment_intent_get(base, intent["id"])
    assert again.status_code == 200, again.text
    assert (again.json()["amount"], again.json()["metadata"]) == (17_500_000, {"order": "7"})
    assert (state / "state.pickle").exists()


def test_a_running_emulator_is_reused_not_doubled(tmp_path, emulators, monkeypatch):
    monkeypatch.delenv("STRIPE_SECRET_KEY", raising=False)
    script = run_dev()
    port, state = free_port(), tmp_path / "localstripe"
    base = f"http://127.0.0.1:{port}"
    first = script.start_stripe_emulator("http://127.0.0.1:9", port=port, state_dir=state)
    emulators.append(first.process)
    intent = payment_intent_create(base)
    # `make run` killed (so it could not stop the emulator), then started again:
    second = script.start_stripe_emulator("http://127.0.0.1:9", port=port, state_dir=state)
    assert second.process is None and second.left_over_pid == first.process.pid
    assert payment_intent_get(base, intent["id"]).status_code == 200
    second.stop()  # this run ends normally and stops the one it took over
    first.process.wait(timeout=10)


def assert_not_running(pid: int) -> None:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return
    os.kill(pid, signal.SIGKILL)  # not left running after this test either
    pytest.fail(f"the emulator (pid {pid}) was left running")


def test_an_emulator_stopped_while_it_starts_is_not_left_running(tmp_path, monkeypatch):
    """A Ctrl-C or a kill in the moment the emulator takes to listen: `make run` has nothing to stop
    yet, so the start-up stops it (it was left running, and every later run took it over)."""
    script = run_dev()
    port, state = free_port(), tmp_path / "localstripe"

    def interrupted(port):
        raise KeyboardInterrupt

    monkeypatch.setattr(script, "_listening", interrupted)
    with pytest.raises(KeyboardInterrupt):
        script.emulator_start(port=port, state_dir=state)
    assert_not_running(int((state / "pid").read_text()))


def test_an_emulator_stopped_while_its_webhook_is_registered_is_not_left_running(tmp_path, monkeypatch):
    monkeypatch.delenv("STRIPE_SECRET_KEY", raising=False)
    script = run_dev()
    port, state = free_port(), tmp_path / "localstripe"

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(script.urllib.request, "urlopen", interrupted)
    with pytest.raises(KeyboardInterrupt):
        script.start_stripe_emulator("http://127.0.0.1:9", port=port, state_dir=state)
    assert_not_running(int((state / "pid").read_text()))


def test_two_sites_sharing_one_emulator_each_hear_their_payments(tmp_path, emulators, monkeypatch, settings):
    """Two checkouts run side by side (`make run` in each) share the emulator on its port. Under one
    webhook name the second site took the first one's events, and its orders waited for the
    reconciliation."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from tests.marketplace.orders.emulator import CARD_OK, card_token

    monkeypatch.delenv("STRIPE_SECRET_KEY", raising=False)
    heard = {}

    def site():
        class Webhook(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                heard.setdefault(self.server.server_port, []).append(json.loads(body)["type"])
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Webhook)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server

    first, second = site(), site()
    script = run_dev()
    port, state = free_port(), tmp_path / "localstripe"
    base = f"http://127.0.0.1:{port}"
    try:
        started = script.start_stripe_emulator(f"http://127.0.0.1:{first.server_port}", port=port, state_dir=state)
        emulators.append(started.process)
        script.start_stripe_emulator(f"http://127.0.0.1:{second.server_port}", port=port, state_dir=state)
        intent = payment_intent_create(base)
        settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE = "", base  # as tests/conftest.stripe_emulator
        card = stripe_client.payment_method_from_token(card_token(base, CARD_OK))
        confirmed = stripe_client.payment_intent_confirm_with(payment_intent_id=intent["id"], payment_method_id=card)
        assert confirmed.status == "succeeded"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not all(
                "payment_intent.succeeded" in heard.get(server.server_port, []) for server in (first, second)):
            time.sleep(0.1)
        assert all("payment_intent.succeeded" in heard.get(server.server_port, []) for server in (first, second)), heard
    finally:
        first.shutdown()
        second.shutdown()
