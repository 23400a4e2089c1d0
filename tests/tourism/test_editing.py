"""What editors rely on: moderation, scheduled publishing, previews."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone, translation
from wagtail.models import Locale, Page

from config import tasks
from tests.tourism import factories
from tests.tourism.gebrak_factories import campaign
from tourism.models import DestinationIndexPage, DestinationPage
from tourism.roles import EDITORS, MODERATORS
from tourism.snippets import Category, District

pytestmark = pytest.mark.django_db


def staff(username, group):
    user = User.objects.create_user(username, f"{username}@banjarkab.go.id", "pw")
    user.groups.add(Group.objects.get(name=group))
    return user


def draft_destination(slug="air-terjun-draft"):
    index = DestinationIndexPage.objects.get(locale=Locale.get_default())
    page = DestinationPage(title="Draf", slug=slug, summary="Ringkasan.", live=False,
                           category=Category.objects.get(key="nature"), district=District.objects.get(name="Aranio"))
    index.add_child(instance=page)
    return page


def test_editor_submits_and_moderator_approves(client, home_page):
    editor, moderator = staff("editor1", EDITORS), staff("moderator1", MODERATORS)
    page = draft_destination()
    revision = page.save_revision(user=editor)
    workflow = page.get_workflow()
    assert workflow is not None, "every page is under the moderation workflow"
    # Editors may not publish on their own...
    assert not page.permissions_for_user(editor).can_publish()
    workflow_state = workflow.start(page, editor)
    assert workflow_state.status == "in_progress"
    assert client.get("/id/destinasi/air-terjun-draft/").status_code == 404
    # ...a moderator approves, which publishes.
    task_state = workflow_state.current_task_state
    assert task_state.task.specific.user_can_access_editor(page, moderator)
    task_state.task.specific.on_action(task_state, moderator, "approve")
    page.refresh_from_db()
    assert page.live
    assert page.live_revision_id == revision.pk
    assert client.get("/id/destinasi/air-terjun-draft/").status_code == 200


@pytest.mark.parametrize("runner", ["the worker's schedule", "the command"])
def test_scheduled_page_goes_live_when_its_time_comes(client, home_page, runner):
    """The worker's periodic task publishes it (no cron line needed beside the worker); Wagtail's
    command, run by hand, still does too."""
    page = draft_destination("festival-terjadwal")
    page.go_live_at = timezone.now() + timedelta(hours=1)
    page.save_revision().publish()
    page.refresh_from_db()
    assert not page.live
    assert client.get("/id/destinasi/festival-terjadwal/").status_code == 404
    # Let the hour pass: move the schedule, as stored in the revision, into the past.
    revision = page.latest_revision
    past = timezone.now() - timedelta(minutes=1)
    revision.approved_go_live_at = past
    revision.content["go_live_at"] = past.isoformat()
    revision.save()
    if runner == "the command":
        call_command("publish_scheduled")
    else:
        due = {entry.task.name: entry.every for entry in tasks.PERIODIC}
        assert due["pages_publish_scheduled"] == timedelta(minutes=1)
        assert tasks.pages_publish_scheduled.enqueue().status == "SUCCESSFUL"  # the tests run tasks at once
    page.refresh_from_db()
    assert page.live
    assert client.get("/id/destinasi/festival-terjadwal/").status_code == 200


@pytest.mark.parametrize("kind", ["home", "destination_index", "destination", "event_index", "event"])
def test_previews_render(kind, home_page, rf: RequestFactory):
    from tourism.models import EventIndexPage

    pages = {
        "home": lambda: home_page,
        "destination_index": lambda: DestinationIndexPage.objects.get(locale=Locale.get_default()),
        "destination": lambda: factories.destination(slug="pratinjau"),
        "event_index": lambda: EventIndexPage.objects.get(locale=Locale.get_default()),
        "event": lambda: factories.event(slug="pratinjau-acara"),
    }
    page = pages[kind]().specific
    request = rf.get("/")
    request.user = User.objects.create_superuser("admin", "a@b.id", "pw")
    response = page.make_preview_request(request, page.default_preview_mode)
    assert response.status_code == 200
    if hasattr(response, "render"):
        response.render()
    assert page.title.encode() in response.content


def test_admin_page_editor_opens_for_every_page_type(client, home_page):
    admin = User.objects.create_superuser("admin", "a@b.id", "pw")
    client.force_login(admin)
    destination = factories.destination(slug="diedit")
    event = factories.event(slug="diedit-acara")
    for page in (home_page, destination, event, Page.objects.get(pk=destination.get_parent().pk)):
        assert client.get(f"/admin/pages/{page.pk}/edit/").status_code == 200


@pytest.mark.parametrize("language", ["id", "en"])
def test_an_editor_saving_unchanged_dates_keeps_them(home_page, language):
    """What the admin's date fields show (30-01-2027 19:30) is what they read back, in either admin
    language: an event or a campaign saved without touching its dates is not refused as invalid."""
    editor = staff("editor-tanggal", EDITORS)
    start = datetime(2027, 1, 30, 19, 30, tzinfo=ZoneInfo("Asia/Makassar"))
    event = factories.event(slug="festival-tanggal", start=start, end=start + timedelta(hours=3))
    running = campaign(slug="kampanye-tanggal", start=date(2027, 1, 2), end=date(2027, 2, 28))
    with translation.override(language):
        for page in (event, running):
            form = type(page).get_edit_handler().get_form_class()(instance=page, for_user=editor)
            for name in ("start", "end"):
                shown = re.search(r'value="([^"]*)"', str(form[name])).group(1)
                assert re.fullmatch(r"\d\d-\d\d-\d{4}( \d\d:\d\d)?", shown), shown  # as Indonesians write dates
                assert form.fields[name].clean(shown) == getattr(page, name), (type(page).__name__, name, shown)


def test_unpublishing_an_indonesian_page_takes_its_english_down_too(client, home_page, django_capture_on_commit_callbacks):
    """An editor cancelling an event unpublished the Indonesian page; the English one stayed public, in
    the sitemap and in English search (found by an editor's walk)."""
    page = factories.destination(slug="ditarik", title="Ditarik", english_title="Withdrawn")
    english = page.get_translation(Locale.objects.get(language_code="en"))
    client.force_login(User.objects.create_superuser("kepala", "kepala@banjarkab.go.id", "pw"))
    assert client.get("/en/destinasi/ditarik/").status_code == 200
    confirm = client.get(f"/admin/pages/{page.pk}/unpublish/").content.decode()
    assert "Ini juga akan menarik publikasi 1 terjemahan halaman ini." in confirm  # Wagtail's line, in Indonesian
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/pages/{page.pk}/unpublish/")
    assert response.status_code == 302
    assert not Page.objects.get(pk=page.pk).live and not Page.objects.get(pk=english.pk).live
    client.logout()
    assert client.get("/id/destinasi/ditarik/").status_code == 404
    assert client.get("/en/destinasi/ditarik/").status_code == 404


def test_unpublishing_the_english_page_alone_leaves_the_indonesian(client, home_page):
    page = factories.destination(slug="hanya-inggris", title="Hanya Inggris", english_title="English only")
    english = page.get_translation(Locale.objects.get(language_code="en"))
    client.force_login(User.objects.create_superuser("kepala", "kepala@banjarkab.go.id", "pw"))
    assert client.post(f"/admin/pages/{english.pk}/unpublish/").status_code == 302
    assert Page.objects.get(pk=page.pk).live and not Page.objects.get(pk=english.pk).live


def test_an_indonesian_page_expiring_on_schedule_takes_its_english_down_too(client, home_page,
                                                                            django_capture_on_commit_callbacks):
    """Not only the admin's unpublish page: its expiry time, run by the worker's schedule (and the page
    listing's bulk action, any code) unpublish the English translation with it."""
    page = factories.destination(slug="berakhir", title="Berakhir", english_title="Ended")
    english = page.get_translation(Locale.objects.get(language_code="en"))
    Page.objects.filter(pk=page.pk).update(expire_at=timezone.now() - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.pages_publish_scheduled.enqueue().status == "SUCCESSFUL"
    assert not Page.objects.get(pk=page.pk).live and not Page.objects.get(pk=english.pk).live
    assert client.get("/en/destinasi/berakhir/").status_code == 404


def unpublish_entries(page) -> list:
    """Who unpublished the page, as its history in the admin lists it (one line each time)."""
    from wagtail.models import PageLogEntry

    return [entry.user for entry in PageLogEntry.objects.filter(page_id=page.pk, action="wagtail.unpublish")]


def test_the_admin_unpublish_page_unpublishes_the_english_once(client, home_page, django_capture_on_commit_callbacks):
    """The English page's history said "unpublished" twice, the second time by nobody: the admin's
    unpublish page unpublished it (as its confirmation says) and so did the cascade of any other way."""
    page = factories.destination(slug="sekali", title="Sekali", english_title="Once")
    english = page.get_translation(Locale.objects.get(language_code="en"))
    editor = User.objects.create_superuser("kepala", "kepala@banjarkab.go.id", "pw")
    client.force_login(editor)
    confirm = client.get(f"/admin/pages/{page.pk}/unpublish/").content.decode()
    assert "Ini juga akan menarik publikasi 1 terjemahan halaman ini." in confirm
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/admin/pages/{page.pk}/unpublish/").status_code == 302
    assert not Page.objects.get(pk=english.pk).live
    assert unpublish_entries(english) == [editor] and unpublish_entries(page) == [editor]


@pytest.mark.parametrize("how", ["bulk, both chosen", "bulk", "code"])
def test_other_ways_unpublish_the_english_once(client, home_page, django_capture_on_commit_callbacks, how):
    page = factories.destination(slug="sekali-lagi", title="Sekali Lagi", english_title="Once more")
    english = page.get_translation(Locale.objects.get(language_code="en"))
    editor = User.objects.create_superuser("kepala", "kepala@banjarkab.go.id", "pw")
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        if how == "code":
            page.unpublish()
        else:
            chosen = f"id={page.pk}" + (f"&id={english.pk}" if how == "bulk, both chosen" else "")
            response = client.post(f"/admin/bulk/wagtailcore/page/unpublish/?{chosen}", {"include_descendants": ""})
            assert response.status_code == 302
    assert not Page.objects.get(pk=page.pk).live and not Page.objects.get(pk=english.pk).live
    assert len(unpublish_entries(english)) == 1


def test_an_unpublish_page_stopped_half_way_leaves_the_cascade_working(client, home_page,
                                                                      django_capture_on_commit_callbacks):
    """Another before_unpublish_page hook may answer instead of the unpublish page (its after hook then
    never runs): the next unpublish of the page in that process still takes the English down."""
    from django.http import HttpResponse
    from wagtail import hooks

    page = factories.destination(slug="ditahan", title="Ditahan", english_title="Held")
    english = page.get_translation(Locale.objects.get(language_code="en"))
    client.force_login(User.objects.create_superuser("kepala", "kepala@banjarkab.go.id", "pw"))
    with hooks.register_temporarily("before_unpublish_page", lambda request, page: HttpResponse("ditahan")):
        assert client.post(f"/admin/pages/{page.pk}/unpublish/").content == b"ditahan"
    assert Page.objects.get(pk=page.pk).live and Page.objects.get(pk=english.pk).live
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert not Page.objects.get(pk=english.pk).live and len(unpublish_entries(english)) == 1


def test_deleting_an_indonesian_page_still_takes_its_english_down(client, home_page, django_capture_on_commit_callbacks):
    """Wagtail unpublishes a page it deletes, which cascades to the English as any unpublish does:
    once the cascade waited for the commit it read the deleted page, found nothing and left the
    English live, an orphan in the sitemap (caught by this test)."""
    page = factories.destination(slug="dihapus", title="Dihapus", english_title="Deleted")
    english = page.get_translation(Locale.objects.get(language_code="en"))
    client.force_login(User.objects.create_superuser("kepala", "kepala@banjarkab.go.id", "pw"))
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/admin/pages/{page.pk}/delete/").status_code == 302
    assert not Page.objects.get(pk=english.pk).live and len(unpublish_entries(english)) == 1
    assert client.get("/en/destinasi/dihapus/").status_code == 404


def test_an_unpublished_venue_is_named_but_not_linked_by_its_events(client, home_page, django_capture_on_commit_callbacks):
    """An editor unpublished a destination (closed for works); the events held there still linked to it, a
    404, on their page and in their JSON-LD's location (found by an editor's walk). Its name stays: the
    place is still where the event is."""
    venue = factories.destination(slug="tempat-ditutup", title="Balai Ditutup")
    factories.event(slug="acara-di-balai", title="Acara di Balai", venue=venue)
    shown = client.get("/id/acara/acara-di-balai/").content.decode()  # stored in the page cache
    assert 'href="/id/destinasi/tempat-ditutup/"' in shown
    with django_capture_on_commit_callbacks(execute=True):
        DestinationPage.objects.get(pk=venue.pk).unpublish()
    shown = client.get("/id/acara/acara-di-balai/").content.decode()
    assert "Balai Ditutup" in shown
    assert "/destinasi/tempat-ditutup/" not in shown
    assert client.get("/id/destinasi/tempat-ditutup/").status_code == 404


@pytest.mark.parametrize("group", [EDITORS, MODERATORS])
def test_editors_manage_search_promotions_and_redirects(client, home_page, group):
    """docs/decisions.md: editors pick promotions from popular searches and keep redirects; their groups
    had no permission for either, so the admin refused them both."""
    from wagtail.contrib.redirects.models import Redirect
    from wagtail.contrib.search_promotions.models import SearchPromotion

    client.force_login(staff("editor-promosi", group))
    dashboard = client.get("/admin/").content.decode()
    assert "/admin/searchpicks/" in dashboard and "/admin/redirects/" in dashboard  # in the Settings menu
    for path in ("/admin/searchpicks/", "/admin/searchpicks/add/", "/admin/searchpicks/queries/chooser/",
                 "/admin/redirects/", "/admin/redirects/add/", "/admin/redirects/import/"):
        assert client.get(path).status_code == 200, path
    target = factories.destination(slug="lok-baintan-promosi")
    response = client.post("/admin/searchpicks/add/", {
        "query_string": "pasar terapung",
        "editors_picks-TOTAL_FORMS": "1", "editors_picks-INITIAL_FORMS": "0",
        "editors_picks-MIN_NUM_FORMS": "0", "editors_picks-MAX_NUM_FORMS": "1000",
        "editors_picks-0-page": str(target.pk), "editors_picks-0-ORDER": "1", "editors_picks-0-DELETE": "",
        "editors_picks-0-external_link_url": "", "editors_picks-0-external_link_text": "",
        "editors_picks-0-description": "Pasar di atas sungai."})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert SearchPromotion.objects.get().page_id == target.pk
    response = client.post("/admin/redirects/add/", {
        "old_path": "/id/pasar-terapung/", "site": "", "is_permanent": "on", "redirect_page": str(target.pk),
        "redirect_page_route_path": "", "redirect_link": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Redirect.objects.get().redirect_page_id == target.pk
