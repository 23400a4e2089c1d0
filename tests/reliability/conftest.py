"""Fixtures of the reliability and security tests."""

import pytest


@pytest.fixture
def axes_on(settings):
    """Sign-in lock-out on (tests run without it), its per-account attempts emptied before and after."""
    settings.AXES_ENABLED = True
    from axes.models import AccessAttempt

    # The per-address counts (config/sign_in.py) are in the cache, emptied before each test (tests/conftest.py).
    AccessAttempt.objects.all().delete()
    yield
    AccessAttempt.objects.all().delete()
