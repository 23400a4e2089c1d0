"""gunicorn's settings for production: `gunicorn -c gunicorn.conf.py` (README).

Threads (gthread), so that a request waiting on another service (Stripe, the storage, the search
engine) holds one thread while the worker's others keep serving carts and pages. The timeout is
above the worst-case request, so that gunicorn never cuts one short with its bare 500 where the
site has a designed answer: a request waits at most 20 s for SQLite's write lock (DATABASES'
timeout), about 9 s for a Stripe that hangs (stripe_client: 2 tries of 4 s) and about 7 s for a
storage that hangs (AWS_S3_TIMEOUT: 2 tries of 3 s); one request meets at most two of them.
"""

import os

wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
# Two processes per core; each with threads for the requests that wait on another service.
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1))))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# A deploy lets running requests finish (the worst case above) before the old workers stop.
graceful_timeout = 40
keepalive = 5
# A worker is replaced after this many requests (spread out), so memory that image decoding
# left fragmented is given back now and then. Not often: a new worker spends ~1.6 s of CPU
# importing Django and Wagtail, then fills what it remembers (the search documents, the
# vocabulary, the routing facts) again. At 2000, a campaign's few hundred requests a second
# replaced each worker every few seconds (`make bench`'s bare view swung 216-758 req/s round to
# round, p95 up to 1.9 s); at 100 000 it is every few minutes at the most (docs/decisions.md).
max_requests = 100_000
max_requests_jitter = 10_000
accesslog = "-"


def on_starting(server):
    """Production's settings are loaded once before gunicorn binds or forks, in a process of their own
    (the master keeps no Django module, so a `systemctl reload` after an upgrade still loads the new
    code). Without SECRET_KEY or ALLOWED_HOSTS gunicorn stops there with their one line (config/startup.py),
    instead of every worker's traceback and then its own."""
    import subprocess
    import sys

    # The environment as gunicorn has it now (systemd's, and any --env); the default as config/wsgi.py's.
    checked = subprocess.run([sys.executable, "-m", "config.startup", "config.settings.production"],
                             cwd=server.cfg.chdir)
    if checked.returncode:
        sys.exit(checked.returncode)


def post_worker_init(worker):
    """Everything loaded so far (Django, Wagtail, the site's code) lives as long as the worker:
    frozen, so that the garbage collector's full passes stop walking it again and again."""
    import gc

    gc.collect()
    gc.freeze()
