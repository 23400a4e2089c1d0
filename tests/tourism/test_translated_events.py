"""An event's date and time are the event's, not a language's: the English page follows the Indonesian."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from wagtail.models import Locale, PageLogEntry

from tests.tourism import factories
from tourism.models import EventPage

pytestmark = pytest.mark.django_db

WITA = ZoneInfo("Asia/Makassar")


def translated_event(*, slug: str, start: datetime, end: datetime) -> tuple[EventPage, EventPage]:
    page = factories.event(slug=slug, title="Festival Bacatuk", start=start, end=end)
    english = page.copy_for_translation(Locale.objects.get(language_code="en"), copy_parents=True)
    english.title = "Bacatuk Festival"
    english.save_revision().publish()
    return page, EventPage.objects.get(pk=english.pk)


def postponed(page: EventPage, *, start: datetime, end: datetime) -> None:
    """An editor moves the Indonesian event to other days and publishes it (the admin's publish)."""
    page = EventPage.objects.get(pk=page.pk)
    page.start, page.end = start, end
    page.save_revision(user=User.objects.create_superuser("kepala", "kepala@banjarkab.go.id", "pw")).publish()


def test_a_postponed_event_is_postponed_in_english_too(client, home_page, django_capture_on_commit_callbacks):
    """An editor moved the Indonesian event a week on and published it: the English listing, page, calendar
    file and JSON-LD kept the old date, and English-speaking visitors would have come on the wrong day
    (found by an editor's walk)."""
    old_start = datetime(2030, 1, 30, 19, 30, tzinfo=WITA)
    page, english = translated_event(slug="bacatuk-ditunda", start=old_start, end=old_start + timedelta(hours=27))
    assert "30 January 2030" in client.get("/en/acara/bacatuk-ditunda/").content.decode()  # stored in the page cache

    new_start = datetime(2030, 2, 6, 19, 30, tzinfo=WITA)
    with django_capture_on_commit_callbacks(execute=True):
        postponed(page, start=new_start, end=new_start + timedelta(hours=27))

    english.refresh_from_db()
    assert (english.start, english.end) == (new_start, new_start + timedelta(hours=27))
    shown = client.get("/en/acara/bacatuk-ditunda/").content.decode()
    assert "6 February 2030" in shown and "30 January 2030" not in shown
    assert '"startDate": "2030-02-06T11:30:00+00:00"' in shown
    listing = client.get("/en/acara/").content.decode()
    assert "6 February 2030, 19:30" in listing and "30 January 2030" not in listing
    assert "DTSTART:20300206T113000Z" in client.get("/en/acara/bacatuk-ditunda/kalender/").content.decode()
    # The translator's editor opens the English with the new dates (its latest revision), and a publish of
    # it later does not bring the old ones back.
    draft = english.get_latest_revision_as_object()
    assert (draft.start, draft.end) == (new_start, new_start + timedelta(hours=27))
    # The English page's history says why its dates changed.
    assert PageLogEntry.objects.filter(page=english, action="gebrak.event_dates_follow").count() == 1


def test_an_english_draft_keeps_its_text_and_takes_the_new_dates(home_page, django_capture_on_commit_callbacks):
    old_start = datetime(2030, 3, 1, 8, 0, tzinfo=WITA)
    page, english = translated_event(slug="bacatuk-draf", start=old_start, end=old_start + timedelta(hours=4))
    english.summary = "A translator's draft, not published yet."
    english.save_revision()
    new_start = datetime(2030, 3, 8, 8, 0, tzinfo=WITA)
    with django_capture_on_commit_callbacks(execute=True):
        postponed(page, start=new_start, end=new_start + timedelta(hours=4))
    english.refresh_from_db()
    assert english.start == new_start and english.summary != "A translator's draft, not published yet."
    draft = english.get_latest_revision_as_object()
    assert draft.summary == "A translator's draft, not published yet." and draft.start == new_start
    # Publishing the translator's draft keeps the event's dates.
    with django_capture_on_commit_callbacks(execute=True):
        english.get_latest_revision().publish()
    assert EventPage.objects.get(pk=english.pk).start == new_start


def test_an_english_page_published_with_other_dates_takes_the_indonesian_ones(home_page,
                                                                               django_capture_on_commit_callbacks):
    """The date is the Indonesian original's: a translator who changes it in English has it put back."""
    start = datetime(2030, 4, 1, 8, 0, tzinfo=WITA)
    page, english = translated_event(slug="bacatuk-inggris", start=start, end=None)
    english.start = start + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        english.save_revision().publish()
    assert EventPage.objects.get(pk=english.pk).start == start
    assert EventPage.objects.get(pk=english.pk).get_latest_revision_as_object().start == start


FOLLOWS = "Tanggal acara mengikuti halaman bahasa Indonesia"


def date_inputs(page_html: str) -> dict:
    """The start and end inputs of an admin edit form, by name: whether an editor can type in them."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page_html, "html.parser")
    return {tag["name"]: not tag.has_attr("disabled") for tag in soup.select("input[name=start], input[name=end]")}


def test_an_english_events_dates_are_read_only_in_the_admin_and_kept_on_publish(client, home_page,
                                                                               django_capture_on_commit_callbacks):
    """The English edit form showed start and end as fields to type in; what was typed there was replaced
    when the Indonesian was published. They are shown read-only, saying where they are changed, and a
    publish of the English keeps the event's dates (nothing typed, or something sent anyway)."""
    from tests.config.test_admin_forms import edit_form_data

    start = datetime(2030, 5, 2, 19, 30, tzinfo=WITA)
    page, english = translated_event(slug="bacatuk-admin", start=start, end=start + timedelta(hours=3))
    client.force_login(User.objects.create_superuser("kepala", "kepala@banjarkab.go.id", "pw"))

    indonesian_form = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert date_inputs(indonesian_form) == {"start": True, "end": True} and FOLLOWS not in indonesian_form
    english_form = client.get(f"/admin/pages/{english.pk}/edit/").content.decode()
    assert not any(date_inputs(english_form).values()), date_inputs(english_form)
    assert FOLLOWS in english_form and "2 Mei 2030, 19.30" in english_form  # shown, with where to change them

    for typed in ({}, {"start": "01-01-2031 08:00", "end": "01-01-2031 10:00"}):
        data = {**edit_form_data(client, english), **typed, "title": "Bacatuk Festival", "action-publish": "publish"}
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/admin/pages/{english.pk}/edit/", data)
        assert response.status_code == 302, response.context["form"].errors if response.context else response
        published = EventPage.objects.get(pk=english.pk)
        assert (published.start, published.end) == (start, start + timedelta(hours=3)), typed
        assert published.live_revision.as_object().start == start
    assert EventPage.objects.get(pk=page.pk).start == start
    # An editor whose admin is in English reads why in English.
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(User.objects.get(username="kepala"))
    UserProfile.objects.filter(pk=profile.pk).update(preferred_language="en")
    assert "The event&#x27;s dates follow the Indonesian page" in client.get(f"/admin/pages/{english.pk}/edit/").text


def test_an_english_only_event_keeps_its_dates_editable(client, home_page):
    """An event made in English with no Indonesian original has nothing to follow."""
    page, english = translated_event(slug="hanya-inggris", start=datetime(2030, 6, 1, 8, 0, tzinfo=WITA),
                                     end=datetime(2030, 6, 1, 10, 0, tzinfo=WITA))
    page.delete()
    client.force_login(User.objects.create_superuser("kepala", "kepala@banjarkab.go.id", "pw"))
    english_form = client.get(f"/admin/pages/{english.pk}/edit/").content.decode()
    assert date_inputs(english_form) == {"start": True, "end": True} and FOLLOWS not in english_form
