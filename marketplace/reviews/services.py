"""Writes of reviews: a buyer writes one, an editor decides, the artisan replies, visitors vote and report.

Every refusal is a ReviewError with a message in the reader's language and the HTTP status the
view answers with; nothing is half-written (photos are removed again when their rows are not).
Photos go to storage outside any transaction (a bucket is a network call), as artisans' do.
"""

from __future__ import annotations

import io
import logging
import secrets
import uuid

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from config.media import STORAGE_ERRORS, media_store_guard, private_storage
from config.page_cache import purge_tags
from marketplace import cache_tags
from marketplace.orders.models import OrderLine, OrderStatus
from marketplace.reviews.models import (
    Review,
    ReviewPhoto,
    ReviewReport,
    ReviewStatus,
    ReviewVote,
)
from marketplace.uploads import ALLOWED_FORMATS, CheckedPhoto, photo_store, photos_discard

logger = logging.getLogger(__name__)

# In the private storage, under random names: nothing about the buyer or the product is in them.
PENDING_FOLDER = "review-photos"
VISITOR_SESSION_KEY = "reviews_visitor"
# Regencies are written "Kota Surabaya", "Kabupaten Banjar": the public reads the city's own name.
CITY_PREFIXES = ("kabupaten ", "kab. ", "kab ", "kota ", "kotamadya ")


class ReviewError(Exception):
    """Refused; `message` is for the person who tried, `status` is the HTTP answer."""

    def __init__(self, message: str, *, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


def first_name(full_name: str) -> str:
    words = full_name.split()
    return words[0][:40] if words else ""


def city_name(regency: str) -> str:
    city = " ".join(regency.split())
    for prefix in CITY_PREFIXES:
        if city.lower().startswith(prefix):
            return city[len(prefix):]
    return city


# --- Writing a review ---------------------------------------------------------------------

def review_refusal(*, line: OrderLine) -> ReviewError | None:
    """Why this bought line cannot be reviewed (now), or None when it can."""
    sub_order, order = line.sub_order, line.sub_order.order
    if order.status != OrderStatus.PAID or not sub_order.is_received:
        return ReviewError(_("Ulasan dapat ditulis setelah pesanan Anda diterima. Tandai pesanan sudah diterima "
                             "di halaman pesanan setelah paketnya sampai."), status=409)
    if line.product is None or not line.product.shop.is_public:
        return ReviewError(_("Produk ini tidak lagi dijual, jadi tidak dapat diulas."), status=410)
    if Review.objects.filter(product=line.product, buyer_email=order.email.lower()).exists():
        return ReviewError(_("Anda sudah mengulas produk ini. Setiap pembeli mengulas satu kali per produk."),
                           status=409)
    return None


def _pending_photo_write(photo: CheckedPhoto) -> str:
    with media_store_guard("storing a review's photo"):
        return private_storage().save(f"{PENDING_FOLDER}/{uuid.uuid4().hex}.{ALLOWED_FORMATS[photo.format]}",
                                      io.BytesIO(photo.content))


def _pending_files_delete(names: list[str]) -> None:
    for name in names:
        try:
            private_storage().delete(name)
        except STORAGE_ERRORS:
            logger.warning("could not delete the review photo %s from the private storage", name)


def review_submit(*, line: OrderLine, rating: int, text: str, language: str,
                  photos: list[CheckedPhoto]) -> Review:
    """The buyer's review of one bought product, waiting for an editor. ReviewError when refused;
    MediaUnavailable when the photo storage fails (then nothing is kept)."""
    refusal = review_refusal(line=line)
    if refusal is not None:
        raise refusal
    order = line.sub_order.order
    pending = []
    try:
        for photo in photos:
            pending.append((_pending_photo_write(photo), photo))
        with transaction.atomic():
            review = Review.objects.create(
                line=line, product=line.product, shop=line.product.shop, buyer_email=order.email.lower(),
                author_name=first_name(order.name), author_city=city_name(order.regency), rating=rating,
                text=text, language=language)
            ReviewPhoto.objects.bulk_create([
                ReviewPhoto(review=review, pending_file=name, width=photo.width, height=photo.height,
                            sort_order=position) for position, (name, photo) in enumerate(pending)])
    except IntegrityError:
        # The same buyer's second review of the product, sent at the same moment as the first.
        _pending_files_delete([name for name, _photo in pending])
        raise ReviewError(_("Anda sudah mengulas produk ini. Setiap pembeli mengulas satu kali per produk."),
                          status=409) from None
    except BaseException:
        _pending_files_delete([name for name, _photo in pending])
        raise
    return review


# --- Editors ------------------------------------------------------------------------------

def pending_photo_read(photo: ReviewPhoto) -> CheckedPhoto:
    """A waiting photo as it was checked and re-encoded when it arrived."""
    with media_store_guard("reading a review's photo"), private_storage().open(photo.pending_file, "rb") as handle:
        content = handle.read()
    extension = photo.pending_file.rsplit(".", 1)[-1]
    image_format = next(name for name, ending in ALLOWED_FORMATS.items() if ending == extension)
    return CheckedPhoto(name=f"ulasan.{extension}", content=content, width=photo.width, height=photo.height,
                        format=image_format)


def _still_to_decide(review: Review, *, decision: str) -> bool:
    """Whether the review still waits for this decision, read under its row's lock. False when it was
    decided so already (a second tap: nothing to do again, no second email); ReviewError (409) when
    another moderator decided otherwise since the queue was shown."""
    status, reported_at = (Review.objects.select_for_update().filter(pk=review.pk)
                           .values_list("status", "reported_at").get())
    if status == ReviewStatus.PENDING or (status == ReviewStatus.APPROVED and reported_at is not None):
        return True
    if status == decision:
        return False
    if status == ReviewStatus.REJECTED:
        raise ReviewError(_("Ulasan ini sudah ditolak oleh moderator lain, dan pembeli sudah diberi tahu "
                            "lewat email. Tidak ada yang diubah."), status=409)
    raise ReviewError(_("Ulasan ini sudah disetujui oleh moderator lain dan tampil di halaman produk. "
                        "Tidak ada yang diubah."), status=409)


def review_approve(*, review: Review, by) -> Review:
    """Public from now on; its photos become images in the public storage. A reported review that is
    approved again leaves the queue. MediaUnavailable when the storage fails: nothing changes.
    ReviewError when another moderator rejected it meanwhile; approved already: nothing to do."""
    waiting = [photo for photo in review.photos.all() if photo.image_id is None and photo.pending_file]
    names = [photo.pending_file for photo in waiting]
    images = []
    try:
        for photo in waiting:
            images.append(photo_store(photo=pending_photo_read(photo),
                                      title=f"Ulasan {review.product_id}: {review.author_name}"))
        with transaction.atomic():
            if not _still_to_decide(review, decision=ReviewStatus.APPROVED):
                raise _DecidedAlready
            for photo, image in zip(waiting, images, strict=True):
                image.save()
                photo.image, photo.pending_file = image, ""
                photo.save(update_fields=["image", "pending_file"])
            review.status = ReviewStatus.APPROVED
            review.decided_at, review.decided_by, review.reported_at = timezone.now(), by, None
            review.reject_reason = ""
            review.save(update_fields=["status", "decided_at", "decided_by", "reported_at", "reject_reason"])
    except _DecidedAlready:
        photos_discard(images)
        review.refresh_from_db()
        return review
    except BaseException:
        photos_discard(images)
        raise
    transaction.on_commit(lambda: _pending_files_delete(names))
    return review


class _DecidedAlready(Exception):
    """The decision asked for is the one the review has already."""


def review_reject(*, review: Review, by, reason: str) -> Review:
    """Never public (again); its photos are deleted and the buyer is told why by email. ReviewError when
    another moderator approved it meanwhile (and it was not reported since); rejected already: nothing
    to do, no second email."""
    from marketplace.reviews import emails

    reason = " ".join(reason.split())
    if not reason:
        raise ReviewError(_("Tulis alasan penolakan; pembeli menerimanya lewat email."))
    with transaction.atomic():
        if not _still_to_decide(review, decision=ReviewStatus.REJECTED):
            review.refresh_from_db()
            return review
        photos = list(review.photos.select_related("image"))
        review.status = ReviewStatus.REJECTED
        review.decided_at, review.decided_by, review.reported_at = timezone.now(), by, None
        review.reject_reason = reason[:500]
        review.save(update_fields=["status", "decided_at", "decided_by", "reported_at", "reject_reason"])
        for photo in photos:
            if photo.image is not None:
                photo.image.delete()  # Wagtail deletes the file and its renditions
        ReviewPhoto.objects.filter(review=review).delete()
        names = [photo.pending_file for photo in photos if photo.pending_file]
        transaction.on_commit(lambda: _pending_files_delete(names))
        transaction.on_commit(lambda: emails.review_rejected_email(review_pk=review.pk), robust=True)
    return review


# --- The artisan --------------------------------------------------------------------------

def review_reply(*, review: Review, shop, text: str) -> Review:
    """The shop's one public reply to an approved review of its product."""
    text = text.strip()
    if review.shop_id != shop.pk or review.status != ReviewStatus.APPROVED:
        raise ReviewError(_("Ulasan ini tidak ada di toko Anda."), status=404)
    if not text:
        raise ReviewError(_("Tulis balasan Anda."))
    replied = (Review.objects.filter(pk=review.pk, reply_text="")
               .update(reply_text=text, replied_at=timezone.now()))
    if not replied:
        raise ReviewError(_("Ulasan ini sudah Anda balas. Setiap ulasan dibalas satu kali."), status=409)
    # An update sends no signal: what showed the product's reviews (its page, remembered reads) is
    # made stale here, after the commit, as a review's save would (marketplace.reviews.apps).
    purge_tags((cache_tags.product(review.product_id),))
    review.refresh_from_db(fields=["reply_text", "replied_at"])
    return review


# --- Visitors -----------------------------------------------------------------------------

def visitor_key(request) -> str:
    """Who voted or reported, as a keyed hash: the account when signed in, else a random id kept in
    the visitor's session. Never the address (that only rate-limits: config.client_address)."""
    if request.user.is_authenticated:
        who = f"user:{request.user.pk}"
    else:
        if VISITOR_SESSION_KEY not in request.session:
            request.session[VISITOR_SESSION_KEY] = secrets.token_urlsafe(16)
        who = f"visitor:{request.session[VISITOR_SESSION_KEY]}"
    return salted_hmac("marketplace.reviews.visitor", who).hexdigest()


def review_vote_helpful(*, review: Review, visitor: str) -> bool:
    """Count the visitor's "helpful" once; False when they had already."""
    try:
        with transaction.atomic():
            ReviewVote.objects.create(review=review, visitor=visitor)
            Review.objects.filter(pk=review.pk).update(helpful_count=F("helpful_count") + 1)
    except IntegrityError:
        return False
    return True


def review_report(*, review: Review, visitor: str, reason: str, note: str = "") -> bool:
    """Put the review back in the editors' queue (it stays up until they decide); once per visitor.
    False when this visitor had reported it already."""
    try:
        with transaction.atomic():
            ReviewReport.objects.create(review=review, visitor=visitor, reason=reason, note=note.strip()[:300])
            Review.objects.filter(pk=review.pk, reported_at__isnull=True).update(reported_at=timezone.now())
    except IntegrityError:
        return False
    return True
