"""The task queue's few rules, in one place: retries with backoff, enqueueing after the commit,
and the periodic tasks that `manage.py tasks_worker` enqueues on schedule.

Work that may be slow or may fail (an email, a Stripe call, a sweep) is a django-tasks task: the
periodic ones in the app's `tasks.py`, one a service enqueues beside that service (an app's
tasks.py imported by its services would be an import cycle). Tasks are small and idempotent: each takes the ids of what
it works on, reads their state first and does nothing when that work is done already, so a
retry, a task enqueued twice or a periodic run that overlaps an earlier one changes nothing.

The backend is the database (django-tasks-db, config/settings/base.py); the tests run tasks at
once (ImmediateBackend), where a failure is recorded and logged but not retried.
"""

from __future__ import annotations

import functools
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import DEFAULT_TASK_QUEUE_NAME, task
from django_tasks.base import Task

logger = logging.getLogger(__name__)


class TaskRetrying(Exception):
    """This attempt failed and the task is enqueued again; the cause is chained. A failed result
    whose exception is not this one is a task that gave up (`manage.py tasks_status`)."""


def backoff_delay(*, attempt: int, first_seconds: float, max_seconds: float) -> float:
    """Seconds to wait before attempt `attempt + 1`: doubling from `first_seconds` up to
    `max_seconds`, with up to 20 % less at random so failed tasks do not come back together."""
    delay = min(first_seconds * 2 ** (attempt - 1), max_seconds)
    return delay * random.uniform(0.8, 1.0)  # noqa: S311 - spreading retries, not a secret


def retried_task(*, attempts: int = 5, first_delay_seconds: float = 30, max_delay_seconds: float = 3600,
                 priority: int = 0, queue_name: str = DEFAULT_TASK_QUEUE_NAME) -> Callable[[Callable], Task]:
    """A django-tasks task that is enqueued again when it raises, up to `attempts` runs in all.

    The function takes keyword arguments that are JSON (ids, not model instances). Each run that
    fails and may be tried again enqueues the next one (`run_after`: the backoff) and raises
    TaskRetrying from the error, so the attempt's traceback stays visible; the last attempt raises
    the error itself. A backend that cannot defer (the tests' ImmediateBackend) does not retry.
    """

    def decorate(function: Callable) -> Task:
        @functools.wraps(function)
        def run(*args, attempt: int = 1, **kwargs):
            try:
                return function(*args, **kwargs)
            except Exception as error:
                backend = this_task.get_backend()
                if attempt >= attempts or not backend.supports_defer:
                    raise
                delay = backoff_delay(attempt=attempt, first_seconds=first_delay_seconds,
                                      max_seconds=max_delay_seconds)
                this_task.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(
                    *args, attempt=attempt + 1, **kwargs)
                logger.warning("Task %s failed (attempt %s of %s), again in %.0f s: %r",
                               this_task.name, attempt, attempts, delay, error)
                raise TaskRetrying(f"attempt {attempt} of {attempts} failed; again in {delay:.0f} s") from error

        this_task = task(priority=priority, queue_name=queue_name)(run)
        return this_task

    return decorate


def enqueue_on_commit(task_: Task, **kwargs) -> None:
    """Enqueue after the current transaction commits (at once outside one), so a task never sees
    a write that was rolled back, nor runs before the write it needs is visible. A failure to
    enqueue is logged and never undoes what was committed; the periodic sweeps pick such work up."""

    def enqueue() -> None:
        task_.enqueue(**kwargs)

    transaction.on_commit(enqueue, robust=True)


# --- Periodic tasks ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Periodic:
    task: Task
    every: timedelta


PERIODIC: list[Periodic] = []


def periodic(*, every: timedelta) -> Callable[[Task], Task]:
    """Register a task (taking no arguments) for `manage.py tasks_worker` to enqueue every `every`."""

    def register(task_: Task) -> Task:
        PERIODIC.append(Periodic(task=task_, every=every))
        return task_

    return register


def task_waiting(task_: Task) -> bool:
    """Whether a run of `task_` is waiting or running in the database backend's table."""
    from django_tasks_db.models import DBTaskResult

    return (DBTaskResult.objects.filter(task_path=task_.module_path, backend_name=task_.backend)
            .filter(status__in=["READY", "RUNNING"]).exists())


def task_result_exists(task_: Task, **kwargs) -> bool:
    """Whether the database backend's table holds a run of `task_` with these keyword arguments,
    waiting, running or finished (results are pruned: KEEP_SUCCEEDED, KEEP_FAILED)."""
    from django_tasks_db.models import DBTaskResult

    lookups = {f"args_kwargs__kwargs__{name}": value for name, value in kwargs.items()}
    return DBTaskResult.objects.filter(task_path=task_.module_path, **lookups).exists()


def periodic_enqueue_due(*, last_enqueued: dict[str, float], now: float) -> list[str]:
    """Enqueue each periodic task whose interval has passed since this process last enqueued it,
    unless a run of it is still waiting (several workers, a slow run). Returns the names enqueued.
    `last_enqueued` (task path -> monotonic seconds) is the caller's, kept between calls."""
    enqueued = []
    for entry in PERIODIC:
        path = entry.task.module_path
        if path in last_enqueued and now - last_enqueued[path] < entry.every.total_seconds():
            continue
        last_enqueued[path] = now
        if task_waiting(entry.task):
            continue
        entry.task.enqueue()
        enqueued.append(entry.task.name)
    return enqueued


# --- What the queue holds (manage.py tasks_status) ---------------------------------------------

@dataclass(frozen=True)
class TaskFailure:
    task_name: str
    arguments: dict
    error: str
    finished_at: object


@dataclass(frozen=True)
class QueueSummary:
    waiting: int
    oldest_waiting_seconds: float
    scheduled: int
    running: int
    succeeded: int
    retried: int
    gave_up: int
    recent_failures: tuple[TaskFailure, ...]
    moot: int = 0  # failed with nothing left to do (_moot), not counted in gave_up


RETRYING_PATH = f"{TaskRetrying.__module__}.{TaskRetrying.__qualname__}"
# Wagtail's tasks that index one object by (app label, model name, pk), enqueued when it is saved. One
# deleted before the worker reached it (an artisan's photo removed while the queue was busy) fails
# with DoesNotExist: there was nothing left to index, and no monitor should be woken for it.
OBJECT_TASKS = frozenset({"wagtail.tasks.update_reference_index_task",
                          "modelsearch.tasks.insert_or_update_object_task"})


def _moot(result) -> bool:
    """A failed result of OBJECT_TASKS whose object is still gone."""
    from django.apps import apps

    if result.task_path not in OBJECT_TASKS or not result.exception_class_path.endswith(".DoesNotExist"):
        return False
    try:
        app_label, model_name, pk = result.args_kwargs["args"]
        return not apps.get_model(app_label, model_name).objects.filter(pk=pk).exists()
    except (KeyError, ValueError, TypeError, LookupError, AttributeError):
        return False


def queue_summary(*, since, failures: int = 10) -> QueueSummary:
    """The database backend's backlog now, and what finished since `since`."""
    from django.db.models import Min
    from django_tasks_db.models import DBTaskResult

    results = DBTaskResult.objects.all()
    ready_now = results.ready()
    later = results.filter(status="READY").exclude(pk__in=ready_now.values("pk"))
    oldest = ready_now.aggregate(oldest=Min("enqueued_at"))["oldest"]
    finished = results.filter(finished_at__gte=since)
    failed = finished.filter(status="FAILED")
    gave_up = failed.exclude(exception_class_path=RETRYING_PATH)
    moot = [result.pk for result in gave_up.filter(task_path__in=OBJECT_TASKS) if _moot(result)]
    gave_up = gave_up.exclude(pk__in=moot)
    recent = [
        TaskFailure(task_name=result.task_name, arguments=result.args_kwargs.get("kwargs") or {},
                    error=(result.traceback.strip().splitlines() or [result.exception_class_path])[-1],
                    finished_at=result.finished_at)
        for result in gave_up.order_by("-finished_at")[:failures]]
    return QueueSummary(moot=len(moot),
        waiting=ready_now.count(),
        oldest_waiting_seconds=(timezone.now() - oldest).total_seconds() if oldest else 0.0,
        scheduled=later.count(), running=results.filter(status="RUNNING").count(),
        succeeded=finished.filter(status="SUCCESSFUL").count(),
        retried=failed.filter(exception_class_path=RETRYING_PATH).count(), gave_up=gave_up.count(),
        recent_failures=tuple(recent))


# --- Email ---------------------------------------------------------------------------------------

@retried_task(attempts=8, first_delay_seconds=60)
def email_send(*, subject: str, body: str, recipient: str) -> None:
    """Send one email already written (SMTP, or the console in development). A mail server that
    refuses or is away is tried again for about two hours; a request never waits for it."""
    from django.conf import settings
    from django.core.mail import send_mail

    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient])


# Finished results are kept a while to be looked at (tasks_status, the admin), then deleted.
KEEP_SUCCEEDED = timedelta(days=14)
KEEP_FAILED = timedelta(days=30)


@periodic(every=timedelta(days=1))
@retried_task(attempts=2)
def task_results_prune() -> int:
    """Delete results that finished long ago, so the task table stays small; returns how many."""
    from django.db.models import Q
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    deleted, _by_model = DBTaskResult.objects.filter(
        Q(status="SUCCESSFUL", finished_at__lt=now - KEEP_SUCCEEDED)
        | Q(status="FAILED", finished_at__lt=now - KEEP_FAILED)).delete()
    return deleted


# What a cron line beside the worker would otherwise have to run: one schedule, the worker's.
@periodic(every=timedelta(minutes=1))
@retried_task(attempts=2)
def pages_publish_scheduled() -> None:
    """Wagtail's `publish_scheduled`: pages (and snippets) scheduled to go live or to expire do so
    within a minute of their time. Running it again publishes nothing twice."""
    from io import StringIO

    from django.core.management import call_command

    call_command("publish_scheduled", stdout=StringIO())


@periodic(every=timedelta(days=1))
@retried_task(attempts=2)
def sessions_clear() -> None:
    """Django's `clearsessions`: expired sessions deleted, so the session table stays small."""
    from django.core.management import call_command

    call_command("clearsessions")
