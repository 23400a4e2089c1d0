"""Publishing, unpublishing, moving and deleting reach the index after commit,
in both engines, through the task queue; an indexing failure never fails the write
and is tried again by the worker."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from wagtail.models import Locale

from search.models import SearchDocument
from tests.search.conftest import api, slugs
from tests.task_worker import run_worker_here, use_database_backend
from tests.tourism import factories

pytestmark = pytest.mark.django_db
CATALOG_EXAMPLE = Path("/work/shared/contracts/catalog-example.json")


@pytest.fixture(autouse=True)
def _elasticsearch_as_the_corpus(request):
    """The database rolls back after each test; Elasticsearch does not. So each
    test with it starts from the corpus again."""
    if "engine" in request.fixturenames and request.getfixturevalue("engine") == "elasticsearch":
        from search import engine_elasticsearch, indexing

        indexing.rebuild()
        engine_elasticsearch.refresh()


def refreshed():
    """Elasticsearch makes writes searchable within a second; tests ask at once."""
    if settings.ELASTICSEARCH_URLS:
        from search import engine_elasticsearch

        engine_elasticsearch.refresh()


def test_publish_reaches_the_index_after_commit(client, engine, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        page = factories.destination(slug="bukit-matang-kaladan", title="Bukit Matang Kaladan",
                                     summary="Bukit dengan pemandangan waduk dari ketinggian.")
    refreshed()
    # Nothing is indexed while the transaction is open...
    assert api(client, q="kaladan")["total"] == 0
    assert callbacks
    for callback in callbacks:  # ...and everything once it commits.
        callback()
    refreshed()
    assert slugs(api(client, q="kaladan")) == ["bukit-matang-kaladan"]

    with django_capture_on_commit_callbacks(execute=True):
        page.title = "Bukit Matang Kaladan Aranio"
        page.save_revision().publish()
    refreshed()
    assert api(client, q="kaladan")["results"][0]["title"] == "Bukit Matang Kaladan Aranio"

    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    refreshed()
    assert api(client, q="kaladan")["total"] == 0

    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    refreshed()
    assert api(client, q="kaladan")["total"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        page.delete()
    refreshed()
    assert api(client, q="kaladan")["total"] == 0


def test_a_new_translation_adds_english_to_the_same_document(client, engine, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        page = factories.destination(slug="pulau-kembang", title="Pulau Kembang",
                                     summary="Pulau kecil dengan kawanan monyet ekor panjang.")
    refreshed()
    assert api(client, q="monkeys", lang="en")["total"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        translation = page.copy_for_translation(Locale.objects.get(language_code="en"), copy_parents=True)
        translation.title = "Kembang Island"
        translation.summary = "A small island with troops of long-tailed monkeys."
        translation.save_revision().publish()
    refreshed()
    body = api(client, q="monkeys", lang="en")
    assert [(r["slug"], r["title"], r["url"]) for r in body["results"]] == [
        ("pulau-kembang", "Kembang Island", "/en/destinasi/pulau-kembang/")]
    assert api(client, q="pulau kembang")["total"] == 1  # still one document


def test_renaming_the_destinations_section_updates_every_url(client, engine, django_capture_on_commit_callbacks):
    from tourism.models import DestinationIndexPage

    index = DestinationIndexPage.objects.get(locale=Locale.get_default())
    with django_capture_on_commit_callbacks(execute=True):
        index.slug = "wisata"
        index.save_revision().publish()
    refreshed()
    assert api(client, q="lok baintan")["results"][0]["url"] == "/id/wisata/pasar-terapung-lok-baintan/"


def test_moving_a_page_under_another_section_updates_its_url(client, engine, django_capture_on_commit_callbacks):
    from tourism.models import DestinationIndexPage

    page = factories.destination(slug="desa-wisata-kiram", title="Desa Wisata Kiram",
                                 summary="Desa di kaki bukit dengan kebun buah.")
    with django_capture_on_commit_callbacks(execute=True):
        second = DestinationIndexPage(title="Destinasi Lain", slug="destinasi-lain", locale=Locale.get_default())
        DestinationIndexPage.objects.get(locale=Locale.get_default()).get_parent().add_child(instance=second)
        second.save_revision().publish()
        page.move(second, pos="last-child")
    refreshed()
    assert api(client, q="kiram")["results"][0]["url"] == "/id/destinasi-lain/desa-wisata-kiram/"


def test_import_leaves_the_index_holding_every_record(client, engine, django_capture_on_commit_callbacks):
    from tourism.catalog import import_catalog

    with django_capture_on_commit_callbacks(execute=True):
        import_catalog(CATALOG_EXAMPLE)
    refreshed()
    import json

    catalog = json.loads(CATALOG_EXAMPLE.read_text())
    listed = set(slugs(api(client, per_page=50)))
    for kind in ("destinations", "events", "artisans", "products"):
        for record in catalog.get(kind, []):
            assert record["slug"] in listed, record["slug"]


def test_shop_decisions_show_and_hide_the_artisan_and_products(client, engine, django_capture_on_commit_callbacks):
    from marketplace.models import Shop
    from marketplace.services import shop_decide

    waiting = Shop.objects.get(slug="toko-menunggu")
    with django_capture_on_commit_callbacks(execute=True):
        shop_decide(shop=waiting, decision="approve")
    refreshed()
    assert set(slugs(api(client, q="lembayung"))) == {"toko-menunggu", "sarung-toko-menunggu"}
    with django_capture_on_commit_callbacks(execute=True):
        shop_decide(shop=waiting, decision="suspend", reason="Foto produk bukan milik sendiri.")
    refreshed()
    assert api(client, q="lembayung")["total"] == 0


def test_product_edits_reach_the_index(client, engine, django_capture_on_commit_callbacks):
    from marketplace.models import Color, Product
    from marketplace.services import product_set_published
    from tests.marketplace import factories as shop_factories

    kemeja = Product.objects.get(slug="kemeja-sasirangan-biru")  # fresh: tests of each engine change it
    with django_capture_on_commit_callbacks(execute=True):
        kemeja.colors.add(Color.objects.get(slug="hijau"))
    refreshed()
    assert "kemeja-sasirangan-biru" in slugs(api(client, color="hijau"))

    with django_capture_on_commit_callbacks(execute=True):
        shop_factories.add_size(kemeja, "M", 0)  # the artisan's sizes set the stock; a size sold out
        kemeja.stock = 0
        kemeja.save()
    refreshed()
    assert "kemeja-sasirangan-biru" not in slugs(api(client, type="product", in_stock="1"))

    with django_capture_on_commit_callbacks(execute=True):
        product_set_published(product=kemeja, published=False)
    refreshed()
    assert api(client, q="kemeja")["total"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        Product.objects.get(slug="kain-gigi-haruan-merah").delete()
    refreshed()
    assert api(client, q="gigi haruan", type="product")["total"] == 0


def test_reconcile_catches_stock_taken_without_signals(client, engine):
    from marketplace.models import Product

    # Checkout reserves stock with a conditional queryset update: no signal fires.
    Product.objects.filter(slug="kain-gigi-haruan-merah").update(stock=0)
    refreshed()
    assert "kain-gigi-haruan-merah" in slugs(api(client, type="product", in_stock="1"))
    out = call_command_output("search_index", "--reconcile")
    assert "stock_changed 1" in out
    refreshed()
    assert "kain-gigi-haruan-merah" not in slugs(api(client, type="product", in_stock="1"))


def test_the_workers_schedule_reconciles_every_five_minutes(client, corpus, settings, monkeypatch):
    from datetime import timedelta

    from config import tasks
    from marketplace.models import Product
    from search.tasks import search_reconcile

    use_database_backend(settings, monkeypatch)
    monkeypatch.setattr(tasks, "PERIODIC", [entry for entry in tasks.PERIODIC if entry.task is search_reconcile])
    assert [entry.every for entry in tasks.PERIODIC] == [timedelta(minutes=5)]
    Product.objects.filter(slug="kain-gigi-haruan-merah").update(stock=0)  # no signal
    assert tasks.periodic_enqueue_due(last_enqueued={}, now=0.0) == ["search_reconcile"]
    run_worker_here()
    assert "kain-gigi-haruan-merah" not in slugs(api(client, type="product", in_stock="1"))


def test_campaigns_are_found_and_ended_ones_rank_lower(client, engine, home_page,
                                                       django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from tourism.models import CampaignPage

    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        for slug, title, start, end in (
                ("gebrak-lama", "Gebrak Sungai Lama", today - timedelta(days=90), today - timedelta(days=60)),
                ("gebrak-sungai", "Gebrak Sungai Bersih", today - timedelta(days=3), today + timedelta(days=30))):
            campaign = CampaignPage(title=title, slug=slug, summary="Ayo jaga sungai Martapura.", start=start,
                                    end=end, hashtag="#GebrakSungai")
            home_page.add_child(instance=campaign)
            campaign.save_revision().publish()
    refreshed()
    body = api(client, q="gebrak sungai")
    assert slugs(body)[:2] == ["gebrak-sungai", "gebrak-lama"]
    assert body["results"][0]["type"] == "campaign"
    assert body["results"][0]["url"] == "/id/gebrak-sungai/"
    assert "gebrak-sungai" in slugs(api(client, q="gebraksungai"))  # the hashtag, as typed


def test_a_publish_is_searchable_once_the_worker_ran(client, settings, monkeypatch,
                                                    django_capture_on_commit_callbacks):
    use_database_backend(settings, monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        page = factories.destination(slug="telaga-biru", title="Telaga Biru", summary="Telaga berair biru.")
    assert page.live
    # The publish only enqueued the indexing...
    assert api(client, q="telaga biru")["total"] == 0
    assert "indexing queue: 1 tasks waiting (1 documents)" in call_command_output("search_index", "--status")
    run_worker_here()  # ...which the worker does.
    assert slugs(api(client, q="telaga biru")) == ["telaga-biru"]
    assert "indexing queue: empty" in call_command_output("search_index", "--status")


def publish_while_indexing_fails(monkeypatch, capture, *, backoff_seconds: float):
    """Publish a page while building documents fails, then let the worker try (once, or, without
    a backoff, until it gives up); returns a function that mends the indexing."""
    from config import tasks
    from search import documents, indexing

    monkeypatch.setattr(tasks, "backoff_delay", lambda **kwargs: backoff_seconds)

    def broken(keys):
        raise RuntimeError("index unavailable")

    monkeypatch.setattr(indexing, "build_records", broken)
    with capture(execute=True):
        page = factories.destination(slug="telaga-biru", title="Telaga Biru", summary="Telaga berair biru.")
    assert page.live  # the write stood
    run_worker_here()
    return lambda: monkeypatch.setattr(indexing, "build_records", documents.build_records)


def test_indexing_failure_never_fails_the_publish_and_is_retried(client, settings, monkeypatch,
                                                                 django_capture_on_commit_callbacks):
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    use_database_backend(settings, monkeypatch)
    mend = publish_while_indexing_fails(monkeypatch, django_capture_on_commit_callbacks, backoff_seconds=600)
    assert api(client, q="telaga biru")["total"] == 0
    out = call_command_output("search_index", "--status")
    assert "0 tasks waiting (0 documents); 1 retries scheduled (1 documents)" in out

    mend()
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())  # its backoff has passed
    run_worker_here()
    assert SearchDocument.objects.filter(slug="telaga-biru").exists()
    assert slugs(api(client, q="telaga biru")) == ["telaga-biru"]
    assert "indexing queue: empty" in call_command_output("search_index", "--status")


def test_documents_of_indexing_that_gave_up_are_enqueued_again_by_retry(client, settings, monkeypatch,
                                                                        django_capture_on_commit_callbacks):
    use_database_backend(settings, monkeypatch)
    mend = publish_while_indexing_fails(monkeypatch, django_capture_on_commit_callbacks, backoff_seconds=0)
    out = call_command_output("search_index", "--status")  # every attempt failed at once
    assert "indexing gave up: 1 tasks (1 documents)" in out

    mend()
    out = call_command_output("search_index", "--retry")
    assert "retry: 1 documents of indexing tasks that gave up enqueued again" in out
    run_worker_here()
    assert slugs(api(client, q="telaga biru")) == ["telaga-biru"]


def call_command_output(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_a_key_no_page_can_have_is_removed_and_its_batch_indexed(client, engine, django_capture_on_commit_callbacks):
    """A stray document's key that is no UUID (one left in an index by hand or by a tool) used to fail
    its whole batch: the batch's other documents were not indexed, and the task was tried again for
    hours."""
    from search.indexing import index_keys

    with django_capture_on_commit_callbacks(execute=True):  # its own indexing done, none left pending
        page = factories.destination(slug="telaga-biru", title="Telaga Biru")
    SearchDocument.objects.filter(slug="telaga-biru").delete()
    report = index_keys(["destination:bukan-uuid", f"destination:{str(page.translation_key).upper()}",
                         f"destination:{page.translation_key}"])
    assert report.failed == {}
    # The stray keys removed (the upper-case one would be a second document of the same page).
    assert (report.indexed, report.removed) == (1, 2)
    refreshed()
    assert slugs(api(client, q="telaga biru")) == ["telaga-biru"]
