"""Who may read and reply to which review in the shop dashboard, for every role and method.

DASHBOARD_REVIEW_URLS classifies every URL marketplace/reviews/dashboard_urls.py adds to the
dashboard; tests/marketplace/test_dashboard_authorization.py checks that every dashboard URL is
classified somewhere.
"""

import pytest
from django.urls import reverse

from marketplace.models import ShopStatus
from marketplace.reviews import dashboard_urls
from marketplace.reviews.models import Review
from tests.marketplace.factories import ReviewFactory, UserFactory
from tests.marketplace.orders import factories as f

pytestmark = pytest.mark.django_db

# About the requester's own shop: nothing in the URL says whose.
OWN_SHOP_REVIEW_URLS = {"reviews"}
# Name one review by its id: only the shop it is about may reply.
REVIEW_URLS = {"review_reply"}
DASHBOARD_REVIEW_URLS = OWN_SHOP_REVIEW_URLS | REVIEW_URLS
ROLES = ["owner", "other_artisan", "applicant", "no_shop", "anonymous"]


def test_every_review_dashboard_url_is_classified():
    assert {pattern.name for pattern in dashboard_urls.urlpatterns} == DASHBOARD_REVIEW_URLS


@pytest.fixture
def world():
    owner_shop = f.shop(name="Toko Pemilik Asli")
    other_shop = f.shop(name="Toko Perajin Lain")
    applicant_shop = f.shop(name="Toko Pemohon", status=ShopStatus.PENDING)
    review = ReviewFactory(product=f.product(shop=owner_shop, title_id="Kain Milik Pemilik"),
                           text="Ulasan rahasia milik toko pemilik.")
    ReviewFactory(product=f.product(shop=other_shop, title_id="Kain Perajin Lain"))
    return {"owner": owner_shop.owner, "other_artisan": other_shop.owner, "applicant": applicant_shop.owner,
            "no_shop": UserFactory(), "anonymous": None, "review": review}


MATRIX = [(name, role, method) for name in sorted(DASHBOARD_REVIEW_URLS) for role in ROLES
          for method in ("get", "post")]


@pytest.mark.parametrize(("name", "role", "method"), MATRIX, ids=["-".join(case) for case in MATRIX])
def test_dashboard_review_authorization(client, world, name, role, method):
    review = world["review"]
    if world[role] is not None:
        client.force_login(world[role])
    url = reverse(f"dashboard:{name}", args=[review.pk] if name in REVIEW_URLS else [])
    data = {f"balas-{review.pk}-text": "Balasan diretas."} if method == "post" else None

    response = getattr(client, method)(url, data)

    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("dashboard:login") + "?next=")
    elif role == "owner":
        assert response.status_code in {200, 302, 405}, response.status_code
    elif role in {"applicant", "no_shop"}:
        assert response.status_code == 403
    elif name in REVIEW_URLS:
        assert response.status_code in {404, 405}
    else:
        assert response.status_code in {200, 405}
        assert "Ulasan rahasia" not in response.content.decode()
    if role != "owner":
        assert Review.objects.get(pk=review.pk).reply_text == ""
