"""A form's CSRF token for a visitor who came without a cookie, and what a refused form says.

A tourist who tapped from a listing to a product and straight on to "add to cart" was refused
with Django's bare "Forbidden (403)": the listing's trip status (js/trips.js, every page) made a
CSRF cookie of its own, which could arrive after the product page had made another. The status
now makes none unless the script asks at the visitor's first tap; and a refused form is a page of
the site, in the visitor's language (config.views.csrf_failure)."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from tests.marketplace import factories as shop_factories

pytestmark = pytest.mark.django_db

ADD = "/id/kampung-sasirangan/keranjang/tambah/"


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300  # as in production: stored pages get each visitor's own token


@pytest.fixture
def product(home_page):
    return shop_factories.ProductFactory(slug="kain-gigi-haruan", title_id="Kain Gigi Haruan", stock=3)


def form_token(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)


def test_the_trip_status_of_a_visitor_without_a_cookie_makes_none(product):
    visitor = Client(enforce_csrf_checks=True)
    status = visitor.get("/id/rencana/status/")
    assert status.json()["csrf"] == "" and "csrftoken" not in status.cookies
    # The product page makes the visitor's cookie; its form is accepted, whatever the status said.
    page = visitor.get(product.get_absolute_url())
    assert "csrftoken" in page.cookies
    assert visitor.post(ADD, {"product": product.pk, "quantity": 1,
                              "csrfmiddlewaretoken": form_token(page)}).status_code == 302
    # With a cookie, the status gives the token that goes with it (what js/trips.js posts with).
    assert visitor.get("/id/rencana/status/").json()["csrf"]


def test_the_first_tap_asks_for_a_token_and_its_cookie(product):
    visitor = Client(enforce_csrf_checks=True)
    status = visitor.get("/id/rencana/status/", {"csrf": "1"})
    token = status.json()["csrf"]
    assert token and "csrftoken" in status.cookies
    saved = visitor.post("/id/rencana/simpan/", {"stop": f"product:{product.pk}", "action": "save"},
                         HTTP_ACCEPT="application/json", HTTP_X_CSRFTOKEN=token)
    assert saved.status_code == 200 and saved.json()["saved"] is True


@pytest.mark.parametrize("language,heading,back", [("id", "Formulir ini perlu dimuat ulang", "Kembali ke halaman tadi"),
                                                   ("en", "This form needs reloading", "Back to the page you were on")])
def test_a_refused_form_is_a_page_of_the_site_in_the_visitors_language(product, language, heading, back):
    visitor = Client(enforce_csrf_checks=True)
    page_url = product.get_absolute_url().replace("/id/", f"/{language}/", 1)
    visitor.get(page_url)  # a cookie, then a token that is not its own (an old page, another tab)
    response = visitor.post(ADD.replace("/id/", f"/{language}/", 1), {"product": product.pk, "quantity": 1,
                                                                       "csrfmiddlewaretoken": "x" * 64},
                            HTTP_REFERER=f"http://testserver{page_url}")
    assert response.status_code == 403
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.h1.get_text(strip=True) == heading
    assert soup.find("a", string=back)["href"] == f"http://testserver{page_url}"
    assert "DEBUG" not in response.text and "no-cache" in response["Cache-Control"]
    assert soup.html["lang"] == language
    assert "Kain Gigi Haruan" not in visitor.get(f"/{language}/kampung-sasirangan/keranjang/").text, "nothing added"


def test_a_refusal_without_a_cookie_says_to_allow_cookies_and_never_links_elsewhere(product):
    visitor = Client(enforce_csrf_checks=True)
    response = visitor.post(ADD, {"product": product.pk, "quantity": 1}, HTTP_REFERER="https://evil.example/x")
    assert response.status_code == 403
    text = BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)
    assert "Izinkan kuki untuk situs ini" in text
    assert "evil.example" not in response.text and "Kembali ke halaman tadi" not in text


def test_the_refusal_page_switches_language_to_the_page_the_form_was_on(product):
    visitor = Client(enforce_csrf_checks=True)
    page_url = product.get_absolute_url()
    visitor.get(page_url)
    response = visitor.post(ADD, {"product": product.pk, "quantity": 1, "csrfmiddlewaretoken": "x" * 64},
                            HTTP_REFERER=f"http://testserver{page_url}")
    switch = BeautifulSoup(response.content, "html.parser").select_one(".language-switch a[hreflang=en]")
    assert switch["href"] == page_url.replace("/id/", "/en/", 1), "not the refused POST's address (a 405)"


def test_a_scripts_refused_request_gets_the_words_as_json(product):
    visitor = Client(enforce_csrf_checks=True)
    visitor.get(product.get_absolute_url())
    response = visitor.post("/id/rencana/simpan/", {"stop": f"product:{product.pk}"},
                            HTTP_ACCEPT="application/json", HTTP_X_CSRFTOKEN="x" * 64)
    assert response.status_code == 403 and response["Content-Type"] == "application/json"
    assert "muat ulang halamannya" in response.json()["error"]


def test_a_form_sent_from_another_site_is_told_so(product):
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(product.get_absolute_url())
    response = visitor.post(ADD, {"product": product.pk, "quantity": 1, "csrfmiddlewaretoken": form_token(page)},
                            HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403
    assert "tidak datang dari halaman situs ini" in BeautifulSoup(response.content, "html.parser").get_text(" ")
