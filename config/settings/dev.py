"""The embedded default that `make run` uses: nothing to configure."""

from .base import *  # noqa: F403
from .base import env_bool, env_list

DEBUG = env_bool("DEBUG", True)
# A fixed key is fine on a laptop and never used in production (production.py refuses it).
SECRET_KEY = SECRET_KEY or "dev-insecure-gebrak-banjar-not-for-production"  # noqa: F405
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
