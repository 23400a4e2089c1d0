"""Sharing the plan: a read-only link, WhatsApp, one .ics of its events, a print stylesheet."""

import re
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from tests.tourism.trips.conftest import save
from tourism.trips.models import TripPlan, TripStop

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(client, places):
    save(client, f"destination:{places['market'].pk}")
    save(client, f"event:{places['festival'].pk}")
    return TripPlan.objects.get()


def test_the_read_only_link_shows_the_plan_and_no_way_to_change_it(client, shared):
    friend = Client()
    url = f"/id/rencana/lihat/{shared.share_token}/"
    assert url in client.get("/id/rencana/").text
    page = BeautifulSoup(friend.get(url).content, "html.parser")
    main = page.select_one("main")
    assert "Pasar Terapung Uji" in main.get_text() and "Festival Uji" in main.get_text()
    assert "dilihat saja" in main.get_text()
    assert not main.select("form")  # no move, remove, add day or date forms
    assert "noindex" in str(page.select_one("meta[name=robots]"))
    before = list(TripStop.objects.values_list("pk", "day", "position"))
    for path in (url, f"/id/rencana/lihat/{shared.share_token}/kalender/"):
        assert friend.post(path, {"stop_id": TripStop.objects.first().pk, "direction": "down"}).status_code == 405
    assert list(TripStop.objects.values_list("pk", "day", "position")) == before
    # The friend's own plan is untouched by reading someone else's.
    assert "Pasar Terapung Uji" not in friend.get("/id/rencana/").text


@pytest.mark.parametrize("token", ["owner", "tampered", "guessed", "long"])
def test_a_guessed_or_tampered_link_is_a_404_that_names_nothing(client, shared, token):
    value = {"owner": shared.owner_token,  # the edit key never opens the read-only view either
             "tampered": shared.share_token[:-1] + ("A" if shared.share_token[-1] != "A" else "B"),
             "guessed": "a" * 43, "long": shared.share_token * 3}[token]
    for path in (f"/id/rencana/lihat/{value}/", f"/id/rencana/lihat/{value}/kalender/"):
        response = Client().get(path)
        assert response.status_code == 404
        assert "Pasar Terapung Uji" not in response.text and "Festival Uji" not in response.text


def test_whatsapp_shares_the_read_only_link(client, shared):
    page = BeautifulSoup(client.get("/id/rencana/").content, "html.parser")
    whatsapp = page.find("a", string=re.compile("WhatsApp"))
    assert whatsapp["href"].startswith("https://wa.me/?text=")
    assert f"/id/rencana/lihat/{shared.share_token}/" in unquote(whatsapp["href"])
    assert shared.owner_token not in unquote(whatsapp["href"])


def test_the_events_download_as_one_calendar(client, shared, places):
    response = Client().get(f"/id/rencana/lihat/{shared.share_token}/kalender/")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.endswith("\r\n") and "\n" not in body.replace("\r\n", "")
    lines = body.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and "VERSION:2.0" in lines
    assert "X-WR-TIMEZONE:Asia/Makassar" in lines
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 1  # the event; the destination is no event
    assert "SUMMARY:Festival Uji" in lines
    start = next(line for line in lines if line.startswith("DTSTART:"))
    assert start == "DTSTART:" + places["festival"].start.astimezone(__import__("datetime").UTC).strftime("%Y%m%dT%H%M%SZ")
    assert all(len(line.encode()) <= 75 for line in lines)


def test_the_print_stylesheet_leaves_out_buttons_and_the_map(client, shared):
    from django.contrib.staticfiles import finders

    css = open(finders.find("css/trips.css")).read()
    printed = css[css.index("@media print"):]
    for selector in (".site-header", ".trip__no-print", ".trip__map", ".trip-save"):
        assert selector in printed


def test_whatsapp_shares_of_a_plan_are_counted_like_a_pages(client, shared):
    """The share counting already in place (tourism/sharing.py) counts the plan too: the WhatsApp
    button's click (js/share.js's beacon) and each visit arriving through the shared link."""
    from tourism.models import ShareEvent, ShareTally
    from tourism.share_stats import share_dashboard

    page = BeautifulSoup(client.get("/id/rencana/").content, "html.parser")
    section = page.select_one("[data-share-target]")
    assert section["data-share-target"] == f"trip:{shared.pk}"
    assert section.select_one("a[data-share-channel=whatsapp]")["href"].startswith("https://wa.me/")
    beacon = section["data-share-beacon"]
    assert Client().post(beacon, {"target": f"trip:{shared.pk}", "channel": "whatsapp",
                                  "campaign": section["data-share-campaign"]}).status_code == 204
    # A plan that does not exist is refused, as a page that does not exist is.
    refused = Client().post(beacon, {"target": f"trip:{shared.pk + 100}", "channel": "whatsapp"})
    assert refused.status_code == 400 and refused.json()["field"] == "target"

    friend = Client()
    arrival = f"/id/rencana/lihat/{shared.share_token}/?utm_source=whatsapp&utm_medium=share&utm_campaign=gebrak"
    assert friend.get(arrival).status_code == 200
    assert friend.get(arrival).status_code == 200  # a reload is the same visit
    tallies = {(row.event, row.channel, row.count) for row in ShareTally.objects.filter(target_type="trip",
                                                                                        target_id=shared.pk)}
    assert tallies == {(ShareEvent.CLICK, "whatsapp", 1), (ShareEvent.VISIT, "whatsapp", 1)}
    titles = {row["title"] for row in share_dashboard()["top_pages"]}
    assert f"Rencana perjalanan #{shared.pk}" in titles


def test_the_calendar_is_stamped_when_it_is_made_in_utc(client, shared, places):
    # RFC 5545 3.8.7.2: with METHOD, DTSTAMP is when the iCalendar object was made; the event's
    # last publication is not its date (an English event's dates change with the Indonesian's publish).
    from datetime import UTC, datetime, timedelta

    from tourism.models import EventPage

    published = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)
    EventPage.objects.filter(pk=places["festival"].pk).update(last_published_at=published)
    before = datetime.now(UTC).replace(microsecond=0)
    lines = Client().get(f"/id/rencana/lihat/{shared.share_token}/kalender/").content.decode().split("\r\n")
    after = datetime.now(UTC)
    stamp = next(line for line in lines if line.startswith("DTSTAMP:")).removeprefix("DTSTAMP:")
    assert stamp.endswith("Z")
    made = datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert before <= made <= after + timedelta(seconds=1)
    assert not any(line.startswith("LAST-MODIFIED") for line in lines)


def test_the_shared_link_has_a_preview_of_the_plan_and_nothing_private(client, shared, places):
    """WhatsApp, Facebook and X show a link by its Open Graph tags: the read-only link names the
    plan, its days and places, a picture of the site, and its own clean address; never the edit key."""
    url = f"/id/rencana/lihat/{shared.share_token}/"
    response = Client().get(url + "?utm_source=whatsapp&utm_medium=share&utm_campaign=gebrak&fbclid=x")
    head = BeautifulSoup(response.content, "html.parser").select_one("head")

    def meta(name):
        tag = head.select_one(f'meta[property="{name}"], meta[name="{name}"]')
        return tag["content"] if tag is not None else None

    assert meta("og:title") and "Rencana perjalanan" in meta("og:title")
    assert "Pasar Terapung Uji" in meta("og:description") and "Festival Uji" in meta("og:description")
    assert meta("description") == meta("og:description")
    assert meta("og:url") == f"http://testserver{url}"
    assert head.select_one('link[rel="canonical"]')["href"] == f"http://testserver{url}"
    assert meta("og:image").startswith("http://testserver/") and meta("og:image").endswith(".jpg")
    assert (meta("og:image:width"), meta("og:image:height")) == ("1200", "630")
    assert meta("og:locale") == "id_ID" and meta("twitter:card") == "summary_large_image"
    assert "noindex" in str(head.select_one("meta[name=robots]"))
    assert shared.owner_token not in str(head)
    english = BeautifulSoup(Client().get(f"/en/my-trip/lihat/{shared.share_token}/").content, "html.parser")
    assert english.select_one('meta[property="og:locale"]')["content"] == "en_US"
    assert "Day 1" in english.select_one('meta[property="og:description"]')["content"]
