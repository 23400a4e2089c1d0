"""Who may see and change what in the shop dashboard: a matrix over every URL.

The matrix is generated from marketplace/dashboard_urls.py, so a URL added there
without being classified here fails `test_every_dashboard_url_is_classified`.
Each URL is tried by the owning artisan, another approved artisan, an applicant
whose shop is still pending, a signed-in person without a shop, and an anonymous
visitor, with GET and with POST; after every request by someone other than the
owner, the owner's shop and product are exactly as they were.
"""

import pytest
from django.urls import reverse

from marketplace import dashboard_urls
from marketplace.models import Product, Shop, ShopStatus
from tests.marketplace.factories import (
    ProductFactory,
    ShopFactory,
    UserFactory,
    add_photo,
    add_size,
)
from tests.marketplace.orders.test_authorization import DASHBOARD_ORDER_URLS
from tests.marketplace.reviews.test_authorization import DASHBOARD_REVIEW_URLS

pytestmark = pytest.mark.django_db

# Open to anyone: signing up, in and out, resetting a password.
ACCOUNT_URLS = {"signup", "login", "logout", "password_reset", "password_reset_done",
                "password_reset_confirm", "password_reset_complete"}
# About the requester's own shop: nothing in the URL says whose.
OWN_SHOP_URLS = {"home", "apply", "profile", "products", "product_create"}
# Name one product by its id: only its owner may reach it.
PRODUCT_URLS = {"product_edit", "product_publish"}
ROLES = ["owner", "other_artisan", "applicant", "no_shop", "anonymous"]
METHODS = ["get", "post"]


def test_every_dashboard_url_is_classified():
    names = {pattern.name for pattern in dashboard_urls.urlpatterns}
    # Orders and earnings (marketplace/orders) are classified in tests/marketplace/orders/test_authorization.py,
    # reviews (marketplace/reviews) in tests/marketplace/reviews/test_authorization.py.
    assert names == ACCOUNT_URLS | OWN_SHOP_URLS | PRODUCT_URLS | DASHBOARD_ORDER_URLS | DASHBOARD_REVIEW_URLS


@pytest.fixture
def world():
    owner_shop = ShopFactory(name="Toko Pemilik Asli", status=ShopStatus.APPROVED)
    product = ProductFactory(shop=owner_shop, title_id="Kain Milik Pemilik", is_published=True)
    add_photo(product, is_main=True)
    add_size(product, "M", 5)
    other_shop = ShopFactory(name="Toko Perajin Lain", status=ShopStatus.APPROVED)
    ProductFactory(shop=other_shop, title_id="Kain Perajin Lain")
    applicant_shop = ShopFactory(name="Toko Pemohon", status=ShopStatus.PENDING)
    return {
        "owner": owner_shop.owner,
        "other_artisan": other_shop.owner,
        "applicant": applicant_shop.owner,
        "no_shop": UserFactory(),
        "anonymous": None,
        "owner_shop": owner_shop,
        "product": product,
    }


def snapshot(shop: Shop, product: Product):
    shop.refresh_from_db()
    product.refresh_from_db()
    return (
        [(name, getattr(shop, name)) for name in ("name", "story_id", "phone", "status", "photo_id", "owner_id")],
        [(name, getattr(product, name)) for name in ("shop_id", "title_id", "price_idr", "stock", "is_published")],
        list(product.photos.values_list("pk", "image_id", "is_main", "sort_order")),
        list(product.sizes.values_list("label", "stock")),
        Product.objects.filter(shop=shop).count(),
    )


def post_data(name, world):
    shop = world["owner_shop"]
    if name in {"profile", "apply"}:
        return {"name": "Diretas", "story_id": "Diretas.", "district": shop.district_id, "phone": ""}
    if name in {"product_create", "product_edit"}:
        return {"title_id": "Diretas", "description_id": "Diretas.", "price_idr": "1", "stock": "0",
                "kind": "kain", "sizes-TOTAL_FORMS": "0", "sizes-INITIAL_FORMS": "0"}
    if name == "product_publish":
        return {"publish": "0"}
    return {}


def url_for(name, world):
    if name in PRODUCT_URLS:
        return reverse(f"dashboard:{name}", args=[world["product"].pk])
    return reverse(f"dashboard:{name}")


MATRIX = [(name, role, method) for name in sorted(OWN_SHOP_URLS | PRODUCT_URLS) for role in ROLES
          for method in METHODS]


@pytest.mark.parametrize(("name", "role", "method"), MATRIX, ids=["-".join(case) for case in MATRIX])
def test_dashboard_authorization(client, world, name, role, method):
    user = world[role]
    if user is not None:
        client.force_login(user)
    owner_shop, product = world["owner_shop"], world["product"]
    before = snapshot(owner_shop, product)
    url = url_for(name, world)

    response = getattr(client, method)(url, post_data(name, world) if method == "post" else None)

    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("dashboard:login") + "?next=")
    elif role == "owner":
        assert response.status_code in {200, 302, 405}, response.status_code
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("dashboard:login"))
    elif name in PRODUCT_URLS:
        # Someone else's product: approved artisans get "not found", the others "not allowed".
        expected = 404 if role == "other_artisan" else 403
        assert response.status_code == expected
    elif name in {"products", "product_create"} and role in {"applicant", "no_shop"}:
        assert response.status_code == 403
    elif name == "profile" and role == "no_shop":
        assert response.status_code == 403
    else:
        # Their own dashboard: it answers (or refuses a method it never takes), showing nothing of
        # the owner's shop.
        assert response.status_code in {200, 302, 405}
        if response.status_code == 200:
            text = response.content.decode()
            assert "Toko Pemilik Asli" not in text and "Kain Milik Pemilik" not in text

    if role != "owner":
        assert snapshot(owner_shop, product) == before
