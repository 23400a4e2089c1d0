"""The forms of reviews: the buyer's review, the artisan's reply, a visitor's report, an editor's decision."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from marketplace.forms import MultiplePhotoField
from marketplace.reviews.models import (
    MAX_PHOTOS_PER_REVIEW,
    REASON_MAX_LENGTH,
    REPLY_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    TEXT_MIN_LENGTH,
    ReportReason,
    ReviewLanguage,
)

RATING_CHOICES = [(5, _("5 bintang: sangat puas")), (4, _("4 bintang: puas")), (3, _("3 bintang: cukup")),
                  (2, _("2 bintang: kurang puas")), (1, _("1 bintang: kecewa"))]


def _one_line(value: str) -> str:
    """Text as typed, without control characters (a tab or a newline stays)."""
    return "".join(ch for ch in value if ch in "\n\t" or ch.isprintable()).strip()


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Nilai Anda"), choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect,
        error_messages={"required": _("Pilih nilai 1 sampai 5 bintang."),
                        "invalid_choice": _("Pilih nilai 1 sampai 5 bintang.")})
    text = forms.CharField(
        label=_("Ulasan Anda"), min_length=TEXT_MIN_LENGTH, max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Kain, warna, jahitan, pengiriman: apa yang perlu diketahui pembeli berikutnya?"),
        error_messages={"required": _("Tulis ulasan Anda."),
                        "min_length": _("Ulasan terlalu pendek: tulis paling sedikit %(limit_value)d huruf."),
                        "max_length": _("Ulasan terlalu panjang: paling banyak %(limit_value)d huruf "
                                        "(sekarang %(show_value)d).")})
    language = forms.ChoiceField(label=_("Bahasa ulasan"), choices=ReviewLanguage.choices,
                                 error_messages={"invalid_choice": _("Pilih bahasa Indonesia atau Inggris.")})
    photos = MultiplePhotoField(
        label=_("Foto (boleh sampai 3)"), required=False,
        help_text=_("JPEG, PNG, atau WebP; maksimal 10 MB per foto. Lokasi GPS di dalam foto dihapus."))

    def __init__(self, *args, photo_count: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.photo_count = photo_count

    def clean_text(self):
        text = _one_line(self.cleaned_data["text"])
        if len(text) < TEXT_MIN_LENGTH:
            raise ValidationError(_("Ulasan terlalu pendek: tulis paling sedikit %(limit)d huruf.")
                                  % {"limit": TEXT_MIN_LENGTH})
        return text

    def full_clean(self):
        # More photos than allowed are refused before any of them is decoded.
        if self.is_bound and self.photo_count > MAX_PHOTOS_PER_REVIEW:
            self.files = self.files.copy()
            self.files.pop("photos", None)
            super().full_clean()
            self.add_error("photos", _("Paling banyak %(max)d foto per ulasan; Anda memilih %(count)d.")
                           % {"max": MAX_PHOTOS_PER_REVIEW, "count": self.photo_count})
            return
        super().full_clean()


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("Balasan Anda (tampil untuk umum)"), max_length=REPLY_MAX_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": _("Tulis balasan Anda."),
                                           "max_length": _("Balasan paling banyak %(limit_value)d huruf.")})

    def clean_text(self):
        text = _one_line(self.cleaned_data["text"])
        if not text:
            raise ValidationError(_("Tulis balasan Anda."))
        return text


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("Alasan"), choices=ReportReason.choices, widget=forms.RadioSelect,
                               error_messages={"required": _("Pilih alasan laporan."),
                                               "invalid_choice": _("Pilih alasan laporan.")})
    note = forms.CharField(label=_("Catatan"), max_length=300, required=False)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("reject", "reject")])
    reason = forms.CharField(max_length=REASON_MAX_LENGTH, required=False)
