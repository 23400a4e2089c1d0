"""Run the task queue's worker: django-tasks-db's `db_worker`, plus the periodic schedule.

    manage.py tasks_worker [--queue-name '*'] [--interval 1] [--no-schedule] [--batch] ...

Every option of `db_worker` applies. Beside the worker a thread enqueues the periodic tasks
(config.tasks.PERIODIC: scheduled pages published, reservation expiry, payment reconciliation, search
reconciliation, expired sessions and old results deleted) when
they are due, skipping one whose earlier run is still waiting; with several workers, give all
but one `--no-schedule` (an extra schedule does no harm, only a few more queries).
"""

import logging
import os
import threading
import time

from django.db import close_old_connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django.utils.module_loading import autodiscover_modules
from django_tasks_db.management.commands import db_worker

from config import tasks

logger = logging.getLogger("config.tasks")
# How often the schedule looks at what is due: the shortest interval is a minute.
SCHEDULE_TICK_SECONDS = 5


def schedule_loop(stop: threading.Event) -> None:
    last_enqueued: dict[str, float] = {}
    while not stop.is_set():
        try:
            enqueued = tasks.periodic_enqueue_due(last_enqueued=last_enqueued, now=time.monotonic())
            if enqueued:
                logger.info("Periodic tasks enqueued: %s", ", ".join(enqueued))
        except Exception:
            # The database away for a moment: the next tick tries again.
            logger.exception("Periodic tasks could not be enqueued")
        finally:
            close_old_connections()
        stop.wait(SCHEDULE_TICK_SECONDS)


class Command(db_worker.Command):
    help = "Run the task queue's worker (django-tasks-db's db_worker) and enqueue periodic tasks on time."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--no-schedule", action="store_false", dest="schedule",
                            help="Do not enqueue the periodic tasks (for all workers but one).")

    def handle(self, *args, schedule: bool = True, **options):
        # Every app's tasks.py registers its tasks, periodic ones included.
        autodiscover_modules("tasks")
        # With --reload the first process only watches files; the one it starts runs the worker.
        reloading_parent = options.get("reload") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        stop = threading.Event()
        if schedule and not options.get("batch") and not reloading_parent:
            threading.Thread(target=schedule_loop, args=(stop,), name="task-schedule", daemon=True).start()
        elif schedule and options.get("batch"):
            # One pass: what is due now is enqueued first, then run with everything else.
            tasks.periodic_enqueue_due(last_enqueued={}, now=time.monotonic())
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
