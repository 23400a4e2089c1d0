"""Settings for pytest (`make test`)."""

from .base import *  # noqa: F403
from .base import BASE_DIR

DEBUG = False
SECRET_KEY = "test-only-secret-key"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# MD5 because password strength does not matter in tests and speed does.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Uploads and renditions of a test run go to a throwaway folder, never media/.
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
PRIVATE_MEDIA_ROOT = BASE_DIR / "var" / "test-private-media"
WAGTAILADMIN_BASE_URL = "http://testserver"
# Tests pay through localstripe (the `stripe_emulator` fixture points STRIPE_API_BASE at it).
STRIPE_EMULATOR = True
STRIPE_EMULATOR_PORT = 8420
# base's STORAGES: folders, or the buckets when AWS_STORAGE_BUCKET_NAME is set (CI's media
# pass runs the upload, rendition, share-image and visitor-photo tests on SeaweedFS).
# tests/conftest.py gives each test its own folders or key prefix.
if not AWS_STORAGE_BUCKET_NAME:  # noqa: F405
    STORAGES = {**STORAGES, "private": {**STORAGES["private"], "OPTIONS": {"location": PRIVATE_MEDIA_ROOT}}}  # noqa: F405
# Django's test client signs in without a request, which django-axes refuses; the
# lock-out tests (tests/reliability/test_security.py) switch it on for themselves.
AXES_ENABLED = False
# Off, because a test's rolled-back writes send no signal that would purge it; the
# page cache tests switch it on. Memory, never the shared folder, when they do.
PAGE_CACHE_SECONDS = 0
# The same for rendered fragments (config/fragment_cache.py); tests/config/test_fragment_cache.py switches it on.
FRAGMENT_CACHE_SECONDS = 0
CACHES = {**CACHES, "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"}}  # noqa: F405
# Tasks run at once, inside the test that enqueued them (after its commit, as in production),
# so a test sees what a worker would have done. tests/config/test_task_queue.py runs the
# database backend and a real worker process, on SQLite and PostgreSQL.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
