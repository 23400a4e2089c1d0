"""Places a tourist saves: two destinations 24 km apart (Martapura's mosque and the floating
market), one with an English translation, an event, and a shop with a product."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.marketplace.factories import ProductFactory, ShopFactory
from tests.tourism import factories


@pytest.fixture
def places(home_page):
    mosque = factories.destination(slug="masjid-uji", title="Masjid Uji", category="religious",
                                   latitude="-3.413", longitude="114.848", opening_hours="04:00-22:00",
                                   ticket_price_idr=0, english_title="Test Mosque")
    market = factories.destination(slug="pasar-terapung-uji", title="Pasar Terapung Uji", category="culture",
                                   latitude="-3.293", longitude="114.665", opening_hours="05:30-09:00",
                                   ticket_price_idr=25000)
    festival = factories.event(slug="festival-uji", title="Festival Uji",
                               start=timezone.now().replace(hour=2, minute=0) + timedelta(days=10), venue=market)
    shop = ShopFactory(name="Sasirangan Uji", latitude="-3.40", longitude="114.85", offers_pickup=True,
                       pickup_address="Jl. Uji 1", pickup_hours="09:00-16:00")
    product = ProductFactory(shop=shop, title_id="Kain Uji", price_idr=175000)
    return {"mosque": mosque, "market": market, "festival": festival, "shop": shop, "product": product}


def save(client, key, *, action="save", json=False, language="id", **extra):
    headers = {"HTTP_ACCEPT": "application/json"} if json else {}
    prefix = "/id/rencana/" if language == "id" else "/en/my-trip/"
    return client.post(prefix + "simpan/", {"stop": key, "action": action, **extra}, **headers)
