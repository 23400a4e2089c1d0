"""Search quality on the judged demo queries (tests/search/judgments.json):
Elasticsearch must reach nDCG@10 >= 0.85; the database engine is held to the
figure it reached when the set was judged, less a margin, so ranking changes
that hurt show up here."""

import json
from pathlib import Path

import pytest
from django.db import transaction
from django.test import override_settings

from search.quality import evaluate, load_judgments, ndcg_at, reciprocal_rank
from tests.search.conftest import elasticsearch_index

ROOT = Path(__file__).resolve().parents[2]
DEMO_CATALOGS = [ROOT / "demo" / "data" / "tourism" / "catalog.json", ROOT / "demo" / "data" / "marketplace" / "catalog.json"]

pytestmark = pytest.mark.django_db


def test_metrics_on_a_known_ranking():
    relevant = {"a": 3, "b": 2, "c": 1}
    assert ndcg_at(["a", "b", "c"], relevant) == pytest.approx(1.0)
    assert ndcg_at(["x", "a", "b", "c"], relevant) < ndcg_at(["a", "x", "b", "c"], relevant) < 1.0
    assert ndcg_at(["x", "y"], relevant) == 0.0
    assert reciprocal_rank(["x", "y", "b"], relevant) == pytest.approx(1 / 3)


def test_the_judged_set_covers_both_languages_and_every_kind():
    judgments = load_judgments()
    assert len(judgments) >= 40
    languages = {judgment["lang"] for judgment in judgments}
    assert languages == {"id", "en"}
    assert sum(1 for judgment in judgments if judgment["lang"] == "en") >= 15
    kinds = {key.split(":")[0] for judgment in judgments for key in judgment["relevant"]}
    assert kinds == {"destination", "event", "product", "artisan"}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """Both demo catalogues, imported without their pictures (text is what is judged)."""
    from search import indexing
    from tourism.catalog import import_catalog

    folder = tmp_path_factory.mktemp("demo")
    with django_db_blocker.unblock(), override_settings(ELASTICSEARCH_URLS=[]):
        with transaction.atomic():
            indexing._pending().clear()
            for number, path in enumerate(DEMO_CATALOGS):
                data = json.loads(path.read_text(encoding="utf-8"))
                for records in data.values():
                    for record in records:
                        record.pop("images", None)
                text_only = folder / f"catalog-{number}.json"
                text_only.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
                import_catalog(text_only)
            indexing.flush()
            yield
            transaction.set_rollback(True)


def test_database_engine_quality(demo):
    with override_settings(ELASTICSEARCH_URLS=[]):
        report = evaluate(load_judgments(), engine="database")
    print(f"database: nDCG@10 {report.ndcg:.3f} MRR {report.mrr:.3f} zero {report.zero_result_rate:.3f}")
    assert report.ndcg >= 0.90
    assert report.mrr >= 0.90
    assert report.zero_result_rate == 0


def test_elasticsearch_quality(demo):
    with elasticsearch_index():
        report = evaluate(load_judgments(), engine="elasticsearch")
    print(f"elasticsearch: nDCG@10 {report.ndcg:.3f} MRR {report.mrr:.3f} zero {report.zero_result_rate:.3f}")
    assert report.ndcg >= 0.85
    assert report.zero_result_rate == 0
