"""Running part of a test in a process of its own, on the test's database.

For what a thread or a fresh process must do against what a test wrote: a race between
connections, or memory that only a fresh process measures truly. SQLite's in-memory test
database is seen by no other process (and by other connections only through shared-cache
table locks that fail at once instead of waiting), so it is copied to a file; PostgreSQL's
test database is simply named.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from urllib.parse import quote

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def database_url_for_another_process(folder: Path) -> str:
    """A DATABASE_URL under which another process sees what this (transactional) test committed."""
    if connection.vendor == "sqlite":
        # SQLite's backup waits for ever while the source has a write transaction open: only a
        # transactional test (django_db(transaction=True)) has none.
        assert not connection.in_atomic_block, "mark the test django_db(transaction=True)"
        copy = folder / "copy.sqlite3"
        connection.ensure_connection()
        with closing(sqlite3.connect(copy)) as target:
            connection.connection.backup(target)
        return f"sqlite:///{copy}"
    database = connection.settings_dict
    credentials = quote(database["USER"] or "", safe="")
    if database["PASSWORD"]:
        credentials += ":" + quote(database["PASSWORD"], safe="")
    return f"postgres://{credentials}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"


def run_python(script: str, *args: str, database_url: str, timeout: int = 600) -> subprocess.CompletedProcess:
    """Run `script` with the test settings on `database_url`; it calls django.setup() itself."""
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "DEBUG"}}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": database_url,
                "PYTHONPATH": str(ROOT)})
    return subprocess.run([sys.executable, "-c", script, *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)
