"""The two locks: production installs requirements/runtime.lock alone, development adds
requirements/dev.lock. CI builds the runtime-only environment itself (scripts/ci/import_apps.py);
these tests read the files, so a lock that drifts fails on a laptop too."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s\\;]+)")
# What tests, linters and the Stripe emulator need; a production server needs none of them.
DEVELOPMENT_ONLY = {"pytest", "pytest-django", "factory-boy", "faker", "hypothesis", "ruff",
                    "schemathesis", "pip-audit", "playwright", "localstripe", "polib", "uv",
                    "import-linter"}


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def read_lock(name: str) -> dict[str, tuple[str, int]]:
    """{package: (version, number of hashes)} of a lock."""
    pins: dict[str, tuple[str, int]] = {}
    current = None
    for line in (ROOT / "requirements" / name).read_text().splitlines():
        match = PIN.match(line)
        if match:
            current = normalised(match.group(1))
            pins[current] = (match.group(3), 0)
        elif line.strip().startswith("--hash=sha256:") and current:
            version, hashes = pins[current]
            pins[current] = (version, hashes + 1)
    return pins


def test_the_production_install_has_no_test_or_emulator_package():
    runtime = read_lock("runtime.lock")
    assert {"django", "wagtail", "stripe", "gunicorn", "psycopg"} <= runtime.keys()
    assert not DEVELOPMENT_ONLY & runtime.keys()
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    declared_names = {normalised(re.split(r"[\[<>=!~ ;]", spec)[0]) for spec in declared}
    assert not DEVELOPMENT_ONLY & declared_names


def test_every_pin_carries_its_hashes():
    for name in ("runtime.lock", "dev.lock"):
        unhashed = [package for package, (_, hashes) in read_lock(name).items() if not hashes]
        assert not unhashed, f"{name}: {unhashed}"


def test_development_runs_the_versions_production_runs():
    runtime, dev = read_lock("runtime.lock"), read_lock("dev.lock")
    assert DEVELOPMENT_ONLY <= dev.keys()
    assert {package: dev.get(package, ("missing",))[0] for package in runtime} == {
        package: version for package, (version, _) in runtime.items()}
