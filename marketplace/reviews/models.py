"""Reviews of Kampung Sasirangan's products, written only by people who bought and received them.

A review belongs to one order line (what was bought), so it can only exist for a real purchase;
its product and shop are copied from the line for the public pages. Nothing the buyer gave at
checkout is public but their first name and city, taken when the review is written. A review is
public once an editor approves it; a visitor's report puts it back in the editors' queue
(`reported_at`) while it stays up, so a single report cannot silence a review. Photos wait in the
private storage until the review is approved (config.media.private_storage), like visitors'
photos of destinations.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.models import Product, Shop
from marketplace.orders.models import OrderLine

MAX_PHOTOS_PER_REVIEW = 3
TEXT_MIN_LENGTH = 10
TEXT_MAX_LENGTH = 2000
REPLY_MAX_LENGTH = 1000
REASON_MAX_LENGTH = 500


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Menunggu moderasi")
    APPROVED = "approved", _("Disetujui")
    REJECTED = "rejected", _("Ditolak")


class ReviewLanguage(models.TextChoices):
    INDONESIAN = "id", "Bahasa Indonesia"
    ENGLISH = "en", "English"


class ReviewQuerySet(models.QuerySet):
    def public(self):
        """Approved reviews of products the public may see."""
        return self.filter(status=ReviewStatus.APPROVED, product__in=Product.objects.public())

    def waiting(self):
        """The editors' queue: new reviews, and approved ones a visitor reported."""
        return self.filter(Q(status=ReviewStatus.PENDING) | Q(status=ReviewStatus.APPROVED, reported_at__isnull=False))


class Review(models.Model):
    line = models.OneToOneField(OrderLine, verbose_name=_("baris pesanan"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="review")
    product = models.ForeignKey(Product, verbose_name=_("produk"), on_delete=models.CASCADE, related_name="reviews")
    shop = models.ForeignKey(Shop, verbose_name=_("toko"), on_delete=models.CASCADE, related_name="reviews")
    # The buyer's email, lowercased: one review per product per buyer, and where a rejection is told.
    # Never shown.
    buyer_email = models.EmailField(_("email pembeli"), max_length=254)
    author_name = models.CharField(_("nama depan"), max_length=40)
    author_city = models.CharField(_("kota"), max_length=100, blank=True)
    rating = models.PositiveSmallIntegerField(_("bintang"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    text = models.TextField(_("ulasan"), max_length=TEXT_MAX_LENGTH)
    language = models.CharField(_("bahasa ulasan"), max_length=2, choices=ReviewLanguage.choices)
    status = models.CharField(_("status"), max_length=10, choices=ReviewStatus.choices,
                              default=ReviewStatus.PENDING, db_index=True)
    created_at = models.DateTimeField(_("ditulis pada"), default=timezone.now, db_index=True)
    decided_at = models.DateTimeField(_("diputuskan pada"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("diputuskan oleh"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    reject_reason = models.CharField(_("alasan penolakan"), max_length=REASON_MAX_LENGTH, blank=True)
    # Set by a visitor's report of an approved review, cleared when an editor looks at it again.
    reported_at = models.DateTimeField(_("dilaporkan pada"), null=True, blank=True, db_index=True)
    reply_text = models.TextField(_("balasan perajin"), max_length=REPLY_MAX_LENGTH, blank=True)
    replied_at = models.DateTimeField(_("dibalas pada"), null=True, blank=True)
    # Kept with each vote (ReviewVote), so "most helpful first" is one ORDER BY.
    helpful_count = models.PositiveIntegerField(_("jumlah 'membantu'"), default=0)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("ulasan")
        verbose_name_plural = _("ulasan")
        permissions = [("moderate_review", _("Dapat memoderasi ulasan pembeli"))]
        constraints = [
            models.UniqueConstraint(fields=["product", "buyer_email"], name="reviews_review_once_per_buyer"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="reviews_review_rating_1_to_5"),
        ]
        indexes = [models.Index(fields=["product", "status", "helpful_count"], name="reviews_product_helpful"),
                   models.Index(fields=["shop", "status", "created_at"], name="reviews_shop_newest")]

    def __str__(self):
        return f"{self.author_name} · {self.product_id} · {self.rating}★"

    @property
    def public_name(self) -> str:
        """What the public reads: the first name and the city, nothing else."""
        return ", ".join(part for part in (self.author_name, self.author_city) if part)

    @property
    def is_public(self) -> bool:
        return self.status == ReviewStatus.APPROVED


class ReviewPhoto(models.Model):
    """One of a review's photos: a file in the private storage until approved, a Wagtail image after."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="photos")
    image = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    pending_file = models.CharField(max_length=255, blank=True, editable=False)
    # Of the checked, re-encoded file, so approving it needs no second decoding.
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("foto ulasan")
        verbose_name_plural = _("foto ulasan")

    def __str__(self):
        return f"{self.review_id}/{self.sort_order}"


class ReportReason(models.TextChoices):
    SPAM = "spam", _("Iklan atau spam")
    OFFENSIVE = "offensive", _("Kasar, menghina, atau membenci")
    PRIVATE = "private", _("Memuat data pribadi")
    UNRELATED = "unrelated", _("Bukan tentang produk ini")
    OTHER = "other", _("Lainnya")


class ReviewReport(models.Model):
    """A visitor's report of a review. `visitor` is a keyed hash (see services.visitor_key), never who."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(_("alasan"), max_length=12, choices=ReportReason.choices)
    note = models.CharField(_("catatan"), max_length=300, blank=True)
    visitor = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("dilaporkan pada"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("laporan ulasan")
        verbose_name_plural = _("laporan ulasan")
        constraints = [models.UniqueConstraint(fields=["review", "visitor"], name="reviews_report_once_per_visitor")]

    def __str__(self):
        return f"{self.review_id}: {self.reason}"


class ReviewVote(models.Model):
    """One visitor found a review helpful (once: `visitor` as in ReviewReport)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="votes")
    visitor = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "visitor"], name="reviews_vote_once_per_visitor")]

    def __str__(self):
        return f"{self.review_id}+1"
