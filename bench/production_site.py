"""A production-like Gebrak for the browser measurements (bench/lighthouse.py, bench/page_weight.py).

The simplest server that behaves as production does for a browser: gunicorn with
config.settings.production (DEBUG off, whitenoise serving the collected static files
with hashed names, compressed, cached for a year), the page cache on, the demo content
(whose images get every rendition at publish) with its uploads served as a static server
or CDN would (bench/production_wsgi.py), and no TLS (loopback; a proxy terminates
it in production, so SECURE_SSL_REDIRECT is off). It lives in var/browser-bench/,
apart from `make bench`'s var/bench/, so both can run without touching each other.

    with production_site.running(reuse=False) as base_url: ...
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "browser-bench"
PYTHON = sys.executable
# The pages the issue names, as the demo has them.
PAGES = {
    "home": "/id/",
    "destination": "/id/destinasi/pasar-terapung-lok-baintan/",
    "product": "/id/kampung-sasirangan/produk/kain-sasirangan-gigi-haruan-merah-kuning/",
}


def environment() -> dict:
    env = {key: value for key, value in os.environ.items()
           if key not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "DATABASE_URL", "ELASTICSEARCH_URL"}}
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"sqlite:///{WORK / 'db.sqlite3'}",
        "MEDIA_ROOT": str(WORK / "media"),
        "PAGE_CACHE_SECONDS": "300",
        "PAGE_CACHE_DIR": str(WORK / "page-cache"),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    })
    return env


def _run(command: list[str], env: dict) -> None:
    print("$", " ".join(command[1:] if command[0] == PYTHON else command), flush=True)
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def prepare(env: dict) -> None:
    """A fresh database with the demo."""
    if WORK.exists():
        shutil.rmtree(WORK)
    (WORK / "media").mkdir(parents=True)
    started = time.monotonic()
    _run([PYTHON, "manage.py", "migrate", "--no-input", "-v0"], env)
    _run([PYTHON, "manage.py", "load_demo", "--allow-without-debug"], env)
    # The renditions (and whatever else the load enqueued) are the worker's: run it until the queue is empty.
    _run([PYTHON, "manage.py", "tasks_worker", "--batch", "--no-schedule", "--no-reload", "--no-startup-delay"], env)
    (WORK / "prepared").write_text("ok")
    print(f"production-like site prepared in {time.monotonic() - started:.0f} s", flush=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running(*, reuse: bool = False):
    """Yield the base URL of gunicorn serving the prepared site; stop it afterwards."""
    env = environment()
    if not (reuse and (WORK / "prepared").exists()):
        prepare(env)
    # Always: the measurement is of the static files as they are now (hashed, compressed).
    _run([PYTHON, "manage.py", "collectstatic", "--no-input", "-v0"], env)
    shutil.rmtree(WORK / "page-cache", ignore_errors=True)  # every measurement starts uncached
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(WORK / "gunicorn.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "production_wsgi:application", "--pythonpath", str(ROOT / "bench"),
         "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--worker-class", "gthread", "--threads", "4", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise SystemExit(f"gunicorn stopped; see {log.name}")
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit(f"gunicorn did not answer in 60 s; see {log.name}") from None
                time.sleep(0.3)
        yield base
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        log.close()
