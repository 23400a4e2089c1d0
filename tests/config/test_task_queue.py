"""The task queue: a failing task is tried again later and then gives up, visibly; the periodic
schedule enqueues each task once per interval; and a real worker process runs what the site
enqueued, on SQLite and on PostgreSQL.

The rest of the suite runs tasks at once (config/settings/test.py); here the database backend
(django-tasks-db) stores them, as in production.
"""

import sqlite3
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_tasks_db.models import DBTaskResult

from config import tasks
from tests.another_process import database_url_for_another_process
from tests.config import task_examples
from tests.task_worker import run_worker_here, use_database_backend, worker_process


@pytest.fixture
def database_backend(settings, monkeypatch):
    use_database_backend(settings, monkeypatch)
    task_examples.ATTEMPTS.clear()


def status() -> tuple[str, int]:
    out = StringIO()
    try:
        call_command("tasks_status", stdout=out)
        code = 0
    except CommandError as error:
        code = error.returncode
    return out.getvalue(), code


@pytest.mark.django_db
def test_a_task_that_fails_twice_is_tried_again_and_succeeds(database_backend):
    result = task_examples.flaky.enqueue(key="mail", failures=2)
    report, code = status()
    assert "Waiting to run now: 1" in report and code == 0
    run_worker_here()
    runs = list(DBTaskResult.objects.order_by("enqueued_at"))
    assert [run.status for run in runs] == ["FAILED", "FAILED", "SUCCESSFUL"]
    assert runs[0].pk == result.db_result.pk
    assert runs[0].exception_class_path == tasks.RETRYING_PATH
    assert "ConnectionRefusedError: refused, attempt 1" in runs[0].traceback
    assert runs[2].return_value == "done after 3"
    report, code = status()
    assert "Last 24 h: 1 done, 2 failed and tried again, 0 gave up" in report and code == 0


@pytest.mark.django_db
def test_a_task_that_always_fails_gives_up_after_its_attempts_and_is_reported(database_backend):
    task_examples.flaky.enqueue(key="mail", failures=99)
    run_worker_here()
    assert task_examples.ATTEMPTS["mail"] == 3
    assert DBTaskResult.objects.count() == 3 and not DBTaskResult.objects.ready().exists()
    report, code = status()
    assert "2 failed and tried again, 1 gave up" in report
    failure = next(line for line in report.splitlines() if " flaky {" in line)
    assert "'key': 'mail'" in failure and "'attempt': 3" in failure
    assert failure.endswith(": ConnectionRefusedError: refused, attempt 3")
    assert code == 1, "a monitor running tasks_status hears of it"


@pytest.mark.django_db
def test_a_retry_waits_its_backoff(database_backend, monkeypatch):
    monkeypatch.setattr(tasks, "backoff_delay", lambda **kwargs: 600)
    task_examples.flaky.enqueue(key="mail", failures=1)
    run_worker_here()
    waiting = DBTaskResult.objects.get(status="READY")
    assert timedelta(seconds=590) < waiting.run_after - waiting.enqueued_at < timedelta(seconds=610)
    report, _code = status()
    assert "Waiting to run now: 0" in report and "Scheduled later (retries): 1" in report


def test_backoff_doubles_up_to_its_ceiling():
    delays = [tasks.backoff_delay(attempt=n, first_seconds=30, max_seconds=300) for n in range(1, 7)]
    for delay, full in zip(delays, [30, 60, 120, 240, 300, 300], strict=True):
        assert 0.8 * full <= delay <= full


@pytest.mark.django_db
def test_the_tests_backend_runs_a_task_at_once_and_a_failure_reaches_no_caller():
    assert task_examples.flaky.enqueue(key="at-once", failures=0).return_value == "done after 1"
    result = task_examples.flaky.enqueue(key="fails", failures=1)
    assert result.status == "FAILED" and task_examples.ATTEMPTS["fails"] == 1


@pytest.mark.django_db
def test_periodic_tasks_are_enqueued_once_per_interval_and_never_twice_while_waiting(database_backend,
                                                                                       monkeypatch):
    prune = tasks.Periodic(task=tasks.task_results_prune, every=timedelta(minutes=1))
    monkeypatch.setattr(tasks, "PERIODIC", [prune])
    last: dict[str, float] = {}
    assert tasks.periodic_enqueue_due(last_enqueued=last, now=1000.0) == ["task_results_prune"]
    assert tasks.periodic_enqueue_due(last_enqueued=last, now=1030.0) == []
    # A minute on, its first run still waits (no worker, or a slow one): no second copy.
    assert tasks.periodic_enqueue_due(last_enqueued=last, now=1061.0) == []
    # Another worker's schedule, started later, finds it waiting too.
    assert tasks.periodic_enqueue_due(last_enqueued={}, now=1061.0) == []
    run_worker_here()
    assert tasks.periodic_enqueue_due(last_enqueued=last, now=1122.0) == ["task_results_prune"]
    assert DBTaskResult.objects.filter(task_path=tasks.task_results_prune.module_path).count() == 2


@pytest.mark.django_db
def test_old_results_are_pruned_and_recent_ones_kept(database_backend):
    from django.utils import timezone

    for _ in range(3):
        task_examples.flaky.enqueue(key="old", failures=0)
    run_worker_here()
    old = list(DBTaskResult.objects.values_list("pk", flat=True)[:2])
    DBTaskResult.objects.filter(pk__in=old).update(finished_at=timezone.now() - timedelta(days=15))
    assert tasks.task_results_prune.call() == 2
    assert DBTaskResult.objects.count() == 1


# --- A real worker process ----------------------------------------------------------------------

def statuses_seen_by(database_url: str) -> list[str]:
    if connection.vendor == "sqlite":
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as copy:
            return [row[0] for row in copy.execute("SELECT status FROM django_tasks_database_dbtaskresult")]
    return list(DBTaskResult.objects.values_list("status", flat=True))


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_runs_what_the_site_enqueued(database_backend, tmp_path):
    """On the pass's database: SQLite (a file copy the worker opens) or PostgreSQL (the test database)."""
    notes = [tmp_path / f"note-{number}.txt" for number in range(3)]
    for number, note in enumerate(notes):
        task_examples.note_write.enqueue(path=str(note), text=f"catatan {number}")
    assert not any(note.exists() for note in notes), "enqueueing runs nothing"
    database_url = database_url_for_another_process(tmp_path)
    worker = worker_process(database_url, tmp_path / "emails")
    assert worker.returncode == 0, worker.stdout + worker.stderr
    assert [note.read_text() for note in notes] == ["catatan 0", "catatan 1", "catatan 2"]
    assert statuses_seen_by(database_url) == ["SUCCESSFUL"] * 3


@pytest.mark.django_db
def test_wagtails_indexing_of_an_image_deleted_before_the_worker_came_wakes_no_monitor(database_backend):
    """An artisan removed a photo while the queue was busy: Wagtail's indexing and reference tasks for
    it failed on the missing image, and tasks_status called ten of them "gave up" (exit 1)."""
    from django.core.files.base import ContentFile
    from wagtail.images import get_image_model
    from wagtail.models import Collection

    from tests.marketplace.factories import jpeg_bytes

    if not Collection.objects.exists():  # a transactional test before this one flushed Wagtail's root
        Collection.add_root(name="Root")
    image = get_image_model().objects.create(title="Kain", file=ContentFile(jpeg_bytes(), name="kain.jpg"))
    pending = set(DBTaskResult.objects.ready().values_list("task_path", flat=True))
    assert pending & tasks.OBJECT_TASKS, pending  # what Wagtail asks of the worker for a saved image
    image.delete()
    run_worker_here()
    assert DBTaskResult.objects.filter(status="FAILED", task_path__in=tasks.OBJECT_TASKS).exists()
    report, code = status()
    assert "0 gave up" in report and "with nothing left to do" in report and code == 0, report


@pytest.mark.django_db
def test_the_worker_s_daily_schedule_deletes_expired_sessions_and_keeps_live_ones():
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    Session.objects.create(session_key="expired" * 4, session_data="x", expire_date=timezone.now() - timedelta(days=1))
    Session.objects.create(session_key="current" * 4, session_data="x", expire_date=timezone.now() + timedelta(days=1))
    assert {entry.task.name: entry.every for entry in tasks.PERIODIC}["sessions_clear"] == timedelta(days=1)
    tasks.sessions_clear.enqueue()  # the tests run tasks at once
    assert list(Session.objects.values_list("session_key", flat=True)) == ["current" * 4]
