"""Products made before covers existed get theirs from their photos (marketplace migration 0005):
without it, every card of the catalogue would show the empty placeholder after the upgrade."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("marketplace", "0004_shop_delivery_product_weight")]
AFTER = [("marketplace", "0005_product_cover_image")]


@pytest.mark.django_db(transaction=True)
def test_existing_products_get_their_main_photo_as_cover():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    try:
        _products_made_before_covers_get_theirs(executor)
    finally:  # the next tests find the schema as they expect it, whatever happened here
        MigrationExecutor(connection).migrate(latest)


def _products_made_before_covers_get_theirs(executor):
    old = executor.loader.project_state(BEFORE).apps
    user = old.get_model("auth", "User").objects.create(username="ibu-aluh", email="aluh@contoh.id")
    district = old.get_model("tourism", "District").objects.create(name="Kampung Uji", slug="kampung-uji")
    shop = old.get_model("marketplace", "Shop").objects.create(owner=user, name="Sasirangan Aluh", slug="aluh",
                                                               district=district, status="approved")
    product_model, photo_model = old.get_model("marketplace", "Product"), old.get_model("marketplace", "ProductPhoto")
    image_model, collection_model = old.get_model("wagtailimages", "Image"), old.get_model("wagtailcore", "Collection")
    # An earlier transactional test may have emptied the tables, Wagtail's root collection included.
    root = (collection_model.objects.filter(depth=1).first()
            or collection_model.objects.create(name="Root", path="0001", depth=1, numchild=0))

    def image(title):
        return image_model.objects.create(title=title, file=f"original_images/{title}.jpg", width=10, height=10,
                                          collection=root)

    def product(slug):
        return product_model.objects.create(shop=shop, slug=slug, title_id=slug, description_id="Kain.",
                                            price_idr=100000)

    chosen = product("main-chosen")
    photo_model.objects.create(product=chosen, image=image("first"), sort_order=0)
    main = photo_model.objects.create(product=chosen, image=image("main"), sort_order=1, is_main=True)
    no_main = product("no-main")
    photo_model.objects.create(product=no_main, image=image("second"), sort_order=1)
    lowest = photo_model.objects.create(product=no_main, image=image("lowest"), sort_order=0)
    bare = product("no-photo")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("marketplace", "Product")
    covers = dict(new.objects.values_list("pk", "cover_image_id"))
    assert covers == {chosen.pk: main.image_id, no_main.pk: lowest.image_id, bare.pk: None}
