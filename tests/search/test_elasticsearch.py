"""Elasticsearch as operators meet it: down, slow, rebuilt, catching up.

The fallback tests need no Elasticsearch (they point at a closed port or a
listener that never answers); the rest run against a real node
(ELASTICSEARCH_URL; skipped on a laptop without one, failed in CI).
"""

import socket
import threading
import time

import pytest
from django.test import override_settings

from search import engine_elasticsearch, indexing
from tests.search.conftest import (
    ELASTICSEARCH_URLS,
    api,
    elasticsearch_index,
    require_elasticsearch,
    slugs,
    test_alias,
)
from tests.search.test_sync import call_command_output
from tests.task_worker import run_worker_here, use_database_backend
from tests.tourism import factories

pytestmark = pytest.mark.django_db


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens there any more


@pytest.fixture
def silent_server():
    """A node that accepts connections and never answers: Elasticsearch hung."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    server.close()


def test_unreachable_elasticsearch_falls_back_to_the_database(client, corpus, settings):
    settings.ELASTICSEARCH_URLS = [closed_port_url()]
    settings.ELASTICSEARCH_INDEX = test_alias()
    response = client.get("/api/search", {"q": "pasar terapung"})
    assert response.status_code == 200
    body = response.json()
    assert body["engine"] == "database"
    assert slugs(body)[0] == "pasar-terapung-lok-baintan"
    suggestions = client.get("/api/search/suggest", {"q": "pasar te"})
    assert suggestions.status_code == 200 and suggestions.json()["suggestions"]
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json()["search"] == {"engine": "database", "status": "down", "configured": "elasticsearch"}


def test_slow_elasticsearch_is_given_up_on_after_the_timeout(client, corpus, settings, silent_server):
    settings.ELASTICSEARCH_URLS = [silent_server]
    settings.ELASTICSEARCH_INDEX = test_alias()
    settings.ELASTICSEARCH_TIMEOUT = 0.5
    started = time.monotonic()
    body = client.get("/api/search", {"q": "jukung"}).json()
    first = time.monotonic() - started
    assert body["engine"] == "database" and body["total"] >= 1
    assert first < 1.5
    # The next searches do not wait for it again while it is known to be down.
    started = time.monotonic()
    assert client.get("/api/search", {"q": "jukung"}).json()["engine"] == "database"
    assert time.monotonic() - started < 0.4


def test_publishing_while_elasticsearch_is_down_is_retried_and_catches_up(client, corpus, settings, monkeypatch,
                                                                          django_capture_on_commit_callbacks):
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from config import tasks

    require_elasticsearch()
    use_database_backend(settings, monkeypatch)
    monkeypatch.setattr(tasks, "backoff_delay", lambda **kwargs: 600)
    with elasticsearch_index():
        with override_settings(ELASTICSEARCH_URLS=[closed_port_url()]):
            started = time.monotonic()
            with django_capture_on_commit_callbacks(execute=True):
                page = factories.destination(slug="goa-liang-tapah", title="Goa Liang Tapah",
                                             summary="Gua kapur dengan sungai bawah tanah.")
            assert page.live and time.monotonic() - started < 1.5  # the publish never waited for it
            run_worker_here()  # the first attempt: Elasticsearch refuses, the task is tried again later
            failed = DBTaskResult.objects.get(status="FAILED")
            assert failed.exception_class_path == tasks.RETRYING_PATH
            assert "IndexingFailed: 1 of 1 documents not indexed" in failed.traceback
            # Searches meanwhile come from the database engine, which has it already.
            body = client.get("/api/search", {"q": "liang tapah"}).json()
            assert body["engine"] == "database" and slugs(body) == ["goa-liang-tapah"]
            assert "1 retries scheduled (1 documents)" in call_command_output("search_index", "--status")

        # Elasticsearch is back: the retry, once its backoff has passed, indexes the page there.
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
        run_worker_here()
        engine_elasticsearch.refresh()
        assert slugs(api(client, q="liang tapah")) == ["goa-liang-tapah"]
        assert "indexing queue: empty" in call_command_output("search_index", "--status")


def test_healthz_reports_a_working_elasticsearch(client, corpus):
    require_elasticsearch()
    with elasticsearch_index():
        assert client.get("/healthz").json()["search"] == {"engine": "elasticsearch", "status": "ok"}


def test_mapping_uses_only_what_the_bare_server_has(corpus):
    require_elasticsearch()
    with elasticsearch_index():
        [index] = engine_elasticsearch.indices_behind_alias()
        mapping = engine_elasticsearch.client().indices.get_mapping(index=index)[index]["mappings"]
        settings_ = engine_elasticsearch.client().indices.get_settings(index=index)[index]["settings"]
    analyzers = {field.get("analyzer") for field in mapping["properties"].values()} - {None}
    assert analyzers <= {"whitespace", "simple"}
    assert "analysis" not in settings_["index"]  # no custom analyzers, stemmers or synonym filters
    assert mapping["properties"]["location"]["type"] == "geo_point"
    assert mapping["properties"]["suggest"]["type"] == "completion"


def test_a_repeated_search_is_answered_from_the_shard_request_cache(client, corpus):
    """No `now` in the request (the corpus has a past and a coming event, so the
    date range is really evaluated): Elasticsearch keeps the answer until the
    index changes, and the repeat is the same answer."""
    require_elasticsearch()
    with elasticsearch_index():
        es = engine_elasticsearch.client()

        def cache_hits() -> int:
            stats = es.indices.stats(index=engine_elasticsearch.alias_name(), metric="request_cache")
            return stats["_all"]["total"]["request_cache"]["hit_count"]

        first = api(client, type="event")
        before = cache_hits()
        # Two repeats: at most one of them can fall in the next minute (a new request).
        repeats = [api(client, type="event") for _ in range(2)]
        assert cache_hits() > before
        assert all(repeat == first for repeat in repeats)
        # The ended event still weighs less (the minute in the request stands for `now`).
        assert slugs(first) == ["festival-budaya-pasar-terapung", "haul-datu-kelampayan"]


def test_rebuild_swaps_the_alias_while_searches_keep_answering(client, corpus, monkeypatch):
    require_elasticsearch()
    with elasticsearch_index():
        [before] = engine_elasticsearch.indices_behind_alias()
        expected = api(client, q="pasar terapung")
        answers = []
        real_write = engine_elasticsearch.write

        def write_then_search(documents, *, index=None):
            failed = real_write(documents, index=index)
            # The new index is half-filled now: visitors must not notice.
            answers.append(api(client, q="pasar terapung"))
            return failed

        monkeypatch.setattr(engine_elasticsearch, "write", write_then_search)
        monkeypatch.setattr(indexing, "BATCH", 3)  # several batches, several searches mid-rebuild
        indexing.rebuild()
        answers.append(api(client, q="pasar terapung"))
        [after] = engine_elasticsearch.indices_behind_alias()
        assert after != before
        assert not engine_elasticsearch.client().indices.exists(index=before)  # the old one is gone
        assert len(answers) >= 4
        for answer in answers:
            assert answer["engine"] == "elasticsearch"
            assert slugs(answer) == slugs(expected)


def test_a_failed_rebuild_leaves_the_old_index_serving(client, corpus, monkeypatch):
    require_elasticsearch()
    with elasticsearch_index():
        [serving] = engine_elasticsearch.indices_behind_alias()
        real_write = engine_elasticsearch.write

        def refuse_new_index(documents, *, index=None):
            if index is not None:
                raise engine_elasticsearch.EngineUnavailable("disk full")
            return real_write(documents, index=index)

        monkeypatch.setattr(engine_elasticsearch, "write", refuse_new_index)
        with pytest.raises(indexing.RebuildError):
            indexing.rebuild()
        assert engine_elasticsearch.indices_behind_alias() == [serving]
        names = engine_elasticsearch.client().indices.get(index=f"{engine_elasticsearch.alias_name()}-*")
        assert list(names) == [serving]  # the half-built index was removed
        assert slugs(api(client, q="pasar terapung"))[0] == "pasar-terapung-lok-baintan"


def test_first_write_creates_index_and_alias(corpus, settings, django_capture_on_commit_callbacks):
    require_elasticsearch()
    alias = test_alias()
    settings.ELASTICSEARCH_URLS = ELASTICSEARCH_URLS
    settings.ELASTICSEARCH_INDEX = alias
    try:
        with django_capture_on_commit_callbacks(execute=True):
            factories.destination(slug="danau-caramin", title="Danau Caramin", summary="Danau di tengah kebun karet.")
        assert len(engine_elasticsearch.indices_behind_alias()) == 1
        engine_elasticsearch.refresh()
        assert engine_elasticsearch.document_count() == 1
    finally:
        for name in engine_elasticsearch.indices_behind_alias():
            engine_elasticsearch.delete_index(name)
