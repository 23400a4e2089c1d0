"""What a deploy does first must work, with production's own settings (config.settings.production,
loaded in a separate process as gunicorn would, never imitated with override_settings): collect the
static files with production's storage (whitenoise's manifest, which refuses a file that references
a missing one, as leaflet.js's source map once did), serve them with their hashed names, and
answer HTTPS with HSTS and plain HTTP with a redirect to HTTPS."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOST = "gebrak.banjarkab.go.id"

# Requests go through the whole middleware stack with Django's test client; a static file needs
# no database, so nothing here touches one.
SCRIPT = """
import json
import os
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client
call_command("collectstatic", interactive=False, verbosity=0)
css = static("css/site.css")
client = Client(HTTP_HOST=os.environ["ALLOWED_HOSTS"])
https = client.get(css, HTTP_X_FORWARDED_PROTO="https")
plain = client.get(css)
# A load balancer's or a monitor's health check over plain HTTP, which cannot follow a redirect to HTTPS.
health = client.get("/healthz")
print(json.dumps({
    "leaflet": static("vendor/leaflet/leaflet.js"),
    "css": css,
    "settings": {name: getattr(settings, name) for name in (
        "DEBUG", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
        "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE")},
    "https": {"status": https.status_code, "hsts": https.get("Strict-Transport-Security"),
              "nosniff": https.get("X-Content-Type-Options")},
    "plain": {"status": plain.status_code, "location": plain.get("Location"),
              "hsts": plain.get("Strict-Transport-Security")},
    "health": {"status": health.status_code, "body": health.json() if health.status_code != 301 else None},
}))
"""

# What the operator's shell might have set that would change what production's settings read.
NOT_INHERITED = {"DEBUG", "DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS", "SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT"}


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """One production process: collects the static files into a folder of its own, then serves."""
    folder = tmp_path_factory.mktemp("deploy")
    env = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
    # Production's settings, collecting into the test's folder.
    (folder / "deploy_settings.py").write_text(
        f"from config.settings.production import *  # noqa\nSTATIC_ROOT = {str(folder / 'static')!r}\n")
    env.update({"DJANGO_SETTINGS_MODULE": "deploy_settings", "SECRET_KEY": "k3y-" + "a1b2c3d4e5" * 6,
                "ALLOWED_HOSTS": HOST, "PYTHONPATH": f"{folder}{os.pathsep}{ROOT}",
                # The health check's one query (SELECT 1) goes to a database file of the test's own.
                "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}"})
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    report["static_root"] = folder / "static"
    return report


def test_static_files_collect_with_the_production_storage(production):
    leaflet, css = production["leaflet"], production["css"]
    # Hashed names, so a CDN may cache them for ever; compressed copies beside them.
    assert leaflet.startswith("/static/vendor/leaflet/leaflet.") and leaflet.endswith(".js") and leaflet.count(".") >= 2
    assert css != "/static/css/site.css"
    assert (production["static_root"] / css.removeprefix("/static/")).exists()
    assert (production["static_root"] / (css.removeprefix("/static/") + ".gz")).exists()


def test_production_answers_https_with_hsts_and_redirects_plain_http(production):
    settings = production["settings"]
    assert settings["DEBUG"] is False
    # A year, subdomains and preload: what hstspreload.org asks before listing the domain.
    assert settings["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert settings["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True and settings["SECURE_HSTS_PRELOAD"] is True
    assert settings["SECURE_SSL_REDIRECT"] is True
    assert settings["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert settings["SESSION_COOKIE_SECURE"] is True and settings["CSRF_COOKIE_SECURE"] is True

    # Through the proxy over HTTPS: served, with the header browsers remember.
    https = production["https"]
    assert https["status"] == 200
    assert https["hsts"] == f"max-age={settings['SECURE_HSTS_SECONDS']}; includeSubDomains; preload"
    assert https["nosniff"] == "nosniff"
    # Plain HTTP: sent to HTTPS, and no HSTS on an insecure answer (browsers ignore it there).
    plain = production["plain"]
    assert plain["status"] == 301 and plain["location"] == f"https://{HOST}{production['css']}"
    assert plain["hsts"] is None


def test_the_health_check_answers_plain_http_without_a_redirect(production):
    """A load balancer or monitor asks over plain HTTP on the private side of the proxy; a redirect to
    HTTPS read as "down" (the operator's walk through the README met it)."""
    assert production["health"]["status"] == 200
    assert production["health"]["body"]["database"] == "ok"
