"""Running the task queue's worker in a test: in the test's own process (on its transaction), or
as a real `manage.py tasks_worker` process on a database another process can open
(tests/another_process.py), with tests/task_worker_settings.py."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django_tasks_db.management.commands import db_worker

from tests.another_process import ROOT

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def use_database_backend(settings, monkeypatch) -> None:
    """Store tasks in the database, as production does, for this test."""
    settings.TASKS = DATABASE_BACKEND
    # The worker closes connections between tasks, as requests do; inside a test's transaction
    # that would close the test's own connection (PostgreSQL).
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def run_worker_here() -> None:
    """What `manage.py tasks_worker --batch` does, in this process: run all that is ready, then stop."""
    db_worker.Worker(queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
                     max_tasks=None, worker_id="test-worker", excluded_queue_names=[]).run()


def worker_process(database_url: str, emails: Path, timeout: int = 120) -> subprocess.CompletedProcess:
    """`manage.py tasks_worker --batch`, as production runs it, on `database_url`: runs what waits,
    then exits. Emails it sends are files in `emails`."""
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "DEBUG"}}
    env.update({"DJANGO_SETTINGS_MODULE": "tests.task_worker_settings", "DATABASE_URL": database_url,
                "EMAIL_FILE_PATH": str(emails), "PYTHONPATH": str(ROOT)})
    return subprocess.run([sys.executable, "manage.py", "tasks_worker", "--batch", "--no-schedule",
                           "--no-reload", "--no-startup-delay"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)
