"""The files docs/production.md installs (deploy/): the settings file a shell and systemd both read,
and the nginx site, checked by nginx itself (Debian's, as production runs it)."""

import getpass
import gzip
import http.server
import json
import os
import shutil
import socket
import ssl
import subprocess
import threading
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import require_service

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def test_the_settings_file_reads_in_a_shell_and_chooses_production_s_settings():
    """`set -a; . gebrak.env` is how docs/production.md runs manage.py: a value with spaces or a `<`
    unquoted stopped the shell half-way, and without DJANGO_SETTINGS_MODULE manage.py runs the
    development settings."""
    shown = subprocess.run(
        ["bash", "-c", f"set -ea; . {DEPLOY / 'gebrak.env.example'}; set +a; "
                       "printf '%s\\n' \"$DJANGO_SETTINGS_MODULE\" \"$DEFAULT_FROM_EMAIL\" \"$TRUSTED_PROXY_COUNT\""],
        capture_output=True, text=True, env={"PATH": os.environ["PATH"]}, check=True).stdout.splitlines()
    assert shown == ["config.settings.production", "Gebrak Banjar <noreply@banjarkab.go.id>", "1"]


def test_nginx_serves_the_uploads_and_never_the_documents_nor_the_private_photos(tmp_path):
    """deploy/nginx.conf run by Debian's nginx, its ports and folders moved into the test's: uploads
    from the disk with a month's caching; a document's file never (the site checks a private
    collection's login first, /documents/<id>/<name>); nothing outside media/; plain HTTP sent to
    HTTPS but for the health check, which goes to the site."""
    media, private = tmp_path / "srv" / "media", tmp_path / "srv" / "var" / "private-media"
    for folder, name, content in ((media / "images", "pasar.webp", b"RIFF-webp"),
                                  (media / "documents", "laporan.pdf", b"%PDF-private"),
                                  (private / "visitor_photos", "tunggu.jpg", b"awaiting moderation")):
        folder.mkdir(parents=True)
        (folder / name).write_bytes(content)
    with nginx_serving(tmp_path, media, upstream=free_port()) as get:  # nothing listens upstream
        status, headers, body = get("/media/images/pasar.webp")
        assert (status, body, headers["Content-Type"]) == (200, b"RIFF-webp", "image/webp")
        assert "max-age=2592000" in headers["Cache-Control"]
        assert get("/media/documents/laporan.pdf")[0] == 404
        for escape in ("/media/../var/private-media/visitor_photos/tunggu.jpg",
                       "/media/%2e%2e/var/private-media/visitor_photos/tunggu.jpg",
                       "/var/private-media/visitor_photos/tunggu.jpg"):
            status, _headers, body = get(escape)
            assert b"awaiting moderation" not in body, escape
        status, headers, _body = get("/id/", plain_http=True)
        assert (status, headers["Location"]) == (301, "https://gebrak.banjarkab.go.id/id/")
        assert get("/healthz", plain_http=True)[0] == 502  # passed on to the site (down here)


# What the site answers behind nginx (a stand-in for gunicorn): a page, the API's JSON, and a static
# file whitenoise has already compressed.
PAGE = ("<!doctype html><html lang=id><body>"
        + "<article><h2>Pasar Terapung Lok Baintan</h2><p>Pasar di atas sungai, pagi hari.</p></article>" * 60
        + "</body></html>").encode()
API = json.dumps({"results": [{"title": "Kain Sasirangan", "price": 250000}] * 60}).encode()
CSS = b".card{margin:0 auto;padding:1rem}" * 80


class SiteStandIn(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        encoding = ""
        if self.path == "/api/v1/products/":
            body, kind = API, "application/json"
        elif self.path == "/static/css/site.1a2b3c.css":
            body, kind = CSS, "text/css"
            if "gzip" in self.headers.get("Accept-Encoding", ""):  # as whitenoise serves its .gz
                body, encoding = gzip.compress(CSS), "gzip"
        else:
            body, kind = PAGE, "text/html; charset=utf-8"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        if encoding:
            self.send_header("Content-Encoding", encoding)
            self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_nginx_compresses_pages_and_json_when_asked(tmp_path):
    """A phone that accepts gzip gets the page, the API's JSON compressed (the administrator saw
    HTML go out whole); one that does not gets them as they are; a static file whitenoise has
    compressed already passes once, not compressed twice."""
    site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), SiteStandIn)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    (tmp_path / "media").mkdir()
    try:
        with nginx_serving(tmp_path, tmp_path / "media", upstream=site.server_address[1]) as get:
            for path, original, kind in (("/id/destinasi/", PAGE, "text/html"), ("/api/v1/products/", API,
                                                                                  "application/json")):
                status, headers, body = get(path, headers={"Accept-Encoding": "gzip, deflate, br"})
                assert (status, headers.get("Content-Encoding")) == (200, "gzip"), (path, headers)
                assert headers["Content-Type"].startswith(kind)
                assert "Accept-Encoding" in headers.get("Vary", ""), headers
                assert gzip.decompress(body) == original
                assert len(body) < len(original) / 4, (path, len(body), len(original))
                status, headers, body = get(path)
                assert (status, headers.get("Content-Encoding"), body) == (200, None, original)
            status, headers, body = get("/static/css/site.1a2b3c.css", headers={"Accept-Encoding": "gzip"})
            assert (status, headers.get("Content-Encoding")) == (200, "gzip")
            assert gzip.decompress(body) == CSS
    finally:
        site.shutdown()
        site.server_close()


@contextmanager
def nginx_serving(tmp_path: Path, media: Path, *, upstream: int):
    """Debian's nginx on deploy/nginx.conf as the guide installs it (the site file inside an http block
    with Debian's mime.types and nothing else), its ports, certificate and media folder the test's, and
    the site at 127.0.0.1:`upstream`. Yields get(path, plain_http=False, headers=None) over HTTPS, or the
    plain HTTP port, with the site's Host: (status, headers, body as sent)."""
    nginx, openssl = shutil.which("nginx") or "/usr/sbin/nginx", shutil.which("openssl")
    require_service(Path(nginx).exists() and openssl is not None, "nginx",
                    "apt-get install -y nginx-light openssl (Debian's)")
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test",
                    "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
                   capture_output=True, check=True)
    plain, secure = free_port(), free_port()
    site = ((DEPLOY / "nginx.conf").read_text()
            .replace("/etc/letsencrypt/live/gebrak.banjarkab.go.id/fullchain.pem", str(tmp_path / "cert.pem"))
            .replace("/etc/letsencrypt/live/gebrak.banjarkab.go.id/privkey.pem", str(tmp_path / "key.pem"))
            .replace("/srv/gebrak/media/", f"{media}/").replace("127.0.0.1:8000", f"127.0.0.1:{upstream}")
            .replace("listen 80;", f"listen 127.0.0.1:{plain};").replace("listen [::]:80;", "")
            .replace("listen 443 ssl http2;", f"listen 127.0.0.1:{secure} ssl http2;")
            .replace("listen [::]:443 ssl http2;", ""))
    (tmp_path / "site.conf").write_text(site)
    temp = tmp_path / "temp"
    (tmp_path / "nginx.conf").write_text(
        # Workers as the test's own user (else www-data, which cannot read the test's private folder).
        f"user {getpass.getuser()};\npid {tmp_path / 'nginx.pid'};\nerror_log {tmp_path / 'error.log'};\nevents {{}}\n"
        f"http {{\n  include /etc/nginx/mime.types;\n  access_log off;\n"
        f"  client_body_temp_path {temp}/body; proxy_temp_path {temp}/proxy; fastcgi_temp_path {temp}/fastcgi;\n"
        f"  uwsgi_temp_path {temp}/uwsgi; scgi_temp_path {temp}/scgi;\n  include {tmp_path / 'site.conf'};\n}}\n")
    temp.mkdir()
    checked = subprocess.run([nginx, "-t", "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    subprocess.run([nginx, "-c", str(tmp_path / "nginx.conf")], check=True, capture_output=True)

    def get(path, *, plain_http=False, headers=None):
        context = ssl._create_unverified_context()  # noqa: S323 - the test's own self-signed certificate
        address = f"http://127.0.0.1:{plain}" if plain_http else f"https://127.0.0.1:{secure}"
        request = urllib.request.Request(f"{address}{path}",
                                         headers={"Host": "gebrak.banjarkab.go.id", **(headers or {})})
        opener = urllib.request.build_opener(NoRedirect, urllib.request.HTTPSHandler(context=context))
        try:
            with opener.open(request, timeout=10) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    try:
        yield get
    finally:
        subprocess.run([nginx, "-c", str(tmp_path / "nginx.conf"), "-s", "stop"], capture_output=True)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
