"""Start the development site (what `make run` ends with) and say where it is."""

import argparse
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Kept in step with marketplace/payments/stripe_client.py (EMULATOR_WEBHOOK_SECRET);
# this script runs before Django is set up, so it cannot import it.
EMULATOR_WEBHOOK_SECRET = "whsec_localstripe_development"


def start_stripe_emulator(site_base: str) -> subprocess.Popen | None:
    """Start localstripe and register the site's webhook with it, unless a real Stripe key is set."""
    if os.environ.get("STRIPE_SECRET_KEY"):
        return None
    port = int(os.environ.get("STRIPE_EMULATOR_PORT", "8420"))
    process = None
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.3).close()
        print(f"  Stripe emulator already running on port {port}")
    except OSError:
        log = open(ROOT / "var" / "localstripe.log", "ab")
        process = subprocess.Popen([str(Path(sys.executable).with_name("localstripe")), "--port", str(port)],
                                   stdout=log, stderr=subprocess.STDOUT)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.3).close()
                break
            except OSError:
                time.sleep(0.1)
    data = urllib.parse.urlencode({"url": f"{site_base}/payments/stripe/webhook/",
                                   "secret": EMULATOR_WEBHOOK_SECRET}).encode()
    urllib.request.urlopen(f"http://127.0.0.1:{port}/_config/webhooks/gebrak", data=data, timeout=5)
    print(f"  Stripe emulator (localstripe) on http://127.0.0.1:{port}: pay with 4242 4242 4242 4242; "
          "4000 0000 0000 0341 is declined")
    return process


def publish_scheduled_every_minute(env: dict, stop: threading.Event) -> None:
    """What cron does in production: make scheduled pages go live (and expire) on time."""
    while not stop.wait(60):
        subprocess.run([sys.executable, str(ROOT / "manage.py"), "publish_scheduled"], env=env, cwd=ROOT,
                       stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, check=False)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="8000")
    args = parser.parse_args()
    base = f"http://{args.host}:{args.port}"
    print(
        "\n"
        f"  Gebrak Banjar is starting at {base}/\n"
        f"    Site (Indonesian):  {base}/id/\n"
        f"    Site (English):     {base}/en/\n"
        f"    Editors' admin:     {base}/admin/   (admin is the superuser: users, groups, workflows)\n"
        f"    Artisans' shops:    {base}/toko/masuk/\n"
        f"    Health:             {base}/healthz\n"
        "  The demo logins are listed just above (\"Demo logins\"), on every start.\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.dev")}
    (ROOT / "var").mkdir(exist_ok=True)
    emulator = start_stripe_emulator(base)
    stop = threading.Event()
    threading.Thread(target=publish_scheduled_every_minute, args=(env, stop), daemon=True).start()
    command = [sys.executable, str(ROOT / "manage.py"), "runserver", f"{args.host}:{args.port}"]
    try:
        return subprocess.call(command, env=env, cwd=ROOT)
    except KeyboardInterrupt:
        return 0
    finally:
        stop.set()
        if emulator is not None:
            emulator.terminate()


if __name__ == "__main__":
    raise SystemExit(main())
