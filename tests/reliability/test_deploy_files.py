"""The files docs/production.md installs (deploy/): the settings file a shell and systemd both read,
and the nginx site, checked by nginx itself (Debian's, as production runs it)."""

import getpass
import os
import shutil
import socket
import ssl
import subprocess
import urllib.error
import urllib.request
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
    nginx, openssl = shutil.which("nginx") or "/usr/sbin/nginx", shutil.which("openssl")
    require_service(Path(nginx).exists() and openssl is not None, "nginx",
                    "apt-get install -y nginx-light openssl (Debian's)")
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test",
                    "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
                   capture_output=True, check=True)
    media, private = tmp_path / "srv" / "media", tmp_path / "srv" / "var" / "private-media"
    for folder, name, content in ((media / "images", "pasar.webp", b"RIFF-webp"),
                                  (media / "documents", "laporan.pdf", b"%PDF-private"),
                                  (private / "visitor_photos", "tunggu.jpg", b"awaiting moderation")):
        folder.mkdir(parents=True)
        (folder / name).write_bytes(content)
    plain, secure, upstream = free_port(), free_port(), free_port()  # nothing listens upstream
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
    try:
        def get(path, *, port=secure, scheme="https"):
            context = ssl._create_unverified_context()  # noqa: S323 - the test's own self-signed certificate
            request = urllib.request.Request(f"{scheme}://127.0.0.1:{port}{path}",
                                             headers={"Host": "gebrak.banjarkab.go.id"})
            opener = urllib.request.build_opener(NoRedirect, urllib.request.HTTPSHandler(context=context))
            try:
                with opener.open(request, timeout=10) as response:
                    return response.status, dict(response.headers), response.read()
            except urllib.error.HTTPError as error:
                return error.code, dict(error.headers), error.read()

        status, headers, body = get("/media/images/pasar.webp")
        assert (status, body, headers["Content-Type"]) == (200, b"RIFF-webp", "image/webp")
        assert "max-age=2592000" in headers["Cache-Control"]
        assert get("/media/documents/laporan.pdf")[0] == 404
        for escape in ("/media/../var/private-media/visitor_photos/tunggu.jpg",
                       "/media/%2e%2e/var/private-media/visitor_photos/tunggu.jpg",
                       "/var/private-media/visitor_photos/tunggu.jpg"):
            status, _headers, body = get(escape)
            assert b"awaiting moderation" not in body, escape
        status, headers, _body = get("/id/", port=plain, scheme="http")
        assert (status, headers["Location"]) == (301, "https://gebrak.banjarkab.go.id/id/")
        assert get("/healthz", port=plain, scheme="http")[0] == 502  # passed on to the site (down here)
    finally:
        subprocess.run([nginx, "-c", str(tmp_path / "nginx.conf"), "-s", "stop"], capture_output=True)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
