"""The scaled shape runs (issue 12): two gunicorn instances of the site on their own ports,
sharing one database, Redis (page and fragment caches), Elasticsearch and one task worker,
each a separate process started as production starts them (`gunicorn -c gunicorn.conf.py`,
`manage.py tasks_worker`). An editor publishes on one instance; a visitor of the other sees
the new page at once, not when its cached copy ages out, and finds it in search once the
worker has indexed it.

On the pass's own database engine: a new PostgreSQL database on the server DATABASE_URL names
(the PostgreSQL pass), else a SQLite file that both instances open (the SQLite pass).
Needs REDIS_TEST_URL (scripts/ci/redis.sh) and ELASTICSEARCH_URL (scripts/elasticsearch.sh);
skipped on a laptop without them, a failure in CI.
"""

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

from tests.conftest import require_service

ROOT = Path(__file__).resolve().parents[2]
REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "")
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "").split(",")[0]
PASSWORD = "Sc4led-" + secrets.token_hex(8)
PUBLIC_HOST = "localhost"
OLD_TITLE = "Pasar Terapung Lok Baintan"
NEW_TITLE = "Pasar Terapung Lok Baintan Subuh Kelotok"

# What the operator's or the test pass's shell may carry that must not reach the instances.
NOT_INHERITED = {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_INDEX", "DEBUG",
                 "AWS_STORAGE_BUCKET_NAME", "AWS_PRIVATE_BUCKET_NAME", "PAGE_CACHE_SECONDS",
                 "FRAGMENT_CACHE_SECONDS", "SITE_URL", "WEB_CONCURRENCY", "GUNICORN_BIND"}

CONTENT = f"""
import json
from django.contrib.auth import get_user_model
from tourism.site_structure import ensure_site_structure
from tests.tourism import factories
ensure_site_structure()
page = factories.destination(slug="lok-baintan", title={OLD_TITLE!r}, category="culture",
                             district_name="Sungai Tabuk", latitude="-3.2873", longitude="114.6575")
get_user_model().objects.create_superuser("admin", "admin@gebrak.example", {PASSWORD!r})
print(json.dumps({{"id": page.pk, "url": page.url}}))
"""

# Another editor's draft: saved, not yet published (nothing a visitor may see).
DRAFT = f"""
from tourism.models import DestinationPage
page = DestinationPage.objects.get(slug="lok-baintan", locale__language_code="id")
page.title = {NEW_TITLE!r}
page.save_revision()
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


def redis_answers() -> bool:
    if not REDIS_TEST_URL:
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_TEST_URL, socket_timeout=2).ping())
    except redis.RedisError:
        return False


def elasticsearch_answers() -> bool:
    try:
        return bool(ELASTICSEARCH_URL) and requests.get(f"{ELASTICSEARCH_URL}/_cluster/health", timeout=5).ok
    except requests.RequestException:
        return False


@contextmanager
def scaled_database(tmp_path: Path):
    """A database of the pass's engine that only this test uses; dropped afterwards."""
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_path / 'scaled.sqlite3'}"
        return
    import psycopg

    name = f"gebrak_scaled_{secrets.token_hex(4)}"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
    finally:
        database_drop(server, name)


def database_drop(server: str, name: str, *, tries: int = 40) -> None:
    """Drop the test's database. WITH (FORCE) ends this test's own connections, not a process of
    another role: PostgreSQL's autovacuum at work on the new database refused the drop once in CI
    ("must be a member of the role whose process is being terminated"). It finishes in moments."""
    import psycopg

    for attempt in range(tries):
        try:
            with psycopg.connect(server, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except (psycopg.errors.InsufficientPrivilege, psycopg.errors.ObjectInUse):
            if attempt == tries - 1:
                raise
            time.sleep(0.5)


class Instances:
    """The processes of the scaled shape and what they share."""

    def __init__(self, env: dict, logs: Path):
        self.env, self.logs, self.processes = env, logs, {}

    def manage(self, *arguments: str, timeout: int = 600) -> str:
        result = subprocess.run([sys.executable, "manage.py", *arguments], cwd=ROOT, env=self.env,
                                capture_output=True, text=True, timeout=timeout)
        assert result.returncode == 0, f"manage.py {arguments[0]}: {result.stderr[-3000:]}"
        return result.stdout

    def start(self, name: str, command: list[str], **extra_env) -> None:
        log = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        self.processes[name] = (subprocess.Popen(command, cwd=ROOT, env={**self.env, **extra_env}, stdout=log,
                                                 stderr=subprocess.STDOUT, start_new_session=True), log)

    def site(self, name: str) -> str:
        port = free_port()
        self.start(name, [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
                   GUNICORN_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="2", GUNICORN_THREADS="2")
        deadline = time.monotonic() + 90
        while not listening(port):
            process = self.processes[name][0]
            assert process.poll() is None, f"{name} exited: {self.log(name)}"
            assert time.monotonic() < deadline, f"{name} did not listen in 90 s: {self.log(name)}"
            time.sleep(0.2)
        return f"http://127.0.0.1:{port}"

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        for process, _log in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process, log in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            log.close()


@pytest.fixture(scope="module")
def scaled(tmp_path_factory):
    require_service(redis_answers(), "Redis", "apt-get install -y redis-server; scripts/ci/redis.sh start; "
                    "export REDIS_TEST_URL=redis://127.0.0.1:16379/0")
    require_service(elasticsearch_answers(), "Elasticsearch", "scripts/elasticsearch.sh start; "
                    "eval \"$(scripts/elasticsearch.sh env)\"")
    import redis

    redis.Redis.from_url(REDIS_TEST_URL).flushdb()  # nothing an earlier pass cached
    folder = tmp_path_factory.mktemp("scaled")
    index = f"gebrak-scaled-{secrets.token_hex(4)}"
    with scaled_database(folder) as database_url:
        env = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
        env.update({
            "DJANGO_SETTINGS_MODULE": "config.settings.dev", "DEBUG": "false", "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_TEST_URL, "ELASTICSEARCH_URL": ELASTICSEARCH_URL, "ELASTICSEARCH_INDEX": index,
            "MEDIA_ROOT": str(folder / "media"), "PRIVATE_MEDIA_ROOT": str(folder / "private-media"),
            "ALLOWED_HOSTS": "127.0.0.1,localhost", "PYTHONPATH": str(ROOT),
        })
        instances = Instances(env, folder)
        try:
            instances.manage("migrate", "--no-input", "-v0")
            page = json.loads(instances.manage("shell", "-c", CONTENT).strip().splitlines()[-1])
            instances.manage("search_index", "--rebuild")
            instances.start("worker", [sys.executable, "manage.py", "tasks_worker", "--interval", "0.5"])
            instances.one, instances.other = instances.site("one"), instances.site("other")
            instances.page = page
            yield instances
        finally:
            instances.stop()
            for name in requests.get(f"{ELASTICSEARCH_URL}/_cat/indices/{index}*?format=json&h=index",
                                     timeout=10).json():
                requests.delete(f"{ELASTICSEARCH_URL}/{name['index']}", timeout=30)
            shutil.rmtree(folder, ignore_errors=True)


def heading(response) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", response.text, re.S)
    return re.sub(r"<[^>]+>|\s+", " ", found.group(1)).strip() if found else ""


def signed_in(base: str) -> requests.Session:
    """The Wagtail admin's sign-in form, as a browser posts it."""
    session = requests.Session()
    session.headers["Host"] = PUBLIC_HOST
    form = session.get(f"{base}/admin/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    answer = session.post(f"{base}/admin/login/", timeout=30, allow_redirects=False,
                          data={"csrfmiddlewaretoken": token, "username": "admin", "password": PASSWORD,
                                "next": "/admin/"}, headers={"Referer": f"{base}/admin/login/"})
    assert answer.status_code == 302, answer.text[-2000:]
    return session


def test_a_publish_on_one_instance_is_seen_at_once_on_the_other(scaled):
    url = scaled.page["url"]
    visitor = requests.Session()
    # Both behind one address, as behind a load balancer: the same Host reaches either.
    visitor.headers["Host"] = PUBLIC_HOST

    # The other instance renders the page and stores it; the first instance is served that same
    # stored copy: the page cache is one, in Redis, not one per instance.
    first = visitor.get(scaled.other + url, timeout=30)
    assert first.status_code == 200 and heading(first) == OLD_TITLE
    stored_in = time.monotonic() + 10  # stored once the response is sent
    while visitor.get(scaled.other + url, timeout=30).headers.get("X-Page-Cache") != "hit":
        assert time.monotonic() < stored_in, "the page was never stored"
        time.sleep(0.2)
    from_one = visitor.get(scaled.one + url, timeout=30)
    assert from_one.headers.get("X-Page-Cache") == "hit", "the instances do not share the page cache"
    assert heading(from_one) == OLD_TITLE

    # A draft is not news: visitors still see the published page.
    scaled.manage("shell", "-c", DRAFT)
    assert heading(visitor.get(scaled.other + url, timeout=30)) == OLD_TITLE
    assert heading(visitor.get(scaled.one + url, timeout=30)) == OLD_TITLE

    # The editor publishes on the first instance (the admin's own publish action, as a form post).
    editor = signed_in(scaled.one)
    action = f"{scaled.one}/admin/bulk/wagtailcore/page/publish/?id={scaled.page['id']}"
    confirm = editor.get(action, timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', confirm.text).group(1)
    published = editor.post(action, data={"csrfmiddlewaretoken": token}, timeout=60, allow_redirects=False,
                            headers={"Referer": action})
    assert published.status_code == 302, published.text[-2000:]

    # At once on the other instance: no stale copy served, whatever time it had left.
    after = visitor.get(scaled.other + url, timeout=30)
    assert after.status_code == 200
    assert heading(after) == NEW_TITLE, f"the other instance still shows {heading(after)!r}"
    assert heading(visitor.get(scaled.one + url, timeout=30)) == NEW_TITLE

    # The one worker indexes the change into the shared Elasticsearch; the other instance finds it.
    deadline, titles = time.monotonic() + 120, []
    while time.monotonic() < deadline:
        answer = visitor.get(f"{scaled.other}/api/search", params={"q": "kelotok subuh", "lang": "id"}, timeout=30)
        assert answer.status_code == 200, answer.text[:500]
        titles = [result["title"] for result in answer.json()["results"]]
        if NEW_TITLE in titles:
            break
        time.sleep(1)
    assert NEW_TITLE in titles, f"not found in search after 120 s: {titles}; worker: {scaled.log('worker')}"
    engine = visitor.get(f"{scaled.other}/api/search", params={"q": "kelotok", "lang": "id"}, timeout=30)
    assert engine.json()["engine"] == "elasticsearch"
