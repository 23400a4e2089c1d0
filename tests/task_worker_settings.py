"""Settings for a real task worker started by a test (tests/config/test_task_queue.py): the test
settings with the database backend, as production runs it, and emails written to files."""

import os

from config.settings.test import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", "/tmp/gebrak-worker-emails")
