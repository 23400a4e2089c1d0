"""Factories for Kampung Sasirangan: artisans, shops, motifs, products, photos."""

import io

import factory
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from PIL import Image as PILImage
from wagtail.images import get_image_model

from marketplace.models import Motif, Product, ProductPhoto, ProductSize, Shop, ShopStatus
from tourism.snippets import District


def png_bytes(size=(40, 30), color=(160, 40, 60)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes(size=(40, 30), color=(30, 80, 160), exif=None) -> bytes:
    buffer = io.BytesIO()
    options = {"exif": exif} if exif is not None else {}
    PILImage.new("RGB", size, color).save(buffer, "JPEG", **options)
    return buffer.getvalue()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"perajin{n}@contoh.id")
    username = factory.SelfAttribute("email")
    password = factory.django.Password("sasirangan-rahasia-1")


def district(name="Martapura Timur"):
    return District.objects.get(name=name)


class ShopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shop

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Sasirangan Ibu Contoh {n}")
    slug = factory.Sequence(lambda n: f"sasirangan-ibu-contoh-{n}")
    story_id = "Usaha keluarga yang mewarnai kain sasirangan sejak 2005."
    district = factory.LazyFunction(district)
    village = "Pasayangan"
    status = ShopStatus.APPROVED


class MotifFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Motif
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Motif Contoh {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))
    meaning_id = "Makna motif dalam bahasa Indonesia."
    meaning_en = "The motif's meaning in English."


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    shop = factory.SubFactory(ShopFactory)
    slug = factory.Sequence(lambda n: f"kain-sasirangan-{n}")
    title_id = factory.Sequence(lambda n: f"Kain Sasirangan {n}")
    description_id = "Kain katun 2 meter."
    price_idr = 175000
    stock = 5
    weight_g = 350  # a 2-metre cotton kain, folded and wrapped
    kind = "kain"
    is_published = True


class ImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_image_model()

    title = factory.Sequence(lambda n: f"foto {n}")
    file = factory.LazyFunction(lambda: ContentFile(png_bytes(), name="foto.png"))


def add_photo(product, *, is_main=False, sort_order=0):
    return ProductPhoto.objects.create(product=product, image=ImageFactory(), is_main=is_main,
                                       sort_order=sort_order)


def add_size(product, label, stock, sort_order=0):
    return ProductSize.objects.create(product=product, label=label, stock=stock, sort_order=sort_order)


class ReviewFactory(factory.django.DjangoModelFactory):
    """An approved review of a product, as if a buyer wrote it and an editor let it through. Real
    reviews come from a bought line (tests/marketplace/orders/factories.delivered_order)."""

    class Meta:
        model = "reviews.Review"

    product = factory.SubFactory(ProductFactory)
    shop = factory.SelfAttribute("product.shop")
    buyer_email = factory.Sequence(lambda n: f"pembeli{n}@contoh.id")
    author_name = "Rina"
    author_city = "Surabaya"
    rating = 5
    text = "Kainnya halus dan warnanya sama dengan di foto."
    language = "id"
    status = "approved"
