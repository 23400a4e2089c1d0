"""The English site names a product's fabric in English where the fabric is a known one."""

import pytest
from bs4 import BeautifulSoup

from tests.marketplace.factories import ProductFactory
from tests.marketplace.test_public_pages import jsonld_of

pytestmark = pytest.mark.django_db


def facts(response) -> dict[str, str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return {row.find("dt").get_text(strip=True): row.find("dd").get_text(" ", strip=True)
            for row in soup.select("dl div") if row.find("dt")}


def test_english_product_page_names_the_fabric_in_english(client):
    product = ProductFactory(fabric="sutra", dye="synthetic", kind="selendang", title_en="Silk Shawl")

    english = client.get(f"/en/kampung-sasirangan/produk/{product.slug}/")
    assert facts(english)["Fabric"] == "silk"
    assert facts(english)["Kind"] == "Shawl" and facts(english)["Dye"] == "Synthetic dye"
    assert jsonld_of(english)["material"] == "silk"

    indonesian = client.get(f"/id/kampung-sasirangan/produk/{product.slug}/")
    assert facts(indonesian)["Bahan"] == "sutra"
    assert jsonld_of(indonesian)["material"] == "sutra"


def test_a_fabric_nobody_listed_is_shown_as_the_artisan_wrote_it(client):
    product = ProductFactory(fabric="katun jepang halus")
    assert facts(client.get(f"/en/kampung-sasirangan/produk/{product.slug}/"))["Fabric"] == "katun jepang halus"
