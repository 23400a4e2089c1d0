"""What `make test` and the logs tell a developer."""

import logging
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_skipped_test_says_why_in_the_summary(tmp_path):
    """The README promises that a skipped service test prints one line saying how to get
    the service: pytest lists skip reasons only when asked to (-rs in the project's addopts)."""
    (tmp_path / "test_needs_a_service.py").write_text(
        "import pytest\n\n\ndef test_it():\n    pytest.skip('PostgreSQL is not available: set DATABASE_URL')\n")
    result = subprocess.run([sys.executable, "-m", "pytest", "-c", str(ROOT / "pyproject.toml"),
                             "--rootdir", str(ROOT), str(tmp_path / "test_needs_a_service.py")],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SKIPPED [1]" in result.stdout
    assert "PostgreSQL is not available: set DATABASE_URL" in result.stdout


def test_the_stripe_client_does_not_log_every_request():
    """It logs "message='Request to Stripe api'" at INFO for each call; failures still show."""
    stripe_logger = logging.getLogger("stripe")
    assert not stripe_logger.isEnabledFor(logging.INFO)
    assert stripe_logger.isEnabledFor(logging.WARNING)
