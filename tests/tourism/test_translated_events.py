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
