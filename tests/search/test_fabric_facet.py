"""The search page's fabric facet names fabrics in the reader's language."""

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.django_db


def fabric_labels(client, path) -> dict[str, str]:
    soup = BeautifulSoup(client.get(path, {"q": "sasirangan"}).content, "html.parser")
    return {box["value"]: box.find_parent("label").select_one("span").get_text(strip=True)
            for box in soup.select('input[type="checkbox"][name="fabric"]')}


def test_fabric_facet_reads_english_on_the_english_page(client, corpus):
    assert fabric_labels(client, "/en/cari/") == {"katun": "cotton", "sutra": "silk", "rayon": "rayon"}
    assert fabric_labels(client, "/id/cari/") == {"katun": "katun", "sutra": "sutra", "rayon": "rayon"}
