"""The demo content: what a new user sees after `make run` on a fresh clone."""

import io
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings
from PIL import Image, ImageStat
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Revision

from demo.illustrations import SCENES, illustration
from demo.loading import CATALOG, FEATURED, ILLUSTRATIONS, load_demo
from tourism.catalog_kinds import ILLUSTRATION_CREDIT
from tourism.models import DestinationPage, EventPage, HomePage
from tourism.roles import EDITORS, MODERATORS
from tourism.snippets import Category

SMALL = (320, 200)  # tests draw small pictures: the same scenes, a fraction of the time
MEDIA = Path(tempfile.mkdtemp(prefix="gebrak-demo-media-"))


def counts() -> dict:
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "images": get_image_model().objects.count(),
        "users": get_user_model().objects.count(),
    }


@override_settings(MEDIA_ROOT=MEDIA)
class DemoContentTests(TestCase):
    """Loading the demo costs seconds (two dozen pages in two languages), so it is
    loaded once for the class and each test reads what it needs."""

    @classmethod
    def setUpTestData(cls):
        cls.folder = Path(tempfile.mkdtemp(prefix="gebrak-demo-"))
        cls.output = io.StringIO()
        cls.loaded = load_demo(stdout=cls.output, folder=cls.folder, image_size=SMALL)

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.folder, ignore_errors=True)
        shutil.rmtree(MEDIA, ignore_errors=True)

    def setUp(self):
        self.indonesian = Locale.objects.get(language_code="id")
        self.english = Locale.objects.get(language_code="en")

    def test_destinations_cover_the_regency_in_both_languages(self):
        destinations = DestinationPage.objects.live().filter(locale=self.indonesian)
        self.assertGreaterEqual(destinations.count(), 14)
        self.assertGreaterEqual(destinations.values("district").distinct().count(), 6)
        self.assertEqual({d.category.key for d in destinations}, set(Category.objects.values_list("key", flat=True)))
        self.assertEqual(Category.objects.count(), 6)
        for page in destinations:
            translation = page.get_translation_or_none(self.english)
            self.assertIsNotNone(translation, f"{page.slug} has no English page")
            self.assertTrue(translation.live)
            self.assertNotEqual(translation.specific.summary, page.summary, f"{page.slug}: summary not translated")
            self.assertGreaterEqual(len(translation.specific.body), 2, f"{page.slug}: English body too short")

    def test_every_destination_has_an_illustration_credited_as_such(self):
        for page in DestinationPage.objects.filter(locale=self.indonesian).select_related("main_image"):
            self.assertIsNotNone(page.main_image, page.slug)
            self.assertTrue(page.main_image.title.startswith("Ilustrasi"), page.main_image.title)
            self.assertTrue(page.main_image.description.startswith("Ilustrasi"), page.slug)
            credits = [item.credit for item in page.gallery_images.all()]
            self.assertEqual(credits, [ILLUSTRATION_CREDIT["id"]], page.slug)
            english = page.get_translation(self.english).specific
            self.assertEqual([item.credit for item in english.gallery_images.all()], [ILLUSTRATION_CREDIT["en"]])

    def test_gallery_credit_is_printed_in_the_page_language(self):
        """The credit under a gallery picture is an interface fact: "Ilustrasi" on the
        Indonesian page, "Illustration" on the English one (issue 17)."""
        page = DestinationPage.objects.get(locale=self.indonesian, slug="pasar-terapung-lok-baintan")
        for shown, credit, other in ((page, "Ilustrasi", "Illustration"),
                                     (page.get_translation(self.english), "Illustration", "Ilustrasi")):
            with self.settings(MEDIA_ROOT=MEDIA):  # where the demo's pictures were drawn
                html = self.client.get(shown.url).content.decode()
            gallery = html.split('<ul class="gallery">', 1)[1].split("</ul>", 1)[0]
            captions = re.findall(r"<figcaption>(.*?)</figcaption>", gallery, re.S)
            self.assertTrue(captions, shown.url)
            for caption in captions:
                self.assertIn(f"<small>{credit}</small>", caption, shown.url)
                self.assertNotIn(other, caption, shown.url)

    def test_events_include_upcoming_and_past_ones_at_real_venues(self):
        events = EventPage.objects.live().filter(locale=self.indonesian)
        self.assertGreaterEqual(events.count(), 5)
        self.assertGreaterEqual(events.filter(start__year=2027).count(), 5)
        self.assertTrue(any(event.is_past for event in events), "the past-events list would be empty")
        self.assertTrue(any(not event.is_past for event in events))
        self.assertTrue(events.filter(venue__isnull=False).exists())
        self.assertTrue(all(event.main_image_id for event in events))

    def test_home_page_shows_the_featured_destinations_in_each_language(self):
        for language, locale in (("id", self.indonesian), ("en", self.english)):
            home = HomePage.objects.get(locale=locale)
            self.assertIsNotNone(home.hero_image_id, language)
            picks = [item.destination for item in home.featured_destinations.all()]
            self.assertEqual([page.slug for page in picks], FEATURED)
            with self.settings(MEDIA_ROOT=MEDIA):
                response = self.client.get(f"/{language}/")
            self.assertEqual(response.status_code, 200)
            for page in picks:
                # Each reader sees the featured places in their own language.
                self.assertContains(response, page.get_translation(locale).title)

    def test_demo_logins_open_the_admin(self):
        for username in ("editor", "moderator", "admin"):
            self.client.logout()
            self.assertTrue(self.client.login(username=username, password="gebrak-banjar"), username)
            self.assertEqual(self.client.get("/admin/").status_code, 200, username)
        self.assertTrue(get_user_model().objects.get(username="editor").groups.filter(name=EDITORS).exists())
        self.assertTrue(get_user_model().objects.get(username="moderator").groups.filter(name=MODERATORS).exists())

    def test_loading_again_changes_nothing(self):
        before = counts()
        self.assertFalse(load_demo(if_empty=True, folder=self.folder, image_size=SMALL))
        self.assertEqual(counts(), before)
        # Even a full reload finds every record and picture unchanged.
        output = io.StringIO()
        self.assertTrue(load_demo(stdout=output, folder=self.folder, image_size=SMALL))
        self.assertEqual(counts(), before)
        self.assertIn("0 created, 0 updated, 15 unchanged", output.getvalue())

    def test_progress_is_reported(self):
        self.assertTrue(self.loaded)
        text = self.output.getvalue()
        self.assertIn("Drew 23 illustrations", text)
        self.assertIn("destinations: 15 created", text)
        self.assertIn("Created the login editor / gebrak-banjar", text)

    def test_generated_files_are_jpegs_beside_a_copy_of_the_catalogue(self):
        self.assertTrue((self.folder / CATALOG.name).is_file())
        with Image.open(self.folder / "images" / "pasar-terapung-lok-baintan.jpg") as picture:
            self.assertEqual((picture.format, picture.size), ("JPEG", SMALL))


@pytest.mark.django_db
def test_command_refuses_to_create_published_logins_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("load_demo", stdout=io.StringIO())
    assert not get_user_model().objects.filter(username="editor").exists()


def test_every_demo_record_has_a_known_scene():
    import json

    data = json.loads(CATALOG.read_text(encoding="utf-8"))
    slugs = {record["slug"] for kind in ("destinations", "events") for record in data[kind]}
    assert slugs == set(ILLUSTRATIONS)
    assert set(ILLUSTRATIONS.values()) <= set(SCENES)


def test_illustration_is_a_full_size_picture_not_a_flat_box():
    picture = illustration("river", seed="pasar-terapung-lok-baintan")
    assert picture.size == (1600, 1000)
    assert picture.mode == "RGB"
    colours = picture.getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 5000
    # Light and dark areas, not one tone: a real scene has contrast.
    assert ImageStat.Stat(picture.convert("L")).stddev[0] > 20


@pytest.mark.parametrize("theme", sorted(SCENES))
def test_every_scene_draws_a_varied_picture(theme):
    picture = illustration(theme, seed="test", size=SMALL)
    assert picture.size == SMALL
    assert len(picture.getcolors(maxcolors=100_000) or []) > 500
    assert ImageStat.Stat(picture.convert("L")).stddev[0] > 12


def test_illustrations_are_deterministic_per_slug():
    first = illustration("reservoir", seed="waduk-riam-kanan", size=SMALL).tobytes()
    again = illustration("reservoir", seed="waduk-riam-kanan", size=SMALL).tobytes()
    other = illustration("reservoir", seed="pulau-pinus-riam-kanan", size=SMALL).tobytes()
    assert first == again
    assert first != other


@pytest.mark.django_db
def test_every_run_prints_the_demo_logins_not_only_the_first(settings, home_page):
    """`make run` runs `load_demo --if-empty`: once the demo is there it loads nothing,
    yet a developer coming back still needs the artisans' emails and the password."""
    from tests.marketplace.factories import UserFactory
    from tests.marketplace.orders import factories as shop_factories
    from tests.tourism import factories

    settings.DEBUG = True
    factories.destination(slug="sudah-ada", title="Sudah Ada")  # the demo was loaded on an earlier run
    get_user_model().objects.create_user(username="editor", email="editor@gebrak.example", password="x")
    shop_factories.shop(slug="sasirangan-galuh-banjar", name="Sasirangan Galuh Banjar",
                        owner=UserFactory(email="galuh@contoh.id"))
    output = io.StringIO()
    call_command("load_demo", "--if-empty", stdout=output)
    text = output.getvalue()
    assert "already loaded" in text
    assert f"Editors' admin (/admin/), by username, password 'gebrak-banjar': editor ({EDITORS})" in text
    assert "(/toko/masuk/), by email, password 'gebrak-banjar'" in text
    assert "galuh@contoh.id (Sasirangan Galuh Banjar, " in text
