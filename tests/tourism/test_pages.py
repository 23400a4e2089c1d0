"""Tourism pages as visitors meet them: languages, listings, events, calendar files."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from tests.tourism import factories

pytestmark = pytest.mark.django_db
WITA = ZoneInfo("Asia/Makassar")


def listed(html: str) -> str:
    """The text of the cards on a listing page, without header, footer or filters."""
    from bs4 import BeautifulSoup

    return " | ".join(card.get_text(" ", strip=True) for card in BeautifulSoup(html, "html.parser").select("main .card"))


def test_root_redirects_to_indonesian(client, home_page):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/id/"


def test_home_renders_in_both_languages(client, home_page):
    indonesian = client.get("/id/")
    english = client.get("/en/")
    assert indonesian.status_code == english.status_code == 200
    assert '<html lang="id">' in indonesian.text
    assert '<html lang="en">' in english.text
    assert "Banjar, from floating markets" in english.text


def test_untranslated_page_shows_indonesian_to_english_readers_with_notice(client, home_page):
    factories.destination(slug="makam-datu-kalampayan", title="Makam Datu Kalampayan", category="religious")
    response = client.get("/en/destinasi/makam-datu-kalampayan/")
    assert response.status_code == 200
    assert "Makam Datu Kalampayan" in response.text
    assert "not yet available in English" in response.text
    # Indonesian readers get no notice.
    assert "not yet available in English" not in client.get("/id/destinasi/makam-datu-kalampayan/").text


def test_translated_page_is_served_in_english_without_notice(client, home_page):
    factories.destination(slug="pasar-intan", title="Pasar Intan Martapura", category="shopping",
                          english_title="Martapura Diamond Market")
    response = client.get("/en/destinasi/pasar-intan/")
    assert response.status_code == 200
    assert "Martapura Diamond Market" in response.text
    assert "not yet available in English" not in response.text


def test_missing_page_is_404_in_both_languages(client, home_page):
    assert client.get("/en/destinasi/tidak-ada/").status_code == 404
    assert client.get("/id/destinasi/tidak-ada/").status_code == 404


def test_english_listing_links_untranslated_pages_under_english_urls(client, home_page):
    factories.destination(slug="bukit-matang-kaladan", title="Bukit Matang Kaladan")
    response = client.get("/en/destinasi/")
    assert 'href="/en/destinasi/bukit-matang-kaladan/"' in response.text


class TestDestinationListing:
    @pytest.fixture
    def places(self, home_page):
        return [
            factories.destination(slug="riam-kanan", title="Waduk Riam Kanan", category="nature", district_name="Aranio"),
            factories.destination(slug="al-karomah", title="Masjid Agung Al-Karomah", category="religious"),
            factories.destination(slug="sekumpul", title="Musholla Ar-Raudhah Sekumpul", category="religious"),
            factories.destination(slug="lok-baintan", title="Pasar Terapung Lok Baintan", category="culture",
                                  district_name="Sungai Tabuk"),
        ]

    def test_filters_by_category(self, client, places):
        text = listed(client.get("/id/destinasi/?category=religious").text)
        assert "Masjid Agung Al-Karomah" in text and "Musholla Ar-Raudhah Sekumpul" in text
        assert "Waduk Riam Kanan" not in text and "Lok Baintan" not in text

    def test_filters_by_district(self, client, places):
        text = listed(client.get("/id/destinasi/?district=aranio").text)
        assert "Waduk Riam Kanan" in text
        assert "Masjid Agung" not in text

    def test_filters_combine(self, client, places):
        text = client.get("/id/destinasi/?category=religious&district=sungai-tabuk").text
        assert "Tidak ada destinasi yang cocok" in text

    def test_unknown_filter_values_and_bad_page_never_fail(self, client, places):
        for query in ("?category=%3Cscript%3E", "?district=zzz", "?page=abc", "?page=999", "?page=-1"):
            assert client.get(f"/id/destinasi/{query}").status_code == 200

    def test_paginates(self, client, home_page):
        for number in range(15):
            factories.destination(slug=f"tempat-{number:02d}", title=f"Tempat {number:02d}")
        first_html = client.get("/id/destinasi/").text
        first, second = listed(first_html), listed(client.get("/id/destinasi/?page=2").text)
        assert "Tempat 00" in first and "Tempat 11" in first and "Tempat 12" not in first
        assert "Tempat 12" in second and "Tempat 14" in second and "Tempat 00" not in second
        assert 'rel="next"' in first_html


def test_listing_query_count_does_not_grow_with_length(client, home_page):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count_for(path):
        client.get(path)  # warm caches (site root, locales)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    for number in range(3):
        factories.destination(slug=f"a-{number}", title=f"A {number}")
    few = count_for("/en/destinasi/")
    for number in range(3, 12):
        factories.destination(slug=f"a-{number}", title=f"A {number}")
    many = count_for("/en/destinasi/")
    assert many == few


class TestEvents:
    def test_upcoming_first_and_past_apart(self, client, home_page):
        now = timezone.now()
        factories.event(slug="haul-lalu", title="Haul Tahun Lalu", start=now - timedelta(days=30))
        factories.event(slug="festival-depan", title="Festival Bulan Depan", start=now + timedelta(days=30))
        factories.event(slug="festival-minggu-depan", title="Festival Minggu Depan", start=now + timedelta(days=7))
        text = client.get("/id/acara/").text
        upcoming, past = text.split('class="past-events"')
        assert upcoming.index("Festival Minggu Depan") < upcoming.index("Festival Bulan Depan")
        assert "Haul Tahun Lalu" not in upcoming
        assert "Haul Tahun Lalu" in past

    def test_event_running_now_counts_as_upcoming(self, client, home_page):
        now = timezone.now()
        factories.event(slug="pameran", title="Pameran Berlangsung", start=now - timedelta(days=1),
                        end=now + timedelta(days=1))
        upcoming = client.get("/id/acara/").text.split('class="past-events"')[0]
        assert "Pameran Berlangsung" in upcoming

    def test_times_are_shown_in_wita(self, client, home_page):
        factories.event(slug="lomba-jukung", title="Lomba Jukung",
                        start=datetime(2030, 8, 17, 0, 30, tzinfo=ZoneInfo("UTC")))
        text = client.get("/id/acara/lomba-jukung/").text
        assert "08:30" in text and "WITA" in text

    def test_an_event_over_two_days_names_the_weekday_of_each(self, client, home_page):
        factories.event(slug="festival-malam", title="Festival Malam",
                        start=datetime(2027, 1, 30, 19, 30, tzinfo=WITA), end=datetime(2027, 1, 31, 22, 30, tzinfo=WITA))
        text = BeautifulSoup(client.get("/id/acara/festival-malam/").text, "html.parser").get_text(" ")
        assert "Sabtu, 30 Januari 2027, 19:30 – Minggu, 31 Januari 2027, 22:30 WITA" in " ".join(text.split())
        english = BeautifulSoup(client.get("/en/acara/festival-malam/").text, "html.parser").get_text(" ")
        assert "Saturday, 30 January 2027, 19:30 – Sunday, 31 January 2027, 22:30 WITA" in " ".join(english.split())

    def test_a_list_names_the_last_day_of_an_event_over_two_days(self, client, home_page):
        """The events list and the home page showed only the start: a festival over two days and a
        night market until one in the morning read as one evening (found by an editor's walk)."""
        factories.event(slug="festival-dua-hari", title="Festival Dua Hari",
                        start=datetime(2030, 12, 30, 8, 0, tzinfo=WITA), end=datetime(2030, 12, 31, 17, 0, tzinfo=WITA))
        factories.event(slug="pasar-malam", title="Pasar Malam",
                        start=datetime(2030, 12, 27, 19, 30, tzinfo=WITA), end=datetime(2030, 12, 28, 1, 0, tzinfo=WITA))
        factories.event(slug="lomba-sehari", title="Lomba Sehari",
                        start=datetime(2030, 12, 20, 8, 0, tzinfo=WITA), end=datetime(2030, 12, 20, 12, 0, tzinfo=WITA))

        def card_time(html, title):
            card = BeautifulSoup(html, "html.parser").find("a", string=title).find_parent("li", class_="card")
            return " ".join(card.select_one(".card__meta li").get_text(" ").split())

        for path in ("/id/acara/", "/id/"):
            html = client.get(path).text
            assert card_time(html, "Festival Dua Hari") == "30 Desember 2030, 08:00 – 31 Desember, 17:00 WITA"
            assert card_time(html, "Pasar Malam") == "27 Desember 2030, 19:30 – 28 Desember, 01:00 WITA"
            assert card_time(html, "Lomba Sehari") == "20 Desember 2030, 08:00 WITA"

    def test_end_before_start_is_refused_by_validation(self, home_page):
        from django.core.exceptions import ValidationError

        page = factories.event(slug="salah", start=timezone.now() + timedelta(days=2))
        page.end = page.start - timedelta(hours=1)
        with pytest.raises(ValidationError) as raised:
            page.full_clean()
        assert "end" in raised.value.message_dict

    def test_a_year_no_event_falls_in_is_refused_by_validation(self, home_page):
        """01-01-0001 00:00 WITA, typed in the admin, is before year 1 in UTC: saving it was a 500.
        Both fields say so when both are out of the years."""
        from django.core.exceptions import ValidationError

        page = factories.event(slug="tahun-salah", start=timezone.now() + timedelta(days=2))
        page.start = datetime(1, 1, 1, tzinfo=ZoneInfo("Asia/Makassar"))
        page.end = datetime(9999, 12, 31, tzinfo=ZoneInfo("Asia/Makassar"))
        with pytest.raises(ValidationError) as raised:
            page.full_clean()
        assert raised.value.message_dict == {"start": ["Tahunnya harus antara 1900 dan 2100."],
                                             "end": ["Tahunnya harus antara 1900 dan 2100."]}
        page.end = page.start = timezone.now()
        page.full_clean()


class TestCalendarFile:
    def test_ics_download(self, client, home_page):
        venue = factories.destination(slug="lok-baintan", title="Pasar Terapung Lok Baintan",
                                      latitude="-3.291700", longitude="114.671100")
        factories.event(slug="festival-jukung", title="Festival Jukung, Hias; dan Lomba",
                        start=datetime(2027, 8, 1, 7, 0, tzinfo=WITA), end=datetime(2027, 8, 1, 12, 0, tzinfo=WITA),
                        venue=venue, district_name="Sungai Tabuk")
        page = client.get("/id/acara/festival-jukung/").text
        assert 'href="/id/acara/festival-jukung/kalender/"' in page
        response = client.get("/id/acara/festival-jukung/kalender/")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/calendar")
        assert 'filename="festival-jukung.ics"' in response["Content-Disposition"]
        body = response.content.decode()
        assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
        # 07:00 WITA is 23:00 UTC the day before.
        assert "DTSTART:20270731T230000Z\r\n" in body
        assert "DTEND:20270801T040000Z\r\n" in body
        assert "SUMMARY:Festival Jukung\\, Hias\\; dan Lomba\r\n" in body
        assert "GEO:-3.291700;114.671100" in body
        assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))

    def test_url_names_the_host_the_reader_used(self, client, home_page):
        # The Site record says localhost; a reader on another host gets a link back to that host.
        factories.event(slug="festival-jukung", start=datetime(2027, 8, 1, 7, 0, tzinfo=WITA))
        body = client.get("/id/acara/festival-jukung/kalender/", HTTP_HOST="127.0.0.1:8000").content.decode()
        assert "URL:http://127.0.0.1:8000/id/acara/festival-jukung/\r\n" in body

    def test_location_is_in_the_readers_language(self, client, home_page):
        factories.event(slug="festival-jukung", start=datetime(2027, 8, 1, 7, 0, tzinfo=WITA),
                        district_name="Martapura")
        indonesian = client.get("/id/acara/festival-jukung/kalender/").content.decode()
        english = client.get("/en/acara/festival-jukung/kalender/").content.decode()
        assert "LOCATION:Kec. Martapura\\, Kabupaten Banjar\\, Kalimantan Selatan\r\n" in indonesian
        assert "LOCATION:Martapura District\\, Banjar Regency\\, South Kalimantan\r\n" in english

    def test_stamped_when_the_file_is_made_in_utc(self, client, home_page):
        # RFC 5545 3.8.7.2: with METHOD, DTSTAMP is when the iCalendar object was made (not the event's last
        # publication), in UTC.
        from datetime import UTC

        from tourism.models import EventPage

        event = factories.event(slug="pengajian", start=datetime(2027, 1, 10, 20, 0, tzinfo=WITA))
        EventPage.objects.filter(pk=event.pk).update(last_published_at=datetime(2026, 1, 5, 11, 0, tzinfo=WITA))
        before = timezone.now().replace(microsecond=0)
        lines = client.get("/id/acara/pengajian/kalender/").content.decode().split("\r\n")
        stamp = next(line for line in lines if line.startswith("DTSTAMP:")).removeprefix("DTSTAMP:")
        assert stamp.endswith("Z")
        made = datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        assert before <= made <= timezone.now() + timedelta(seconds=1)
        assert not any(line.startswith("LAST-MODIFIED") for line in lines)

    def test_event_without_end_lasts_two_hours(self, client, home_page):
        factories.event(slug="pengajian", start=datetime(2027, 1, 10, 20, 0, tzinfo=WITA))
        body = client.get("/id/acara/pengajian/kalender/").content.decode()
        assert "DTSTART:20270110T120000Z" in body and "DTEND:20270110T140000Z" in body


def test_home_featured_destinations_follow_editors_picks_in_either_language(client, home_page):
    from wagtail.models import Locale

    from tourism.models import HomeFeaturedDestination

    first = factories.destination(slug="pilihan-satu", title="Pilihan Satu", english_title="Pick One")
    second = factories.destination(slug="pilihan-dua", title="Pilihan Dua", english_title="Pick Two")
    for number in range(6):
        factories.destination(slug=f"lain-{number}", title=f"Lain {number}")
    english_home = home_page.get_translation(Locale.objects.get(language_code="en")).specific
    english_second = second.get_translation(Locale.objects.get(language_code="en"))
    # The English home's editor picked the English page of the second and the Indonesian page of the first.
    HomeFeaturedDestination.objects.create(home=english_home, destination=english_second.specific, sort_order=0)
    HomeFeaturedDestination.objects.create(home=english_home, destination=first, sort_order=1)
    cards = listed(client.get("/en/").text)
    assert cards.index("Pick Two") < cards.index("Pick One")
