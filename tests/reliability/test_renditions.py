"""No image rendition is made inside an anonymous visitor's request once content is
published: config/renditions.py makes them when a page is published and when a
product photo, shop photo or motif picture is saved."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.images import get_image_model

from tests.marketplace import factories as shop_factories
from tests.tourism import factories

pytestmark = pytest.mark.django_db


def renditions():
    return set(get_image_model().get_rendition_model().objects.values_list("image_id", "filter_spec"))


def photo():
    return shop_factories.ImageFactory(file=shop_factories.ContentFile(
        shop_factories.jpeg_bytes(size=(1600, 1000)), name="foto.jpg"))


def test_anonymous_visits_of_published_content_make_no_rendition(client, home_page,
                                                                 django_capture_on_commit_callbacks):
    from tourism.models import DestinationGalleryImage

    with django_capture_on_commit_callbacks(execute=True):
        home_page.hero_image = photo()
        home_page.save_revision().publish()
        destination = factories.destination(
            slug="pasar-terapung-lok-baintan", title="Pasar Terapung Lok Baintan", main_image=photo(),
            body=[("image", {"image": photo(), "caption": "Jukung saat subuh", "credit": ""})])
        for position in range(3):
            DestinationGalleryImage.objects.create(page=destination, image=photo(), sort_order=position)
        destination.save_revision().publish()
        factories.destination(slug="tahura-sultan-adam", title="Tahura Sultan Adam", main_image=photo(),
                              latitude="-3.4101", longitude="114.8510")
        factories.event(slug="festival-jukung", title="Festival Jukung", venue=destination, main_image=photo(),
                        start=timezone.now() + timedelta(days=5))
        motif = shop_factories.MotifFactory(name="Gigi Haruan", slug="gigi-haruan", image=photo())
        shop = shop_factories.ShopFactory(slug="sasirangan-ibu-aminah", photo=photo())
        product = shop_factories.ProductFactory(shop=shop, motif=motif, slug="kain-gigi-haruan")
        for position in range(3):
            shop_factories.ProductPhoto.objects.create(product=product, image=photo(), is_main=position == 0,
                                                       sort_order=position)
        other = shop_factories.ProductFactory(shop=shop, motif=motif, slug="selendang-gigi-haruan")
        shop_factories.ProductPhoto.objects.create(product=other, image=photo(), is_main=True)

    made_at_publish = renditions()
    assert made_at_publish, "publishing made no renditions at all"
    pages = ["/id/", "/en/", "/id/destinasi/", destination.url, "/id/destinasi/tahura-sultan-adam/",
             "/id/acara/", "/id/acara/festival-jukung/", "/id/kampung-sasirangan/",
             "/id/kampung-sasirangan/produk/kain-gigi-haruan/", "/id/kampung-sasirangan/perajin/",
             "/id/kampung-sasirangan/perajin/sasirangan-ibu-aminah/", "/id/kampung-sasirangan/motif/",
             "/id/kampung-sasirangan/motif/gigi-haruan/"]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        made_by_visit = renditions() - made_at_publish
        assert not made_by_visit, f"GET {path} made renditions: {sorted(made_by_visit)}"
