"""The language switch (ID / EN in the header) leads to the page's translation wherever it lives."""

import pytest
from wagtail.models import Locale

from tests.tourism import factories
from tourism.models import DestinationIndexPage, DestinationPage

pytestmark = pytest.mark.django_db


def switch_links(html: str) -> tuple[str, str]:
    nav = html.split('class="language-switch"', 1)[1].split("</nav>", 1)[0]
    return (nav.split('hreflang="id"')[0].rsplit('href="', 1)[1].split('"')[0],
            nav.split('hreflang="en"')[0].rsplit('href="', 1)[1].split('"')[0])


def test_after_the_indonesian_slug_changed_the_switch_leads_to_the_english_page(client, home_page,
                                                                                django_capture_on_commit_callbacks):
    """An editor shortened the Indonesian page's slug (waduk-riam-kanan -> riam-kanan); its English page
    kept the old one. "EN" led to /en/destinasi/riam-kanan/, where the fallback served the Indonesian
    page to English readers although an English page exists (found by an editor's walk)."""
    page = factories.destination(slug="waduk-uji", title="Waduk Uji", english_title="Test Reservoir")
    english = page.get_translation(Locale.objects.get(language_code="en"))
    client.get("/id/destinasi/waduk-uji/")  # stored in the page cache with the old slug
    page = DestinationPage.objects.get(pk=page.pk)
    page.slug = "uji"
    with django_capture_on_commit_callbacks(execute=True):  # what showed the old address is stale after the commit
        page.save_revision().publish()

    assert switch_links(client.get("/id/destinasi/uji/").content.decode()) == (
        "/id/destinasi/uji/", "/en/destinasi/waduk-uji/")
    assert switch_links(client.get(english.url).content.decode()) == ("/id/destinasi/uji/", "/en/destinasi/waduk-uji/")
    # The address the switch used to lead to (a bookmark, a shared link) reaches the English page.
    response = client.get("/en/destinasi/uji/")
    assert response.status_code == 302 and response["Location"] == "/en/destinasi/waduk-uji/"


def test_a_page_without_english_is_still_served_under_the_english_address(client, home_page):
    factories.destination(slug="hanya-indonesia", title="Hanya Indonesia")
    assert switch_links(client.get("/id/destinasi/hanya-indonesia/").content.decode()) == (
        "/id/destinasi/hanya-indonesia/", "/en/destinasi/hanya-indonesia/")
    response = client.get("/en/destinasi/hanya-indonesia/")
    assert response.status_code == 200 and "Hanya Indonesia" in response.content.decode()
    assert switch_links(response.content.decode()) == ("/id/destinasi/hanya-indonesia/",
                                                       "/en/destinasi/hanya-indonesia/")


def test_after_the_english_index_is_renamed_the_switch_follows(client, home_page, django_capture_on_commit_callbacks):
    """Renaming a page with pages below it moves every one of their addresses (Wagtail rewrites their paths
    in one update, with no signal per page): the Indonesian destination's "EN" still led to the English
    page's old address, where the fallback served Indonesian (found by a review)."""
    page = factories.destination(slug="waduk-uji", title="Waduk Uji", english_title="Test Reservoir")
    english = DestinationPage.objects.get(pk=page.get_translation(Locale.objects.get(language_code="en")).pk)
    assert switch_links(client.get("/id/destinasi/waduk-uji/").content.decode())[1] == "/en/destinasi/waduk-uji/"
    index = DestinationIndexPage.objects.get(pk=english.get_parent().pk)
    index.slug = "destinations"
    with django_capture_on_commit_callbacks(execute=True):
        index.save_revision().publish()
    assert client.get("/en/destinations/waduk-uji/").status_code == 200
    assert switch_links(client.get("/id/destinasi/waduk-uji/").content.decode())[1] == "/en/destinations/waduk-uji/"
