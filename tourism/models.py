"""Gebrak Pariwisata pages: the home page, destinations and events.

Every page exists first in Indonesian (the default locale); an English
translation is optional and readers of /en/ see the Indonesian page, with a
notice, where there is none (see HomePage.route). What a page's template reads besides the
page is built by the modules that read it (tourism.selectors, tourism.campaigns), registered
for its type in TourismConfig.ready() (tourism.page_context).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.url_routing import RouteResult

from config.admin_dates import admin_years_validate
from config.translations import default_original
from tourism.blocks import BodyBlock
from tourism.calendar import event_to_ics
from tourism.campaign_blocks import CampaignBodyBlock
from tourism.event_dates import EventDateFieldPanel, EventPageForm
from tourism.page_context import RegisteredContextMixin
from tourism.routing import (
    RememberedLocaleMixin,
    RememberedRestrictionsMixin,
    any_view_restriction,
    route_remembered,
)
from tourism.snippets import Category, District  # noqa: F401  (registers the snippets)

LATITUDE_VALIDATORS = [MinValueValidator(-90), MaxValueValidator(90)]
LONGITUDE_VALIDATORS = [MinValueValidator(-180), MaxValueValidator(180)]


class TranslationFallbackMixin:
    """Route /en/... to the Indonesian page when it has no English translation.

    Wagtail routes each language through its own tree; a page that exists only
    in Indonesian would be a 404 for an English reader. Instead the Indonesian
    page is served under the English URL and templates show a notice
    (``request.translation_fallback``).
    """

    def route(self, request, path_components):
        try:
            return super().route(request, path_components)
        except Http404:
            original_row = default_original(self)  # None for the original itself
            original = type(self).objects.filter(pk=original_row.pk).first() if original_row else None
            if original is None:
                raise
            result = original.specific.route(request, path_components)
            request.translation_fallback = True
            return result


class LocatedMixin(models.Model):
    latitude = models.DecimalField(_("lintang"), max_digits=9, decimal_places=6, null=True, blank=True,
                                   validators=LATITUDE_VALIDATORS)
    longitude = models.DecimalField(_("bujur"), max_digits=9, decimal_places=6, null=True, blank=True,
                                    validators=LONGITUDE_VALIDATORS)

    class Meta:
        abstract = True

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def clean(self):
        super().clean()
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("Isi lintang dan bujur bersama-sama, atau kosongkan keduanya."))


class HomePage(TranslationFallbackMixin, RememberedLocaleMixin, RememberedRestrictionsMixin, RegisteredContextMixin,
               Page):
    hero_title = models.CharField(_("judul utama"), max_length=120, blank=True)
    hero_text = models.TextField(_("teks utama"), blank=True)
    hero_image = models.ForeignKey("wagtailimages.Image", verbose_name=_("gambar utama"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    intro = RichTextField(_("pengantar"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [
        MultiFieldPanel([FieldPanel("hero_title"), FieldPanel("hero_text"), FieldPanel("hero_image")],
                        heading=_("Bagian utama")),
        FieldPanel("intro"),
        InlinePanel("featured_destinations", label=_("Destinasi unggulan"), max_num=6),
    ]

    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("beranda")

    def route(self, request, path_components):
        if not path_components and not self.get_deferred_fields():
            return super().route(request, path_components)
        # The home itself is remembered as any other route is: the site's root it is routed from
        # (config.middleware.SiteLookupMiddleware) is a remembered row of only some columns.
        return route_remembered(self, request, path_components, self.route_walk)

    def translation_read(self, locale_id: int):
        """The home in the reader's language, with its hero image, as route_walk reads it."""
        return (type(self).objects.select_related("hero_image")
                .filter(translation_key=self.translation_key, locale_id=locale_id).first())

    def route_walk(self, request, path_components):
        """Wagtail's route; the home itself read whole, with its hero image (the hero and the share
        image both read it)."""
        result = super().route(request, path_components)
        if path_components:
            return result
        return RouteResult(type(self).objects.select_related("hero_image").get(pk=self.pk))


class HomeFeaturedDestination(Orderable):
    home = ParentalKey(HomePage, related_name="featured_destinations", on_delete=models.CASCADE)
    destination = models.ForeignKey("tourism.DestinationPage", verbose_name=_("destinasi"),
                                    on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("destination")]

    class Meta(Orderable.Meta):
        verbose_name = _("destinasi pilihan beranda")
        verbose_name_plural = _("destinasi pilihan beranda")


class DestinationIndexPage(TranslationFallbackMixin, RememberedRestrictionsMixin, RegisteredContextMixin, Page):
    intro = models.TextField(_("pengantar"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["tourism.HomePage"]
    subpage_types = ["tourism.DestinationPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("indeks destinasi")


class DestinationTag(TaggedItemBase):
    content_object = ParentalKey("tourism.DestinationPage", related_name="tagged_items",
                                 on_delete=models.CASCADE)

    class Meta:
        # Named in the admin's messages (what an English refresh brought in), in the editors' language.
        verbose_name = _("tag destinasi")
        verbose_name_plural = _("tag destinasi")


class DestinationPage(TranslationFallbackMixin, RememberedRestrictionsMixin, RegisteredContextMixin, LocatedMixin,
                      Page):
    summary = models.TextField(_("ringkasan"), max_length=400,
                               help_text=_("Satu atau dua kalimat untuk kartu dan hasil pencarian."))
    body = StreamField(BodyBlock(), verbose_name=_("isi"), blank=True)
    category = models.ForeignKey(Category, verbose_name=_("kategori"), on_delete=models.PROTECT,
                                 related_name="destinations")
    district = models.ForeignKey(District, verbose_name=_("kecamatan"), on_delete=models.PROTECT,
                                 related_name="destinations")
    opening_hours = models.CharField(_("jam buka"), max_length=120, blank=True)
    ticket_price_idr = models.PositiveIntegerField(
        _("harga tiket (Rp)"), null=True, blank=True,
        help_text=_("Rupiah utuh. 0 = gratis; kosong = belum diketahui."))
    main_image = models.ForeignKey("wagtailimages.Image", verbose_name=_("gambar utama"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    tags = ClusterTaggableManager(through=DestinationTag, blank=True, verbose_name=_("tag"))
    # Fingerprint of the catalogue record that last wrote this page, so that
    # importing the same file again changes nothing (shared/contracts/catalog-schema.md).
    import_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("main_image"),
        FieldPanel("body"),
        MultiFieldPanel([
            FieldRowPanel([FieldPanel("category"), FieldPanel("district")]),
            FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
            FieldRowPanel([FieldPanel("opening_hours"), FieldPanel("ticket_price_idr")]),
            FieldPanel("tags"),
        ], heading=_("Rincian")),
        InlinePanel("gallery_images", label=_("Galeri"), max_num=24),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("category"),
        index.FilterField("district"),
    ]
    parent_page_types = ["tourism.DestinationIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("destinasi")
        verbose_name_plural = _("destinasi")

    @property
    def is_free(self) -> bool:
        return self.ticket_price_idr == 0

    def gallery_items(self) -> list:
        """The gallery with its pictures, in one query however long it is; their renditions are the
        caller's to attach (config.renditions.renditions_attach: tourism.destination_page)."""
        return list(self.gallery_images.select_related("image"))


class DestinationGalleryImage(Orderable):
    page = ParentalKey(DestinationPage, related_name="gallery_images", on_delete=models.CASCADE)
    image = models.ForeignKey("wagtailimages.Image", verbose_name=_("gambar"),
                              on_delete=models.CASCADE, related_name="+")
    caption = models.CharField(_("keterangan"), max_length=250, blank=True)
    credit = models.CharField(_("kredit"), max_length=120, blank=True)

    panels = [FieldPanel("image"), FieldPanel("caption"), FieldPanel("credit")]

    class Meta(Orderable.Meta):
        verbose_name = _("gambar galeri destinasi")
        verbose_name_plural = _("gambar galeri destinasi")


class EventIndexPage(TranslationFallbackMixin, RememberedRestrictionsMixin, RegisteredContextMixin, Page):
    intro = models.TextField(_("pengantar"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["tourism.HomePage"]
    subpage_types = ["tourism.EventPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("indeks acara")


class EventTag(TaggedItemBase):
    content_object = ParentalKey("tourism.EventPage", related_name="tagged_items",
                                 on_delete=models.CASCADE)

    class Meta:
        # Named in the admin's messages (what an English refresh brought in), in the editors' language.
        verbose_name = _("tag acara")
        verbose_name_plural = _("tag acara")


class EventPage(TranslationFallbackMixin, RememberedRestrictionsMixin, RegisteredContextMixin, RoutablePageMixin,
                LocatedMixin, Page):
    summary = models.TextField(_("ringkasan"), max_length=400)
    body = StreamField(BodyBlock(), verbose_name=_("isi"), blank=True)
    start = models.DateTimeField(_("mulai"), help_text=_("Waktu Indonesia Tengah (WITA)."))
    end = models.DateTimeField(_("selesai"), null=True, blank=True)
    venue = models.ForeignKey(DestinationPage, verbose_name=_("tempat"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="events")
    district = models.ForeignKey(District, verbose_name=_("kecamatan"), on_delete=models.PROTECT,
                                 related_name="events")
    main_image = models.ForeignKey("wagtailimages.Image", verbose_name=_("gambar utama"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    tags = ClusterTaggableManager(through=EventTag, blank=True, verbose_name=_("tag"))
    import_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldRowPanel([EventDateFieldPanel("start"), EventDateFieldPanel("end")]),
        FieldPanel("main_image"),
        FieldPanel("body"),
        MultiFieldPanel([
            FieldPanel("venue"),
            FieldPanel("district"),
            FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
            FieldPanel("tags"),
        ], heading=_("Tempat")),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("start"),
        index.FilterField("district"),
    ]
    parent_page_types = ["tourism.EventIndexPage"]
    subpage_types = []
    base_form_class = EventPageForm

    class Meta:
        verbose_name = _("acara")
        verbose_name_plural = _("acara")
        ordering = ["start"]

    def clean(self):
        super().clean()
        # The admin's years (config/admin_dates.py), checked here too for what reaches an event
        # another way: the catalogue import reads this clean().
        out_of_years = {}
        for name in ("start", "end"):
            try:
                admin_years_validate(getattr(self, name))
            except ValidationError as refused:
                out_of_years[name] = refused
        if out_of_years:
            raise ValidationError(out_of_years)
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("Waktu selesai tidak boleh sebelum waktu mulai.")})

    @property
    def is_past(self) -> bool:
        return (self.end or self.start) < timezone.now()

    @property
    def ends_another_day(self) -> bool:
        """Whether it ends on a later day than it starts (WITA): a list names its last day too, or a
        festival over two days and a night market until one in the morning read as one evening."""
        return self.end is not None and timezone.localdate(self.end) != timezone.localdate(self.start)

    @property
    def venue_is_public(self) -> bool:
        """Whether the venue's page is there to link to: live and not private. An editor unpublished a
        destination (closed for works) and its events still linked to it, a 404; they name it only."""
        venue = self.venue
        if venue is None or not venue.live:
            return False
        return not any_view_restriction() or not venue.get_view_restrictions().exists()

    @property
    def coordinates(self):
        """The event's own location, else its venue's."""
        if self.has_location:
            return self.latitude, self.longitude
        if self.venue_id and self.venue.has_location:
            return self.venue.latitude, self.venue.longitude
        return None

    @path("")
    def event_detail(self, request):
        return self.render(request)

    # Wagtail serves only paths of words and slashes, so the file has a folder-like URL.
    @path("kalender/", name="ics")
    def calendar_file(self, request):
        response = HttpResponse(event_to_ics(self, request=request), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.slug}.ics"'
        return response


# --- Campaigns (Gebrak, issue 6) -------------------------------------------------------------

HASHTAG_VALIDATOR = RegexValidator(r"^#?\w{2,60}$", _("Tagar hanya huruf, angka, dan garis bawah, mis. #GebrakBanjar."))


class CampaignIndexPage(TranslationFallbackMixin, RememberedRestrictionsMixin, RegisteredContextMixin, Page):
    """/kampanye/: the campaigns running now, then those that ended."""

    intro = models.TextField(_("pengantar"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["tourism.HomePage"]
    subpage_types = ["tourism.CampaignPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("indeks kampanye")


class CampaignPage(TranslationFallbackMixin, RememberedRestrictionsMixin, RegisteredContextMixin, Page):
    """A campaign's landing page, built from blocks, running from `start` to `end` (dates, WITA).

    Its slug names the campaign in shared links (utm_campaign) and in the editors' dashboard.
    """

    summary = models.TextField(_("ringkasan"), max_length=400,
                               help_text=_("Satu atau dua kalimat untuk beranda, kartu, dan pratinjau berbagi."))
    hashtag = models.CharField(_("tagar"), max_length=61, blank=True, validators=[HASHTAG_VALIDATOR],
                               help_text=_("mis. #GebrakBanjar; tampil di beranda dan di gambar berbagi."))
    start = models.DateField(_("mulai"), help_text=_("Hari pertama kampanye tampil di beranda (WITA)."))
    end = models.DateField(_("selesai"), help_text=_("Hari terakhir kampanye tampil di beranda (WITA)."))
    main_image = models.ForeignKey("wagtailimages.Image", verbose_name=_("gambar utama"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+",
                                   help_text=_("Untuk kartu di halaman Kampanye dan gambar berbagi. Gambar besar di halaman "
                                               "kampanye dipasang lewat blok “Bagian utama” di isi."))
    body = StreamField(CampaignBodyBlock(), verbose_name=_("isi"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
        FieldRowPanel([FieldPanel("hashtag"), FieldPanel("main_image")]),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["tourism.CampaignIndexPage", "tourism.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("kampanye")
        verbose_name_plural = _("kampanye")

    def clean(self):
        super().clean()
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("Tanggal selesai tidak boleh sebelum tanggal mulai.")})

    @property
    def hashtag_text(self) -> str:
        """The hashtag with exactly one leading #, or ''."""
        return f"#{self.hashtag.lstrip('#')}" if self.hashtag else ""

    @property
    def is_running(self) -> bool:
        today = timezone.localdate()
        return self.start <= today <= self.end


# --- Visitors' photos and share counts (Gebrak, issue 6) -----------------------------------

class VisitorPhotoStatus(models.TextChoices):
    PENDING = "pending", _("Menunggu moderasi")
    APPROVED = "approved", _("Disetujui")
    REJECTED = "rejected", _("Ditolak")


class VisitorPhotoLicence(models.TextChoices):
    CC_BY_4 = "cc-by-4.0", "CC BY 4.0"


INSTAGRAM_VALIDATOR = RegexValidator(r"^@?[A-Za-z0-9._]{1,30}$",
                                     _("Nama Instagram hanya huruf, angka, titik, dan garis bawah (maks. 30)."))


class VisitorPhoto(models.Model):
    """A tourist's photo of a destination. Shown only once an editor approves it.

    Attached to the Indonesian original of the destination, so it appears in both
    languages. Nothing about the sender is kept beyond the name and handle they
    chose to be credited with: no IP address, no email. Until an editor approves it,
    the photo is a file in the private storage (`pending_file`), which nobody reads
    without a permission check or a short-lived signature; approved, it becomes a
    Wagtail image in the public storage (`image`).
    """

    destination = models.ForeignKey(DestinationPage, verbose_name=_("destinasi"), on_delete=models.CASCADE,
                                    related_name="visitor_photos")
    image = models.ForeignKey("wagtailimages.Image", verbose_name=_("foto"), on_delete=models.CASCADE,
                              related_name="+", null=True, blank=True)
    # The name in storages["private"] while the photo waits; emptied when it is decided.
    pending_file = models.CharField(_("berkas menunggu moderasi"), max_length=255, blank=True, editable=False)
    name = models.CharField(_("nama"), max_length=80)
    instagram = models.CharField(_("Instagram"), max_length=31, blank=True, validators=[INSTAGRAM_VALIDATOR])
    caption = models.CharField(_("keterangan"), max_length=200, blank=True)
    licence = models.CharField(_("lisensi"), max_length=20, choices=VisitorPhotoLicence.choices,
                               default=VisitorPhotoLicence.CC_BY_4)
    consented_at = models.DateTimeField(_("persetujuan diberikan pada"))
    status = models.CharField(_("status"), max_length=10, choices=VisitorPhotoStatus.choices,
                              default=VisitorPhotoStatus.PENDING, db_index=True)
    submitted_at = models.DateTimeField(_("dikirim pada"), default=timezone.now, db_index=True)
    decided_at = models.DateTimeField(_("diputuskan pada"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("diputuskan oleh"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["submitted_at", "pk"]
        verbose_name = _("foto pengunjung")
        verbose_name_plural = _("foto pengunjung")
        permissions = [("moderate_visitorphoto", _("Dapat memoderasi foto pengunjung"))]

    def __str__(self):
        return f"{self.name} · {self.destination_id}"

    @property
    def instagram_handle(self) -> str:
        return f"@{self.instagram.lstrip('@')}" if self.instagram else ""

    @property
    def credit(self) -> str:
        """'Foto: Name (@handle) · CC BY 4.0': the credit printed under the photo."""
        who = self.name + (f" ({self.instagram_handle})" if self.instagram else "")
        return f"{who} · {self.get_licence_display()}"


class ShareEvent(models.TextChoices):
    CLICK = "click", _("Klik tombol bagikan")
    VISIT = "visit", _("Kunjungan dari tautan yang dibagikan")
    SHOP_VISIT = "shop_visit", _("Lanjut ke toko perajin")


class ShareTally(models.Model):
    """How often a page was shared, or visited through a shared link, per channel and day.

    Only counts: no IP address, no user agent, no session or user id. `target_type`
    and `target_id` name the page (for Wagtail pages, the Indonesian original's id,
    so both languages add up), the product or the shop.
    """

    day = models.DateField(_("hari"))
    event = models.CharField(_("kejadian"), max_length=12, choices=ShareEvent.choices)
    channel = models.CharField(_("saluran"), max_length=12)
    target_type = models.CharField(_("jenis halaman"), max_length=12)
    target_id = models.PositiveBigIntegerField(_("id halaman"))
    campaign = models.CharField(_("kampanye"), max_length=100, blank=True)
    count = models.PositiveIntegerField(_("jumlah"), default=0)

    class Meta:
        verbose_name = _("hitungan berbagi")
        verbose_name_plural = _("hitungan berbagi")
        constraints = [
            models.UniqueConstraint(fields=["day", "event", "channel", "target_type", "target_id", "campaign"],
                                    name="tourism_sharetally_one_row_per_key"),
        ]
        indexes = [models.Index(fields=["day", "event"])]
