"""Production: every secret and host from the environment, or refuse to start."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, SECRET_KEY, env_bool

# One line each (manage.py and gunicorn print it alone: config/startup.py): what to set, and where.
where_to_set = ("in /etc/gebrak/gebrak.env, which the services read and manage.py runs with "
         "(deploy/gebrak.env.example, docs/production.md section 2)")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set for production: 50 or more random characters "
        f"(python3 -c \"import secrets; print(secrets.token_urlsafe(50))\") {where_to_set}.")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        f"ALLOWED_HOSTS must be set for production: the site's host names, comma-separated, {where_to_set}.")

DEBUG = False
# Links in emails (orders, reviews, shops) name the site's own address: SITE_URL, or else the first
# of ALLOWED_HOSTS over https; never base.py's development default, http://127.0.0.1:8000.
if not os.environ.get("SITE_URL"):
    WAGTAILADMIN_BASE_URL = "https://" + next(
        (host.lstrip(".") for host in ALLOWED_HOSTS if "*" not in host), ALLOWED_HOSTS[0].lstrip(".*"))
# https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# Health checks (a load balancer, a monitor) ask over plain HTTP behind the proxy and read a redirect
# as "down"; the answer carries no secret.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# Never the local Stripe emulator, whatever base.py comes to say: its webhook secret is public,
# so anyone could sign a "paid" event. Without Stripe's keys checkout is switched off instead.
STRIPE_EMULATOR = False
# Hashed file names let a CDN cache CSS and JS forever; whitenoise serves them compressed.
STORAGES["staticfiles"]["BACKEND"] = "whitenoise.storage.CompressedManifestStaticFilesStorage"  # noqa: F405
