"""The page tree a new site starts from (`manage.py site_structure`, run by a first deploy and by every
catalogue import): made when missing, in both languages, and never changing what editors wrote."""

import pytest
from django.core.management import call_command
from wagtail.models import Locale, Page, Site

from tourism.models import DestinationIndexPage, EventIndexPage, HomePage
from tourism.site_structure import ensure_site_structure

pytestmark = pytest.mark.django_db


def test_a_new_database_gets_its_home_and_index_pages_in_both_languages(client, django_capture_on_commit_callbacks):
    # As migrations leave a new database: Wagtail's "Welcome" page is the site's root, nothing of ours.
    root = Page.get_first_root_node()
    welcome = root.add_child(instance=Page(title="Welcome to your new Wagtail site!", slug="welcome",
                                           locale=Locale.get_default()))
    Site.objects.update(root_page=welcome)
    for home in HomePage.objects.all():
        home.delete()
    assert client.get("/id/destinasi/").status_code == 404

    with django_capture_on_commit_callbacks(execute=True):  # what the site remembers moves on at the commit
        call_command("site_structure")
    for path, heading in (("/id/", "Banjar, dari pasar terapung"), ("/en/", "Banjar, from floating markets"),
                          ("/id/destinasi/", "Destinasi"), ("/en/destinasi/", "Destinations"),
                          ("/id/acara/", "Acara"), ("/en/acara/", "Events")):
        response = client.get(path)
        assert response.status_code == 200, path
        assert heading in response.content.decode()
    assert not Page.objects.filter(slug="welcome").exists()  # Wagtail's placeholder, of no use now

    # Run again (a second deploy): nothing new, nothing published again.
    pages, revisions = Page.objects.count(), sum(page.revisions.count() for page in Page.objects.all())
    call_command("site_structure")
    assert Page.objects.count() == pages
    assert sum(page.revisions.count() for page in Page.objects.all()) == revisions


def test_an_editor_s_english_texts_survive_the_next_catalogue_import():
    """Every import calls ensure_site_structure; it published its own English hero and intros again,
    over what the editors had written."""
    english = Locale.objects.get(language_code="en")
    home = HomePage.objects.get(locale=english)
    home.hero_text = "Banjar's rivers, markets and cloth, as our editors tell it."
    home.save_revision().publish()
    events = EventIndexPage.objects.get(locale=english)
    events.intro = "Haul Guru Sekumpul and the river festivals, all year."
    events.save_revision().publish()
    destinations = DestinationIndexPage.objects.get(locale=english)
    destinations.unpublish()  # an editor's choice too

    ensure_site_structure()
    assert HomePage.objects.get(locale=english).hero_text == "Banjar's rivers, markets and cloth, as our editors tell it."
    assert EventIndexPage.objects.get(locale=english).intro == "Haul Guru Sekumpul and the river festivals, all year."
    assert not DestinationIndexPage.objects.get(locale=english).live
