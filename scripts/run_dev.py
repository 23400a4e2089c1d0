"""Start the development site (what `make run` ends with) and say where it is."""

import argparse
import os
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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
        f"    Editors' admin:     {base}/admin/   login: editor / gebrak-banjar\n"
        f"    Moderator:          moderator / gebrak-banjar\n"
        f"    Health:             {base}/healthz\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.dev")}
    stop = threading.Event()
    threading.Thread(target=publish_scheduled_every_minute, args=(env, stop), daemon=True).start()
    command = [sys.executable, str(ROOT / "manage.py"), "runserver", f"{args.host}:{args.port}"]
    try:
        return subprocess.call(command, env=env, cwd=ROOT)
    except KeyboardInterrupt:
        return 0
    finally:
        stop.set()


if __name__ == "__main__":
    raise SystemExit(main())
