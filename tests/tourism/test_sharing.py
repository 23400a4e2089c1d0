"""Share buttons, UTM-tagged links, and counting shares and visits without personal data."""

from types import SimpleNamespace
from urllib.parse import parse_qs, unquote, urlparse

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Locale

from config import dependencies
from tests.marketplace.factories import ProductFactory, ShopFactory
from tests.tourism import factories
from tests.tourism.gebrak_factories import campaign
from tourism import sharing
from tourism.models import DestinationPage, ShareEvent, ShareTally
from tourism.roles import EDITORS

pytestmark = pytest.mark.django_db

IP = "203.0.113.77"
AGENT = "Mozilla/5.0 (Linux; Android 14) UjiBrowser/9.9"


@pytest.fixture
def place(home_page):
    return factories.destination(slug="lok-baintan", title="Pasar Terapung Lok Baintan")


def share_target_of_page(page) -> str:
    """The share target a request for the page names (the remembered original included)."""
    with dependencies.recording():
        return sharing.share_target(page).token


def share_links(html):
    section = BeautifulSoup(html, "html.parser").select_one("section.share")
    return section, [a["href"] for a in section.select("a[data-share-channel]")]


def utm(url):
    return {key: values[0] for key, values in parse_qs(urlparse(url).query).items()}


def test_whatsapp_comes_first_and_every_link_names_channel_and_campaign(client, place):
    section, hrefs = share_links(client.get("/id/destinasi/lok-baintan/").text)
    assert hrefs[0].startswith("https://wa.me/?text=")
    assert [urlparse(h).hostname for h in hrefs] == ["wa.me", "www.facebook.com", "x.com", "t.me"]
    shared = unquote(hrefs[0]).split(" ")[-1]
    assert shared.startswith("http://testserver/id/destinasi/lok-baintan/?")
    assert utm(shared) == {"utm_source": "whatsapp", "utm_medium": "share", "utm_campaign": "gebrak"}
    facebook = parse_qs(urlparse(hrefs[1]).query)["u"][0]
    assert utm(facebook)["utm_source"] == "facebook"
    copy = section.select_one("[data-share-action=copy] button")["data-share-url"]
    native = section.select_one("[data-share-action=native] button")["data-share-url"]
    assert utm(copy)["utm_source"] == "copy" and utm(native)["utm_source"] == "native"
    assert section["data-share-target"] == f"destination:{place.pk}"


def test_links_name_the_running_campaign_and_its_hashtag(client, place):
    campaign(slug="gebrak-mei", title="Gebrak Mei", hashtag="#GebrakBanjar")
    _section, hrefs = share_links(client.get("/id/destinasi/lok-baintan/").text)
    text = unquote(hrefs[0])
    assert "#GebrakBanjar" in text
    assert "utm_campaign=gebrak-mei" in text


def test_english_page_shares_the_english_url(client, home_page):
    factories.destination(slug="pasar-intan", title="Pasar Intan", english_title="Diamond Market")
    _section, hrefs = share_links(client.get("/en/destinasi/pasar-intan/").text)
    assert "http://testserver/en/destinasi/pasar-intan/?utm_source=whatsapp" in unquote(hrefs[0])


def test_products_and_shops_have_share_buttons(client, home_page):
    product = ProductFactory(title_id="Kain Gigi Haruan")
    for url, target in ((product.get_absolute_url(), f"product:{product.pk}"),
                        (product.shop.get_absolute_url(), f"shop:{product.shop.pk}")):
        section, hrefs = share_links(client.get(url).text)
        assert section["data-share-target"] == target
        assert hrefs[0].startswith("https://wa.me/")


class TestClickBeacon:
    def post(self, client, **data):
        headers = data.pop("headers", {})
        return client.post("/bagikan/", data, REMOTE_ADDR=IP, HTTP_USER_AGENT=AGENT, **headers)

    def test_counts_per_page_channel_and_day(self, client, place):
        for _ in range(2):
            assert self.post(client, target=f"destination:{place.pk}", channel="whatsapp",
                             campaign="gebrak").status_code == 204
        self.post(client, target=f"destination:{place.pk}", channel="telegram", campaign="gebrak")
        rows = {(row.channel, row.count) for row in ShareTally.objects.filter(event=ShareEvent.CLICK)}
        assert rows == {("whatsapp", 2), ("telegram", 1)}
        row = ShareTally.objects.get(channel="whatsapp")
        assert (row.target_type, row.target_id, row.day) == ("destination", place.pk, timezone.localdate())

    def test_english_page_counts_under_its_original(self, client, home_page):
        original = factories.destination(slug="pasar-intan", title="Pasar Intan", english_title="Diamond Market")
        html = client.get("/en/destinasi/pasar-intan/").text
        section, _hrefs = share_links(html)
        assert section["data-share-target"] == f"destination:{original.pk}"

    def test_an_english_pages_original_is_looked_up_once_and_followed_when_it_goes(
            self, home_page, django_capture_on_commit_callbacks):
        """Every translated page's share links name its original: read once, not on every render,
        and read again when the original is deleted (the translation then counts under itself)."""
        original = factories.destination(slug="pasar-intan", title="Pasar Intan", english_title="Diamond Market")
        translation = DestinationPage.objects.get(translation_key=original.translation_key, locale__language_code="en")
        signed_in = Client()  # no stored page for a signed-in visitor: every visit renders
        signed_in.force_login(get_user_model().objects.create_user("wisatawan", "w@contoh.id", "pw"))
        signed_in.get("/en/destinasi/pasar-intan/")
        with CaptureQueriesContext(connection) as queries:
            section, _hrefs = share_links(signed_in.get("/en/destinasi/pasar-intan/").text)
        assert section["data-share-target"] == f"destination:{original.pk}"
        asked = [q["sql"] for q in queries if "translation_key" in q["sql"] and 'FROM "wagtailcore_page"' in q["sql"]]
        assert not asked, asked
        with django_capture_on_commit_callbacks(execute=True):  # what read it is stale after the commit
            original.delete()
        assert share_target_of_page(translation) == f"destination:{translation.pk}"
        # An editor translates it back: the new Indonesian page is its original from then on.
        with django_capture_on_commit_callbacks(execute=True):
            made = translation.copy_for_translation(Locale.get_default(), copy_parents=True)
            made.save_revision().publish()
        assert share_target_of_page(translation) == f"destination:{made.pk}"

    def test_stores_no_personal_data(self, client, place):
        self.post(client, target=f"destination:{place.pk}", channel="x", campaign="gebrak")
        assert {field.name for field in ShareTally._meta.get_fields()} == {
            "id", "day", "event", "channel", "target_type", "target_id", "campaign", "count"}
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM tourism_sharetally")
            stored = repr(cursor.fetchall())
        assert IP not in stored and "UjiBrowser" not in stored
        assert not Session.objects.exists()

    @pytest.mark.parametrize("header", [{"HTTP_DNT": "1"}, {"HTTP_SEC_GPC": "1"}])
    def test_do_not_track_is_honoured(self, client, place, header):
        response = self.post(client, target=f"destination:{place.pk}", channel="whatsapp", headers=header)
        assert response.status_code == 204
        assert not ShareTally.objects.exists()

    @pytest.mark.parametrize("data, field", [
        ({"target": "destination:1", "channel": "myspace"}, "channel"),
        ({"target": "destination:999999", "channel": "whatsapp"}, "target"),
        ({"target": "../../etc", "channel": "whatsapp"}, "target"),
        ({"target": "destination:²", "channel": "whatsapp"}, "target"),
        ({"target": "destination:{pk}", "channel": "whatsapp", "campaign": "<script>"}, "campaign"),
    ])
    def test_bad_input_is_a_clear_400(self, client, place, data, field):
        data = {key: value.replace("{pk}", str(place.pk)) for key, value in data.items()}
        response = self.post(client, **data)
        assert response.status_code == 400
        assert response.json()["field"] == field and response.json()["error"]
        assert not ShareTally.objects.exists()

    def test_unpublished_pages_and_unapproved_shops_are_not_counted(self, client, place):
        place.unpublish()
        shop = ShopFactory(status="pending")
        assert self.post(client, target=f"destination:{place.pk}", channel="whatsapp").status_code == 400
        assert self.post(client, target=f"shop:{shop.pk}", channel="whatsapp").status_code == 400

    def test_only_post(self, client):
        assert client.get("/bagikan/").status_code == 405

    def test_rate_limited_per_address(self, client, place, monkeypatch):
        calls = []
        original = sharing.rate_limit_exceeded

        def tight(**kwargs):
            calls.append(kwargs["scope"])
            return original(**{**kwargs, "limit": 2})

        monkeypatch.setattr(sharing, "rate_limit_exceeded", tight)
        codes = [self.post(client, target=f"destination:{place.pk}", channel="x").status_code for _ in range(3)]
        assert codes == [204, 204, 429]
        assert ShareTally.objects.get().count == 2

    def test_behind_a_proxy_each_visitor_has_their_own_limit(self, client, place, settings, monkeypatch):
        """Behind the CDN every request comes from the CDN's address; the limit follows the
        visitor's address that the proxy forwards, and a forged header gains nothing."""
        settings.TRUSTED_PROXY_COUNT = 1
        original = sharing.rate_limit_exceeded
        monkeypatch.setattr(sharing, "rate_limit_exceeded", lambda **kwargs: original(**{**kwargs, "limit": 1}))

        def beacon(forwarded_for):
            return client.post("/bagikan/", {"target": f"destination:{place.pk}", "channel": "x"},
                               REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded_for).status_code

        assert beacon("198.51.100.1") == 204
        assert beacon("198.51.100.1") == 429
        assert beacon("198.51.100.2") == 204  # another visitor through the same proxy
        # The visitor's own X-Forwarded-For is to the left of what the proxy appended.
        assert beacon("192.0.2.99, 198.51.100.1") == 429


class TestArrivals:
    URL = "/id/destinasi/lok-baintan/?utm_source=whatsapp&utm_medium=share&utm_campaign=gebrak"

    def test_a_visit_through_a_shared_link_is_counted_once_per_session(self, client, place):
        client.get(self.URL, REMOTE_ADDR=IP, HTTP_USER_AGENT=AGENT)
        client.get(self.URL)  # a reload
        row = ShareTally.objects.get(event=ShareEvent.VISIT)
        assert (row.channel, row.target_type, row.target_id, row.campaign, row.count) == (
            "whatsapp", "destination", place.pk, "gebrak", 1)

    def test_a_shared_link_without_its_trailing_slash_is_still_counted(self, client, place):
        # Django adds the slash with a redirect built from the query config.tracking read: the arrival's
        # three parameters go on with it, to the page where the visit is counted.
        response = client.get("/id/destinasi/lok-baintan?utm_source=whatsapp&utm_medium=share&utm_campaign=gebrak")
        assert response.status_code == 301
        assert utm(response["Location"]) == {"utm_source": "whatsapp", "utm_medium": "share", "utm_campaign": "gebrak"}
        assert urlparse(response["Location"]).path == "/id/destinasi/lok-baintan/"
        client.get(response["Location"])
        row = ShareTally.objects.get(event=ShareEvent.VISIT)
        assert (row.channel, row.target_type, row.target_id, row.count) == ("whatsapp", "destination", place.pk, 1)

    def test_arrivals_are_never_stored_in_shared_caches(self, client, place):
        assert "private" in client.get(self.URL)["Cache-Control"]

    def test_ordinary_visits_are_not_counted(self, client, place):
        client.get("/id/destinasi/lok-baintan/")
        client.get("/id/destinasi/lok-baintan/?utm_source=newsletter&utm_medium=email")
        assert not ShareTally.objects.exists()

    def test_unknown_campaign_is_not_stored(self, client, place):
        client.get("/id/destinasi/lok-baintan/?utm_source=x&utm_medium=share&utm_campaign=spam-spam")
        assert ShareTally.objects.get().campaign == ""

    def test_do_not_track_visit_is_not_counted_and_gets_no_cookie(self, client, place):
        response = client.get(self.URL, HTTP_DNT="1")
        assert response.status_code == 200
        assert not ShareTally.objects.exists()
        assert "sessionid" not in response.cookies and "gebrak_share" not in response.cookies

    def test_a_visit_that_goes_on_to_a_shop_is_counted_once(self, client, place):
        shop = ShopFactory(name="Sasirangan Ibu Ida")
        other = ShopFactory(name="Sasirangan Pak Amat")
        client.get(self.URL, REMOTE_ADDR=IP, HTTP_USER_AGENT=AGENT)
        client.get(shop.get_absolute_url())
        client.get(shop.get_absolute_url())
        client.get(other.get_absolute_url())
        row = ShareTally.objects.get(event=ShareEvent.SHOP_VISIT)
        assert (row.target_type, row.target_id, row.channel, row.campaign, row.count) == (
            "shop", shop.pk, "whatsapp", "gebrak", 1)
        # A signed cookie, not a session, holds where the visit came from, not who: no address, no agent.
        assert not Session.objects.exists()
        data = sharing.arrival_noted(client.cookies["gebrak_share"].value)
        assert data == {"channel": "whatsapp", "campaign": "gebrak",
                        "arrived": [f"whatsapp destination:{place.pk}"], "shop": True}
        assert IP not in repr(data) and "UjiBrowser" not in repr(data)

    def test_shop_visits_without_a_shared_arrival_are_not_counted(self, client, place):
        shop = ShopFactory()
        client.get(shop.get_absolute_url())
        assert not ShareTally.objects.exists()

    def test_arrival_on_a_product_page(self, client, home_page):
        product = ProductFactory()
        client.get(product.get_absolute_url() + "?utm_source=telegram&utm_medium=share&utm_campaign=gebrak")
        row = ShareTally.objects.get()
        assert (row.event, row.target_type, row.target_id) == ("visit", "product", product.pk)


class TestDashboard:
    @pytest.fixture
    def editor(self):
        from django.contrib.auth.models import Group

        from tests.marketplace.factories import UserFactory

        user = UserFactory(username="editor-uji")
        user.groups.add(Group.objects.get(name=EDITORS))
        return user

    def test_editors_see_top_pages_channels_campaigns_and_shop_visits(self, client, place, editor):
        shop = ShopFactory(name="Sasirangan Ibu Ida")
        campaign(slug="gebrak-mei", title="Gebrak Mei")
        visitor = client.__class__()
        visitor.post("/bagikan/", {"target": f"destination:{place.pk}", "channel": "whatsapp",
                                   "campaign": "gebrak-mei"})
        visitor.get("/id/destinasi/lok-baintan/?utm_source=whatsapp&utm_medium=share&utm_campaign=gebrak-mei")
        visitor.get(shop.get_absolute_url())
        client.force_login(editor)
        response = client.get("/admin/gebrak/viralitas/")
        assert response.status_code == 200
        tables = BeautifulSoup(response.text, "html.parser").select("table.listing")
        summary, top, channels, campaigns, shops = (table.get_text(" ", strip=True) for table in tables)
        assert "Klik tombol bagikan 1" in summary and "Kunjungan dari tautan yang dibagikan 1" in summary
        assert "Pasar Terapung Lok Baintan destination 1 1" in top
        assert "WhatsApp 1 1 1" in channels
        assert "Gebrak Mei gebrak-mei 1 1 1" in campaigns
        assert "Sasirangan Ibu Ida WhatsApp 1" in shops
        assert "Viralitas" in client.get("/admin/").text

    def test_dashboard_queries_do_not_grow_with_data(self, client, place, editor):
        ShareTally.objects.create(day=timezone.localdate(), event="click", channel="x", target_type="destination",
                                  target_id=place.pk, campaign="", count=1)
        client.force_login(editor)
        client.get("/admin/gebrak/viralitas/")
        with CaptureQueriesContext(connection) as few:
            client.get("/admin/gebrak/viralitas/?hari=7")
        for number in range(5):
            page = factories.destination(slug=f"lain-{number}")
            ShareTally.objects.create(day=timezone.localdate(), event="click", channel="x", target_type="destination",
                                      target_id=page.pk, campaign="", count=3)
        with CaptureQueriesContext(connection) as many:
            client.get("/admin/gebrak/viralitas/?hari=7")
        assert len(many) == len(few)

    def test_people_without_the_permission_cannot_see_it(self, client, place):
        from django.contrib.auth.models import Permission

        from tests.marketplace.factories import UserFactory

        outsider = UserFactory(username="orang-luar")
        outsider.user_permissions.add(Permission.objects.get(codename="access_admin"))
        client.force_login(outsider)
        assert client.get("/admin/gebrak/viralitas/").status_code in (302, 403)


class TestTrackingParameters:
    """A link posted on Facebook, Instagram or in a newsletter arrives with parameters that only
    the platform reads (`fbclid` differs on every click, `utm_*` name a newsletter): the page is the
    same page, so they must not make a page-cache entry per click, nor travel on in the page's own
    links (the language switch, the save button's way back) to the next visitor."""

    @pytest.fixture(autouse=True)
    def page_cache_on(self, settings):
        settings.PAGE_CACHE_SECONDS = 300

    def test_clicks_from_facebook_are_served_from_one_cached_page(self, client, place):
        clean = client.get("/id/destinasi/lok-baintan/")
        assert clean["X-Page-Cache"] == "miss"
        for query in ("fbclid=IwAR0first", "fbclid=IwAR0second", "gclid=Cj0K&utm_source=instagram&utm_medium=bio",
                      "utm_source=newsletter&utm_medium=email&utm_campaign=desember"):
            response = client.get(f"/id/destinasi/lok-baintan/?{query}")
            assert response.status_code == 200
            assert response["X-Page-Cache"] == "hit", query
            assert response.content == clean.content

    def test_a_first_visitor_from_facebook_leaves_no_click_id_in_the_page(self, client, place):
        first = client.get("/id/destinasi/lok-baintan/?fbclid=IwAR0secret&utm_source=fb")
        assert first.status_code == 200
        assert "IwAR0secret" not in first.text and "utm_source" not in first.text.split("share__list")[0]
        assert client.get("/id/destinasi/lok-baintan/")["X-Page-Cache"] == "hit"

    def test_a_real_query_still_makes_another_page(self, client, place):
        client.get("/id/destinasi/")
        assert client.get("/id/destinasi/?page=2&fbclid=x")["X-Page-Cache"] == "miss"

    def test_arrivals_through_share_links_are_still_counted_with_a_click_id(self, client, place):
        response = client.get(TestArrivals.URL + "&fbclid=IwAR0x")
        assert response["X-Page-Cache"] == "miss" and "private" in response["Cache-Control"]
        assert ShareTally.objects.get(event=ShareEvent.VISIT).channel == "whatsapp"

    def test_the_query_is_read_without_tracking_parameters_and_otherwise_byte_for_byte(self):
        from config.tracking import query_without_tracking, share_arrival_in

        assert query_without_tracking("q=%ff%00&page=2") == "q=%ff%00&page=2"  # none: untouched
        assert query_without_tracking("q=%E2%80%AE+x&fbclid=a&UTM_Source=b") == "q=%E2%80%AE+x"
        # A share arrival's three are put aside for the counting, and read as absent like the others.
        shared = "page=2&utm_source=x&utm_medium=share&utm_campaign=c&utm_content=d&gclid=e"
        assert query_without_tracking(shared) == "page=2"
        assert share_arrival_in(shared) == {"utm_source": "x", "utm_medium": "share", "utm_campaign": "c"}
        assert share_arrival_in("utm_source=x&utm_medium=email") is None


class TestArrivalsFromThePageCache:
    """A campaign spike: most visitors arrive through a shared link. They are served the stored page
    (the same as the plain address's) and still counted, once each, with the shop visit that follows."""

    URL = "/id/destinasi/lok-baintan/"
    SHARED = URL + "?utm_source=whatsapp&utm_medium=share&utm_campaign=gebrak"

    @pytest.fixture(autouse=True)
    def page_cache_on(self, settings):
        settings.PAGE_CACHE_SECONDS = 300

    def visits(self, **filters):
        return {(row.channel, row.target_type, row.target_id, row.campaign, row.count)
                for row in ShareTally.objects.filter(**filters)}

    def test_an_arrival_is_a_cache_hit_of_the_plain_page_and_counted_once(self, place):
        plain = Client().get(self.URL)
        assert plain["X-Page-Cache"] == "miss"
        visitor = Client()
        arrival = visitor.get(self.SHARED)
        assert arrival.status_code == 200 and arrival["X-Page-Cache"] == "hit"
        assert arrival.content == plain.content
        assert "private" in arrival["Cache-Control"]  # never from or into a CDN: each arrival reaches us
        assert visitor.get(self.SHARED)["X-Page-Cache"] == "hit"  # a reload: not counted again
        assert visitor.get(self.URL + "?utm_source=telegram&utm_medium=share&utm_campaign=gebrak")[
            "X-Page-Cache"] == "hit"
        Client().get(self.SHARED)  # somebody else
        assert self.visits(event=ShareEvent.VISIT) == {("whatsapp", "destination", place.pk, "gebrak", 2),
                                                      ("telegram", "destination", place.pk, "gebrak", 1)}

    def test_the_first_arrival_stores_the_plain_page_for_everyone(self, place):
        first = Client().get(self.URL + "?utm_source=telegram&utm_medium=share&utm_campaign=gebrak&fbclid=Iw0")
        assert first["X-Page-Cache"] == "miss"
        plain = Client().get(self.URL)
        assert plain["X-Page-Cache"] == "hit" and plain.content == first.content
        soup = BeautifulSoup(first.text, "html.parser")
        for shared in soup.select("section.share"):
            shared.decompose()  # the share buttons' own tagged links, the same on every visit
        assert "utm_" not in str(soup) and "telegram" not in str(soup)
        assert "gebrak_share" not in first.cookies or first.cookies["gebrak_share"].value not in first.text

    def test_an_arrival_from_the_cache_costs_no_query_and_its_count_waits_on_the_queue(self, place, settings):
        from django_tasks import default_task_backend

        Client().get(self.URL)
        settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
        with CaptureQueriesContext(connection) as queries:
            arrival = Client().get(self.SHARED)
        assert arrival["X-Page-Cache"] == "hit"
        assert len(queries) == 0
        assert not ShareTally.objects.exists()
        (queued,) = default_task_backend.results
        queued.task.call(*queued.args, **queued.kwargs)  # the worker
        assert self.visits(event=ShareEvent.VISIT) == {("whatsapp", "destination", place.pk, "gebrak", 1)}

    def test_the_shop_visit_after_an_arrival_is_counted_from_the_cache_too(self, place):
        shop = ShopFactory(name="Sasirangan Ibu Ida")
        other = ShopFactory(name="Sasirangan Pak Amat")
        for url in (self.URL, shop.get_absolute_url(), other.get_absolute_url()):
            assert Client().get(url)["X-Page-Cache"] == "miss"
        visitor = Client()
        assert visitor.get(self.SHARED, REMOTE_ADDR=IP, HTTP_USER_AGENT=AGENT)["X-Page-Cache"] == "hit"
        for url in (shop.get_absolute_url(), shop.get_absolute_url(), other.get_absolute_url(), self.URL):
            assert visitor.get(url)["X-Page-Cache"] == "hit", url
        assert self.visits(event=ShareEvent.SHOP_VISIT) == {("whatsapp", "shop", shop.pk, "gebrak", 1)}
        assert self.visits(event=ShareEvent.VISIT) == {("whatsapp", "destination", place.pk, "gebrak", 1)}
        # Noted in a small signed cookie, not a session: where the visit came from, never who.
        assert not Session.objects.exists() and "sessionid" not in visitor.cookies
        noted = sharing.arrival_noted(visitor.cookies["gebrak_share"].value)
        assert noted == {"channel": "whatsapp", "campaign": "gebrak", "arrived": [f"whatsapp destination:{place.pk}"],
                         "shop": True}
        assert IP not in repr(noted) and "UjiBrowser" not in repr(noted)

    def test_a_tampered_note_counts_no_shop_visit(self, place):
        shop = ShopFactory(name="Sasirangan Ibu Ida")
        visitor = Client()
        visitor.cookies["gebrak_share"] = "eyJjaGFubmVsIjoieCJ9:forged"
        assert visitor.get(shop.get_absolute_url()).status_code == 200
        assert not ShareTally.objects.exists()

    @pytest.mark.parametrize("header", ["HTTP_DNT", "HTTP_SEC_GPC"])
    def test_a_browser_that_refuses_tracking_is_served_from_the_cache_and_not_counted(self, place, header):
        Client().get(self.URL)
        response = Client().get(self.SHARED, **{header: "1"})
        assert response["X-Page-Cache"] == "hit"
        assert not ShareTally.objects.exists() and not response.cookies

    def test_counting_that_fails_never_breaks_the_page(self, place, monkeypatch):
        def broken(*args, **kwargs):
            raise RuntimeError("queue down")

        monkeypatch.setattr(sharing, "share_arrival_count", SimpleNamespace(enqueue=broken))
        Client().get(self.URL)
        response = Client().get(self.SHARED)
        assert response.status_code == 200 and response["X-Page-Cache"] == "hit"
