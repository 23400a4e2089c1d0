"""English keeps up: the dashboard lists pages with no English or an English older than the
Indonesian, and one action creates or refreshes the English copy to translate."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from wagtail.models import Locale, PageLogEntry
from wagtail.rich_text import RichText

from tests.marketplace.factories import ImageFactory
from tests.tourism import factories
from tourism.models import DestinationGalleryImage, DestinationPage
from tourism.roles import EDITORS

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = User.objects.create_user("penyunting", "penyunting@banjarkab.go.id", "pw")
    user.groups.add(Group.objects.get(name=EDITORS))
    client.force_login(user)
    return user


def english(page):
    return page.get_translation(Locale.objects.get(language_code="en")).specific


def republish_in_indonesian(page, **changes):
    page = DestinationPage.objects.get(pk=page.pk)
    for name, value in changes.items():
        setattr(page, name, value)
    page.save_revision().publish()
    return page


def panel_text(client) -> str:
    html = client.get("/admin/").content.decode()
    start = html.index('id="english-backlog-heading"')
    return html[start:html.index("</section>", start)]


def test_dashboard_lists_missing_and_outdated_english(client, editor, home_page):
    factories.destination(slug="sudah-diterjemahkan", title="Sudah Diterjemahkan", english_title="Translated")
    factories.destination(slug="tanpa-inggris", title="Tanpa Inggris")
    outdated = factories.destination(slug="inggris-tertinggal", title="Inggris Tertinggal", english_title="Behind")
    republish_in_indonesian(outdated, summary="Ringkasan yang baru diubah.")

    panel = panel_text(client)
    assert "Belum ada versi Inggris (1)" in panel and "Tanpa Inggris" in panel
    assert "Versi Inggris tertinggal (1)" in panel and "Inggris Tertinggal" in panel
    assert "Sudah Diterjemahkan" not in panel
    assert "Buat salinan Inggris" in panel and "Perbarui salinan Inggris" in panel


def test_creating_the_english_copy_opens_a_draft_to_translate(client, editor, home_page):
    page = factories.destination(slug="tanpa-inggris", title="Tanpa Inggris", summary="Ringkasan Indonesia.")

    response = client.post(f"/admin/gebrak/salinan-inggris/{page.pk}/")

    copy = english(page)
    assert response.status_code == 302 and response["Location"] == f"/admin/pages/{copy.pk}/edit/"
    assert not copy.live and copy.slug == page.slug and copy.summary == "Ringkasan Indonesia."
    # Still listed until the English is published, now as behind rather than missing.
    panel = panel_text(client)
    assert "Belum ada versi Inggris" not in panel and "Versi Inggris tertinggal (1)" in panel
    assert "draf, belum dipublikasikan" in panel


def test_refresh_brings_only_what_changed_in_indonesian_into_the_english_draft(client, editor, home_page):
    page = factories.destination(slug="inggris-tertinggal", title="Inggris Tertinggal", english_title="Behind")
    republish_in_indonesian(page, summary="Ringkasan yang baru diubah.", opening_hours="08.00–17.00 WITA")
    image = ImageFactory()
    page = DestinationPage.objects.get(pk=page.pk)
    page.gallery_images.add(DestinationGalleryImage(image=image, caption="Keterangan baru"))
    page.save_revision().publish()

    response = client.post(f"/admin/gebrak/salinan-inggris/{page.pk}/", follow=True)

    translation = english(page)
    draft = translation.get_latest_revision_as_object()
    # What changed in Indonesian now waits in the draft, to be translated ...
    assert draft.summary == "Ringkasan yang baru diubah."
    assert draft.opening_hours == "08.00–17.00 WITA"
    assert [(item.image_id, item.caption) for item in draft.gallery_images.all()] == [(image.pk, "Keterangan baru")]
    # ... the English that was already translated stays, and the live English page is untouched.
    assert draft.title == "Behind" and translation.title == "Behind"
    assert translation.summary == "Summary in English." and translation.has_unpublished_changes
    # The gallery of the Indonesian page is still its own.
    assert DestinationGalleryImage.objects.filter(page=page).count() == 1
    message = str(list(response.context["messages"])[0])
    assert "ringkasan" in message and "Behind" in message
    assert PageLogEntry.objects.filter(page=translation, action="gebrak.english_copy_refresh").count() == 1

    # Nothing new in Indonesian: nothing to refresh, no new revision.
    revisions = translation.revisions.count()
    response = client.post(f"/admin/gebrak/salinan-inggris/{page.pk}/", follow=True)
    assert translation.revisions.count() == revisions
    assert "Tidak ada yang berubah" in str(list(response.context["messages"])[0])


def test_only_editors_of_the_page_may_copy_it(client, home_page):
    page = factories.destination(slug="tanpa-inggris", title="Tanpa Inggris")
    # May enter the admin, but has no page permission.
    stranger = User.objects.create_user("tamu", "tamu@contoh.id", "pw")
    stranger.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(stranger)
    response = client.post(f"/admin/gebrak/salinan-inggris/{page.pk}/", follow=True)
    # Wagtail answers a refusal in the admin by going home with its message.
    assert response.redirect_chain == [("/admin/", 302)]
    assert "Maaf, Anda tidak memiliki izin" in str(list(response.context["messages"])[0])
    assert page.get_translation_or_none(Locale.objects.get(language_code="en")) is None


def test_the_action_only_answers_a_post(client, editor, home_page):
    page = factories.destination(slug="tanpa-inggris", title="Tanpa Inggris")
    assert client.get(f"/admin/gebrak/salinan-inggris/{page.pk}/").status_code == 405
    assert client.post("/admin/gebrak/salinan-inggris/999999/").status_code == 404


def test_a_refresh_keeps_the_english_body_when_only_the_admin_s_paragraph_keys_and_the_tags_order_differ(
        client, editor, home_page):
    """An imported page's first save in the admin gives each paragraph a `data-block-key` and may read
    the tags back in another order: no word changed, yet the refresh wrote the Indonesian body and
    tags over the English (found by an editor's walk)."""
    page = factories.destination(slug="kiram", title="Kiram Park", english_title="Kiram Park")
    page = DestinationPage.objects.get(pk=page.pk)
    page.body = [("paragraph", RichText("<p>Kiram Park berada di Desa Kiram.</p>"))]
    page.tags.add("alam", "keluarga", "danau")
    page.save_revision().publish()
    translation = english(page)
    translation.body = [("paragraph", RichText("<p>Kiram Park lies in Kiram village.</p>"))]
    translation.save_revision().publish()

    # The editor changes the ticket price only; the admin writes the paragraph back with its key.
    page = DestinationPage.objects.get(pk=page.pk)
    page.body = [("paragraph", RichText('<p data-block-key="rfrh0">Kiram Park berada di Desa Kiram.</p>'))]
    page.ticket_price_idr = 25_000
    page.save_revision().publish()
    DestinationPage.tags.through.objects.filter(content_object=page).delete()
    page = DestinationPage.objects.get(pk=page.pk)
    page.tags.add("danau", "alam", "keluarga")  # the same tags, read back in another order
    page.save_revision().publish()

    response = client.post(f"/admin/gebrak/salinan-inggris/{page.pk}/", follow=True)
    draft = english(page).get_latest_revision_as_object()
    assert draft.ticket_price_idr == 25_000
    assert draft.body[0].value.source == "<p>Kiram Park lies in Kiram village.</p>"
    message = str(list(response.context["messages"])[0])
    assert "harga tiket" in message and "isi" not in message.split(":")[-1] and "tag" not in message
