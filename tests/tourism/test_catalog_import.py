"""The catalogue importer: every kind of bad input names record and field and writes nothing."""

import copy
import json

import pytest
from bs4 import BeautifulSoup
from django.core.management import CommandError, call_command
from PIL import Image
from wagtail.models import Page, PageLogEntry, Revision

from tourism.catalog import CatalogError, import_catalog
from tourism.catalog_kinds import GALLERY_CREDIT, ILLUSTRATION_CREDIT
from tourism.models import DestinationPage, EventPage

pytestmark = pytest.mark.django_db

VALID = {
    "destinations": [
        {
            "slug": "pasar-terapung-lok-baintan",
            "title": {"id": "Pasar Terapung Lok Baintan", "en": "Lok Baintan Floating Market"},
            "summary": {"id": "Pasar di atas jukung.", "en": "A market on jukung boats."},
            "body": {"id": "Paragraf satu.\n\nParagraf dua.", "en": "First.\n\nSecond."},
            "category": "culture",
            "district": "Sungai Tabuk",
            "location": {"lat": -3.2917, "lon": 114.6711},
            "tags": ["pasar", "sungai"],
            "opening_hours": "05:00-09:00",
            "ticket_price_idr": 0,
            "images": ["boat.png"],
        },
        {
            "slug": "waduk-riam-kanan",
            "title": {"id": "Waduk Riam Kanan"},
            "summary": {"id": "Waduk di antara perbukitan."},
            "category": "nature",
            "district": "Aranio",
            "location": {"lat": -3.55, "lon": 115.0},
        },
    ],
    "events": [
        {
            "slug": "festival-jukung-2027",
            "title": {"id": "Festival Jukung 2027", "en": "Jukung Festival 2027"},
            "summary": {"id": "Lomba jukung hias.", "en": "Decorated boat race."},
            "start": "2027-08-01T07:00:00+08:00",
            "end": "2027-08-01T12:00:00+08:00",
            "destination": "pasar-terapung-lok-baintan",
            "district": "Sungai Tabuk",
        }
    ],
}


def write_catalog(tmp_path, data, *, image=True):
    if image:
        Image.new("RGB", (64, 48), (200, 80, 40)).save(tmp_path / "boat.png")
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def content_snapshot():
    return (Page.objects.count(), Revision.objects.count(), PageLogEntry.objects.count())


def test_valid_file_creates_pages_in_both_languages(tmp_path, home_page):
    report = import_catalog(write_catalog(tmp_path, VALID))
    assert report.counts["destinations"]["created"] == 2
    lok_baintan = DestinationPage.objects.get(slug="pasar-terapung-lok-baintan", locale__language_code="id")
    assert lok_baintan.live
    assert lok_baintan.title == "Pasar Terapung Lok Baintan"
    assert [block.block_type for block in lok_baintan.body] == ["paragraph", "paragraph"]
    assert lok_baintan.main_image is not None
    assert sorted(lok_baintan.tags.names()) == ["pasar", "sungai"]
    english = DestinationPage.objects.get(translation_key=lok_baintan.translation_key, locale__language_code="en")
    assert english.title == "Lok Baintan Floating Market"
    assert english.live
    # No English given: no English page (readers of /en/ get the fallback).
    riam_kanan = DestinationPage.objects.get(slug="waduk-riam-kanan")
    assert riam_kanan.get_translation_or_none(english.locale) is None
    event = EventPage.objects.get(slug="festival-jukung-2027", locale__language_code="id")
    assert event.venue_id == lok_baintan.pk
    assert (event.latitude, event.longitude) == (lok_baintan.latitude, lok_baintan.longitude)


def test_demo_illustrations_are_credited_in_each_pages_language(tmp_path, client, home_page):
    """The English gallery read "Ilustrasi / Illustration" (issue 18)."""
    token = GALLERY_CREDIT.set(ILLUSTRATION_CREDIT)  # as the demo imports its drawn pictures
    try:
        import_catalog(write_catalog(tmp_path, VALID))
    finally:
        GALLERY_CREDIT.reset(token)

    def caption(language):
        page = BeautifulSoup(client.get(f"/{language}/destinasi/pasar-terapung-lok-baintan/").content, "html.parser")
        return page.select_one(".gallery figcaption").get_text(" ", strip=True)

    assert (caption("id"), caption("en")) == ("Ilustrasi", "Illustration")


def test_same_file_twice_changes_nothing(tmp_path, home_page):
    path = write_catalog(tmp_path, VALID)
    import_catalog(path)
    before = content_snapshot()
    report = import_catalog(path)
    assert content_snapshot() == before
    assert report.counts["destinations"] == {"unchanged": 2}
    assert report.counts["events"] == {"unchanged": 1}


def test_changed_record_updates_the_same_page(tmp_path, home_page):
    import_catalog(write_catalog(tmp_path, VALID))
    page = DestinationPage.objects.get(slug="waduk-riam-kanan")
    url = page.url
    changed = copy.deepcopy(VALID)
    changed["destinations"][1]["summary"]["id"] = "Waduk terbesar di Kalimantan Selatan."
    report = import_catalog(write_catalog(tmp_path, changed))
    assert report.counts["destinations"]["updated"] == 1
    page.refresh_from_db()
    assert page.summary == "Waduk terbesar di Kalimantan Selatan."
    assert page.url == url
    assert DestinationPage.objects.filter(slug="waduk-riam-kanan").count() == 1


def test_command_reports_success(tmp_path, home_page, capsys):
    call_command("import_catalog", str(write_catalog(tmp_path, VALID)))
    assert "destinations: 2 created" in capsys.readouterr().out


def mutate(change):
    data = copy.deepcopy(VALID)
    change(data)
    return data


BAD_INPUTS = {
    "unknown top-level key": (lambda d: d.update(hotels=[]), "unknown top-level key 'hotels'"),
    "wrong type": (lambda d: d["destinations"][0].update(ticket_price_idr="gratis"),
                   'destinations[0] (slug "pasar-terapung-lok-baintan"): ticket_price_idr must be an integer >= 0'),
    "unknown category": (lambda d: d["destinations"][1].update(category="beach"),
                         'destinations[1] (slug "waduk-riam-kanan"): category must be one of'),
    "latitude out of range": (lambda d: d["destinations"][1].update(location={"lat": 95, "lon": 115}),
                              'destinations[1] (slug "waduk-riam-kanan"): location.lat must be between -90 and 90'),
    "longitude out of range": (lambda d: d["destinations"][1].update(location={"lat": -3, "lon": 200}),
                               "location.lon must be between -180 and 180"),
    "missing id text": (lambda d: d["destinations"][1].update(title={"en": "Riam Kanan Reservoir"}),
                        'destinations[1] (slug "waduk-riam-kanan"): title.id (the Indonesian text) is required'),
    "year out of range": (lambda d: d["events"][0].update(start="0001-01-01T00:00:00+08:00"),
                          'events[0] (slug "festival-jukung-2027"): start must be in the years 1900 to 2100'),
    "end before start": (lambda d: d["events"][0].update(end="2027-08-01T06:00:00+08:00"),
                         'events[0] (slug "festival-jukung-2027"): end must not be before start'),
    "unknown destination": (lambda d: d["events"][0].update(destination="pantai-antah-berantah"),
                            "destination names an unknown destination slug 'pantai-antah-berantah'"),
    "missing image": (lambda d: d["destinations"][0].update(images=["missing.jpg"]),
                      "images[0] names a missing image file 'missing.jpg'"),
    "negative price": (lambda d: d["destinations"][0].update(ticket_price_idr=-1),
                       "ticket_price_idr must be an integer >= 0"),
    "bad slug": (lambda d: d["destinations"][0].update(slug="Lok Baintan!"), "slug must be a text of lowercase"),
    "missing required field": (lambda d: d["destinations"][0].pop("summary"), "summary is required"),
    "unknown district": (lambda d: d["destinations"][0].update(district="Banjarmasin Utara"),
                         "district 'Banjarmasin Utara' is not a kecamatan of Kabupaten Banjar"),
    "start without offset": (lambda d: d["events"][0].update(start="2027-08-01T07:00:00"),
                             "start must include a UTC offset"),
    "duplicate slug": (lambda d: d["destinations"].append(copy.deepcopy(d["destinations"][1])),
                       "slug 'waduk-riam-kanan' appears twice"),
    "record not an object": (lambda d: d["events"].append("festival"), "events[1]: must be an object"),
    "kind not a list": (lambda d: d.update(events={"slug": "x"}), "events: must be a list of records"),
}


@pytest.mark.parametrize("case", BAD_INPUTS, ids=list(BAD_INPUTS))
def test_bad_input_names_record_and_field_and_writes_nothing(case, tmp_path, home_page):
    change, expected = BAD_INPUTS[case]
    before = content_snapshot()
    with pytest.raises(CommandError) as raised:
        call_command("import_catalog", str(write_catalog(tmp_path, mutate(change))))
    assert expected in str(raised.value)
    assert "Nothing was imported" in str(raised.value)
    assert content_snapshot() == before


def test_invalid_json_names_line(tmp_path, home_page):
    path = tmp_path / "broken.json"
    path.write_text('{"destinations": [ {"slug": "x",, } ]}', encoding="utf-8")
    with pytest.raises(CatalogError, match=r"invalid JSON at line 1"):
        import_catalog(path)


def test_unreadable_image_is_refused(tmp_path, home_page):
    (tmp_path / "boat.png").write_bytes(b"\x89PNG\r\n\x1a\n not really a picture")
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(VALID), encoding="utf-8")
    before = content_snapshot()
    with pytest.raises(CatalogError, match=r'destinations\[0\] \(slug "pasar-terapung-lok-baintan"\): images\[0\] names an unreadable image'):
        import_catalog(path)
    assert content_snapshot() == before


def test_a_panorama_longer_than_a_picture_can_be_is_refused(tmp_path, home_page):
    """Every picture of an image is WebP, whose sides stop at 16383 px: such a panorama (under the
    40 megapixels) would be stored and then show nowhere, its edit page failing."""
    Image.new("L", (16384, 40), 128).save(tmp_path / "boat.png")
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(VALID), encoding="utf-8")
    before = content_snapshot()
    with pytest.raises(CatalogError, match=r"destinations\[0\] \(slug \"pasar-terapung-lok-baintan\"\): images\[0\] "
                                           r"'boat.png' is 16384x40 pixels; its longest side may be at most 16383"):
        import_catalog(path)
    assert content_snapshot() == before
    from wagtail.images import get_image_model
    assert not get_image_model().objects.exists()


def test_a_late_bad_record_rolls_back_earlier_good_ones(tmp_path, home_page):
    """Validation fails on the event, after two valid destinations: none of them is written."""
    data = mutate(lambda d: d["events"][0].update(destination="tidak-ada"))
    with pytest.raises(CatalogError):
        import_catalog(write_catalog(tmp_path, data))
    assert not DestinationPage.objects.filter(slug="pasar-terapung-lok-baintan").exists()


def test_example_from_the_contract_imports(settings, home_page):
    """The contract's own example must always import (its marketplace part once the shops exist)."""
    from pathlib import Path

    example = Path(settings.BASE_DIR).parent / "shared" / "contracts" / "catalog-example.json"
    if not example.exists():
        pytest.skip("shared/contracts is not beside the checkout")
    report = import_catalog(example)
    assert report.counts["destinations"]["created"] == 2


# --- The media storage: written before the transaction, never inside it -------------------------------

@pytest.mark.django_db(transaction=True)
def test_pictures_are_stored_before_the_transaction_and_written_once(tmp_path, home_page, settings, monkeypatch):
    """With the media in a bucket a file is a network call: none may hold the database's locks. The
    picture is written once, already clean (nothing re-reads and rewrites it after the save); its
    renditions wait for the task worker, as in production."""
    from django.core.files.storage import storages
    from django.db import connection
    from wagtail.images import get_image_model
    from wagtail.models import Collection

    from tests.task_worker import use_database_backend
    from tourism.snippets import Category, District

    use_database_backend(settings, monkeypatch)
    # A committing test starts from tables another one may have emptied, the migrations' rows too.
    for key, name_id, name_en in (("culture", "Budaya", "Culture"), ("nature", "Alam", "Nature")):
        Category.objects.get_or_create(key=key, defaults={"name_id": name_id, "name_en": name_en})
    for name, slug in (("Sungai Tabuk", "sungai-tabuk"), ("Aranio", "aranio")):
        District.objects.get_or_create(name=name, defaults={"slug": slug})
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")

    storage_class = type(storages["default"])
    calls = []
    for name in ("save", "open"):
        original = getattr(storage_class, name)

        def recorded(self, *args, _name=name, _original=original, **kwargs):
            calls.append((_name, connection.in_atomic_block))
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(storage_class, name, recorded)
    report = import_catalog(write_catalog(tmp_path, VALID))

    assert report.counts["destinations"]["created"] == 2
    assert calls == [("save", False)], calls
    image = DestinationPage.objects.filter(slug="pasar-terapung-lok-baintan").first().main_image
    assert (image.width, image.height) == (64, 48)
    assert get_image_model().objects.count() == 1


def test_a_storage_that_refuses_imports_nothing_and_says_so(tmp_path, home_page, settings):
    """The message says what happened and that nothing was imported; no page, no image, no file."""
    from wagtail.images import get_image_model

    from tests.reliability.test_object_storage import storages_at
    from tests.search.test_elasticsearch import closed_port_url

    settings.STORAGES = storages_at(settings, closed_port_url())
    with pytest.raises(CommandError, match="Nothing was imported. media storage: it refused the pictures or did not "
                                           "answer; try again in a few minutes"):
        call_command("import_catalog", str(write_catalog(tmp_path, VALID)))
    assert not DestinationPage.objects.exists() and not EventPage.objects.exists()
    assert not get_image_model().objects.exists()


def test_a_failed_write_leaves_no_stored_picture_behind(tmp_path, home_page, settings, monkeypatch):
    from pathlib import Path

    from tourism import catalog_kinds

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(catalog_kinds.EventKind, "save", broken)
    with pytest.raises(RuntimeError):
        import_catalog(write_catalog(tmp_path, VALID))
    assert not DestinationPage.objects.exists()
    assert not any(path.is_file() for path in Path(settings.MEDIA_ROOT).rglob("*"))


def test_an_import_leaves_the_task_queue_no_failure_and_editors_see_where_pictures_are_used(
        tmp_path, home_page, settings, monkeypatch):
    """The English page of an imported destination starts as a copy of the Indonesian one, gallery
    included; its gallery is then the catalogue's. Rows the copy made and the import replaced were
    gone when the worker came to index their references (Wagtail's update_reference_index_task):
    a FAILED task per translated destination, in the failures an operator reads. The copy's rows
    are kept and rewritten instead, and the image's usage names both languages' pages."""
    from django_tasks_db.models import DBTaskResult
    from wagtail.models import ReferenceIndex

    from tests.task_worker import run_worker_here, use_database_backend

    use_database_backend(settings, monkeypatch)
    data = copy.deepcopy(VALID)
    Image.new("RGB", (64, 48), (40, 80, 200)).save(tmp_path / "river.png")
    data["destinations"][0]["images"] = ["boat.png", "river.png"]
    import_catalog(write_catalog(tmp_path, data))
    run_worker_here()

    failed = list(DBTaskResult.objects.filter(status="FAILED").values_list("task_path", "args_kwargs"))
    assert not failed, failed
    lok_baintan = DestinationPage.objects.get(slug="pasar-terapung-lok-baintan", locale__language_code="id")
    english = DestinationPage.objects.get(translation_key=lok_baintan.translation_key, locale__language_code="en")
    river = english.gallery_images.get(sort_order=1).image
    users = {reference.object_id for reference in ReferenceIndex.get_references_to(river)}
    assert {str(lok_baintan.pk), str(english.pk)} <= users, users


def test_a_new_import_of_a_gallery_sets_its_pictures_in_the_new_order_without_captions(tmp_path, home_page):
    """The catalogue owns an imported gallery: a second import with fewer pictures, in another order,
    leaves exactly those, in that order, in both languages; a caption an editor gave the first row
    does not stay under the picture that now comes first (rows are rewritten, not replaced)."""
    for name, colour in (("river.png", (40, 80, 200)), ("hill.png", (40, 160, 60))):
        Image.new("RGB", (64, 48), colour).save(tmp_path / name)
    data = copy.deepcopy(VALID)
    data["destinations"][0]["images"] = ["boat.png", "river.png", "hill.png"]
    import_catalog(write_catalog(tmp_path, data))
    lok_baintan = DestinationPage.objects.get(slug="pasar-terapung-lok-baintan", locale__language_code="id")
    boat, _river, hill = lok_baintan.gallery_images.order_by("sort_order").values_list("image_id", flat=True)
    first = lok_baintan.gallery_images.get(sort_order=0)
    first.caption = "Perahu di pagi hari"
    first.save()

    data["destinations"][0]["images"] = ["hill.png", "boat.png"]
    import_catalog(write_catalog(tmp_path, data))
    pages = DestinationPage.objects.filter(translation_key=lok_baintan.translation_key)
    assert pages.count() == 2
    for page in pages:
        rows = list(page.gallery_images.order_by("sort_order"))
        assert [(row.image_id, row.caption) for row in rows] == [(hill, ""), (boat, "")], page.locale
