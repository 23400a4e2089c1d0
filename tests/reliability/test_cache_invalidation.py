"""Invalidation by what changed (issue 12, config/dependencies.py): a purchase makes stale
the pages that showed the product bought, a publish those that show the page, and every
other cached page keeps being served from the cache; and what a process remembers for the
pages (config.page_cache.GenerationMemo) is never one object shared by several requests."""

from __future__ import annotations

import json
import threading

import pytest
from bs4 import BeautifulSoup

from config import dependencies
from marketplace.models import ProductPhoto
from tests.marketplace.orders import factories as order_factories
from tests.reliability.test_page_cache import page_cache_on  # noqa: F401 - autouse: the page cache on
from tests.tourism import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(home_page):
    destination = factories.destination(slug="pasar-terapung-lok-baintan", title="Pasar Terapung Lok Baintan")
    shop = order_factories.shop(name="Sasirangan Bu Ida", slug="sasirangan-bu-ida")
    product = order_factories.product(shop=shop, title_id="Kain Gigi Haruan", slug="kain-gigi-haruan", stock=1)
    other_shop = order_factories.shop(name="Sasirangan Pak Amat", slug="sasirangan-pak-amat")
    other = order_factories.product(shop=other_shop, title_id="Kain Kambang Kacang", slug="kain-kambang-kacang",
                                    stock=4)
    return {
        "destination": destination,
        "product": product,
        "product_page": f"/id/kampung-sasirangan/produk/{product.slug}/",
        "shop_page": f"/id/kampung-sasirangan/perajin/{shop.slug}/",
        "other_product_page": f"/id/kampung-sasirangan/produk/{other.slug}/",
    }


def _cached(client, url) -> str:
    """Visit until stored; the page's text."""
    first = client.get(url)
    assert first.status_code == 200, url
    assert client.get(url)["X-Page-Cache"] == "hit", url
    return first.text


def test_a_purchase_leaves_unrelated_pages_cached_and_shows_the_new_stock(client, world,
                                                                          django_capture_on_commit_callbacks):
    for url in (world["destination"].url, world["product_page"], world["shop_page"], world["other_product_page"]):
        _cached(client, url)
    assert "Habis" not in client.get(world["product_page"]).text

    with django_capture_on_commit_callbacks(execute=True):
        order_factories.order_start((world["product"], 1))  # the last one: sold out

    product_page = client.get(world["product_page"])
    assert product_page["X-Page-Cache"] == "miss" and "Habis" in product_page.text
    shop_page = client.get(world["shop_page"])
    assert shop_page["X-Page-Cache"] == "miss" and "card--sold-out" in shop_page.text
    # What never showed the product is still served from the cache.
    assert client.get(world["destination"].url)["X-Page-Cache"] == "hit"
    assert client.get(world["other_product_page"])["X-Page-Cache"] == "hit"


def test_selling_one_of_many_changes_no_page_and_the_last_few_show_at_once(client, world,
                                                                          django_capture_on_commit_callbacks):
    """A page shows a stock only as "Tersedia", "Tinggal N" (N <= 3) or "Habis": a campaign selling a
    well-stocked cloth keeps its pages cached, and the move into the last few purges them."""
    from marketplace.models import Product
    from marketplace.orders.stock import stock_release

    product = world["product"]
    Product.objects.filter(pk=product.pk).update(stock=10)
    for url in (world["product_page"], world["shop_page"], "/id/"):
        _cached(client, url)

    with django_capture_on_commit_callbacks(execute=True):
        order_factories.order_start((product, 2))  # 10 -> 8: still "Tersedia"
    product_page = client.get(world["product_page"])
    assert product_page["X-Page-Cache"] == "hit"
    assert "Tersedia" in product_page.text and "Tinggal" not in product_page.text
    assert client.get(world["shop_page"])["X-Page-Cache"] == "hit"
    assert client.get("/id/")["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        last_few = order_factories.order_start((product, 5))  # 8 -> 3
    product_page = client.get(world["product_page"])
    assert product_page["X-Page-Cache"] == "miss" and "Tinggal 3" in product_page.text

    with django_capture_on_commit_callbacks(execute=True):
        stock_release(order=last_few)  # unpaid in time: 3 -> 8, "Tersedia" again
    product_page = client.get(world["product_page"])
    assert product_page["X-Page-Cache"] == "miss"
    assert "Tersedia" in product_page.text and "Tinggal" not in product_page.text
    assert Product.objects.get(pk=product.pk).stock == 8


def test_a_size_sold_out_shows_though_the_product_has_plenty(client, world, django_capture_on_commit_callbacks):
    from marketplace.models import Product
    from tests.marketplace.factories import add_size

    product = world["product"]
    small, _medium = add_size(product, "S", 1), add_size(product, "M", 20, sort_order=1)
    Product.objects.filter(pk=product.pk).update(stock=21)
    assert "(habis)" not in _cached(client, world["product_page"])

    with django_capture_on_commit_callbacks(execute=True):
        order_factories.order_start((product, small, 1))
    product_page = client.get(world["product_page"])
    assert product_page["X-Page-Cache"] == "miss"
    assert "S <small>(habis)</small>" in product_page.text and "Tinggal" not in product_page.text


def test_publishing_a_destination_updates_its_page_the_index_and_home_but_not_product_pages(client, world, django_capture_on_commit_callbacks):
    destination = world["destination"]
    for url in (destination.url, "/id/destinasi/", "/id/", world["product_page"]):
        assert "Pasar Terapung Lok Baintan" in _cached(client, url) or url == world["product_page"]

    page = destination.specific
    page.title = "Pasar Terapung Lok Baintan Subuh"
    with django_capture_on_commit_callbacks(execute=True):  # the purge follows the commit
        page.save_revision().publish()

    for url in (destination.url, "/id/destinasi/", "/id/"):
        response = client.get(url)
        assert response["X-Page-Cache"] == "miss", url
        assert "Pasar Terapung Lok Baintan Subuh" in response.text, url
    assert client.get(world["product_page"])["X-Page-Cache"] == "hit"


def test_an_editor_saving_a_draft_or_locking_a_page_leaves_its_cached_pages_served(client, world, admin_user, django_capture_on_commit_callbacks):
    """A draft is not what visitors see: saving one (Wagtail writes the page row's draft
    bookkeeping) or locking the page for editing purges nothing; publishing it does."""
    destination = world["destination"]
    for url in (destination.url, "/id/destinasi/", "/id/"):
        _cached(client, url)

    page = destination.specific
    page.title = "Pasar Terapung Lok Baintan (draf)"
    with django_capture_on_commit_callbacks(execute=True):  # what purges would, after the commit
        page.save_revision(user=admin_user)
        page.locked, page.locked_by = True, admin_user
        page.save(update_fields=["locked", "locked_at", "locked_by"])

    for url in (destination.url, "/id/destinasi/", "/id/"):
        response = client.get(url)
        assert response["X-Page-Cache"] == "hit", url
        assert "(draf)" not in response.text, url

    with django_capture_on_commit_callbacks(execute=True):
        page.get_latest_revision().publish()
    response = client.get(destination.url)
    assert response["X-Page-Cache"] == "miss" and "(draf)" in response.text


def test_a_new_destination_shows_on_the_index_at_once(client, world, django_capture_on_commit_callbacks):
    _cached(client, "/id/destinasi/")
    with django_capture_on_commit_callbacks(execute=True):  # the purge follows the commit
        factories.destination(slug="riam-kanan", title="Waduk Riam Kanan")
    assert "Waduk Riam Kanan" in client.get("/id/destinasi/").text


def test_a_new_untranslated_destination_shows_on_the_english_pages_at_once(client, world,
                                                                           django_capture_on_commit_callbacks):
    """English listings show the Indonesian page where there is no translation yet: an Indonesian
    destination or event published makes the English index pages and home stale too."""
    from datetime import timedelta

    from django.utils import timezone

    english = ("/en/destinasi/", "/en/", "/en/acara/")
    for url in english:
        _cached(client, url)
    with django_capture_on_commit_callbacks(execute=True):  # the purge follows the commit
        factories.destination(slug="riam-kanan", title="Waduk Riam Kanan")
        factories.event(slug="festival-jukung", title="Festival Jukung", start=timezone.now() + timedelta(days=3))
    index, home, events = (client.get(url) for url in english)
    assert index["X-Page-Cache"] == "miss" and "Waduk Riam Kanan" in index.text
    assert home["X-Page-Cache"] == "miss" and "Waduk Riam Kanan" in home.text
    assert events["X-Page-Cache"] == "miss" and "Festival Jukung" in events.text


def test_a_price_change_shows_on_the_listing_and_the_product_page(client, world, django_capture_on_commit_callbacks):
    listing = "/id/kampung-sasirangan/"
    _cached(client, listing)
    _cached(client, world["product_page"])
    product = world["product"]
    product.price_idr = 987_000
    with django_capture_on_commit_callbacks(execute=True):
        product.save()
    assert "987.000" in client.get(listing).text
    assert "987.000" in client.get(world["product_page"]).text


def test_an_approved_review_shows_on_its_product_and_other_pages_stay_cached(client, world, django_capture_on_commit_callbacks):
    from marketplace.reviews.models import Review, ReviewStatus

    for url in (world["product_page"], world["other_product_page"], world["destination"].url):
        _cached(client, url)
    product = world["product"]
    with django_capture_on_commit_callbacks(execute=True):
        Review.objects.create(product=product, shop=product.shop, buyer_email="b@contoh.id", author_name="Rina",
                              rating=5, text="Kainnya halus sekali, warnanya cerah.", language="id",
                              status=ReviewStatus.APPROVED)
    assert "Kainnya halus sekali" in client.get(world["product_page"]).text
    assert client.get(world["other_product_page"])["X-Page-Cache"] == "hit"
    assert client.get(world["destination"].url)["X-Page-Cache"] == "hit"


def test_requests_at_once_never_share_a_remembered_product(world):
    """Threads serving the same product page each get their own instance: one request's
    prefetch or change is never seen by another (the remembered value is kept pickled)."""
    from config.page_cache import page_cache_generation
    from marketplace import selectors

    slug, generation = world["product"].slug, page_cache_generation()
    selectors.product_public_get(slug=slug, generation=generation)  # remembered now
    threads, barrier = 8, threading.Barrier(8)
    seen: list = [None] * threads
    held: list = []  # every instance kept alive, so no id is reused while the others look
    errors: list = []

    def request(number):
        try:
            product = selectors.product_public_get(slug=slug, generation=generation)
            barrier.wait(timeout=10)
            product.stock = 100 + number  # what a request might change on its instance
            product.title_id = f"copy {number}"
            barrier.wait(timeout=10)
            seen[number] = (id(product), product.stock, product.title_id, [s.pk for s in product.sizes.all()])
            held.append(product)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    workers = [threading.Thread(target=request, args=(number,)) for number in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    assert not errors
    assert len({entry[0] for entry in seen}) == threads  # eight instances, none shared
    assert [entry[1:3] for entry in seen] == [(100 + n, f"copy {n}") for n in range(threads)]
    again = selectors.product_public_get(slug=slug, generation=generation)
    assert (again.stock, again.title_id) == (1, "Kain Gigi Haruan")  # nothing written back to the memory


def test_the_home_page_edited_is_served_in_both_languages_though_the_sites_root_is_remembered(client, world, django_capture_on_commit_callbacks):
    """The Site of a host is remembered with its root page's own fields left unread
    (config.middleware.SiteLookupMiddleware); the home page served loads them, so an edit shows."""
    from tourism.models import HomePage

    home = HomePage.objects.get(locale__language_code="id")
    english = home.get_translation(home.get_translations().get().locale)
    for url in ("/id/", "/en/", world["destination"].url):
        _cached(client, url)
    with django_capture_on_commit_callbacks(execute=True):  # the purge follows the commit
        home.hero_title = "Banjar Menyapa Dunia"
        home.save_revision().publish()
        english.hero_title = "Banjar Greets the World"
        english.save_revision().publish()
    indonesian = client.get("/id/")
    assert indonesian["X-Page-Cache"] == "miss" and "Banjar Menyapa Dunia" in indonesian.text
    assert "Banjar Greets the World" in client.get("/en/").text
    assert "Pasar Terapung Lok Baintan" in client.get(world["destination"].url).text


def test_a_campaign_started_refreshes_the_share_links_of_pages_cached_before_it(client, world, django_capture_on_commit_callbacks):
    """Every page's share links name the running campaign; one published (the site's first, here)
    makes stale the pages that named none, without emptying the whole cache."""
    from tests.tourism.gebrak_factories import campaign

    destination_page = world["destination"].url
    assert "utm_campaign=kampanye-uji" not in _cached(client, destination_page)
    with django_capture_on_commit_callbacks(execute=True):
        campaign(slug="kampanye-uji", title="Kampanye Uji")
    refreshed = client.get(destination_page)
    assert refreshed["X-Page-Cache"] == "miss" and "utm_campaign=kampanye-uji" in refreshed.text
    assert client.get(world["product_page"]).status_code == 200


def _alternates(html: str) -> dict[str, str]:
    return {tag["hreflang"]: tag["href"]
            for tag in BeautifulSoup(html, "html.parser").select('head link[rel="alternate"][hreflang]')}


def test_a_translation_published_later_is_named_by_the_original_at_once(client, world, django_capture_on_commit_callbacks):
    """A page's language alternates are remembered until one of its translations changes
    (tourism.seo.page_language_urls); a translation made later is such a change, though the
    original's page never read its row."""
    from wagtail.models import Locale

    destination, url = world["destination"], world["destination"].url
    assert set(_alternates(_cached(client, url))) == {"id", "x-default"}
    translation = destination.copy_for_translation(Locale.objects.get(language_code="en"), copy_parents=True)
    translation.title = "Lok Baintan Floating Market"
    with django_capture_on_commit_callbacks(execute=True):
        translation.save_revision().publish()
    assert _alternates(client.get(url).text)["en"] == "http://testserver/en/destinasi/pasar-terapung-lok-baintan/"
    translation.refresh_from_db()  # live, as publishing made it
    with django_capture_on_commit_callbacks(execute=True):
        translation.unpublish()
    assert "en" not in _alternates(client.get(url).text)


def test_an_index_renamed_is_named_so_in_the_breadcrumbs_of_the_pages_below_it(client, world, django_capture_on_commit_callbacks):
    """The pages above a page are remembered for its breadcrumb (tourism.seo.page_ancestry) until one changes."""
    from tourism.models import DestinationIndexPage

    def crumbs(html):
        scripts = BeautifulSoup(html, "html.parser").select('script[type="application/ld+json"]')
        trail = next(data for data in (json.loads(tag.string) for tag in scripts)
                     if data.get("@type") == "BreadcrumbList")
        return [crumb["name"] for crumb in trail["itemListElement"]]

    url = world["destination"].url
    assert crumbs(_cached(client, url)) == ["Beranda", "Destinasi", "Pasar Terapung Lok Baintan"]
    index = DestinationIndexPage.objects.get(locale__language_code="id")
    index.title = "Tempat Wisata"
    with django_capture_on_commit_callbacks(execute=True):
        index.save_revision().publish()
    assert crumbs(client.get(url).text) == ["Beranda", "Tempat Wisata", "Pasar Terapung Lok Baintan"]


def test_a_new_main_photo_shows_on_the_stored_cards_at_once(client, world, django_capture_on_commit_callbacks):
    """The cards show a product's cover (marketplace.models.Product.cover_image): an artisan who makes
    another photo the main one sees it on the listing, the shop and the home page, stored or not."""
    from tests.marketplace.factories import add_photo

    product = world["product"]
    with django_capture_on_commit_callbacks(execute=True):
        first = add_photo(product, is_main=True, sort_order=0)
        second = add_photo(product, sort_order=1)
    pages = ("/id/kampung-sasirangan/", world["shop_page"], "/id/")

    def shown(html):
        cards = BeautifulSoup(html, "html.parser").select("li.card--product")
        card = next(card for card in cards if card.select_one(".card__link").get_text() == product.title_id)
        return card.select_one("img.card__image")["src"]

    def picture(photo):
        return photo.image.get_rendition("fill-400x400|format-webp").url

    for url in pages:
        assert shown(_cached(client, url)) == picture(first), url
    with django_capture_on_commit_callbacks(execute=True):  # as the dashboard's form saves them
        ProductPhoto.objects.filter(product=product, is_main=True).update(is_main=False)
        first.is_main, second.is_main = False, True
        second.save()
        first.save()
    for url in pages:
        assert shown(client.get(url).text) == picture(second), url


def test_a_home_page_reads_no_ancestry(client, world, rf, django_assert_num_queries):
    """A home page has nothing above it below the tree's root: its breadcrumb is the page alone and
    no read asks for the pages above it (an empty answer records no tag, so it would be asked again
    on every render, config.remembered.remember_read)."""
    from tourism.models import HomePage
    from tourism.seo import page_ancestry

    home = HomePage.objects.get(locale__language_code="id")
    request = rf.get("/id/")
    with django_assert_num_queries(0), dependencies.recording():
        assert page_ancestry(home, request=request) == ()
        assert page_ancestry(home, request=request) == ()


def test_the_editors_new_picks_show_on_the_home_page_at_once(client, world, django_capture_on_commit_callbacks):
    """The home page's picks are remembered with the page (tourism.selectors.home_featured_keys)
    until its editors publish it again."""
    from tourism.models import HomeFeaturedDestination, HomePage

    picked = factories.destination(slug="riam-kanan", title="Waduk Riam Kanan")
    home = HomePage.objects.get(locale__language_code="id")
    home.featured_destinations = [HomeFeaturedDestination(destination=world["destination"])]
    home.save_revision().publish()

    def first_card(html):
        card = BeautifulSoup(html, "html.parser").select_one(".card__title")
        return card.get_text(strip=True)

    assert first_card(_cached(client, "/id/")) == "Pasar Terapung Lok Baintan"
    home.featured_destinations = [HomeFeaturedDestination(destination=picked)]
    with django_capture_on_commit_callbacks(execute=True):
        home.save_revision().publish()
    assert first_card(client.get("/id/").text) == "Waduk Riam Kanan"


def test_a_destination_published_nearby_shows_on_the_pages_of_those_near_it_at_once(client, world, django_capture_on_commit_callbacks):
    """Where every destination is (tourism.nearby.located_destinations) is remembered until one
    below the index changes; a stored page that listed its neighbours goes with it."""
    def nearby(html):
        return [link.get_text(strip=True) for link in BeautifulSoup(html, "html.parser").select(".nearby__item a")]

    url = world["destination"].url
    assert nearby(_cached(client, url)) == []
    with django_capture_on_commit_callbacks(execute=True):
        factories.destination(slug="pasar-intan-martapura", title="Pasar Intan Martapura",
                              latitude="-3.4150", longitude="114.8550")
    assert nearby(client.get(url).text) == ["Pasar Intan Martapura"]
