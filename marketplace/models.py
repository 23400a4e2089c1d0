"""Kampung Sasirangan: artisans' shops, their products, and the taxonomies editors keep.

Sasirangan is the Banjar tie-dyed cloth: the pattern is stitched in (sirang =
to stitch, tack), the thread pulled tight, and the cloth dyed. A *motif* is one
of its traditional patterns (Gigi Haruan, Kulat Karikit, ...), each with a
meaning. A *kecamatan* is a sub-district (tourism.snippets.District).

Shops and products are plain Django models, not Wagtail pages: artisans edit
them in their own dashboard (/toko/), editors moderate them as snippets. Text
people read is stored in Indonesian (required) and English (optional); the
properties without a suffix (`title`, `story`, ...) pick the language being read.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

from config.digits import ascii_digits
from config.languages import reading_english
from marketplace import labels
from tourism.models import LATITUDE_VALIDATORS, LONGITUDE_VALIDATORS
from tourism.snippets import District

MAX_PHOTOS_PER_PRODUCT = 8
# A parcel's packed weight in grams: couriers' parcel services stop at 30 kg (catalog-schema.md).
MIN_WEIGHT_G, MAX_WEIGHT_G = 1, 30_000
SHIPS_FROM_DEFAULT = "Kabupaten Banjar"
# At or below this a product page says how many are left ("Tinggal 3"); above it, only "Tersedia".
LOW_STOCK = 3


def stock_as_shown(stock: int) -> int | None:
    """What a public page shows of a stock: the count while it is low (sold out, "Tinggal N"),
    above that only that there is some (None). A stock move that leaves this as it was changes
    no page (orders/stock.py), so a campaign's sales keep the cached pages of a well-stocked
    cloth."""
    return max(stock, 0) if stock <= LOW_STOCK else None


def in_reading_language(indonesian: str, english: str) -> str:
    """English when the reader is on /en/ and there is English, else Indonesian."""
    return english if english and reading_english() else indonesian


class Motif(models.Model):
    """A traditional Sasirangan pattern, with what it means."""

    name = models.CharField(_("nama"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    meaning_id = models.TextField(_("makna (Indonesia)"), blank=True)
    meaning_en = models.TextField(_("makna (Inggris)"), blank=True)
    image = models.ForeignKey("wagtailimages.Image", verbose_name=_("gambar"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("meaning_id"), FieldPanel("meaning_en"),
              FieldPanel("image")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("motif")
        verbose_name_plural = _("motif")

    def __str__(self):
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("marketplace:motif", kwargs={"slug": self.slug})

    @property
    def meaning(self) -> str:
        return in_reading_language(self.meaning_id, self.meaning_en)


class Color(models.Model):
    """A colour a product can be filtered by; `slug` is the Indonesian colour word."""

    slug = models.SlugField(_("kata warna"), max_length=40, unique=True,
                            help_text=_("Kata warna dalam bahasa Indonesia, mis. 'merah', 'merah-muda'."))
    name_id = models.CharField(_("nama (Indonesia)"), max_length=40)
    name_en = models.CharField(_("nama (Inggris)"), max_length=40, blank=True)
    # Drawn as the swatch's CSS colour (product_detail.html): six hex digits, nothing else.
    hex = models.CharField(_("contoh warna"), max_length=7, blank=True, help_text=_("mis. #b22222"),
                           validators=[RegexValidator(r"^#[0-9a-fA-F]{6}\Z", _("Tulis kode warna seperti #b22222."))])

    panels = [FieldPanel("slug"), FieldPanel("name_id"), FieldPanel("name_en"), FieldPanel("hex")]

    class Meta:
        ordering = ["name_id"]
        verbose_name = _("warna")
        verbose_name_plural = _("warna")

    def __str__(self):
        return self.name_id

    @property
    def name(self) -> str:
        return in_reading_language(self.name_id, self.name_en)


class ShopStatus(models.TextChoices):
    PENDING = "pending", _("Menunggu persetujuan")
    APPROVED = "approved", _("Disetujui")
    REJECTED = "rejected", _("Ditolak")
    SUSPENDED = "suspended", _("Dibekukan")


class ShopQuerySet(models.QuerySet):
    def public(self):
        """Only approved shops are ever shown to the public."""
        return self.filter(status=ShopStatus.APPROVED)


class Shop(models.Model):
    """An artisan's shop. Nothing of it is public until an editor approves it."""

    owner = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("pemilik"),
                                 on_delete=models.PROTECT, related_name="shop")
    name = models.CharField(_("nama toko"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    story_id = models.TextField(_("cerita (Indonesia)"), max_length=4000)
    story_en = models.TextField(_("cerita (Inggris)"), max_length=4000, blank=True)
    district = models.ForeignKey(District, verbose_name=_("kecamatan"), on_delete=models.PROTECT,
                                 related_name="shops")
    village = models.CharField(_("desa/kelurahan"), max_length=120, blank=True)
    phone = models.CharField(_("nomor WhatsApp"), max_length=20, blank=True,
                             help_text=_("Disimpan dalam bentuk +62..."))
    latitude = models.DecimalField(_("lintang"), max_digits=9, decimal_places=6, null=True, blank=True,
                                   validators=LATITUDE_VALIDATORS)
    longitude = models.DecimalField(_("bujur"), max_digits=9, decimal_places=6, null=True, blank=True,
                                    validators=LONGITUDE_VALIDATORS)
    photo = models.ForeignKey("wagtailimages.Image", verbose_name=_("foto"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=ShopStatus.choices,
                              default=ShopStatus.PENDING, db_index=True)
    decision_reason = models.TextField(
        _("alasan keputusan"), blank=True,
        help_text=_("Dilihat oleh perajin di dasbor tokonya dan dikirim lewat email."))
    decided_at = models.DateTimeField(_("diputuskan pada"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("diputuskan oleh"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("diajukan pada"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("diubah pada"), auto_now=True)
    import_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    # Delivery facts (issue 11). The rate table prices parcels from Kabupaten Banjar and Banjarmasin
    # (marketplace.shipping); `ships_from` is what the buyer reads.
    ships_from = models.CharField(_("dikirim dari"), max_length=80, default=SHIPS_FROM_DEFAULT,
                                  help_text=_("Kabupaten atau kota asal paket, mis. Kabupaten Banjar."))
    offers_pickup = models.BooleanField(_("bisa diambil di tempat"), default=False,
                                        help_text=_("Pembeli boleh mengambil pesanan di bengkel, tanpa ongkos kirim."))
    pickup_address = models.CharField(_("alamat pengambilan"), max_length=255, blank=True)
    pickup_hours = models.CharField(_("jam pengambilan"), max_length=120, blank=True,
                                    help_text=_("mis. Senin-Sabtu 09.00-17.00 WITA"))
    ships_abroad = models.BooleanField(_("kirim ke luar negeri"), default=False)

    objects = ShopQuerySet.as_manager()

    # The status changes only through the approve/reject actions (marketplace.services.shop_decide),
    # so that the artisan always gets the reason and the email.
    panels = [
        MultiFieldPanel([FieldPanel("status", read_only=True), FieldPanel("decision_reason", read_only=True)],
                        heading=_("Keputusan")),
        FieldPanel("name"),
        FieldPanel("story_id"),
        FieldPanel("story_en"),
        FieldRowPanel([FieldPanel("district"), FieldPanel("village")]),
        FieldPanel("phone"),
        FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
        FieldPanel("photo"),
        MultiFieldPanel([FieldPanel("ships_from"), FieldPanel("ships_abroad"), FieldPanel("offers_pickup"),
                         FieldPanel("pickup_address"), FieldPanel("pickup_hours")],
                        heading=_("Pengiriman")),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("toko perajin")
        verbose_name_plural = _("toko perajin")
        constraints = [
            # A buyer who chose pickup must be told where to go.
            models.CheckConstraint(condition=Q(offers_pickup=False) | ~Q(pickup_address=""),
                                   name="marketplace_shop_pickup_has_address"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("marketplace:shop", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if self.offers_pickup and not self.pickup_address.strip():
            raise ValidationError({"pickup_address": _("Tulis alamat pengambilan, atau matikan pengambilan di tempat.")})

    @property
    def story(self) -> str:
        return in_reading_language(self.story_id, self.story_en)

    @property
    def is_public(self) -> bool:
        return self.status == ShopStatus.APPROVED

    @property
    def place(self) -> str:
        return ", ".join(part for part in (self.village, self.district.name) if part)

    @property
    def whatsapp_url(self) -> str:
        digits = "".join(ch for ch in self.phone if ascii_digits(ch))
        return f"https://wa.me/{digits}" if digits else ""


class Dye(models.TextChoices):
    NATURAL = "natural", _("Pewarna alami")
    SYNTHETIC = "synthetic", _("Pewarna sintetis")


class ProductKind(models.TextChoices):
    """What the cloth has become. The import format names kinds by these keys."""

    KAIN = "kain", _("Kain")
    KEMEJA = "kemeja", _("Kemeja")
    BLUS = "blus", _("Blus")
    GAMIS = "gamis", _("Gamis")
    SELENDANG = "selendang", _("Selendang")
    KERUDUNG = "kerudung", _("Kerudung")
    SARUNG = "sarung", _("Sarung")
    TAPLAK = "taplak", _("Taplak meja")
    TAS = "tas", _("Tas")
    DOMPET = "dompet", _("Dompet")
    PECI = "peci", _("Peci")
    MASKER = "masker", _("Masker")
    LAINNYA = "lainnya", _("Lainnya")


class ProductTag(TaggedItemBase):
    content_object = models.ForeignKey("marketplace.Product", on_delete=models.CASCADE,
                                       related_name="tagged_items")


class ProductQuerySet(models.QuerySet):
    def public(self):
        """Published products of approved shops: all that the public ever sees."""
        return self.filter(is_published=True, shop__status=ShopStatus.APPROVED)


class Product(models.Model):
    shop = models.ForeignKey(Shop, verbose_name=_("toko"), on_delete=models.CASCADE, related_name="products")
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    title_id = models.CharField(_("judul (Indonesia)"), max_length=140)
    title_en = models.CharField(_("judul (Inggris)"), max_length=140, blank=True)
    description_id = models.TextField(_("deskripsi (Indonesia)"), max_length=5000)
    description_en = models.TextField(_("deskripsi (Inggris)"), max_length=5000, blank=True)
    price_idr = models.PositiveBigIntegerField(_("harga (Rp)"), help_text=_("Rupiah utuh, tanpa titik."))
    # With sizes, the total of the sizes' stock (kept by services.product_stock_recount).
    stock = models.PositiveIntegerField(_("stok"), default=0)
    motif = models.ForeignKey(Motif, verbose_name=_("motif"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="products")
    fabric = models.CharField(_("bahan"), max_length=60, blank=True, help_text=_("mis. katun, sutra, rayon"))
    dye = models.CharField(_("pewarna"), max_length=10, choices=Dye.choices, blank=True)
    colors = models.ManyToManyField(Color, verbose_name=_("warna"), blank=True, related_name="products")
    kind = models.CharField(_("jenis"), max_length=20, choices=ProductKind.choices, default=ProductKind.KAIN)
    weight_g = models.PositiveIntegerField(
        _("berat kemas (gram)"), null=True, blank=True,
        validators=[MinValueValidator(MIN_WEIGHT_G), MaxValueValidator(MAX_WEIGHT_G)],
        help_text=_("Berat produk setelah dikemas, 1 sampai 30000 gram. Tanpa berat, produk hanya bisa diambil di tempat."))
    tags = TaggableManager(through=ProductTag, blank=True, verbose_name=_("tag"))
    # The image of main_photo, kept by product_cover_refresh whenever a photo is saved or deleted
    # (marketplace.signals): a list of products joins it in its one query, where each list asked
    # for every product's photos in a query of their own and kept one of them.
    cover_image = models.ForeignKey("wagtailimages.Image", verbose_name=_("foto sampul"), null=True, blank=True,
                                    editable=False, on_delete=models.SET_NULL, related_name="+")
    is_published = models.BooleanField(_("diterbitkan"), default=False)
    created_at = models.DateTimeField(_("dibuat pada"), default=timezone.now, editable=False, db_index=True)
    updated_at = models.DateTimeField(_("diubah pada"), auto_now=True)
    import_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    # The once-only key of the dashboard's "new product" form that made it: the same form sent again
    # (a double tap on a slow network, Back then "Simpan produk") finds this product, not a second one.
    form_key = models.CharField(max_length=64, blank=True, default="", editable=False)

    objects = ProductQuerySet.as_manager()

    panels = [
        FieldPanel("is_published"),
        FieldPanel("title_id"),
        FieldPanel("title_en"),
        FieldPanel("description_id"),
        FieldPanel("description_en"),
        FieldRowPanel([FieldPanel("price_idr"), FieldPanel("kind"), FieldPanel("weight_g")]),
        FieldRowPanel([FieldPanel("motif"), FieldPanel("fabric"), FieldPanel("dye")]),
        FieldPanel("colors"),
    ]

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("produk")
        verbose_name_plural = _("produk")
        constraints = [
            # Checkout reserves stock with a conditional update; the database refuses to go below zero
            # whatever the code does.
            models.CheckConstraint(condition=Q(stock__gte=0), name="marketplace_product_stock_gte_0"),
            models.CheckConstraint(condition=Q(price_idr__gte=0), name="marketplace_product_price_gte_0"),
            models.CheckConstraint(condition=Q(weight_g__isnull=True) | Q(weight_g__gte=MIN_WEIGHT_G, weight_g__lte=MAX_WEIGHT_G),
                                   name="marketplace_product_weight_g_range"),
            # One product per shop's form (form_key), as the dashboard looks it up.
            models.UniqueConstraint(fields=["shop", "form_key"], condition=~Q(form_key=""),
                                    name="marketplace_product_shop_form_key"),
        ]

    def __str__(self):
        return self.title_id

    def save(self, **kwargs):
        # The cover is product_cover_refresh's to write: a product read before its photos changed (an
        # editor's form open while the artisan swaps the main photo) must not write back the cover
        # it was read with.
        if not self._state.adding and kwargs.get("update_fields") is None:
            deferred = self.get_deferred_fields()  # as Django's save: a row read in part writes that part
            kwargs["update_fields"] = [field.attname for field in self._meta.concrete_fields
                                       if not field.primary_key and field.name != "cover_image"
                                       and field.attname not in deferred]
        super().save(**kwargs)

    def get_absolute_url(self) -> str:
        return reverse("marketplace:product", kwargs={"slug": self.slug})

    @property
    def title(self) -> str:
        return in_reading_language(self.title_id, self.title_en)

    @property
    def description(self) -> str:
        return in_reading_language(self.description_id, self.description_en)

    @property
    def fabric_label(self) -> str:
        return labels.fabric_label(self.fabric)

    @property
    def is_sold_out(self) -> bool:
        return self.stock <= 0

    @property
    def is_low_stock(self) -> bool:
        return not self.is_sold_out and stock_as_shown(self.stock) is not None

    @property
    def ordered_photos(self) -> list:
        """Photos in the artisan's order, main first (uses the prefetched photos when there are)."""
        return sorted(self.photos.all(), key=lambda photo: (not photo.is_main, photo.sort_order, photo.pk))  # MAIN_PHOTO_FIRST

    @property
    def main_photo(self):
        photos = self.ordered_photos
        return photos[0] if photos else None


class ProductPhoto(models.Model):
    """One of a product's photos (at most MAX_PHOTOS_PER_PRODUCT), one of them the main one."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="photos")
    image = models.ForeignKey("wagtailimages.Image", verbose_name=_("foto"), on_delete=models.CASCADE,
                              related_name="+")
    sort_order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    is_main = models.BooleanField(_("foto utama"), default=False)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("foto produk")
        verbose_name_plural = _("foto produk")
        constraints = [
            models.UniqueConstraint(fields=["product"], condition=Q(is_main=True),
                                    name="marketplace_productphoto_one_main"),
        ]

    def __str__(self):
        return f"{self.product_id}/{self.sort_order}"


# A product's photos in the artisan's order, main first: Product.ordered_photos's, in SQL.
MAIN_PHOTO_FIRST = ("-is_main", "sort_order", "pk")


def product_cover_refresh(product_id: int) -> None:
    """Product.cover_image as the product's photos now say: main_photo's image."""
    image_id = (ProductPhoto.objects.filter(product_id=product_id).order_by(*MAIN_PHOTO_FIRST)
                .values_list("image_id", flat=True).first())
    Product.objects.filter(pk=product_id).exclude(cover_image_id=image_id).update(cover_image_id=image_id)


class ProductSize(models.Model):
    """A size of a product that comes in sizes (a kemeja in S, M, L), with its own stock."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="sizes")
    label = models.CharField(_("ukuran"), max_length=20)
    stock = models.PositiveIntegerField(_("stok"), default=0)
    sort_order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("ukuran")
        verbose_name_plural = _("ukuran")
        constraints = [
            models.UniqueConstraint(fields=["product", "label"], name="marketplace_productsize_unique_label"),
            models.CheckConstraint(condition=Q(stock__gte=0), name="marketplace_productsize_stock_gte_0"),
        ]

    def __str__(self):
        return self.label

    @property
    def is_sold_out(self) -> bool:
        return self.stock <= 0
