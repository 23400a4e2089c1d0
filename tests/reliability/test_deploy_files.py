"""The files docs/production.md installs (deploy/): the settings file a shell and systemd both read,
and the nginx site, checked by nginx itself (Debian's, as production runs it)."""

import os
import shutil
import subprocess
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


def test_nginx_accepts_the_site_and_never_serves_the_private_photos(tmp_path):
    nginx, openssl = shutil.which("nginx") or "/usr/sbin/nginx", shutil.which("openssl")
    require_service(Path(nginx).exists() and openssl is not None, "nginx",
                    "apt-get install -y nginx-light openssl (Debian's)")
    site = (DEPLOY / "nginx.conf").read_text()
    assert "private-media" not in site.replace("Never var/private-media/", "")  # only the comment names it
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test",
                    "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
                   capture_output=True, check=True)
    site = (site.replace("/etc/letsencrypt/live/gebrak.banjarkab.go.id/fullchain.pem", str(tmp_path / "cert.pem"))
            .replace("/etc/letsencrypt/live/gebrak.banjarkab.go.id/privkey.pem", str(tmp_path / "key.pem")))
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path / 'nginx.pid'};\nerror_log {tmp_path / 'error.log'};\nevents {{}}\n"
        f"http {{\n  include /etc/nginx/mime.types;\n  include {tmp_path / 'site.conf'};\n}}\n")
    checked = subprocess.run([nginx, "-t", "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
