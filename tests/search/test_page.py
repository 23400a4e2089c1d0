"""The search page at /<lang>/cari/, without JavaScript, and editors' promotions."""

import pytest
from bs4 import BeautifulSoup

from tests.search.conftest import api, slugs

pytestmark = pytest.mark.django_db


def page(client, path="/id/cari/", **params):
    response = client.get(path, params)
    return response, BeautifulSoup(response.content, "html.parser")


def test_results_with_type_labels_highlights_and_the_query_kept(client, corpus):
    response, soup = page(client, q="jukung")
    assert response.status_code == 200
    results = soup.select(".search-result")
    assert results
    first = results[0]
    assert first.select_one(".search-result__title a")["href"] == "/id/destinasi/pasar-terapung-lok-baintan/"
    assert first.select_one(".chip").get_text(strip=True) == "Destinasi"
    assert first.select_one(".search-result__snippet mark").get_text() == "jukung"
    # The box keeps what was typed, and so does the header's box.
    assert soup.select_one("#search-q")["value"] == "jukung"
    assert soup.select_one("#header-search-q")["value"] == "jukung"
    assert "noindex" in soup.find("meta", attrs={"name": "robots"})["content"]


def test_snippet_markup_cannot_be_injected(client, corpus, django_capture_on_commit_callbacks):
    from tests.tourism import factories

    with django_capture_on_commit_callbacks(execute=True):
        factories.destination(slug="kebun-skrip", title="Kebun Skrip",
                              summary='Kebun <script>alert("x")</script> dengan bunga.')
    _response, soup = page(client, q="kebun skrip")
    snippet = soup.select_one(".search-result__snippet")
    assert snippet.find("script") is None
    assert '<script>alert("x")</script>' in snippet.get_text()


def test_english_page_shows_english_labels_and_urls(client, corpus):
    _response, soup = page(client, "/en/cari/", q="floating market")
    assert soup.find("h1").get_text() == "Results for “floating market”"
    first = soup.select_one(".search-result")
    assert first.select_one(".chip").get_text(strip=True) == "Destination"
    assert first.select_one(".search-result__title a")["href"] == "/en/destinasi/pasar-terapung-lok-baintan/"
    assert first.select_one(".search-result__title a").get_text() == "Lok Baintan Floating Market"
    assert soup.find("html")["lang"] == "en"


def test_facets_are_checkboxes_with_counts_that_filter_without_javascript(client, corpus):
    _response, soup = page(client, q="sasirangan")
    box = soup.select_one('input[type="checkbox"][name="type"][value="product"]')
    assert box is not None and not box.has_attr("checked")
    assert box.find_parent("label").select_one(".search-filters__count").get_text() == "3"
    form = box.find_parent("form")
    assert form["method"] == "get"
    assert form.select_one('input[name="q"]')["value"] == "sasirangan"

    _response, soup = page(client, q="sasirangan", type="product")
    assert soup.select_one('input[type="checkbox"][name="type"][value="product"]').has_attr("checked")
    # A new query from the box keeps the chosen filters.
    assert soup.select_one('#search-q').find_parent("form").select_one('input[name="type"]')["value"] == "product"
    assert {result.select_one(".chip").get_text(strip=True) for result in soup.select(".search-result")} == {"Produk"}
    # Colours are shown by name in the reader's language.
    _response, soup = page(client, "/en/cari/", q="sasirangan", type="product")
    colour = soup.select_one('input[type="checkbox"][name="color"][value="biru"]').find_parent("label")
    assert "blue" in colour.get_text().lower()


def test_pagination_links_keep_the_query_and_filters(client, corpus):
    _response, soup = page(client, type="destination", per_page="3")
    next_link = soup.select_one('a[rel="next"]')["href"]
    assert "type=destination" in next_link and "per_page=3" in next_link and "page=2" in next_link
    _response, soup = page(client, type="destination", per_page="3", page="2")
    assert soup.select_one('a[rel="prev"]') is not None
    assert "Halaman 2 dari 3" in soup.select_one(".pagination__status").get_text()


def test_did_you_mean_links_to_the_corrected_query(client, corpus):
    _response, soup = page(client, q="sasirngan")
    link = soup.select_one(".search-results__did-you-mean a")
    assert link.get_text() == "sasirangan"
    assert link["href"] == "?q=sasirangan"


def test_no_results_say_what_to_try(client, corpus):
    response, soup = page(client, q="qwxzv")
    assert response.status_code == 200
    assert "Tidak ada hasil" in soup.select_one(".search-results__empty").get_text()


def test_when_nothing_holds_every_word_the_page_shows_what_holds_some_and_says_so(client, corpus):
    """"makanan khas" found nothing, though "makanan" finds the Banjar food places (found by a
    tourist's walk): the page now shows what holds some of the words, and says that it does."""
    response, soup = page(client, q="pasar pesawat")
    titles = [item.get_text(" ", strip=True) for item in soup.select(".search-results__list h3")]
    assert response.status_code == 200 and titles and any("Pasar" in title for title in titles), titles
    note = soup.select_one(".search-results__partial").get_text(" ", strip=True)
    assert note == "Tidak ada yang memuat semua kata “pasar pesawat”; ini hasil yang memuat sebagian katanya."
    # Every word found: no note. The API keeps its meaning (every word, or three in four).
    _response, soup = page(client, q="pasar terapung")
    assert soup.select(".search-results__list li") and soup.select_one(".search-results__partial") is None
    assert api(client, q="pasar pesawat")["total"] == 0


@pytest.mark.parametrize("query", ["🌊", "🔥🔥", "!?"])
@pytest.mark.parametrize("path, prompt", [
    ("/id/cari/", "Tulis apa yang Anda cari: tempat, acara, motif, atau nama perajin."),
    ("/en/cari/", "Type what you are looking for: a place, an event, a motif, or an artisan's name."),
])
def test_a_query_without_words_is_the_empty_search_asking_for_words(client, corpus, query, path, prompt):
    """An emoji alone was "Results for “🌊”" above every document, as if they all held it
    (left open by a tourist's walk): it is the empty search's page, which asks for words."""
    _response, empty = page(client, path)
    response, soup = page(client, path, q=query)
    assert response.status_code == 200
    assert soup.find("h1").get_text() == empty.find("h1").get_text()
    assert query not in soup.find("title").get_text()
    assert " ".join(soup.select_one(".search-results__prompt").get_text().split()) == prompt
    assert soup.select_one("#search-q")["value"] == ""
    titles = [link["href"] for link in soup.select(".search-result__title a")]
    assert titles == [link["href"] for link in empty.select(".search-result__title a")]
    assert "q=" not in soup.select_one(".pagination a[rel=next]")["href"]
    assert empty.select_one(".search-results__prompt") is None  # the empty search lists, as before


def test_a_query_without_words_beside_a_bad_parameter_is_not_echoed_as_results(client, corpus):
    response, soup = page(client, q="🌊", type="hotel")
    assert response.status_code == 400
    assert "🌊" not in soup.find("h1").get_text() and "🌊" not in soup.find("title").get_text()
    assert "Jenis hasil itu tidak dikenal." in soup.select_one(".notice--error").get_text()


def test_a_page_past_the_last_says_so_and_leads_to_the_first(client, corpus):
    """"41 hasil" stood above "Tidak ada hasil" on page 999 of a search (found by a tourist's walk)."""
    _response, soup = page(client, type="destination", per_page="3", page="999")
    empty = " ".join(soup.select_one(".search-results__empty").get_text(" ").split())
    assert "Halaman 999 tidak ada: hasilnya ada di 3 halaman." in empty and "Tidak ada hasil" not in empty
    assert soup.select_one(".search-results__empty a")["href"] == "?type=destination&per_page=3"


def test_bad_parameters_show_a_message_not_an_error_page(client, corpus):
    response, soup = page(client, q="pasar", page="0")
    assert response.status_code == 400
    assert soup.select_one(".notice--error").get_text(strip=True)
    assert soup.select_one("#search-q")["value"] == "pasar"


@pytest.mark.parametrize(("params", "message"), [
    ({"page": "0"}, "Halaman hasil itu tidak ada. Mulai lagi dari halaman pertama."),
    ({"page": "2000"}, "Halaman hasil itu tidak ada. Mulai lagi dari halaman pertama."),
    ({"per_page": "500"}, "Halaman hasil itu tidak ada. Mulai lagi dari halaman pertama."),
    ({"near": "abc"}, "Lokasi untuk mengurutkan menurut jarak tidak dapat dibaca. Cari lagi tanpa lokasi itu."),
    ({"near": "999,1"}, "Lokasi untuk mengurutkan menurut jarak tidak dapat dibaca. Cari lagi tanpa lokasi itu."),
    ({"price_min": "abc"}, "Tulis harga sebagai angka rupiah utuh, mis. 175000 atau 175.000."),
    ({"price_max": "-5"}, "Tulis harga sebagai angka rupiah utuh, mis. 175000 atau 175.000."),
    ({"price_min": "500", "price_max": "100"}, "Harga “Sampai” tidak boleh lebih kecil dari harga “Dari”."),
    ({"type": "hotel"}, "Jenis hasil itu tidak dikenal. Pilih jenis dari saringan."),
    ({"in_stock": "maybe"}, "Alamat pencarian ini berisi saringan yang tidak dikenal. Cari lagi tanpa saringan itu."),
])
def test_bad_parameters_are_explained_to_tourists_not_in_the_apis_words(client, corpus, params, message):
    response, soup = page(client, q="pasar", **params)
    assert response.status_code == 400
    notice = soup.select_one(".notice--error")
    assert notice.get_text(" ", strip=True).startswith(message)
    # A way on that keeps the query but drops what was wrong.
    retry = notice.find("a")["href"]
    assert "q=pasar" in retry and not any(f"{name}=" in retry for name in params)
    # The API keeps its own words (shared/contracts/http-api.md).
    field = "price_max" if "price_max" in params else next(iter(params))
    assert client.get("/api/search", {"q": "pasar", **params}).json()["field"] == field


def test_a_price_written_the_indonesian_way_filters_by_thousands(client, corpus):
    """ "200.000" in the price filter is Rp 200.000, as on the marketplace's listing; it was read as
    Rp 200, and the filter let through the Rp 175.000 cloth asked to be left out."""
    cheap = "/id/kampung-sasirangan/produk/kain-gigi-haruan-merah/"
    _response, soup = page(client, type="product", per_page="50")
    assert cheap in str(soup.select_one("main"))
    for typed in ("200.000", "Rp 200.000"):
        response, soup = page(client, type="product", per_page="50", price_min=typed)
        assert response.status_code == 200
        assert soup.select(".search-result") and cheap not in str(soup.select_one("main"))
        # The box shows the price as it was typed.
        assert soup.select_one("input[name=price_min]")["value"] == typed
    _response, soup = page(client, type="product", per_page="50", price_max="200.000")
    assert cheap in str(soup.select_one("main"))


def test_bad_parameter_message_in_english_on_the_english_page(client, corpus):
    response, soup = page(client, "/en/cari/", q="market", page="0")
    assert response.status_code == 400
    assert soup.select_one(".notice--error").get_text(" ", strip=True).startswith(
        "That page of results does not exist. Start again from the first page.")
    assert "page minimal" not in response.text and "page must be" not in response.text


def test_the_price_message_shows_both_ways_of_writing_an_amount_in_english_too(client, corpus):
    """Indonesians write "175.000"; the example gave only "175000", as if the dots were wrong."""
    response, soup = page(client, "/en/cari/", q="sasirangan", price_min="murah")
    assert response.status_code == 400
    assert soup.select_one(".notice--error").get_text(" ", strip=True).startswith(
        "Enter the price as whole rupiah, e.g. 175000 or 175.000.")


def test_an_over_long_query_is_refused_without_echoing_it_in_full(client, corpus):
    query = "pasar terapung lok baintan " * 10  # 270 characters, over the 200 allowed
    response, soup = page(client, q=query)
    assert response.status_code == 400
    assert "terlalu panjang" in soup.select_one(".notice--error").get_text()
    title, heading = soup.find("title").get_text(), soup.find("h1").get_text()
    assert query.strip() not in title and query.strip() not in heading
    assert "…" in heading and len(heading) < 120 and len(title) < 150
    assert len(soup.select_one("#search-q")["value"]) <= 200


def test_page_loads_its_own_script_and_styles_without_outside_assets(client, corpus):
    _response, soup = page(client, q="pasar")
    scripts = [script["src"] for script in soup.find_all("script", src=True)]
    assert any(src.endswith("/js/search.js") for src in scripts)
    assert all(src.startswith("/static/") for src in scripts)
    box = soup.select_one("#search-q")
    assert box["data-suggest-url"] == "/api/search/suggest"
    assert box["data-lang"] == "id"


def test_promoted_results_come_first_for_their_query(client, corpus):
    from wagtail.contrib.search_promotions.models import Query, SearchPromotion

    haul = corpus.pages["haul-datu-kelampayan"]
    query = Query.get("makam")
    SearchPromotion.objects.create(query=query, page=haul, sort_order=0, description="Haul tahunan")
    body = api(client, q="Makam")
    assert slugs(body)[0] == "haul-datu-kelampayan"
    assert body["results"][0]["promoted"] is True
    assert slugs(body).count("haul-datu-kelampayan") == 1
    assert body["total"] == api(client, q="makam", per_page=50)["total"]
    # Other queries are not affected; a filter that excludes the promoted page removes it.
    assert api(client, q="ziarah")["results"][0]["promoted"] is False
    assert "haul-datu-kelampayan" not in slugs(api(client, q="makam", type="destination"))
    _response, soup = page(client, q="makam")
    assert soup.select_one(".search-result--promoted .search-result__title a")["href"].endswith(
        "/haul-datu-kelampayan/")


def test_a_search_with_control_characters_is_counted_as_its_words(client, corpus):
    """Editors export the search terms report as a spreadsheet, which refuses control characters:
    a visitor's `q=Pasar%01Terapung` is counted as "pasar terapung", and the export still works."""
    from django.contrib.auth import get_user_model
    from wagtail.contrib.search_promotions.models import Query

    for q in ("Pasar\x01Terapung", "pasar terapung", "\x0b"):
        assert page(client, q=q)[0].status_code in (200, 400)
    assert sorted(Query.objects.values_list("query_string", flat=True)) == ["pasar terapung"]
    assert Query.objects.get().daily_hits.get().hits == 2
    client.force_login(get_user_model().objects.create_superuser("redaksi", "redaksi@banjarkab.go.id", "pw"))
    export = client.get("/admin/searchpicks/reports/search-terms/", {"export": "xlsx"})
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
