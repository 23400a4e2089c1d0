"""The embedded default that `make run` uses: nothing to configure."""

import os

from .base import *  # noqa: F403
from .base import env_bool, env_list

DEBUG = env_bool("DEBUG", True)
# A fixed key is fine on a laptop and never used in production (production.py refuses it).
SECRET_KEY = SECRET_KEY or "dev-insecure-gebrak-banjar-not-for-production"  # noqa: F405
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
# No Stripe key: the local Stripe emulator (localstripe) that `make run` starts on this port,
# with its signing secret, which is public. Never in production (base.py).
STRIPE_EMULATOR = True
STRIPE_EMULATOR_PORT = int(os.environ.get("STRIPE_EMULATOR_PORT", "8420"))
