"""GET /api/search and /api/search/suggest as a visitor's phone calls them
(database engine; tests/search/test_elasticsearch.py runs the same against a
real Elasticsearch node)."""

import pytest

from tests.search.conftest import MARTAPURA, api, slugs

pytestmark = pytest.mark.django_db


def test_answers_the_contract_shape(client, engine):
    body = api(client, q="pasar terapung")
    assert set(body) >= {"query", "engine", "total", "page", "per_page", "results", "facets", "suggestion"}
    assert body["engine"] == engine
    assert body["query"] == "pasar terapung"
    assert (body["page"], body["per_page"]) == (1, 10)
    assert set(body["facets"]) == {"type", "district", "category", "motif", "fabric", "dye", "color"}
    first = body["results"][0]
    assert set(first) >= {"type", "slug", "title", "url", "snippet", "score", "price_idr", "district", "image",
                          "distance_km"}
    assert first["slug"] == "pasar-terapung-lok-baintan"
    assert first["type"] == "destination"
    assert first["url"] == "/id/destinasi/pasar-terapung-lok-baintan/"
    assert first["district"] == "Sungai Tabuk"


def test_title_match_ranks_first_and_event_at_the_place_follows(client, engine):
    found = slugs(api(client, q="pasar terapung"))
    assert found[:2] == ["pasar-terapung-lok-baintan", "festival-budaya-pasar-terapung"]


def test_snippet_marks_the_words_found_and_escapes_the_rest(client, engine):
    result = api(client, q="jukung")["results"][0]
    assert "<mark>jukung</mark>" in result["snippet"]
    assert "<" not in result["snippet"].replace("<mark>", "").replace("</mark>", "")


def test_typos_are_forgiven(client, engine):
    assert slugs(api(client, q="sasirngan", type="destination")) == ["sentra-sasirangan-martapura"]
    assert slugs(api(client, q="pasar terpaung"))[0] == "pasar-terapung-lok-baintan"
    assert slugs(api(client, q="kelampyan"))[:2] == ["makam-datu-kelampayan", "haul-datu-kelampayan"]


def test_did_you_mean_corrects_an_unknown_word(client, engine):
    body = api(client, q="sasirngan")
    assert body["suggestion"] == "sasirangan"
    assert api(client, q="sasirangan")["suggestion"] is None


def test_did_you_mean_is_offered_only_when_it_finds_something(client, engine):
    """The page links the suggestion: one that finds nothing ("things to do" -> "takings to do") is none."""
    assert api(client, q="sasirngan qwrtyp")["suggestion"] is None
    assert api(client, q="kain sasirngan")["suggestion"] == "kain sasirangan"


def test_stemming_berwisata_finds_wisata_and_back(client, engine):
    # "Wisata perahu di waduk" (Riam Kanan) and "Berwisata alam" (Tiwingan).
    assert {"waduk-riam-kanan", "air-terjun-tiwingan"} <= set(slugs(api(client, q="berwisata")))
    assert {"waduk-riam-kanan", "air-terjun-tiwingan"} <= set(slugs(api(client, q="wisata")))


def test_synonyms_batik_banjar_is_sasirangan_and_wastra_is_kain(client, engine):
    assert set(slugs(api(client, q="batik banjar", per_page=50))) == set(slugs(api(client, q="sasirangan", per_page=50)))
    # "batik" alone, as a tourist says it, finds the sasirangan (it found four unrelated places by spelling).
    assert slugs(api(client, q="batik", per_page=50)) == slugs(api(client, q="sasirangan", per_page=50))
    assert "sentra-sasirangan-martapura" in slugs(api(client, q="wastra", per_page=50))
    assert "kain-gigi-haruan-merah" in slugs(api(client, q="wastra", per_page=50))


def test_editors_synonyms_take_effect_without_reindexing(client, engine):
    from search.models import SearchSynonym

    assert api(client, q="meratus")["total"] == 1  # only Tiwingan says "Meratus"
    SearchSynonym.objects.create(rule="meratus, riam kanan", note="the reservoir lies in the Meratus foothills")
    assert {"air-terjun-tiwingan", "waduk-riam-kanan"} <= set(slugs(api(client, q="meratus")))


def test_english_query_finds_the_translation_and_english_urls(client, engine):
    body = api(client, q="floating market", lang="en")
    first = body["results"][0]
    assert first["slug"] == "pasar-terapung-lok-baintan"
    assert first["title"] == "Lok Baintan Floating Market"
    assert first["url"] == "/en/destinasi/pasar-terapung-lok-baintan/"
    assert "<mark>" in first["snippet"]


def test_english_query_finds_indonesian_only_content_through_synonyms(client, engine):
    # "Pasar Intan Martapura" has no English version; "diamond" is a synonym of "intan".
    body = api(client, q="diamond market", lang="en")
    first = body["results"][0]
    assert first["slug"] == "pasar-intan-martapura"
    # Untranslated: Indonesian title, served under the English prefix by the fallback routing.
    assert first["title"] == "Pasar Intan Martapura"
    assert first["url"] == "/en/destinasi/pasar-intan-martapura/"
    assert first["translated"] is False


def test_english_words_for_a_category_find_untranslated_pages(client, engine):
    # Category names are indexed in both languages: "Religious" is the English name.
    assert "makam-datu-kelampayan" in slugs(api(client, q="religious", lang="en"))


def test_unpublished_and_private_pages_never_appear(client, engine):
    for query in ("zamrud", "telaga zamrud tersembunyi", "safir", "kebun safir"):
        assert api(client, q=query)["total"] == 0
    listed = slugs(api(client, per_page=50))
    assert "zamrud-tersembunyi" not in listed and "safir-pribadi" not in listed
    suggestions = client.get("/api/search/suggest", {"q": "telaga zam"}).json()["suggestions"]
    assert suggestions == []


def test_empty_query_lists_everything_by_the_filters(client, engine):
    body = api(client, district="Aranio")
    assert set(slugs(body)) == {"air-terjun-tiwingan", "waduk-riam-kanan"}
    assert body["total"] == 2


@pytest.mark.parametrize("query", ["🌊", "🔥🔥", "!?"])
def test_a_query_without_words_answers_as_an_empty_one(client, engine, query):
    """Nothing to look for: what an empty query lists by the filters, without a correction."""
    empty = api(client, type="destination", per_page=50)
    body = api(client, q=query, type="destination", per_page=50)
    assert (body["total"], slugs(body), body["suggestion"]) == (empty["total"], slugs(empty), None)


def test_the_last_word_is_found_by_its_beginning_as_the_suggestions_find_it(client, engine):
    """"sasir" showed "Kain Sasirangan ..." in the suggestions, and Enter found nothing."""
    suggested = {item["url"] for item in client.get("/api/search/suggest", {"q": "sasir"}).json()["suggestions"]}
    body = api(client, q="sasir", per_page=50)
    assert suggested and suggested <= {result["url"] for result in body["results"]}
    assert any("<mark>sasirangan</mark>" in result["snippet"].lower() for result in body["results"])
    assert body["suggestion"] is None  # being typed, not misspelt
    assert slugs(api(client, q="kain sasir"))[0] == "kain-gigi-haruan-merah"
    assert "Gigi Haruan" in api(client, q="red sasir", lang="en")["results"][0]["title"]


@pytest.mark.parametrize("params, expected", [
    ({"type": "event"}, {"festival-budaya-pasar-terapung", "haul-datu-kelampayan"}),
    ({"type": "destination", "category": "religious"}, {"makam-datu-kelampayan"}),
    ({"district": "Astambul"}, {"makam-datu-kelampayan", "haul-datu-kelampayan"}),
    ({"district": "Astambul,Aranio", "type": "destination"},
     {"makam-datu-kelampayan", "air-terjun-tiwingan", "waduk-riam-kanan"}),
    ({"category": "culinary"}, {"soto-banjar-bang-amat"}),
])
def test_filters(client, engine, params, expected):
    assert set(slugs(api(client, per_page=50, **params))) == expected


@pytest.mark.parametrize("params, expected", [
    ({"motif": "Gigi Haruan"}, {"kain-gigi-haruan-merah"}),
    ({"fabric": "sutra"}, {"selendang-kulat-karikit"}),
    ({"dye": "natural"}, {"kain-gigi-haruan-merah"}),
    ({"color": "biru"}, {"selendang-kulat-karikit", "kemeja-sasirangan-biru"}),
    ({"color": "biru,merah"}, {"selendang-kulat-karikit", "kemeja-sasirangan-biru", "kain-gigi-haruan-merah"}),
    ({"price_min": "200000"}, {"selendang-kulat-karikit", "kemeja-sasirangan-biru"}),
    ({"price_max": "200000"}, {"kain-gigi-haruan-merah"}),
    ({"price_min": "200000", "price_max": "300000"}, {"selendang-kulat-karikit"}),
    # Rupiah as Indonesians write them: the dots group thousands, they are never a decimal point
    # (pydantic read "200.000" as 200 and listed every product; docs/decisions.md).
    ({"price_min": "200.000"}, {"selendang-kulat-karikit", "kemeja-sasirangan-biru"}),
    ({"price_max": "Rp 200.000"}, {"kain-gigi-haruan-merah"}),
    ({"type": "product", "in_stock": "1"}, {"kain-gigi-haruan-merah", "kemeja-sasirangan-biru"}),
    ({"type": "artisan"}, {"sasirangan-ibu-aminah"}),
])
def test_product_filters(client, engine, params, expected):
    assert set(slugs(api(client, per_page=50, **params))) == expected


def test_in_stock_hides_only_sold_out_products(client, engine):
    everything = api(client, per_page=50)
    in_stock = api(client, per_page=50, in_stock="1")
    assert set(slugs(everything)) - set(slugs(in_stock)) == {"selendang-kulat-karikit"}


def test_product_results_carry_price_shop_and_their_url(client, engine):
    body = api(client, q="gigi haruan", type="product")
    [result] = body["results"]
    assert result["price_idr"] == 175_000
    assert result["url"] == "/id/kampung-sasirangan/produk/kain-gigi-haruan-merah/"
    assert result["label"] == "Sasirangan Ibu Aminah"
    assert result["district"] == "Martapura Timur"
    assert result["in_stock"] is True
    english = api(client, q="red cloth", lang="en", type="product")["results"][0]
    assert english["title"] == "Red Gigi Haruan Sasirangan Cloth"
    assert english["url"] == "/en/kampung-sasirangan/produk/kain-gigi-haruan-merah/"


def test_english_scarf_finds_the_selendang(client, engine):
    found = api(client, q="silk scarf", lang="en")["results"]
    assert found[0]["slug"] == "selendang-kulat-karikit"
    assert found[0]["title"] == "Selendang Sasirangan Kulat Karikit"  # no English title: Indonesian shown


def test_artisans_are_found_by_name_and_by_what_they_make(client, engine):
    assert slugs(api(client, q="ibu aminah"))[0] == "sasirangan-ibu-aminah"
    assert "sasirangan-ibu-aminah" in slugs(api(client, q="perajin kulit kayu", per_page=50))


def test_unpublished_products_and_unapproved_shops_never_appear(client, engine):
    assert api(client, q="lembayung")["total"] == 0
    assert api(client, q="taplak")["total"] == 0
    listed = set(slugs(api(client, per_page=50)))
    assert not listed & {"taplak-draf", "sarung-toko-menunggu", "toko-menunggu"}
    assert client.get("/api/search/suggest", {"q": "lembay"}).json()["suggestions"] == []


def test_facets_are_multi_select(client, engine):
    everything = api(client, per_page=50)["facets"]
    assert everything["district"]["Aranio"] == 2
    assert everything["color"] == {"biru": 2, "merah": 1, "putih": 1}
    assert everything["type"] == {"destination": 7, "product": 3, "event": 2, "artisan": 1}
    chosen = api(client, district="Aranio", per_page=50)
    # Choosing a district keeps the other districts' counts...
    assert chosen["facets"]["district"] == everything["district"]
    # ...while the other facets count only what the choice lets through.
    assert chosen["facets"]["type"] == {"destination": 2}
    assert chosen["facets"]["category"] == {"nature": 2}
    colour = api(client, color="biru", per_page=50)["facets"]
    assert colour["color"] == everything["color"]
    assert colour["motif"] == {"Kulat Karikit": 1}
    assert colour["district"] == {"Martapura Timur": 2}


def test_near_sorts_by_distance_with_located_results_first(client, engine):
    body = api(client, near=f"{MARTAPURA[0]},{MARTAPURA[1]}", type="destination", per_page=50)
    distances = [result["distance_km"] for result in body["results"]]
    assert body["results"][0]["slug"] == "pasar-intan-martapura"
    assert distances[0] == pytest.approx(0.0, abs=0.01)
    assert distances == sorted(distances)
    assert body["results"][-1]["slug"] == "pasar-terapung-lok-baintan"  # the farthest, 26 km away


def test_near_with_a_query_orders_the_matches_by_distance(client, engine):
    body = api(client, q="pasar", near=f"{MARTAPURA[0]},{MARTAPURA[1]}")
    assert slugs(body)[:2] == ["pasar-intan-martapura", "pasar-terapung-lok-baintan"]


def test_past_events_rank_below_coming_ones(client, engine):
    found = slugs(api(client, type="event"))
    assert found == ["festival-budaya-pasar-terapung", "haul-datu-kelampayan"]


def test_pagination(client, engine):
    pages = [api(client, per_page=5, page=number) for number in (1, 2, 3)]
    assert [body["total"] for body in pages] == [13, 13, 13]  # 9 pages, 3 products, 1 artisan
    assert [len(body["results"]) for body in pages] == [5, 5, 3]
    seen = [slug for body in pages for slug in slugs(body)]
    assert len(seen) == len(set(seen)) == 13
    beyond = api(client, per_page=5, page=4)
    assert beyond["results"] == [] and beyond["total"] == 13


@pytest.mark.parametrize("params, field", [
    ({"page": "0"}, "page"),
    ({"page": "x"}, "page"),
    ({"per_page": "500"}, "per_page"),
    ({"per_page": "0"}, "per_page"),
    ({"price_min": "abc"}, "price_min"),
    ({"price_min": "-5"}, "price_min"),
    ({"price_min": "200.5"}, "price_min"),
    ({"price_min": "200,000"}, "price_min"),
    ({"price_max": "200.00"}, "price_max"),
    ({"price_min": "500", "price_max": "100"}, "price_max"),
    ({"near": "999,1"}, "near"),
    ({"near": "1"}, "near"),
    ({"near": "nan,1"}, "near"),
    ({"type": "hotel"}, "type"),
    ({"lang": "fr"}, "lang"),
    ({"in_stock": "maybe"}, "in_stock"),
    ({"q": "x" * 201}, "q"),
    ({"page": "2000", "per_page": "10"}, "page"),
])
def test_bad_parameters_get_400_naming_the_field(client, engine, params, field):
    response = client.get("/api/search", params)
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == field
    assert body["error"]


def test_bad_parameter_messages_are_the_apis_own(client, engine):
    """The search page explains bad parameters in its own words; the API keeps these."""
    assert client.get("/api/search", {"page": "0"}).json() == {"error": "page minimal 1.", "field": "page"}
    assert client.get("/api/search", {"near": "abc"}).json() == {
        "error": 'near harus berupa "lintang,bujur", mis. -3.41,114.85.', "field": "near"}


def test_a_price_the_api_cannot_read_is_explained_with_both_ways_of_writing_one(client, engine):
    """The message said only "bilangan bulat", while the API takes 175.000 as Indonesians write it."""
    assert client.get("/api/search", {"price_min": "200.5"}).json() == {
        "error": "price_min harus berupa angka rupiah utuh, mis. 175000 atau 175.000.", "field": "price_min"}
    assert client.get("/api/search", {"price_max": "murah", "lang": "en"}).json()["error"] == (
        "price_max must be whole rupiah, e.g. 175000 or 175.000.")
    # Out of range keeps its own message.
    assert client.get("/api/search", {"price_min": "-5"}).json()["error"] == "price_min minimal 0."


def test_bad_parameter_message_in_the_readers_language(client, engine):
    indonesian = client.get("/api/search", {"page": "0"}).json()["error"]
    english = client.get("/api/search", {"page": "0", "lang": "en"}).json()["error"]
    assert "minimal" in indonesian
    assert english == "page must be at least 1."


def test_suggest_completes_titles_as_you_type(client, engine):
    body = client.get("/api/search/suggest", {"q": "pasar te"}).json()
    assert body["query"] == "pasar te"
    texts = [suggestion["text"] for suggestion in body["suggestions"]]
    assert texts[0] == "Pasar Terapung Lok Baintan"
    assert body["suggestions"][0]["type"] == "destination"
    assert body["suggestions"][0]["url"] == "/id/destinasi/pasar-terapung-lok-baintan/"
    # A word inside the title completes too, and English readers get English titles.
    english = client.get("/api/search/suggest", {"q": "baint", "lang": "en"}).json()["suggestions"]
    assert english[0]["text"] == "Lok Baintan Floating Market"
    assert english[0]["url"] == "/en/destinasi/pasar-terapung-lok-baintan/"


def test_suggest_answers_at_most_eight(client, engine):
    assert len(client.get("/api/search/suggest", {"q": "a"}).json()["suggestions"]) <= 8
    assert client.get("/api/search/suggest", {"q": ""}).json()["suggestions"] == []
    assert client.get("/api/search/suggest", {"q": "pa", "lang": "xx"}).status_code == 400
