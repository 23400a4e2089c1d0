"""A small, known corpus of Banjar content for the search tests, built once per
module (a few dozen Wagtail pages cost seconds) and rolled back afterwards."""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from wagtail.models import Locale, PageViewRestriction

ELASTICSEARCH_URLS = [url.strip() for url in os.environ.get("ELASTICSEARCH_URL", "").split(",") if url.strip()]
# Coordinates used by the geo tests.
MARTAPURA = (-3.4131, 114.8569)


@pytest.fixture(autouse=True)
def _database_engine_unless_asked(request, settings):
    """Search tests choose their engine explicitly (the `engine` fixture); the
    database engine otherwise, whatever ELASTICSEARCH_URL the run has."""
    if "engine" not in request.fixturenames:
        settings.ELASTICSEARCH_URLS = []


@pytest.fixture(autouse=True)
def _fresh_search_caches():
    """Per-process caches (vocabulary, promotions, synonyms) assume committed data;
    tests roll back, so each test starts with them empty."""
    from search import engine_database, selectors, synonyms

    engine_database._vocabulary_cache.clear()
    selectors.forget_promotions()
    synonyms.forget_synonyms()


@dataclass
class Corpus:
    pages: dict = field(default_factory=dict)
    products: dict = field(default_factory=dict)
    shops: dict = field(default_factory=dict)


def _translate(page, *, title: str, summary: str, body: str = ""):
    english = Locale.objects.get(language_code="en")
    translation = page.copy_for_translation(english, copy_parents=True).specific
    translation.title = title
    translation.summary = summary
    translation.body = [("paragraph", f"<p>{body}</p>")] if body else []
    translation.save_revision().publish()
    return translation


def build_corpus() -> Corpus:
    """Destinations and events whose words the tests search for."""
    from tests.tourism import factories

    corpus = Corpus()
    now = timezone.now()

    def destination(slug, title, summary, *, body="", category="nature", district="Martapura",
                    location=(-3.41, 114.85), english=None):
        page = factories.destination(
            slug=slug, title=title, summary=summary, category=category, district_name=district,
            latitude=str(location[0]), longitude=str(location[1]),
            body=[("paragraph", f"<p>{body}</p>")] if body else [],
        )
        if english:
            _translate(page, **english)
        corpus.pages[slug] = page
        return page

    lok_baintan = destination(
        "pasar-terapung-lok-baintan", "Pasar Terapung Lok Baintan",
        "Pasar terapung di Sungai Martapura: pedagang berjualan dari jukung sejak subuh.",
        body="Datanglah sebelum matahari terbit untuk melihat perahu penuh sayur dan kue.",
        category="culture", district="Sungai Tabuk", location=(-3.2946, 114.6563),
        english={"title": "Lok Baintan Floating Market",
                 "summary": "A floating market on the Martapura river where traders sell from boats at dawn.",
                 "body": "Come before sunrise to see boats full of vegetables and cakes."},
    )
    destination(
        "pasar-intan-martapura", "Pasar Intan Martapura",
        "Pusat perdagangan intan dan batu permata terbesar di Kalimantan Selatan.",
        category="shopping", district="Martapura", location=MARTAPURA,
    )
    kelampayan = destination(
        "makam-datu-kelampayan", "Makam Datu Kelampayan",
        "Ziarah ke makam ulama besar Syekh Muhammad Arsyad al-Banjari.",
        category="religious", district="Astambul", location=(-3.4558, 114.9421),
    )
    destination(
        "air-terjun-tiwingan", "Air Terjun Tiwingan",
        "Berwisata alam ke air terjun yang sejuk di kaki pegunungan Meratus: piknik di tepi kolam, bekal piknik dari rumah.",
        category="nature", district="Aranio", location=(-3.5478, 115.0003),
    )
    riam_kanan = destination(
        "waduk-riam-kanan", "Waduk Riam Kanan",
        "Wisata perahu di waduk menuju pulau-pulau kecil dan kampung nelayan.",
        category="nature", district="Aranio", location=(-3.5205, 115.0060),
        english={"title": "Riam Kanan Reservoir",
                 "summary": "Boat trips across the reservoir to small islands and fishing villages."},
    )
    # Said only in its tags: what the relevance tests look for (Tiwingan mentions a picnic).
    riam_kanan.tags.add("piknik", "keluarga", "anak-anak")
    riam_kanan.save_revision().publish()
    destination(
        "sentra-sasirangan-martapura", "Sentra Kerajinan Sasirangan",
        "Perajin kain sasirangan membuat motif dengan teknik ikat dan celup.",
        category="shopping", district="Martapura Timur", location=(-3.4075, 114.8712),
    )
    destination(
        "soto-banjar-bang-amat", "Warung Soto Banjar Bang Amat",
        "Kuliner soto khas Banjar dengan ketupat dan perkedel di tepi sungai.",
        category="culinary", district="Martapura Barat", location=(-3.4198, 114.8102),
    )
    hidden = destination(
        "zamrud-tersembunyi", "Telaga Zamrud Tersembunyi",
        "Telaga berwarna zamrud yang belum dibuka untuk umum.",
        category="nature", district="Pengaron", location=(-3.30, 115.10),
    )
    hidden.unpublish()
    private = destination(
        "safir-pribadi", "Kebun Safir Pribadi",
        "Kebun safir khusus tamu undangan.",
        category="nature", district="Gambut", location=(-3.38, 114.70),
    )
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.PASSWORD,
                                       password="rahasia")

    festival = factories.event(
        slug="festival-budaya-pasar-terapung", title="Festival Budaya Pasar Terapung",
        summary="Lomba jukung hias dan pasar kuliner di atas sungai.",
        start=now + timedelta(days=20), end=now + timedelta(days=22), district_name="Sungai Tabuk",
        venue=lok_baintan,
    )
    corpus.pages[festival.slug] = festival
    haul = factories.event(
        slug="haul-datu-kelampayan", title="Haul Datu Kelampayan",
        summary="Peringatan wafatnya ulama besar, ribuan peziarah datang ke makam.",
        start=now - timedelta(days=60), end=now - timedelta(days=59), district_name="Astambul",
        venue=kelampayan,
    )
    corpus.pages[haul.slug] = haul
    build_marketplace(corpus)
    return corpus


def build_marketplace(corpus: Corpus) -> None:
    """One approved artisan with three published products (one sold out) and a
    draft; a shop still waiting for approval, whose product must never show."""
    from marketplace.models import Color, ShopStatus
    from tests.marketplace import factories as shop_factories

    aminah = shop_factories.ShopFactory(
        name="Sasirangan Ibu Aminah", slug="sasirangan-ibu-aminah", district=shop_factories.district("Martapura Timur"),
        story_id="Ibu Aminah mewarnai kain sasirangan dengan pewarna alam dari kulit kayu sejak 1998.",
        story_en="Ibu Aminah has dyed sasirangan cloth with natural dyes from tree bark since 1998.",
        latitude=Decimal("-3.4050"), longitude=Decimal("114.8690"),
    )
    gigi_haruan = shop_factories.MotifFactory(name="Gigi Haruan", slug="gigi-haruan")
    kulat_karikit = shop_factories.MotifFactory(name="Kulat Karikit", slug="kulat-karikit")
    colors = {color.slug: color for color in Color.objects.all()}

    def product(slug, title_id, description_id, *, title_en="", description_en="", shop=aminah, color_words=(),
                **fields):
        made = shop_factories.ProductFactory(shop=shop, slug=slug, title_id=title_id, title_en=title_en,
                                             description_id=description_id, description_en=description_en,
                                             **fields)
        made.colors.set([colors[word] for word in color_words])
        corpus.products[slug] = made
        return made

    product("kain-gigi-haruan-merah", "Kain Sasirangan Gigi Haruan Merah",
            "Kain katun dua meter bermotif gigi haruan, diwarnai merah dengan pewarna alami.",
            title_en="Red Gigi Haruan Sasirangan Cloth",
            description_en="Two metres of cotton with the gigi haruan motif, dyed red with natural dyes.",
            motif=gigi_haruan, fabric="katun", dye="natural", kind="kain", price_idr=175_000, stock=5,
            color_words=("merah",))
    product("selendang-kulat-karikit", "Selendang Sasirangan Kulat Karikit",
            "Selendang sutra biru bermotif kulat karikit.",
            motif=kulat_karikit, fabric="sutra", dye="synthetic", kind="selendang", price_idr=250_000, stock=0,
            color_words=("biru",))
    product("kemeja-sasirangan-biru", "Kemeja Sasirangan Biru Putih",
            "Kemeja rayon lengan panjang, biru dan putih.",
            fabric="rayon", dye="synthetic", kind="kemeja", price_idr=320_000, stock=3,
            color_words=("biru", "putih"))
    product("taplak-draf", "Taplak Sasirangan Draf Lembayung", "Belum diterbitkan.", is_published=False,
            kind="taplak", price_idr=90_000)
    waiting = shop_factories.ShopFactory(name="Toko Menunggu Lembayung", slug="toko-menunggu",
                                         status=ShopStatus.PENDING)
    product("sarung-toko-menunggu", "Sarung Sasirangan Lembayung", "Dari toko yang belum disetujui.",
            shop=waiting, kind="sarung", price_idr=150_000)
    corpus.shops = {"aminah": aminah, "waiting": waiting}


@pytest.fixture(scope="module")
def corpus(django_db_setup, django_db_blocker):
    """The corpus, indexed through the signals (as a publish would be), for every
    test of the module; rolled back afterwards so other tests never see it."""
    from search import indexing

    with django_db_blocker.unblock(), override_settings(ELASTICSEARCH_URLS=[]):
        with transaction.atomic():
            indexing._pending().clear()
            built = build_corpus()
            # The signals collected the keys; the commit that would index them never
            # comes inside this rolled-back block, so index them here.
            indexing.flush()
            yield built
            transaction.set_rollback(True)


def elasticsearch_reachable() -> bool:
    if not ELASTICSEARCH_URLS:
        return False
    from elasticsearch import Elasticsearch

    try:
        # Not ping(): the bare server has no root endpoint (GET / answers 405).
        health = Elasticsearch(ELASTICSEARCH_URLS, request_timeout=3).cluster.health()
        return health["status"] in ("green", "yellow")
    except Exception:
        return False


def require_elasticsearch() -> None:
    from tests.conftest import require_service

    require_service(elasticsearch_reachable(), "Elasticsearch",
                    "start one with scripts/elasticsearch.sh start and set ELASTICSEARCH_URL")


def test_alias() -> str:
    return f"gebrak-test-{uuid.uuid4().hex[:8]}"


test_alias.__test__ = False  # a helper, not a test


@contextmanager
def elasticsearch_index():
    """The settings pointing at a real Elasticsearch under an alias of its own,
    with everything in the database indexed there; the index is deleted after."""
    require_elasticsearch()
    from search import engine_elasticsearch, indexing

    with override_settings(ELASTICSEARCH_URLS=ELASTICSEARCH_URLS, ELASTICSEARCH_INDEX=test_alias()):
        try:
            indexing.rebuild()
            engine_elasticsearch.refresh()
            yield
        finally:
            for name in engine_elasticsearch.indices_behind_alias():
                engine_elasticsearch.delete_index(name)


@pytest.fixture(scope="module", params=["database", pytest.param("elasticsearch", marks=pytest.mark.elasticsearch)])
def engine(request, corpus):
    """Run a module's tests against each engine in turn (`api()` checks which
    answered). Module-scoped, so the index is built once per engine and the
    settings it overrides wrap every test's own."""
    if request.param == "elasticsearch":
        with elasticsearch_index():
            yield request.param
    else:
        with override_settings(ELASTICSEARCH_URLS=[]):
            yield request.param


def api(client, **params):
    response = client.get("/api/search", params)
    assert response.status_code == 200, response.content
    body = response.json()
    # With Elasticsearch configured it must be the one answering: no silent fallback in tests.
    from django.conf import settings

    assert body["engine"] == ("elasticsearch" if settings.ELASTICSEARCH_URLS else "database")
    return body


def slugs(body) -> list[str]:
    return [result["slug"] for result in body["results"]]
