"""Rules the database itself keeps, whatever code writes (checkout relies on the stock ones)."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from marketplace.models import Product, ProductPhoto, ProductSize
from tests.marketplace.factories import ImageFactory, ProductFactory, add_photo, add_size

pytestmark = pytest.mark.django_db


def test_stock_can_never_go_below_zero():
    product = ProductFactory(stock=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.filter(pk=product.pk).update(stock=F("stock") - 2)
    size = add_size(product, "M", 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProductSize.objects.filter(pk=size.pk).update(stock=F("stock") - 2)
    product.refresh_from_db()
    assert product.stock == 1


def test_a_product_has_at_most_one_main_photo():
    product = ProductFactory()
    add_photo(product, is_main=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProductPhoto.objects.create(product=product, image=ImageFactory(), is_main=True)


def test_size_labels_are_unique_per_product():
    product = ProductFactory()
    add_size(product, "M", 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        add_size(product, "M", 2)


def test_slugs_are_unique():
    ProductFactory(slug="kain-sama")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProductFactory(slug="kain-sama")


def test_a_product_read_before_its_main_photo_changed_keeps_the_new_cover_when_saved():
    """An editor's form open while the artisan swaps the main photo: saving the product's text does
    not put back the cover it was read with (its cards would show the old picture)."""
    product = ProductFactory()
    first = add_photo(product, is_main=True)
    held = Product.objects.get(pk=product.pk)  # the editor's copy
    assert held.cover_image_id == first.image_id
    first.is_main = False
    first.save()
    second = add_photo(product, is_main=True, sort_order=1)
    held.title_id = "Kain Sasirangan Baru"
    held.save()
    product.refresh_from_db()
    assert (product.title_id, product.cover_image_id) == ("Kain Sasirangan Baru", second.image_id)
