"""The couriers' rate table editors keep in the admin: services and their price per zone.

A parcel's price is the first kilogram plus each further kilogram, the weight rounded up to
whole kilograms as the courier does: an excess over a whole kilogram up to the service's
tolerance is not charged (JNE, J&T and SiCepat forgive 300 g: 1.3 kg is charged 1 kg, 1.31 kg
2 kg), anything lighter than a kilogram is charged one (marketplace.shipping.rates).
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel

from marketplace.shipping.regions import Zone

MAX_RATE_IDR = 100_000_000  # no parcel kilogram costs more; a typo of three zeros is refused
MAX_DAYS = 60


class CourierService(models.Model):
    """One service of one courier, e.g. JNE's REG."""

    code = models.SlugField(_("kode"), max_length=40, unique=True,
                            help_text=_("Dipakai pesanan dan API, mis. jne-reg. Jangan diubah setelah dipakai."))
    courier = models.SlugField(_("kurir"), max_length=20, help_text=_("mis. jne, jnt, sicepat, pos"))
    service = models.CharField(_("layanan"), max_length=40, help_text=_("mis. REG, YES, EZ"))
    label = models.CharField(_("nama yang dibaca pembeli"), max_length=60, help_text=_("mis. JNE REG"))
    label_en = models.CharField(
        _("nama dalam bahasa Inggris"), max_length=60, blank=True,
        help_text=_("Yang dibaca pembeli di halaman bahasa Inggris, mis. POS EMS (international). Kosong: "
                    "nama di atas (cukup untuk nama merek seperti JNE REG)."))
    weight_tolerance_g = models.PositiveIntegerField(
        _("toleransi berat (gram)"), default=0, validators=[MaxValueValidator(999)],
        help_text=_("Kelebihan di atas kilogram utuh yang tidak dihitung kurir, mis. 300 untuk JNE."))
    is_active = models.BooleanField(_("aktif"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    panels = [FieldRowPanel([FieldPanel("code"), FieldPanel("courier"), FieldPanel("service")]),
              FieldRowPanel([FieldPanel("label"), FieldPanel("label_en")]), FieldPanel("weight_tolerance_g"), FieldPanel("is_active"), FieldPanel("sort_order")]

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("layanan kurir")
        verbose_name_plural = _("layanan kurir")
        constraints = [
            models.CheckConstraint(condition=Q(weight_tolerance_g__lt=1000),
                                   name="shipping_courierservice_tolerance_under_1kg"),
        ]

    def __str__(self):
        return self.label

    def clean(self):
        # The rate table's CSV writes codes and couriers in lower case (table_csv): a service saved
        # here as JNE-KILAT came back from an export and import as a second service, jne-kilat, and
        # the first was switched off. Lower case before the uniqueness check, which runs after this.
        super().clean()
        self.code, self.courier = self.code.lower(), self.courier.lower()


class ShippingRate(models.Model):
    """What a service charges from Banjar to one zone, and how long it takes."""

    service = models.ForeignKey(CourierService, verbose_name=_("layanan kurir"), on_delete=models.CASCADE,
                                related_name="rates")
    zone = models.CharField(_("zona tujuan"), max_length=20, choices=Zone.choices)
    first_kg_idr = models.PositiveIntegerField(_("kilogram pertama (Rp)"),
                                               validators=[MaxValueValidator(MAX_RATE_IDR)])
    next_kg_idr = models.PositiveIntegerField(_("tiap kilogram berikutnya (Rp)"),
                                              validators=[MaxValueValidator(MAX_RATE_IDR)])
    days_min = models.PositiveSmallIntegerField(_("paling cepat (hari)"), validators=[MaxValueValidator(MAX_DAYS)])
    days_max = models.PositiveSmallIntegerField(_("paling lama (hari)"), validators=[MaxValueValidator(MAX_DAYS)])

    panels = [FieldRowPanel([FieldPanel("service"), FieldPanel("zone")]),
              FieldRowPanel([FieldPanel("first_kg_idr"), FieldPanel("next_kg_idr")]),
              FieldRowPanel([FieldPanel("days_min"), FieldPanel("days_max")])]

    class Meta:
        ordering = ["service__sort_order", "service__code", "zone"]
        verbose_name = _("tarif kirim")
        verbose_name_plural = _("tarif kirim")
        constraints = [
            models.UniqueConstraint(fields=["service", "zone"], name="shipping_rate_one_per_service_zone"),
            models.CheckConstraint(condition=Q(days_min__lte=F("days_max")), name="shipping_rate_days_in_order"),
            models.CheckConstraint(condition=Q(first_kg_idr__lte=MAX_RATE_IDR, next_kg_idr__lte=MAX_RATE_IDR),
                                   name="shipping_rate_prices_bounded"),
        ]

    def __str__(self):
        return f"{self.service} → {self.get_zone_display()}"

    def clean(self):
        super().clean()
        if self.days_min is not None and self.days_max is not None and self.days_min > self.days_max:
            raise ValidationError({"days_max": _("Paling lama tidak boleh lebih cepat dari paling cepat.")})
