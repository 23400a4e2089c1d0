"""What the task queue holds: the backlog, what runs, and what failed.

    manage.py tasks_status [--hours 24] [--failures 10]

Waiting now, scheduled later (mostly retries), running, and over the last `--hours` how
many finished, failed and were tried again, and gave up; then the newest tasks that gave up,
with their arguments and the last line of their error. Exits with status 1 when a task gave up
in that window, so a monitor can run it. The same rows are in the Django admin
(/django-admin/, "Task Results"), where a result's page shows the whole traceback.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend

from config.tasks import queue_summary


def _age(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min {seconds} s"


class Command(BaseCommand):
    help = "Show the task queue's backlog and failures (exit status 1 if a task gave up lately)."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=24, help="the window for counts and failures")
        parser.add_argument("--failures", type=int, default=10, help="how many given-up tasks to list")

    def handle(self, *args, hours: int, failures: int, **options):
        backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
        if not isinstance(backend, DatabaseBackend):
            self.stdout.write(f"Tasks run at once ({type(backend).__name__}): there is no queue.")
            return
        summary = queue_summary(since=timezone.now() - timedelta(hours=hours), failures=failures)
        oldest = f" (oldest waiting {_age(summary.oldest_waiting_seconds)})" if summary.waiting else ""
        self.stdout.write(f"Waiting to run now: {summary.waiting}{oldest}")
        self.stdout.write(f"Scheduled later (retries): {summary.scheduled}")
        self.stdout.write(f"Running: {summary.running}")
        self.stdout.write(f"Last {hours} h: {summary.succeeded} done, {summary.retried} failed and tried again, "
                          f"{summary.gave_up} gave up")
        if summary.moot:
            self.stdout.write(f"  and {summary.moot} with nothing left to do: Wagtail's indexing of something "
                              "deleted before the worker reached it")
        for failure in summary.recent_failures:
            self.stdout.write(f"  {timezone.localtime(failure.finished_at):%Y-%m-%d %H:%M} {failure.task_name} "
                              f"{failure.arguments}: {failure.error}")
        if summary.gave_up:
            raise CommandError(f"{summary.gave_up} task(s) gave up in the last {hours} h", returncode=1)
