"""Production settings refuse to start without their secrets; the same code reads every service from the environment."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_django(settings_module: str, env_overrides: dict, *args: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items()
           if key not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DATABASE_URL"}}
    env.update({"DJANGO_SETTINGS_MODULE": settings_module, **env_overrides})
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def assert_one_line_refusal(result: subprocess.CompletedProcess, missing: str) -> None:
    """What an administrator reads: one line naming the setting and where it is set, no traceback."""
    assert result.returncode != 0
    refusal = [line for line in result.stderr.splitlines() if "refuses to start" in line]
    assert len(refusal) == 1, result.stderr
    assert f"{missing} must be set" in refusal[0]
    assert "/etc/gebrak/gebrak.env" in refusal[0]
    assert "deploy/gebrak.env.example" in refusal[0] and "docs/production.md" in refusal[0]
    assert "Traceback" not in result.stderr and "ImproperlyConfigured" not in result.stderr, result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without(missing):
    env = {"SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "gebrak.banjarkab.go.id"}
    env.pop(missing)
    result = run_django("config.settings.production", env, "check")
    assert_one_line_refusal(result, missing)
    assert result.stderr.count("\n") == 1, result.stderr  # manage.py says nothing else


def test_manage_py_reads_the_settings_named_on_its_command_line():
    """`manage.py check --deploy --settings=config.settings.production` (docs/production.md's way) checks
    production's settings, not those of the environment: the early load reads `--settings` first."""
    shown = run_django("config.settings.dev", {"SECRET_KEY": "x" * 60}, "shell", "--settings=config.settings.test",
                       "-c", "from django.conf import settings; print(settings.SETTINGS_MODULE)")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip().splitlines()[-1] == "config.settings.test"
    refused = run_django("config.settings.dev", {}, "check", "--settings", "config.settings.production")
    assert_one_line_refusal(refused, "SECRET_KEY")


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_gunicorn_refuses_to_start_without(missing):
    """The README's gunicorn command (as gebrak-web.service runs it) stops at once, before it listens,
    with the same line; its workers never start (each used to print a traceback, then gunicorn its own)."""
    env = {key: value for key, value in os.environ.items()
           if key not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", "SECRET_KEY": "x" * 60,
                "ALLOWED_HOSTS": "gebrak.banjarkab.go.id", "WEB_CONCURRENCY": "2"})  # as gebrak.env
    env.pop(missing)
    with socket.socket() as probe:  # a port free now; gunicorn must not come to listen on it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
    result = subprocess.run([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert_one_line_refusal(result, missing)
    assert "Booting worker" not in result.stderr, result.stderr


def test_production_deploy_check_is_clean():
    # With Stripe's keys: without them the check says payments are off (payments.E001,
    # tests/marketplace/payments/test_production_without_keys.py).
    env = {"SECRET_KEY": "k3y-" + "a1b2c3d4e5" * 6, "ALLOWED_HOSTS": "gebrak.banjarkab.go.id",
           "STRIPE_SECRET_KEY": "sk_live_gebrak", "STRIPE_PUBLISHABLE_KEY": "pk_live_gebrak",
           "STRIPE_WEBHOOK_SECRET": "whsec_gebrak"}
    result = run_django("config.settings.production", env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_database_url_switches_the_database(monkeypatch):
    code = ("import django; django.setup(); from django.conf import settings; "
            "print(settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME'])")
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    default = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert "sqlite3" in default.stdout
    env["DATABASE_URL"] = "postgres://gebrak@127.0.0.1:5432/gebrak_example"
    postgres = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert "postgresql gebrak_example" in postgres.stdout


def test_time_zone_and_languages(settings):
    assert settings.TIME_ZONE == "Asia/Makassar"
    assert settings.LANGUAGE_CODE == "id"
    assert [code for code, _ in settings.LANGUAGES] == ["id", "en"]
