"""What a deploy does first must work: collect the static files with production's
storage (whitenoise's manifest, which refuses a file that references a missing one,
as leaflet.js's source map once did), and serve them with their hashed names."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import django
django.setup()
from django.core.management import call_command
call_command("collectstatic", interactive=False, verbosity=0)
from django.templatetags.static import static
print(static("vendor/leaflet/leaflet.js"))
print(static("css/site.css"))
"""


def test_static_files_collect_with_the_production_storage(tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "DATABASE_URL"}}
    # Production's settings, collecting into a folder of the test's own.
    (tmp_path / "deploy_settings.py").write_text(
        f"from config.settings.production import *  # noqa\nSTATIC_ROOT = {str(tmp_path / 'static')!r}\n")
    env.update({"DJANGO_SETTINGS_MODULE": "deploy_settings", "SECRET_KEY": "k3y-" + "a1b2c3d4e5" * 6,
                "ALLOWED_HOSTS": "gebrak.banjarkab.go.id", "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"})
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    leaflet, css = result.stdout.split()[-2:]
    # Hashed names, so a CDN may cache them for ever; compressed copies beside them.
    assert leaflet.startswith("/static/vendor/leaflet/leaflet.") and leaflet.endswith(".js") and leaflet.count(".") >= 2
    assert css != "/static/css/site.css"
    assert (tmp_path / "static" / css.removeprefix("/static/")).exists()
    assert (tmp_path / "static" / (css.removeprefix("/static/") + ".gz")).exists()
