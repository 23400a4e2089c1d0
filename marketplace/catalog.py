"""Artisans (shops) and products in the catalogue import (see tourism/catalog.py).

Follows shared/contracts/catalog-schema.md. Like the tourism kinds, each kind
validates a record into plain values first (`clean`, then `check_references`
once every record of the file is known) and only then writes (`save`, an upsert
by slug that recognises an unchanged record by its fingerprint).

Two rules the contract leaves to us:
- `approved: true` approves a new or pending shop but never lifts an editor's
  rejection or suspension; `approved: false` keeps a shop waiting for an editor.
- An imported artisan's email becomes the shop owner's login, without a usable
  password: the owner sets one with "Lupa kata sandi" on /toko/.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import slugify

from marketplace.models import (
    MAX_PHOTOS_PER_PRODUCT,
    MAX_WEIGHT_G,
    MIN_WEIGHT_G,
    Color,
    Dye,
    Motif,
    Product,
    ProductPhoto,
    Shop,
    ShopStatus,
)
from marketplace.models import ProductKind as KindOfProduct
from marketplace.services import artisan_user_for_email, phone_normalize, unique_slug
from tourism.catalog import ImportContext, Record, fingerprint, image_for
from tourism.catalog_kinds import find_district

MAX_PRICE_IDR = 999_999_999_999  # 12 digits: what Stripe's IDR amounts can carry
MAX_STOCK = 100_000


class ArtisanKind:
    name = "artisans"
    fields = {"slug", "name", "story", "district", "village", "email", "phone", "location", "approved",
              "pickup_address", "pickup_hours", "ships_abroad"}

    def clean(self, record: Record, context: ImportContext) -> dict:
        phone = record.text("phone", max_length=24)
        try:
            phone = phone_normalize(phone)
        except ValidationError:
            raise record.error("phone", f"must be a phone number such as +62 812 3456 7890; got {phone!r}") from None
        cleaned = {
            "slug": record.slug(),
            "name": record.text("name", required=True, max_length=120),
            "story": record.bilingual("story", required=True, max_length=4000),
            "district": find_district(record).pk,
            "village": record.text("village", max_length=120),
            "email": record.email("email", required=True),
            "phone": phone,
            "location": record.location("location"),
            "approved": record.boolean("approved", default=True),
        }
        # The delivery facts join the fingerprint only when given, so that files written before
        # they existed still import as unchanged.
        pickup_address = record.text("pickup_address", max_length=255)
        pickup_hours = record.text("pickup_hours", max_length=120)
        if pickup_hours and not pickup_address:
            raise record.error("pickup_hours", "needs pickup_address (where buyers collect their orders)")
        ships_abroad = record.boolean("ships_abroad", default=False)
        if pickup_address:
            cleaned["pickup"] = {"address": pickup_address, "hours": pickup_hours}
        if ships_abroad:
            cleaned["ships_abroad"] = True
        return cleaned

    def check_references(self, cleaned: dict, record: Record, context: ImportContext) -> None:
        emails = context.saved.setdefault(("_artisan_emails", None), {})
        other = emails.get(cleaned["email"])
        if other is not None and other != cleaned["slug"]:
            raise record.error("email", f"{cleaned['email']!r} is also the email of artisan {other!r}; "
                                        "one login owns one shop")
        emails[cleaned["email"]] = cleaned["slug"]
        user = artisan_user_for_email(cleaned["email"])
        if user is not None:
            owned = Shop.objects.filter(owner=user).exclude(slug=cleaned["slug"]).first()
            if owned is not None:
                raise record.error("email", f"{cleaned['email']!r} already owns the shop {owned.slug!r}; "
                                            "one login owns one shop")

    def _owner(self, email: str):
        user = artisan_user_for_email(email)
        if user is None:
            user = get_user_model()(username=email, email=email)
            user.set_unusable_password()
            user.save()
        return user

    def save(self, cleaned: dict, record: Record, context: ImportContext) -> str:
        digest = fingerprint(cleaned)
        shop = Shop.objects.filter(slug=cleaned["slug"]).first()
        if shop is not None and shop.import_fingerprint == digest:
            context.saved[(self.name, cleaned["slug"])] = shop
            return "unchanged"
        outcome = "updated" if shop is not None else "created"
        if shop is None:
            shop = Shop(slug=cleaned["slug"])
        shop.owner = self._owner(cleaned["email"])
        shop.name = cleaned["name"]
        shop.story_id, shop.story_en = cleaned["story"]["id"], cleaned["story"]["en"]
        shop.district_id = cleaned["district"]
        shop.village = cleaned["village"]
        shop.phone = cleaned["phone"]
        pickup = cleaned.get("pickup")
        shop.offers_pickup = pickup is not None
        shop.pickup_address = pickup["address"] if pickup else ""
        shop.pickup_hours = pickup["hours"] if pickup else ""
        shop.ships_abroad = cleaned.get("ships_abroad", False)
        location = cleaned["location"]
        shop.latitude, shop.longitude = (Decimal(str(v)) for v in location) if location else (None, None)
        if shop.status not in {ShopStatus.REJECTED, ShopStatus.SUSPENDED}:
            wanted = ShopStatus.APPROVED if cleaned["approved"] else ShopStatus.PENDING
            if wanted != shop.status or shop.pk is None:
                shop.status = wanted
                shop.decided_at = timezone.now() if wanted == ShopStatus.APPROVED else None
                shop.decided_by = None
        shop.import_fingerprint = digest
        shop.save()
        context.saved[(self.name, cleaned["slug"])] = shop
        return outcome


class ProductKind:
    name = "products"
    fields = {"slug", "artisan", "title", "description", "price_idr", "stock", "motif", "fabric", "dye",
              "colors", "kind", "tags", "images", "weight_g"}

    def clean(self, record: Record, context: ImportContext) -> dict:
        images = record.images(context.base_dir)
        if len(images) > MAX_PHOTOS_PER_PRODUCT:
            raise record.error("images", f"must list at most {MAX_PHOTOS_PER_PRODUCT} photos; got {len(images)}")
        colors = []
        for position, word in enumerate(record.strings("colors", max_length=40)):
            slug = slugify(word)
            if not slug:
                raise record.error(f"colors[{position}]", f"must be a colour word such as 'merah'; got {word!r}")
            if slug not in colors:
                colors.append(slug)
        cleaned = {
            "slug": record.slug(),
            "artisan": record.text("artisan", required=True, max_length=120),
            "title": record.bilingual("title", required=True, max_length=140),
            "description": record.bilingual("description", required=True, max_length=5000),
            "price_idr": record.integer("price_idr", required=True, minimum=0, maximum=MAX_PRICE_IDR),
            "stock": record.integer("stock", required=True, minimum=0, maximum=MAX_STOCK),
            "motif": record.text("motif", max_length=80),
            "fabric": record.text("fabric", max_length=60).lower(),
            "dye": record.choice("dye", Dye.values),
            "colors": colors,
            "kind": record.choice("kind", KindOfProduct.values) or KindOfProduct.LAINNYA,
            "tags": record.strings("tags"),
            "images": images,
        }
        weight_g = record.integer("weight_g", minimum=MIN_WEIGHT_G, maximum=MAX_WEIGHT_G)
        if weight_g is not None:  # in the fingerprint only when given (see ArtisanKind.clean)
            cleaned["weight_g"] = weight_g
        return cleaned

    def check_references(self, cleaned: dict, record: Record, context: ImportContext) -> None:
        artisan = cleaned["artisan"]
        if artisan not in context.slugs_in_file.get("artisans", set()) and not Shop.objects.filter(slug=artisan).exists():
            raise record.error("artisan", f"names an unknown artisan slug {artisan!r}")
        existing = Product.objects.filter(slug=cleaned["slug"]).prefetch_related("sizes").first()
        if existing is not None:
            sizes = list(existing.sizes.all())
            total = sum(size.stock for size in sizes)
            if sizes and cleaned["stock"] != total:
                labels = ", ".join(size.label for size in sizes)
                raise record.error("stock", f"must be {total}: this product has sizes ({labels}) whose stock "
                                            "the artisan keeps in the shop dashboard")

    def _motif(self, name: str) -> Motif | None:
        if not name:
            return None
        motif = Motif.objects.filter(name__iexact=name).first() or Motif.objects.filter(slug=slugify(name)).first()
        if motif is None:
            # A motif editors have not described yet: listed by name, its meaning to be written.
            motif = Motif.objects.create(name=name, slug=unique_slug(Motif, name, max_length=80))
        return motif

    def _colors(self, slugs: list[str]) -> list[Color]:
        known = {color.slug: color for color in Color.objects.filter(slug__in=slugs)}
        for slug in slugs:
            if slug not in known:
                known[slug] = Color.objects.create(slug=slug, name_id=slug.replace("-", " "))
        return [known[slug] for slug in slugs]

    def save(self, cleaned: dict, record: Record, context: ImportContext) -> str:
        digest = fingerprint(cleaned)
        product = Product.objects.filter(slug=cleaned["slug"]).first()
        if product is not None and product.import_fingerprint == digest:
            return "unchanged"
        outcome = "updated" if product is not None else "created"
        if product is None:
            # New products go on sale at once; afterwards publishing is the artisan's choice.
            product = Product(slug=cleaned["slug"], is_published=True)
        product.shop = context.saved.get(("artisans", cleaned["artisan"])) or Shop.objects.get(slug=cleaned["artisan"])
        product.title_id, product.title_en = cleaned["title"]["id"], cleaned["title"]["en"]
        product.description_id, product.description_en = cleaned["description"]["id"], cleaned["description"]["en"]
        product.price_idr = cleaned["price_idr"]
        product.stock = cleaned["stock"]
        product.motif = self._motif(cleaned["motif"])
        product.fabric = cleaned["fabric"]
        product.dye = cleaned["dye"]
        product.kind = cleaned["kind"]
        product.weight_g = cleaned.get("weight_g")
        product.import_fingerprint = digest
        product.save()
        product.colors.set(self._colors(cleaned["colors"]))
        product.tags.set(cleaned["tags"], clear=True)
        images = [image_for(item, context=context) for item in cleaned["images"]]
        product.photos.all().delete()
        # One save each, not bulk_create: post_save is what makes the photo's renditions
        # (config/renditions.py), as for the dashboard's uploads.
        for position, image in enumerate(images):
            ProductPhoto.objects.create(product=product, image=image, sort_order=position, is_main=position == 0)
        return outcome
