"""Forms of the cart, checkout, the artisans' order pages and the editors' refunds.

Every error is a sentence a person can act on, in the reader's language
(msgids in Indonesian, English in the catalogue).
"""

from __future__ import annotations

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from config.digits import (
    DASHES,
    PastedCharField,
    WholeNumberField,
    ascii_digits,
    code_normalize,
    pasted_clean,
)
from marketplace.orders import payouts
from marketplace.orders.couriers import COURIERS, courier_by_name, tracking_number_normalize
from marketplace.services import phone_normalize
from marketplace.shipping.regions import country_choices

# The 38 provinces of Indonesia (2022 onwards).
PROVINCES = [
    "Aceh", "Sumatera Utara", "Sumatera Barat", "Riau", "Kepulauan Riau", "Jambi", "Sumatera Selatan",
    "Kepulauan Bangka Belitung", "Bengkulu", "Lampung", "DKI Jakarta", "Jawa Barat", "Banten", "Jawa Tengah",
    "DI Yogyakarta", "Jawa Timur", "Bali", "Nusa Tenggara Barat", "Nusa Tenggara Timur", "Kalimantan Barat",
    "Kalimantan Tengah", "Kalimantan Selatan", "Kalimantan Timur", "Kalimantan Utara", "Sulawesi Utara",
    "Gorontalo", "Sulawesi Tengah", "Sulawesi Barat", "Sulawesi Selatan", "Sulawesi Tenggara", "Maluku",
    "Maluku Utara", "Papua", "Papua Barat", "Papua Barat Daya", "Papua Tengah", "Papua Pegunungan",
    "Papua Selatan",
]
POSTAL_CODE = re.compile(r"^[1-9][0-9]{4}$")
# Abroad: postal codes as the country writes them (letters, digits, spaces, hyphens), or none.
FOREIGN_POSTAL_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 -]{0,10}$")
FOREIGN_PHONE = re.compile(r"^\+[1-9][0-9]{6,14}$")
# Countries whose postal addresses name a state, province or territory, without which a parcel is held
# or returned: the region is asked there and optional elsewhere abroad (Singapore has none).
REGION_REQUIRED = frozenset("AU BR CA CN IN MX MY US".split())
QUANTITY_ERRORS = {"invalid": _("Jumlah harus berupa angka."),
                   "min_value": _("Jumlah paling sedikit %(limit_value)s."),
                   "max_value": _("Jumlah paling banyak %(limit_value)s."),
                   "required": _("Tulis jumlahnya.")}


def _required(message):
    return {"required": message}


class AddToCartForm(forms.Form):
    product = forms.IntegerField(min_value=1, max_value=2**62, widget=forms.HiddenInput)
    size = forms.IntegerField(label=_("Ukuran"), min_value=1, max_value=2**62, required=False)
    quantity = forms.IntegerField(label=_("Jumlah"), min_value=1, max_value=99, initial=1,
                                  error_messages=QUANTITY_ERRORS)


class CartUpdateForm(forms.Form):
    line = forms.RegexField(regex=r"^[0-9]{1,18}:[0-9]{1,18}$")
    quantity = forms.IntegerField(label=_("Jumlah"), min_value=0, max_value=99, error_messages=QUANTITY_ERRORS)


class CartRemoveForm(forms.Form):
    line = forms.RegexField(regex=r"^[0-9]{1,18}:[0-9]{1,18}$")


class CartDestinationForm(forms.Form):
    """Where to, for the cart's shipping estimate (a GET form: works without JavaScript)."""

    # The province is asked for Indonesia only, and the cart has no script to say so to the browser:
    # a `required` on it stopped a buyer abroad at "Pilih provinsi" before the form was sent. The
    # server asks for what is missing (clean_province), beside the field.
    use_required_attribute = False

    country = forms.ChoiceField(label=_("Negara"), choices=country_choices, initial="ID",
                                error_messages={"required": _("Pilih negara."),
                                                "invalid_choice": _("Pilih negara dari daftar.")})
    province = forms.ChoiceField(label=_("Provinsi (di Indonesia)"),
                                 choices=[("", _("Pilih provinsi"))] + [(p, p) for p in PROVINCES],
                                 error_messages={"required": _("Pilih provinsi untuk melihat perkiraan ongkir."),
                                                 "invalid_choice": _("Pilih provinsi dari daftar.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound and self.data.get("country", "ID") != "ID":
            self.fields["province"].required = False

    def clean_province(self):
        return "" if self.cleaned_data.get("country", "ID") != "ID" else self.cleaned_data["province"]


class CheckoutForm(forms.Form):
    name = forms.CharField(label=_("Nama lengkap"), max_length=120,
                           error_messages=_required(_("Tulis nama penerima.")),
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label=_("Email"), max_length=254,
                             error_messages={"required": _("Tulis alamat email: bukti pesanan dikirim ke sana."),
                                             "invalid": _("Tulis alamat email yang benar, mis. nama@contoh.id.")},
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    country = forms.ChoiceField(label=_("Negara"), choices=country_choices, initial="ID",
                                error_messages={"required": _("Pilih negara."),
                                                "invalid_choice": _("Pilih negara dari daftar.")},
                                widget=forms.Select(attrs={"autocomplete": "country"}))
    phone = PastedCharField(label=_("Nomor WhatsApp"), max_length=20,
                            error_messages={"required": _("Tulis nomor WhatsApp agar perajin dapat menghubungi Anda."),
                                            "max_length": _("Nomor WhatsApp terlalu panjang. Contoh: 0812 3456 7890.")},
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}))
    province = forms.ChoiceField(label=_("Provinsi (di Indonesia)"),
                                 choices=[("", _("Pilih provinsi"))] + [(p, p) for p in PROVINCES],
                                 error_messages={"required": _("Pilih provinsi."),
                                                 "invalid_choice": _("Pilih provinsi dari daftar.")})
    region = forms.CharField(
        # Named apart from "Negara" and "Provinsi" (the boxes beside it): a label beginning or holding the
        # same word left a voice command, or a test finding a box by its label, two boxes to choose from.
        label=_("Wilayah (di luar negeri)"), max_length=60, required=False,
        help_text=_("Negara bagian atau provinsinya, mis. NSW, California atau Selangor; wajib untuk Amerika "
                    "Serikat, Australia, Brasil, India, Kanada, Malaysia, Meksiko dan Tiongkok."),
        error_messages={"required": _("Tulis negara bagian atau provinsinya: alamat di negara ini memerlukannya."),
                        "max_length": _("Negara bagian terlalu panjang; tulis singkatannya, mis. NSW.")},
        # checkout.js reads where it is asked for: the label's "(boleh dikosongkan)" goes there.
        widget=forms.TextInput(attrs={"autocomplete": "address-level1",
                                      "data-required-in": " ".join(sorted(REGION_REQUIRED))}))
    regency = forms.CharField(label=_("Kabupaten/kota (di luar negeri: kota)"), max_length=100,
                              error_messages=_required(_("Tulis kabupaten atau kota.")),
                              widget=forms.TextInput(attrs={"autocomplete": "address-level2"}))
    district = forms.CharField(label=_("Kecamatan (di Indonesia)"), max_length=100,
                               error_messages=_required(_("Tulis kecamatan.")),
                               widget=forms.TextInput(attrs={"autocomplete": "address-level3"}))
    postal_code = forms.CharField(label=_("Kode pos"), max_length=12,
                                  error_messages={"required": _("Tulis kode pos (5 angka)."),
                                                  "max_length": _("Kode pos terlalu panjang.")},
                                  widget=forms.TextInput(attrs={"autocomplete": "postal-code"}))
    street = forms.CharField(label=_("Alamat (jalan, nomor rumah, RT/RW, desa/kelurahan)"), max_length=500,
                             error_messages=_required(_("Tulis alamat jalan dan nomor rumah.")),
                             widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}))
    checkout_key = forms.RegexField(regex=r"^[A-Za-z0-9_-]{16,64}$", widget=forms.HiddenInput,
                                    error_messages={"required": _("Formulir kedaluwarsa; muat ulang halaman."),
                                                    "invalid": _("Formulir kedaluwarsa; muat ulang halaman.")})

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        # One word is a whole name in Indonesia ("Sukarno"), one letter is not: a courier cannot find "A".
        if sum(character.isalpha() for character in name) < 2:
            raise ValidationError(_("Tulis nama penerima seperti di KTP atau paspor, mis. Siti Aminah."))
        return name

    # What a buyer who collects everything at the workshops need not give (CheckoutForm(collecting_only=True)).
    HOME_ADDRESS = ("regency", "district", "postal_code", "street")

    def __init__(self, *args, collecting_only: bool = False, quoting: bool = False, **kwargs):
        """`collecting_only`: every shop's delivery chosen is pickup, so no parcel needs an address: in
        Indonesia only the province is asked (it prices the other choices); the rest is not kept.
        `quoting`: "Hitung ongkir" without JavaScript, which needs only what prices the delivery (the
        country, the province, the city): a buyer who will collect is not made to type a street first."""
        super().__init__(*args, **kwargs)
        self.collecting_only = collecting_only
        if self.is_bound and not self.data.get("country"):
            # A form from before the country was asked (a page open across the deploy): Indonesia.
            self.data = self.data.copy()
            self.data["country"] = "ID"
        if self.is_bound and self.data.get("country") != "ID":
            # Abroad: no province nor kecamatan, and a postal code only where the country has one.
            for name in ("province", "district", "postal_code"):
                self.fields[name].required = False
            self.fields["region"].required = self.data.get("country") in REGION_REQUIRED
        elif self.is_bound and collecting_only:
            for name in self.HOME_ADDRESS:
                self.fields[name].required = False
        if self.is_bound and quoting:
            for name in ("district", "postal_code", "street"):
                self.fields[name].required = False

    def _abroad(self) -> bool:
        return self.cleaned_data.get("country", "ID") != "ID"

    def _address_unused(self) -> bool:
        """Collecting everything in Indonesia: the home address is neither checked nor kept (a half-typed
        postal code left above the pickup choice stops nobody)."""
        return self.collecting_only and not self._abroad()

    def clean_phone(self):
        if self._abroad():
            compact = re.sub(rf"[\s{DASHES}().]", "", pasted_clean(self.cleaned_data["phone"]))
            if not FOREIGN_PHONE.match(compact):
                raise ValidationError(_("Tulis nomor WhatsApp dengan kode negara, mis. +65 9123 4567."))
            return compact
        try:
            return phone_normalize(self.cleaned_data["phone"])
        except ValidationError as error:
            raise ValidationError(_("Nomor WhatsApp tidak valid. Contoh: 0812 3456 7890.")) from error

    def clean_province(self):
        if self._abroad():
            return ""
        return self.cleaned_data["province"]

    def clean_region(self):
        """Abroad, the state or region as the buyer writes it (stored where an Indonesian address keeps
        its province); in Indonesia, nothing (the province list says it)."""
        if not self._abroad():
            return ""
        return " ".join(self.cleaned_data["region"].split())

    def clean_postal_code(self):
        if self._address_unused():
            return ""
        # NFKC: digits typed on a phone's full-width keyboard read as digits.
        value = " ".join(unicodedata.normalize("NFKC", self.cleaned_data["postal_code"]).split()).upper()
        if self._abroad():
            if value and not FOREIGN_POSTAL_CODE.match(value):
                raise ValidationError(_("Kode pos hanya berisi huruf, angka, spasi atau tanda hubung."))
            return value
        value = re.sub(r"[\s.-]", "", value)  # "70 111", "70-111": five digits as people group them
        if not value and not self.fields["postal_code"].required:  # "Hitung ongkir" before it is typed
            return ""
        if not POSTAL_CODE.match(value):
            raise ValidationError(_("Kode pos terdiri dari 5 angka, mis. 70614."))
        return value

    def clean_regency(self):
        return "" if self._address_unused() else " ".join(self.cleaned_data["regency"].split())

    def clean_district(self):
        return "" if self._address_unused() else " ".join(self.cleaned_data["district"].split())

    def clean_street(self):
        return "" if self._address_unused() else self.cleaned_data["street"].strip()


class ShipForm(forms.Form):
    """The courier from the list (its name is what is stored) and its receipt number, checked against
    what that courier's numbers look like (couriers.COURIERS)."""

    courier = forms.ChoiceField(label=_("Kurir"), choices=[("", _("Pilih kurir"))] + [
        (courier.name, courier.name) for courier in COURIERS],
        error_messages={"required": _("Pilih kurir dari daftar."),
                        "invalid_choice": _("Pilih kurir dari daftar.")})
    tracking_number = PastedCharField(
        label=_("Nomor resi"), max_length=40,
        error_messages={"required": _("Tulis nomor resi dari kurir."),
                        "max_length": _("Nomor resi terlalu panjang; salin dari struk kurir.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                      "spellcheck": "false"}))

    def clean_tracking_number(self):
        return tracking_number_normalize(self.cleaned_data["tracking_number"])

    def clean(self):
        cleaned = super().clean()
        courier = courier_by_name(cleaned.get("courier", ""))
        number = cleaned.get("tracking_number")
        if courier is not None and number and not courier.number_pattern.match(number):
            self.add_error("tracking_number", ValidationError(
                _("Nomor resi %(courier)s tidak seperti itu. Contoh nomor resi %(courier)s: %(example)s."),
                params={"courier": courier.name, "example": courier.example}))
        return cleaned


class CollectForm(forms.Form):
    code = PastedCharField(label=_("Kode pengambilan dari pembeli"), max_length=20,
                           error_messages={"required": _("Tulis kode pengambilan yang ditunjukkan pembeli."),
                                           "max_length": _("Kode pengambilan terdiri dari 6 huruf dan angka.")},
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                                         "spellcheck": "false"}))


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Alasan pembatalan (dibaca pembeli)"), max_length=300,
                             error_messages=_required(_("Tulis alasannya: pembeli akan membacanya.")),
                             widget=forms.Textarea(attrs={"rows": 3}))


# Indonesian banks' account numbers are 10-16 digits; a little room either way.
ACCOUNT_DIGITS = (6, 30)


class BankAccountForm(forms.Form):
    bank_name = forms.CharField(label=_("Nama bank"), max_length=60,
                                error_messages=_required(_("Tulis nama bank, mis. BRI, BNI, Bank Kalsel.")))
    # Pasted from a chat or a note, a number comes with spaces, dashes and invisible direction marks
    # (config.digits.code_normalize takes them out before the digits are checked).
    account_number = PastedCharField(label=_("Nomor rekening"), max_length=80,
                                     error_messages={"required": _("Tulis nomor rekening.")})
    account_holder = forms.CharField(label=_("Nama pemilik rekening"), max_length=120,
                                     error_messages=_required(_("Tulis nama pemilik rekening seperti di buku tabungan.")))

    def clean_account_number(self):
        number = code_normalize(self.cleaned_data["account_number"])
        if not ascii_digits(number):
            raise ValidationError(_("Nomor rekening hanya berisi angka."), code="invalid")
        if not ACCOUNT_DIGITS[0] <= len(number) <= ACCOUNT_DIGITS[1]:
            raise ValidationError(_("Nomor rekening terdiri dari %(min)s sampai %(max)s angka; yang ditulis %(count)s."),
                                  code="length", params={"min": ACCOUNT_DIGITS[0], "max": ACCOUNT_DIGITS[1],
                                                         "count": len(number)})
        return number


class RefundForm(forms.Form):
    """For editors in the Wagtail admin: all of the order or one shop's part, all or some of it."""

    target = forms.ChoiceField(label=_("Yang dikembalikan"), widget=forms.RadioSelect)
    amount_idr = WholeNumberField(label=_("Jumlah (Rp)"), min_value=1, required=False,
                                  help_text=_("Kosongkan untuk mengembalikan semua yang tersisa."),
                                  error_messages={"invalid": _("Jumlah ditulis dalam rupiah utuh, mis. 50000 atau "
                                                               "50.000."),
                                                  "min_value": _("Jumlah harus lebih dari Rp 0.")})
    reason = forms.CharField(label=_("Alasan (dibaca pembeli)"), max_length=300,
                             error_messages=_required(_("Tulis alasannya: pembeli akan membacanya.")),
                             widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, order, remaining: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("order", _("Seluruh pesanan (sisa Rp %(amount)s)") % {
            "amount": f"{sum(remaining.values()):,}".replace(",", ".")})]
        for sub_order in order.sub_orders.all():
            choices.append((str(sub_order.pk), _("Bagian %(shop)s (sisa Rp %(amount)s)") % {
                "shop": sub_order.shop.name, "amount": f"{remaining.get(sub_order.pk, 0):,}".replace(",", ".")}))
        self.fields["target"].choices = choices
        self.fields["target"].initial = "order"


# A date picker reads and writes ISO dates only: in the language's own format (31-05-2026 in
# Indonesian) the browser dropped the value and the proposed period showed empty.
PICKED_DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class SettlementForm(forms.Form):
    """A period of settlements, as the report reads it."""

    period_start = forms.DateField(label=_("Awal periode"), widget=PICKED_DATE,
                                   error_messages={"required": _("Pilih tanggal awal."),
                                                   "invalid": _("Tanggal tidak valid.")})
    period_end = forms.DateField(label=_("Akhir periode"), widget=PICKED_DATE,
                                 error_messages={"required": _("Pilih tanggal akhir."),
                                                 "invalid": _("Tanggal tidak valid.")})

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and start > end:
            self.add_error("period_end", _("Akhir periode harus sesudah awalnya."))
        return cleaned


class SettleForm(SettlementForm):
    """A period to settle: it ends today at the latest (payouts.period_end_latest)."""

    def clean(self):
        cleaned = super().clean()
        end, latest = cleaned.get("period_end"), payouts.period_end_latest()
        if end and end > latest:
            self.add_error("period_end", _("Akhir periode paling lambat hari ini, %(latest)s.")
                           % {"latest": date_format(latest, "j F Y")})
        return cleaned
