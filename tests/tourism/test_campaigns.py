"""Campaign pages: blocks, dates, the home page's current campaign, and the demo campaign."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.marketplace.factories import ImageFactory, ProductFactory, ShopFactory, add_photo
from tests.tourism import factories
from tests.tourism.gebrak_factories import campaign
from tourism import campaigns
from tourism.models import CampaignPage

pytestmark = pytest.mark.django_db


def test_home_shows_the_campaign_running_today(client, home_page):
    today = timezone.localdate()
    campaign(slug="lama", title="Kampanye Lama", start=today - timedelta(days=60), end=today - timedelta(days=30))
    campaign(slug="nanti", title="Kampanye Nanti", start=today + timedelta(days=3), end=today + timedelta(days=30))
    campaign(slug="sekarang", title="Kampanye Sekarang", hashtag="#GebrakBanjar")
    html = client.get("/id/").text
    assert "Kampanye Sekarang" in html and "#GebrakBanjar" in html
    assert 'href="/id/kampanye/sekarang/"' in html
    assert "Kampanye Lama" not in html and "Kampanye Nanti" not in html


def test_newest_running_campaign_wins_and_ends_on_its_last_day(home_page):
    today = timezone.localdate()
    campaign(slug="panjang", title="Panjang", start=today - timedelta(days=20), end=today + timedelta(days=20))
    campaign(slug="baru", title="Baru", start=today - timedelta(days=2), end=today)
    assert campaigns.campaign_running().slug == "baru"
    CampaignPage.objects.filter(slug="baru").update(end=today - timedelta(days=1))
    assert campaigns.campaign_running().slug == "panjang"


def test_no_campaign_no_banner(client, home_page):
    assert campaigns.campaign_running() is None
    assert "campaign-slot" not in client.get("/id/").text


def test_unpublished_campaign_is_not_current(home_page):
    page = campaign(slug="draf", title="Draf")
    page.unpublish()
    assert campaigns.campaign_running() is None


def test_english_home_shows_the_english_campaign(client, home_page):
    campaign(slug="dwibahasa", title="Kampanye Dwibahasa", english_title="Bilingual Campaign")
    html = client.get("/en/").text
    assert "Bilingual Campaign" in html and 'href="/en/kampanye/dwibahasa/"' in html


def test_end_before_start_is_refused(home_page):
    from django.core.exceptions import ValidationError

    today = timezone.localdate()
    page = CampaignPage(title="Salah", slug="salah", summary="x", start=today, end=today - timedelta(days=1))
    with pytest.raises(ValidationError) as error:
        page.clean()
    assert "end" in error.value.message_dict


class TestCampaignPage:
    @pytest.fixture
    def built(self, home_page):
        lok_baintan = factories.destination(slug="lok-baintan", title="Pasar Terapung Lok Baintan",
                                            english_title="Lok Baintan Floating Market")
        hidden = factories.destination(slug="tersembunyi", title="Destinasi Tersembunyi")
        hidden.unpublish()
        festival = factories.event(slug="festival-jukung", title="Festival Jukung")
        product = ProductFactory(title_id="Kain Gigi Haruan")
        add_photo(product, is_main=True)
        unapproved = ProductFactory(title_id="Kain Toko Belum Disetujui", shop=ShopFactory(status="pending"))
        body = [
            ("hero", {"heading": "Satu hari di Banjar", "text": "Dari fajar hingga senja."}),
            ("story", {"heading": "Cerita", "text": "<p>Kisah sungai.</p>"}),
            ("destination_cards", {"heading": "Destinasi", "pages": [lok_baintan.pk, hidden.pk]}),
            ("event_cards", {"heading": "Acara", "pages": [festival.pk]}),
            ("product_cards", {"heading": "Oleh-oleh", "products": [product.pk, unapproved.pk]}),
            ("hashtag", {"hashtag": "#GebrakBanjar", "text": "Bagikan!"}),
            ("call_to_action", {"heading": "Ayo", "text": "", "button_label": "Lihat peta", "page": None,
                                "url": "/id/destinasi/"}),
        ]
        return campaign(slug="sehari", title="Sehari di Banjar", body=body, english_title="A Day in Banjar")

    def test_every_block_shows(self, client, built):
        response = client.get("/id/kampanye/sehari/")
        assert response.status_code == 200
        html = response.text
        for text in ("Satu hari di Banjar", "Kisah sungai.", "Pasar Terapung Lok Baintan", "Festival Jukung",
                     "Kain Gigi Haruan", "#GebrakBanjar", "Lihat peta"):
            assert text in html, text

    def test_unpublished_pages_and_unapproved_shops_products_are_left_out(self, client, built):
        html = client.get("/id/kampanye/sehari/").text
        assert "Destinasi Tersembunyi" not in html
        assert "Kain Toko Belum Disetujui" not in html

    def test_english_campaign_shows_english_cards(self, client, built):
        html = client.get("/en/kampanye/sehari/").text
        assert "A Day in Banjar" in html
        assert "Lok Baintan Floating Market" in html
        assert 'href="/en/destinasi/lok-baintan/"' in html

    def test_queries_do_not_grow_with_cards(self, client, built, django_capture_on_commit_callbacks):
        with CaptureQueriesContext(connection) as few:
            client.get("/id/kampanye/sehari/")
        more = [factories.destination(slug=f"tambahan-{n}", title=f"Tambahan {n}").pk for n in range(5)]
        page = CampaignPage.objects.get(slug="sehari", locale__language_code="id")
        from tourism.campaigns import raw_stream

        page.body = list(page.body.raw_data) + raw_stream([("destination_cards", {"heading": "Lagi", "pages": more})])
        with django_capture_on_commit_callbacks(execute=True):  # what the page showed is stale after the commit
            page.save_revision().publish()
        with CaptureQueriesContext(connection) as many:
            response = client.get("/id/kampanye/sehari/")
        assert "Tambahan 4" in response.text
        assert len(many) <= len(few) + 2, [q["sql"] for q in many.captured_queries]


def test_a_campaign_pages_pictures_get_their_renditions_in_one_query_in_both_languages(client, home_page):
    """The page a shared campaign opens: its hero's and every card's renditions in one query, and each
    picture shows; Wagtail's restriction and default-locale reads are not asked for each kind of card."""
    place = factories.destination(slug="lok-baintan", title="Pasar Terapung Lok Baintan",
                                  english_title="Lok Baintan Floating Market", main_image=ImageFactory())
    festival = factories.event(slug="festival-jukung", title="Festival Jukung", main_image=ImageFactory())
    product = ProductFactory(title_id="Kain Gigi Haruan")
    add_photo(product, is_main=True)
    campaign(slug="sehari", title="Sehari di Banjar", english_title="A Day in Banjar", main_image=ImageFactory(),
             body=[("hero", {"heading": "Satu hari di Banjar", "text": "Dari fajar hingga senja."}),
                   ("destination_cards", {"heading": "Destinasi", "pages": [place.pk]}),
                   ("event_cards", {"heading": "Acara", "pages": [festival.pk]}),
                   ("product_cards", {"heading": "Oleh-oleh", "products": [product.pk]})])
    for path, title in (("/id/kampanye/sehari/", "Pasar Terapung Lok Baintan"),
                        ("/en/kampanye/sehari/", "Lok Baintan Floating Market")):
        assert client.get(path).status_code == 200  # the worker makes what the first render asked for
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200, path
        assert title in response.text, path
        renditions = [query["sql"] for query in captured if 'FROM "wagtailimages_rendition"' in query["sql"]]
        assert len(renditions) == 1, (path, renditions)
        assert len(re.findall(r'class="campaign-hero__media"><img ', response.text)) == 1, path
        assert len(re.findall(r'<li class="card[^>]*>\s*<div class="card__media[^"]*">\s*<img', response.text)) == 3, path
        assert len(captured) <= 8, (path, [query["sql"][:120] for query in captured])


def test_campaign_index_lists_running_and_ended(client, home_page):
    today = timezone.localdate()
    campaign(slug="berjalan", title="Kampanye Berjalan")
    campaign(slug="selesai", title="Kampanye Selesai", start=today - timedelta(days=90), end=today - timedelta(days=60))
    html = client.get("/id/kampanye/").text
    assert html.index("Kampanye Berjalan") < html.index("Kampanye Selesai")


def test_demo_campaign_is_created_once_in_both_languages(home_page):
    from tourism.campaigns import DEMO_CAMPAIGN_SLUG, demo_campaign_ensure

    factories.destination(slug="pasar-terapung-lok-baintan", title="Pasar Terapung Lok Baintan")
    first = demo_campaign_ensure()
    again = demo_campaign_ensure()
    assert first.pk == again.pk
    assert CampaignPage.objects.filter(slug=DEMO_CAMPAIGN_SLUG).count() == 2  # id and en
    assert campaigns.campaign_running().slug == DEMO_CAMPAIGN_SLUG
    assert first.is_running


def test_editors_can_open_the_campaign_editor(client, home_page):
    from django.contrib.auth import get_user_model

    from tourism.campaigns import campaign_index_ensure

    index_page = campaign_index_ensure(home=home_page)
    admin = get_user_model().objects.create_superuser("admin-uji", "admin@uji.id", "rahasia-uji-1")
    client.force_login(admin)
    response = client.get(f"/admin/pages/add/tourism/campaignpage/{index_page.pk}/")
    assert response.status_code == 200
    for block in ("Kartu destinasi", "Kartu acara", "Kartu produk Kampung Sasirangan", "Ajakan", "Tagar"):
        assert block in response.text, block


def shared_as(client, page) -> set[str]:
    """The campaigns the page's share links name."""
    return set(re.findall(r"utm_campaign=([\w-]+)", client.get(page.url).text))


def test_every_page_sees_a_campaign_start_change_and_end_though_the_running_one_is_remembered(client, home_page,
                                                                                             django_capture_on_commit_callbacks):
    """Every page's share links name the running campaign, remembered per content generation
    (config.remembered.remember_read); publishing, editing or unpublishing a campaign is seen by the
    next visitor of any page, and the first campaign of a new site too."""
    place = factories.destination(slug="pasar-uji", title="Pasar Uji")
    for _ in range(2):  # the second is answered from what the first remembered
        assert shared_as(client, place) == {"gebrak"}  # the site's own, with none running

    with django_capture_on_commit_callbacks(execute=True):  # each purge follows its commit
        running = campaign(slug="baru", title="Kampanye Baru", hashtag="#BanjarBaru")  # and its index
    assert shared_as(client, place) == {"baru"}
    assert "Kampanye Baru" in client.get("/id/").text
    assert shared_as(client, place) == {"baru"}

    running.title = "Kampanye Baru Sekali"
    with django_capture_on_commit_callbacks(execute=True):
        running.save_revision().publish()
    assert "Kampanye Baru Sekali" in client.get("/id/").text

    with django_capture_on_commit_callbacks(execute=True):
        newer = campaign(slug="lebih-baru", title="Kampanye Lebih Baru", start=timezone.localdate())
    assert shared_as(client, place) == {"lebih-baru"}
    assert "Kampanye Lebih Baru" in client.get("/id/").text

    with django_capture_on_commit_callbacks(execute=True):
        newer.unpublish()
        running.unpublish()
    assert shared_as(client, place) == {"gebrak"}
    assert "Kampanye Baru" not in client.get("/id/").text


@pytest.mark.parametrize("destination", [{"page": None, "url": ""}, {"page": 999_999, "url": ""}])
def test_a_call_to_action_leading_nowhere_is_explained_to_the_editor(home_page, destination):
    """Neither a page (or one deleted meanwhile) nor an address: the editor's form says what is
    missing, under the page field, in Indonesian (before, a 500)."""
    from django.core.exceptions import ValidationError

    from tourism.campaign_blocks import CampaignBodyBlock

    body = CampaignBodyBlock()
    value = body.to_python([{"type": "call_to_action", "value": {
        "heading": "Ayo", "text": "", "button_label": "Lihat peta", **destination}}])
    with pytest.raises(ValidationError) as refused:
        body.clean(value)
    errors = refused.value.as_json_data()
    assert errors["blockErrors"][0]["blockErrors"]["page"] == {"messages": ["Pilih halaman tujuan atau isi alamat web."]}
