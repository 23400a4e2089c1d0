"""Writes of Kampung Sasirangan: sign-up, shop applications and decisions, products.

Every function here either does all of its work or none of it (transaction.atomic).
Views validate input with forms and then call one of these. Photos' files are stored
before the transaction (with the media in a bucket that is a network call), so a
storage that fails raises config.media.MediaUnavailable with nothing written, and
they are removed again when the transaction fails.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from config.digits import DASHES, ascii_digits, pasted_clean
from config.tasks import email_send
from marketplace.models import (
    MAX_PHOTOS_PER_PRODUCT,
    Product,
    ProductPhoto,
    ProductSize,
    Shop,
    ShopStatus,
)
from marketplace.uploads import CheckedPhoto, photo_store, photos_discard

PHONE_DIGITS = re.compile(r"^\+?[0-9]{8,15}$")


def phone_normalize(value: str) -> str:
    """An Indonesian phone (WhatsApp) number as +62...; '' stays ''.

    Accepts what people type: 0812-3456-7890, 62 812 3456 7890, +62 812...
    """
    value = pasted_clean(value).strip()  # copied from the contacts: wrapped in direction marks
    if not value:
        return ""
    compact = re.sub(rf"[\s{DASHES}().]", "", value)
    if not PHONE_DIGITS.match(compact):
        raise ValidationError(_("Nomor WhatsApp tidak valid. Contoh: 0812 3456 7890."), code="invalid_phone")
    if compact.startswith("+"):
        number = compact
    elif compact.startswith("62"):
        number = "+" + compact
    elif compact.startswith("0"):
        number = "+62" + compact[1:]
    else:
        raise ValidationError(_("Nomor WhatsApp tidak valid. Contoh: 0812 3456 7890."), code="invalid_phone")
    if not 10 <= len(number) <= 16:
        raise ValidationError(_("Nomor WhatsApp tidak valid. Contoh: 0812 3456 7890."), code="invalid_phone")
    return number


def unique_slug(model, base: str, *, exclude_pk=None, max_length: int = 120) -> str:
    """A slug from `base` not yet used by another row of `model` (base, base-2, base-3, ...)."""
    root = (slugify(base) or "toko")[: max_length - 4].strip("-")
    taken = set(model.objects.filter(slug__startswith=root).exclude(pk=exclude_pk)
                .values_list("slug", flat=True))
    if root not in taken:
        return root
    number = 2
    while f"{root}-{number}" in taken:
        number += 1
    return f"{root}-{number}"


# --- Artisans and shops ---------------------------------------------------------

def artisan_user_for_email(email: str):
    """The login for an email: artisans sign in with their email, which is also their username."""
    User = get_user_model()
    email = email.strip().lower()
    return User.objects.filter(username__iexact=email).first() or User.objects.filter(email__iexact=email).first()


def artisan_signup(*, email: str, password: str):
    User = get_user_model()
    email = email.strip().lower()
    return User.objects.create_user(username=email, email=email, password=password)


@contextmanager
def _stored_photos_kept_on_success(images: list):
    """Around storing photos' files and the transaction saving their rows: on failure the files go."""
    try:
        yield images
    except Exception:
        photos_discard(images)
        raise


def _shop_set_delivery(shop: Shop, delivery: dict | None) -> None:
    """The shop's delivery facts (ships_from, ships_abroad, offers_pickup, pickup_address, pickup_hours)."""
    for name, value in (delivery or {}).items():
        setattr(shop, name, value)


class ShopAppliedAlready(Exception):
    """This login has applied already (one shop per login): the application sent twice, a double tap
    or Back and send again. `shop` is the one that went in; nothing of the second send is kept."""

    def __init__(self, shop: Shop):
        super().__init__(f"{shop.owner_id} has the shop {shop.pk} already")
        self.shop = shop


def shop_apply(*, owner, name: str, story_id: str, story_en: str, district, village: str, phone: str,
               photo: CheckedPhoto | None = None, delivery: dict | None = None) -> Shop:
    """An artisan applies for a shop; it waits, invisible, for an editor's decision.
    ShopAppliedAlready when the login has a shop already, one saved a moment ago by another request
    included (the database's one-shop-per-owner key tells; callers look for one first)."""
    with _stored_photos_kept_on_success([]) as images:
        if photo is not None:
            images.append(photo_store(photo=photo, title=name, uploaded_by=owner))
        try:
            with transaction.atomic():
                shop = Shop(owner=owner, name=name, slug=unique_slug(Shop, name), story_id=story_id,
                            story_en=story_en, district=district, village=village, phone=phone,
                            status=ShopStatus.PENDING)
                _shop_set_delivery(shop, delivery)
                for image in images:
                    image.save()
                    shop.photo = image
                shop.save()
        except IntegrityError:
            existing = Shop.objects.filter(owner=owner).first()
            if existing is None:
                raise
            raise ShopAppliedAlready(existing) from None  # its photo's file goes (the context manager)
    return shop


def shop_update(*, shop: Shop, name: str, story_id: str, story_en: str, district, village: str, phone: str,
                photo: CheckedPhoto | None = None, remove_photo: bool = False, delivery: dict | None = None) -> Shop:
    """The artisan edits the profile. A rejected application edited is submitted again."""
    with _stored_photos_kept_on_success([]) as images:
        if photo is not None:
            images.append(photo_store(photo=photo, title=name, uploaded_by=shop.owner))
        with transaction.atomic():
            shop.name, shop.story_id, shop.story_en = name, story_id, story_en
            shop.district, shop.village, shop.phone = district, village, phone
            _shop_set_delivery(shop, delivery)
            old_photo = shop.photo
            for image in images:
                image.save()
                shop.photo = image
            if not images and remove_photo:
                shop.photo = None
            if shop.status == ShopStatus.REJECTED:
                shop.status = ShopStatus.PENDING
            shop.save()
            if old_photo is not None and old_photo != shop.photo and old_photo.uploaded_by_user_id == shop.owner_id:
                old_photo.delete()
    return shop


DECISIONS = {
    "approve": ShopStatus.APPROVED,
    "reject": ShopStatus.REJECTED,
    "suspend": ShopStatus.SUSPENDED,
}


@transaction.atomic
def shop_decide(*, shop: Shop, decision: str, reason: str = "", decided_by=None) -> Shop:
    """An editor approves, rejects or suspends a shop; the artisan sees the reason and gets an email."""
    if decision not in DECISIONS:
        raise ValueError(f"unknown decision {decision!r}")
    reason = (reason or "").strip()
    if decision in {"reject", "suspend"} and not reason:
        raise ValidationError(_("Tuliskan alasannya: perajin akan membacanya."), code="reason_required")
    shop.status = DECISIONS[decision]
    shop.decision_reason = reason
    shop.decided_at = timezone.now()
    shop.decided_by = decided_by
    shop.save(update_fields=["status", "decision_reason", "decided_at", "decided_by", "updated_at"])
    transaction.on_commit(lambda: shop_decision_email(shop=shop))
    return shop


def shop_decision_email(*, shop: Shop) -> None:
    """Tell the artisan, in Indonesian, what was decided and why."""
    recipient = shop.owner.email or shop.owner.username
    if not recipient or "@" not in recipient:
        return
    with translation.override("id"):
        context = {"shop": shop, "dashboard_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/toko/"}
        subject = {
            ShopStatus.APPROVED: _("Toko Anda di Kampung Sasirangan disetujui"),
            ShopStatus.REJECTED: _("Pengajuan toko Anda di Kampung Sasirangan ditolak"),
            ShopStatus.SUSPENDED: _("Toko Anda di Kampung Sasirangan dibekukan"),
        }.get(shop.status, _("Kabar tentang toko Anda di Kampung Sasirangan"))
        body = render_to_string("marketplace/email/shop_decision.txt", context)
    email_send.enqueue(subject=subject, body=body, recipient=recipient)


# --- Products --------------------------------------------------------------------

@dataclass
class PhotoChanges:
    """What the product form asks of the photos, already validated."""

    new: list[CheckedPhoto] = field(default_factory=list)
    order: dict[int, int] = field(default_factory=dict)     # existing photo id -> position
    delete: set[int] = field(default_factory=set)           # existing photo ids
    main: str = ""                                          # "existing-<id>", "new-<n>" or ""


@dataclass
class SizeRow:
    label: str
    stock: int
    stock_seen: int | None = None  # the size's stock as the form showed it (None: a new size)
    index: int = 0  # its row in the form


class StockMoved(Exception):
    """The artisan changed a stock that sales (or another tab) moved since the form was opened: which
    one (`size`: its label, "" for the product's own), what the form showed and what it is now."""

    def __init__(self, *, size: str, seen: int, now: int, index: int = 0):
        super().__init__(f"stock of {size or 'the product'} moved from {seen} to {now}")
        self.size, self.seen, self.now, self.index = size, seen, now, index


def stock_to_write(*, typed: int, seen: int | None, now: int, size: str = "", index: int = 0) -> int:
    """The stock a product form writes. A buyer's order takes stock while the artisan has the form
    open: writing back the number the form showed would put a sold cloth on sale again. So a stock
    the artisan left as shown keeps what sales made of it; one they changed is written when nothing
    moved it meanwhile; when both happened the artisan decides again (StockMoved)."""
    if seen is None or now == seen or typed == now:
        return typed
    if typed == seen:
        return now
    raise StockMoved(size=size, seen=seen, now=now, index=index)


def product_stock_recount(*, product: Product) -> None:
    """A product with sizes has as much stock as its sizes together."""
    total = product.sizes.aggregate(total=Sum("stock"))["total"]
    if total is not None and total != product.stock:
        product.stock = total
        # save(), not update(): listeners (the search index) hear of the new stock.
        product.save(update_fields=["stock", "updated_at"])


def _apply_sizes(product: Product, sizes: list[SizeRow]) -> None:
    existing = {size.label.lower(): size for size in product.sizes.select_for_update()}
    keep = []
    for position, row in enumerate(sizes):
        size = existing.get(row.label.lower())
        if size is None:
            size, stock = ProductSize(product=product), row.stock
        else:
            stock = stock_to_write(typed=row.stock, seen=row.stock_seen, now=size.stock, size=row.label,
                                   index=row.index)
        size.label, size.stock, size.sort_order = row.label, stock, position
        size.save()
        keep.append(size.pk)
    product.sizes.exclude(pk__in=keep).delete()


def _apply_photos(product: Product, changes: PhotoChanges, *, new_images: list) -> None:
    photos = {photo.pk: photo for photo in product.photos.select_related("image")}
    remaining = [photo for pk, photo in photos.items() if pk not in changes.delete]
    if len(remaining) + len(changes.new) > MAX_PHOTOS_PER_PRODUCT:
        # The form checks this first; this guards the rule for any other caller.
        raise ValidationError(_("Paling banyak %(max)s foto per produk.") % {"max": MAX_PHOTOS_PER_PRODUCT})
    for pk in changes.delete:
        photo = photos.get(pk)
        if photo is not None:
            image = photo.image
            photo.delete()
            # Only the artisan's own uploads go with the photo; imported images may be shared.
            if image.uploaded_by_user_id is not None and image.uploaded_by_user_id == product.shop.owner_id:
                image.delete()
    remaining.sort(key=lambda photo: (changes.order.get(photo.pk, photo.sort_order), photo.sort_order, photo.pk))
    created = []
    for image in new_images:  # their files are stored already (product_save)
        image.save()
        created.append(ProductPhoto(product=product, image=image))
    ordered = remaining + created
    main_index = None
    if changes.main.startswith("existing-"):
        wanted = changes.main.removeprefix("existing-")
        main_index = next((i for i, photo in enumerate(ordered) if str(photo.pk) == wanted and photo.pk), None)
    elif changes.main.startswith("new-"):
        number = changes.main.removeprefix("new-")
        if ascii_digits(number) and int(number) < len(created):
            main_index = len(remaining) + int(number)
    if main_index is None:
        main_index = next((i for i, photo in enumerate(ordered) if photo.is_main), 0)
    # Clear the old main first: the database allows one main photo per product at any moment.
    product.photos.filter(is_main=True).update(is_main=False)
    for position, photo in enumerate(ordered):
        photo.sort_order = position
        photo.is_main = position == main_index
        photo.save()


def product_save(*, shop: Shop, product: Product | None, fields: dict, colors, sizes: list[SizeRow],
                 photos: PhotoChanges, by, stock_seen: int | None = None) -> Product:
    """Create or edit a product with its sizes and photos, all or nothing. `stock_seen`: the stock the
    form showed (stock_to_write); StockMoved when the artisan has to look again, nothing saved."""
    title = fields.get("title_id") or (product.title_id if product else "")
    with _stored_photos_kept_on_success([]) as images:
        for photo in photos.new:
            images.append(photo_store(photo=photo, title=title, uploaded_by=by))
        with transaction.atomic():
            if product is None:
                product = Product(shop=shop, slug=unique_slug(Product, fields["title_id"], max_length=140))
            elif not sizes:
                # Read under the row's lock: a checkout taking stock waits for this save, or this for it.
                now = Product.objects.select_for_update().values_list("stock", flat=True).get(pk=product.pk)
                fields = {**fields, "stock": stock_to_write(typed=fields["stock"], seen=stock_seen, now=now)}
            for name, value in fields.items():
                setattr(product, name, value)
            product.save()
            product.colors.set(colors)
            _apply_sizes(product, sizes)
            if sizes:
                product_stock_recount(product=product)  # the sizes' total, as sales left them
            _apply_photos(product, photos, new_images=images)
    return product


def product_set_published(*, product: Product, published: bool) -> Product:
    if product.is_published != published:
        product.is_published = published
        product.save(update_fields=["is_published", "updated_at"])
    return product
