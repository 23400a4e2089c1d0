"""An artisan's reply (written with a queryset update: no signal) shows on a product page whose
reviews were remembered before it."""

import pytest

from tests.marketplace.factories import ReviewFactory
from tests.marketplace.orders import factories as f

pytestmark = pytest.mark.django_db


def test_a_reply_shows_on_a_product_page_visited_before_it(client, django_capture_on_commit_callbacks):
    shop = f.shop(name="Sasirangan Ibu Aminah")
    product = f.product(shop=shop, title_id="Kain Gigi Haruan", slug="kain-gigi-haruan", stock=5)
    review = ReviewFactory(product=product, text="Bagus sekali, terima kasih Ibu Aminah.")
    url = product.get_absolute_url()
    assert "Bagus sekali" in client.get(url).content.decode()  # the page's reviews, remembered

    client.force_login(shop.owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/toko/ulasan/{review.pk}/balas/", {f"balas-{review.pk}-text": "Terima kasih, Rina!"})
    assert response.status_code == 302
    client.logout()
    page = client.get(url).content.decode()
    assert "Terima kasih, Rina!" in page, "the artisan's reply never shows: the remembered reviews are served"
