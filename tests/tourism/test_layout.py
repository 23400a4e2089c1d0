"""The base layout as a visitor (and a screen reader) meets it, in both languages."""

import io
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.files.images import ImageFile
from django.template.loader import render_to_string
from PIL import Image as PillowImage
from wagtail.images import get_image_model

from tests.tourism import factories

pytestmark = pytest.mark.django_db
STATIC_DIR = Path(settings.BASE_DIR) / "site" / "static"


def soup_of(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return BeautifulSoup(response.content, "html.parser")


def a_picture(title="Pasar terapung saat fajar"):
    buffer = io.BytesIO()
    PillowImage.new("RGB", (1600, 1000), (20, 90, 110)).save(buffer, "JPEG")
    image = get_image_model()(title=title)
    image.file.save("fajar.jpg", ImageFile(buffer, name="fajar.jpg"), save=False)
    image.save()
    return image


@pytest.mark.parametrize("language", ["id", "en"])
def test_home_page_has_landmarks_skip_link_and_language(client, home_page, language):
    soup = soup_of(client, f"/{language}/")

    assert soup.html["lang"] == language
    # The skip link is the first thing a keyboard reaches, and it lands on <main>.
    first_link = soup.body.find("a")
    assert "skip-link" in first_link["class"] and first_link["href"] == "#main"
    assert soup.find("main", id="main") is not None
    assert len(soup.find_all("main")) == 1
    assert soup.find("header", class_="site-header") is not None
    assert soup.find("footer", class_="site-footer") is not None
    assert soup.find("h1") is not None


@pytest.mark.parametrize("language", ["id", "en"])
def test_header_navigation_search_and_cart_stay_in_the_readers_language(client, home_page, language):
    soup = soup_of(client, f"/{language}/")

    main_nav = soup.find("nav", class_="site-nav")
    assert main_nav.get("aria-label")
    assert [a["href"] for a in main_nav.find_all("a")] == [
        f"/{language}/destinasi/", f"/{language}/acara/", f"/{language}/kampung-sasirangan/", f"/{language}/cari/",
    ]
    search = soup.find("form", role="search")
    assert search["method"] == "get" and search["action"] == f"/{language}/cari/"
    box = search.find("input", attrs={"name": "q"})
    assert soup.find("label", attrs={"for": box["id"]}) is not None
    assert soup.find("a", href=f"/{language}/kampung-sasirangan/keranjang/") is not None


@pytest.mark.parametrize("language", ["id", "en"])
def test_language_switch_marks_the_current_language(client, home_page, language):
    switch = soup_of(client, f"/{language}/").find("nav", class_="language-switch")
    links = {a["hreflang"]: a for a in switch.find_all("a")}

    assert links["id"]["href"] == "/id/" and links["en"]["href"] == "/en/"
    assert links[language].get("aria-current") == "true"
    other = "en" if language == "id" else "id"
    assert links[other].get("aria-current") is None


def test_language_switch_keeps_the_reader_on_the_same_page(client, home_page):
    factories.destination(slug="pasar-terapung-lok-baintan", title="Pasar Terapung Lok Baintan")

    switch = soup_of(client, "/id/destinasi/pasar-terapung-lok-baintan/").find("nav", class_="language-switch")

    assert switch.find("a", hreflang="en")["href"] == "/en/destinasi/pasar-terapung-lok-baintan/"


def test_current_section_is_marked_in_the_menu(client, home_page):
    factories.destination(slug="waduk-riam-kanan")

    on_index = soup_of(client, "/id/destinasi/").find("nav", class_="site-nav")
    on_page = soup_of(client, "/id/destinasi/waduk-riam-kanan/").find("nav", class_="site-nav")

    assert on_index.find("a", href="/id/destinasi/")["aria-current"] == "page"
    assert on_page.find("a", href="/id/destinasi/")["aria-current"] == "true"
    assert on_index.find("a", href="/id/acara/").get("aria-current") is None


def test_cards_use_responsive_webp_images_with_alt_text_and_lazy_loading(client, home_page):
    factories.destination(slug="lok-baintan", title="Lok Baintan", main_image=a_picture())

    card_image = soup_of(client, "/id/destinasi/").select_one("main .card img")

    assert card_image["alt"] == "Pasar terapung saat fajar"
    assert card_image["loading"] == "lazy"
    assert card_image["width"] == "480" and card_image["height"] == "320"
    candidates = card_image["srcset"].split(", ")
    assert len(candidates) == 3  # 480, 720 (phones at 2x) and 960 wide
    assert all(re.search(r"\.webp \d+w$", candidate) for candidate in candidates)
    assert card_image.get("sizes")


def test_every_image_on_the_home_page_has_alt_text(client, home_page):
    factories.destination(slug="lok-baintan", main_image=a_picture())

    images = soup_of(client, "/id/").find_all("img")

    assert images
    assert all(image.has_attr("alt") for image in images)
    # Only decorative logos may have an empty alt; the hero picture is described.
    assert soup_of(client, "/id/").select_one(".hero img")["alt"]


def test_page_loads_nothing_from_other_hosts(client, home_page):
    soup = soup_of(client, "/id/")
    assets = [tag.get("href") for tag in soup.find_all("link", rel=["stylesheet", "preload", "icon"])]
    assets += [tag["src"] for tag in soup.find_all("script", src=True)]

    assert assets
    assert all(url.startswith(settings.STATIC_URL) for url in assets), assets


def test_stylesheet_references_only_bundled_files():
    css = (STATIC_DIR / "css" / "site.css").read_text()
    references = [url for url in re.findall(r'url\("?([^")]+)"?\)', css) if not url.startswith("data:")]

    assert any(url.endswith(".woff2") for url in references)
    for url in references:
        assert not url.startswith(("http:", "https:", "//")), url
        assert (STATIC_DIR / "css" / url).resolve().is_file(), url
    assert "font-display: swap" in css
    assert (STATIC_DIR / "fonts" / "LICENSE-plus-jakarta-sans.txt").is_file()


def test_missing_page_gets_the_site_layout_and_a_way_on(client, home_page):
    response = client.get("/en/tidak-ada/")

    assert response.status_code == 404
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find("main", id="main") is not None
    assert soup.find("a", href="/en/") is not None
    assert soup.find("form", role="search", action="/en/cari/") is not None


def test_server_error_page_renders_without_a_request():
    # Django renders 500.html with an empty context: it must not depend on context processors.
    html = render_to_string("500.html")

    assert "<main" in html and settings.STATIC_URL + "css/site.css" in html
