"""Renditions are made by the task queue's worker (issue 12), not in the request that saved the
picture: the artisan's upload and the editor's publish each enqueue a task after their commit, and
`manage.py tasks_worker` (here: the same Worker, in this process, on the database backend as
production runs it) makes every size the pages ask for."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks_db.models import DBTaskResult

from config import renditions
from tests.marketplace import factories as shop_factories
from tests.task_worker import run_worker_here, use_database_backend

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_backend(settings, monkeypatch):
    use_database_backend(settings, monkeypatch)


def waiting(task) -> list[dict]:
    return [result.args_kwargs["kwargs"] for result in
            DBTaskResult.objects.filter(task_path=task.module_path, status="READY")]


def specs_of(image) -> set[str]:
    return set(image.renditions.values_list("filter_spec", flat=True))


def test_an_uploaded_product_photo_gets_its_renditions_from_the_worker(client, database_backend,
                                                                       django_capture_on_commit_callbacks):
    from marketplace.models import ProductPhoto
    from tests.marketplace.test_dashboard import product_post

    shop = shop_factories.ShopFactory()
    client.force_login(shop.owner)
    data = product_post()
    data["new_photos"] = [SimpleUploadedFile("kain.jpg", shop_factories.jpeg_bytes(size=(1600, 1200)),
                                             content_type="image/jpeg")]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/toko/produk/baru/", data)
    assert response.status_code == 302
    image = ProductPhoto.objects.get(product__shop=shop).image
    assert specs_of(image) == set(), "the upload's request made renditions itself"
    assert waiting(renditions.image_renditions_make) == [{"image_id": image.pk, "role": "product_photo"}]

    run_worker_here()
    assert specs_of(image) == set(renditions.PRODUCT_PHOTO)
    assert waiting(renditions.image_renditions_make) == []


def test_a_published_page_gets_its_renditions_from_the_worker(home_page, database_backend,
                                                               django_capture_on_commit_callbacks):
    from tests.tourism import factories

    picture = shop_factories.ImageFactory(file=shop_factories.ContentFile(
        shop_factories.jpeg_bytes(size=(1600, 1000)), name="jukung.jpg"))
    with django_capture_on_commit_callbacks(execute=True):
        place = factories.destination(slug="pasar-terapung", title="Pasar Terapung", main_image=picture)
    # The hero's sizes, the largest; (the search index may make the card's for its document).
    hero = {spec for spec in renditions.TOURISM_MAIN if "-c50" in spec}
    assert not specs_of(picture) & hero, "the publish made the hero's renditions itself"
    assert {"page_id": place.pk} in waiting(renditions.page_renditions_make)

    run_worker_here()
    assert specs_of(picture) == set(renditions.TOURISM_MAIN)


def test_a_photo_deleted_before_the_worker_runs_is_no_failure(database_backend):
    image = shop_factories.ImageFactory(file=shop_factories.ContentFile(
        shop_factories.jpeg_bytes(size=(200, 200)), name="hapus.jpg"))
    renditions.image_renditions_make.enqueue(image_id=image.pk, role="product_photo")
    image.delete()
    run_worker_here()
    assert list(DBTaskResult.objects.filter(task_path=renditions.image_renditions_make.module_path)
                .values_list("status", "return_value")) == [("SUCCESSFUL", 0)]


@pytest.mark.django_db(transaction=True)
def test_a_renditions_file_is_written_before_the_transaction_that_inserts_its_row(monkeypatch):
    """With SQLite's IMMEDIATE transactions the write lock is taken at BEGIN: a file written inside
    (with the media in a bucket, over the network) held every checkout's write behind it."""
    from wagtail.models import Collection

    from tests.storage_writes import storage_writes_recorded

    if Collection.get_first_root_node() is None:  # a committing test starts from emptied tables
        Collection.add_root(name="Root")
    image = shop_factories.ImageFactory()
    writes = storage_writes_recorded(monkeypatch)  # renditions go there (no WAGTAILIMAGES_RENDITION_STORAGE)
    specs = ("fill-40x30|format-webp", "width-20|format-jpeg")
    assert renditions.renditions_make(image=image, specs=specs) == 2
    assert writes.inside == [] and len(writes.outside) == 2, writes
    for rendition in image.renditions.all():
        with rendition.file.open("rb") as handle:
            assert handle.read(4) in (b"RIFF", b"\xff\xd8\xff\xe0", b"\xff\xd8\xff\xdb")
        assert (rendition.width, rendition.height) in {(40, 30), (20, 15)}, rendition.filter_spec
    assert specs_of(image) == set(specs)
    assert renditions.renditions_make(image=image, specs=specs) == 0


def test_a_rendition_another_worker_made_meanwhile_is_kept_and_the_second_file_goes():
    from wagtail.images.models import Filter

    image = shop_factories.ImageFactory()
    spec_filter = Filter(spec="fill-40x30|format-webp")
    renditions.rendition_store(image=image, spec_filter=spec_filter)
    first = image.renditions.get()
    storage = first.file.storage
    renditions.rendition_store(image=image, spec_filter=spec_filter)  # as a worker that looked before the first
    assert list(image.renditions.values_list("pk", "file")) == [(first.pk, first.file.name)]
    folder = first.file.name.rsplit("/", 1)[0]
    assert storage.listdir(folder)[1] == [first.file.name.rsplit("/", 1)[1]]


def test_a_rendition_the_worker_made_is_found_by_the_next_lookup_without_a_query(django_assert_num_queries):
    """As Wagtail's get_rendition leaves it: in the renditions cache, where a page's picture that
    did not come with its renditions looks first."""
    from wagtail.images import get_image_model
    from wagtail.images.models import Filter

    image = shop_factories.ImageFactory()
    spec_filter = Filter(spec="fill-40x30|format-webp")
    renditions.rendition_store(image=image, spec_filter=spec_filter)
    fresh = get_image_model().objects.get(pk=image.pk)
    with django_assert_num_queries(0):
        found = fresh.find_existing_renditions(spec_filter)
    assert found[spec_filter].file.name == image.renditions.get().file.name
