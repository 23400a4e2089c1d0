"""Forms of Kampung Sasirangan: the listing's filters and the artisans' dashboard.

Messages are written in Indonesian (gettext msgids) and appear next to the field
they are about. Photos are checked here (marketplace.uploads) before anything is
written, so a bad photo among several leaves the product untouched.
"""

from __future__ import annotations

import secrets

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from config.digits import PastedCharField, WholeNumberField
from marketplace import services
from marketplace.models import (
    MAX_PHOTOS_PER_PRODUCT,
    MAX_WEIGHT_G,
    MIN_WEIGHT_G,
    SHIPS_FROM_DEFAULT,
    Color,
    Dye,
    Motif,
    ProductKind,
    Shop,
)
from marketplace.selectors import SORTS, ListingFilters
from marketplace.uploads import photo_validate, photos_validate
from tourism.snippets import District

MAX_PRICE_IDR = 1_000_000_000_000  # 12 digits: what Stripe's IDR amounts can carry (DESIGN.md)
MAX_STOCK = 100_000


# --- Public listing -----------------------------------------------------------------

class ListingFilterForm(forms.Form):
    """The listing's query string. Each field is judged alone: a bad one is reported and ignored."""

    motif = forms.SlugField(required=False)
    kind = forms.ChoiceField(required=False, choices=[("", "")] + list(ProductKind.choices))
    color = forms.SlugField(required=False)
    dye = forms.ChoiceField(required=False, choices=[("", "")] + list(Dye.choices))
    price_min = WholeNumberField(required=False, min_value=0, max_value=MAX_PRICE_IDR)
    price_max = WholeNumberField(required=False, min_value=0, max_value=MAX_PRICE_IDR)
    sort = forms.ChoiceField(required=False, choices=[(key, key) for key in SORTS])
    in_stock = forms.BooleanField(required=False)

    error_texts = {
        "motif": _("Motif itu tidak dikenal; filter motif diabaikan."),
        "kind": _("Jenis itu tidak dikenal; filter jenis diabaikan."),
        "color": _("Warna itu tidak dikenal; filter warna diabaikan."),
        "dye": _("Pewarna harus alami atau sintetis; filter pewarna diabaikan."),
        "price_min": _("Harga terendah harus angka rupiah utuh, 0 atau lebih; diabaikan."),
        "price_max": _("Harga tertinggi harus angka rupiah utuh, 0 atau lebih; diabaikan."),
        "sort": _("Urutan itu tidak dikenal; ditampilkan yang terbaru."),
    }

    def clean_motif(self):
        slug = self.cleaned_data.get("motif")
        if not slug:
            return None
        motif = Motif.objects.filter(slug=slug).first()
        if motif is None:
            raise ValidationError(self.error_texts["motif"], code="unknown")
        return motif

    def clean_color(self):
        slug = self.cleaned_data.get("color")
        if not slug:
            return None
        color = Color.objects.filter(slug=slug).first()
        if color is None:
            raise ValidationError(self.error_texts["color"], code="unknown")
        return color

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("price_min"), cleaned.get("price_max")
        if low is not None and high is not None and low > high:
            self.add_error("price_max", ValidationError(
                _("Harga tertinggi lebih kecil dari harga terendah; diabaikan."), code="price_order"))
        return cleaned

    def filters(self) -> ListingFilters:
        """The valid filters; call after is_valid() (invalid ones are left out)."""
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        return ListingFilters(
            motif=data.get("motif"), kind=data.get("kind") or "", color=data.get("color"),
            dye=data.get("dye") or "", price_min=data.get("price_min"), price_max=data.get("price_max"),
            sort=data.get("sort") or "newest", in_stock=bool(data.get("in_stock")),
        )

    def friendly_errors(self) -> list[str]:
        """One plain sentence per rejected filter, instead of Django's generic wording."""
        messages = []
        for name, errors in self.errors.as_data().items():
            first = errors[0]
            if first.code in {"unknown", "price_order"} or name not in self.error_texts:
                messages.extend(first.messages)
            else:
                messages.append(str(self.error_texts[name]))
        return messages


# --- Artisans' accounts -------------------------------------------------------------

class SignupForm(forms.Form):
    email = forms.EmailField(label=_("Alamat email"), max_length=150,
                             error_messages={"invalid": _("Tulis alamat email yang benar, mis. nama@contoh.id."),
                                             "required": _("Email wajib diisi.")},
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password1 = forms.CharField(label=_("Kata sandi"), strip=False,
                                error_messages={"required": _("Kata sandi wajib diisi.")},
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text=_("Minimal 8 karakter, jangan hanya angka."))
    password2 = forms.CharField(label=_("Ulangi kata sandi"), strip=False,
                                error_messages={"required": _("Ulangi kata sandi.")},
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if services.artisan_user_for_email(email) is not None:
            raise ValidationError(_("Email ini sudah terdaftar. Silakan masuk, atau pakai “Lupa kata sandi”."),
                                  code="taken")
        return email

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("Kedua kata sandi tidak sama."))
        elif first and cleaned.get("email"):
            user = get_user_model()(username=cleaned["email"], email=cleaned["email"])
            try:
                password_validation.validate_password(first, user)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class EmailLoginForm(AuthenticationForm):
    """Artisans sign in with their email (which is their username)."""

    username = forms.EmailField(label=_("Alamat email"), max_length=150,
                                widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}))
    password = forms.CharField(label=_("Kata sandi"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    error_messages = {
        "invalid_login": _("Email atau kata sandi salah. Periksa lagi, atau pakai “Lupa kata sandi”."),
        "inactive": _("Akun ini tidak aktif."),
    }

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class ArtisanPasswordResetForm(PasswordResetForm):
    """Also reaches imported artisans, whose accounts start without a password.

    Django's own form skips accounts without a usable password; the import format
    promises that such an owner sets one by resetting it.
    """

    def get_users(self, email):
        User = get_user_model()
        candidates = User.objects.filter(email__iexact=email.strip(), is_active=True).select_related("shop")
        for user in candidates:
            if user.has_usable_password() or hasattr(user, "shop"):
                yield user


class ArtisanSetPasswordForm(SetPasswordForm):
    pass


# --- Photos chosen on a refused form -------------------------------------------------

class ChosenPhotosForm(forms.Form):
    """A form with photo fields (`photo_fields`) whose refusal says which chosen photos were not kept.

    A browser never sends chosen files again: a form refused for another field came back with its
    photo box empty, and saving the corrected form made a product (or shop) without the photos.
    """

    photo_fields: tuple[str, ...] = ()

    def chosen_photos_ask_again(self) -> None:
        """Call when the form is shown again refused: a photo field whose files were fine is told
        they were not uploaded (one whose files were refused says so already)."""
        for name in self.photo_fields:
            count = len(self.files.getlist(name)) if self.files else 0
            if count and name not in self.errors:
                self.add_error(name, ValidationError(
                    _("%(count)s foto yang Anda pilih belum diunggah karena ada isian lain yang perlu "
                      "diperbaiki. Pilih fotonya lagi, lalu simpan."), code="chosen_again",
                    params={"count": count}))


# --- Shops --------------------------------------------------------------------------

class PhotoInput(forms.ClearableFileInput):
    template_name = "django/forms/widgets/file.html"


class ShopForm(ChosenPhotosForm):
    photo_fields = ("photo",)

    name = forms.CharField(label=_("Nama toko"), max_length=120,
                           error_messages={"required": _("Nama toko wajib diisi.")})
    story_id = forms.CharField(label=_("Cerita toko (bahasa Indonesia)"), max_length=4000,
                               widget=forms.Textarea(attrs={"rows": 6}),
                               error_messages={"required": _("Ceritakan sedikit tentang usaha Anda.")},
                               help_text=_("Sejak kapan, siapa yang membuat, motif andalan."))
    story_en = forms.CharField(label=_("Cerita toko (bahasa Inggris)"), max_length=4000,
                               required=False, widget=forms.Textarea(attrs={"rows": 4}))
    district = forms.ModelChoiceField(label=_("Kecamatan"), queryset=District.objects.all(),
                                      empty_label=_("— pilih kecamatan —"),
                                      error_messages={"required": _("Pilih kecamatan."),
                                                      "invalid_choice": _("Pilih kecamatan dari daftar.")})
    village = forms.CharField(label=_("Desa/kelurahan"), max_length=120, required=False)
    phone = PastedCharField(label=_("Nomor WhatsApp"), max_length=24, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
                            help_text=_("Contoh: 0812 3456 7890"))
    photo = forms.FileField(label=_("Foto toko atau perajin"), required=False,
                            widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
                            help_text=_("JPEG, PNG, atau WebP; maksimal 10 MB."))
    remove_photo = forms.BooleanField(label=_("Hapus foto"), required=False)
    ships_from = forms.CharField(label=_("Dikirim dari"), max_length=80, required=False,
                                 help_text=_("Kabupaten atau kota asal paket; kosong berarti Kabupaten Banjar."))
    ships_abroad = forms.BooleanField(label=_("Saya bisa mengirim ke luar negeri"), required=False)
    offers_pickup = forms.BooleanField(label=_("Pembeli boleh mengambil pesanan di tempat saya (gratis)"),
                                       required=False)
    pickup_address = forms.CharField(label=_("Alamat pengambilan"), max_length=255, required=False,
                                     help_text=_("Jalan, nomor, desa: yang dibaca pembeli untuk datang."))
    pickup_hours = forms.CharField(label=_("Jam pengambilan"), max_length=120, required=False,
                                   help_text=_("mis. Senin-Sabtu 09.00-17.00 WITA"))

    delivery_fields = ("ships_from", "ships_abroad", "offers_pickup", "pickup_address", "pickup_hours")

    def __init__(self, *args, shop: Shop | None = None, **kwargs):
        if shop is not None and "initial" not in kwargs:
            kwargs["initial"] = {"name": shop.name, "story_id": shop.story_id, "story_en": shop.story_en,
                                 "district": shop.district_id, "village": shop.village, "phone": shop.phone,
                                 **{name: getattr(shop, name) for name in self.delivery_fields}}
        super().__init__(*args, **kwargs)
        self.shop = shop
        if shop is None or shop.photo_id is None:
            del self.fields["remove_photo"]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError(_("Nama toko wajib diisi."))
        return name

    def clean_phone(self):
        return services.phone_normalize(self.cleaned_data.get("phone", ""))

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        return photo_validate(upload=upload)

    def clean(self):
        cleaned = super().clean()
        cleaned["ships_from"] = (cleaned.get("ships_from") or "").strip() or SHIPS_FROM_DEFAULT
        cleaned["pickup_address"] = (cleaned.get("pickup_address") or "").strip()
        cleaned["pickup_hours"] = (cleaned.get("pickup_hours") or "").strip()
        if cleaned.get("offers_pickup") and not cleaned["pickup_address"] and "pickup_address" not in self.errors:
            self.add_error("pickup_address", _("Tulis alamat pengambilan, atau matikan pengambilan di tempat."))
        return cleaned

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {"name": data["name"], "story_id": data["story_id"].strip(), "story_en": data["story_en"].strip(),
                "district": data["district"], "village": data["village"].strip(), "phone": data["phone"],
                "photo": data.get("photo"),
                "delivery": {name: data[name] for name in self.delivery_fields}}


# --- Products -----------------------------------------------------------------------

class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos in one input, checked together (photos_validate: the request's pixel budget
    too); every refusal is reported."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp",
                                                             "multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else ([data] if data else [])
        files, errors = [], []
        for upload in uploads:
            try:
                files.append(super().clean(upload, initial))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return photos_validate(uploads=files)


class ProductForm(ChosenPhotosForm):
    photo_fields = ("new_photos",)

    title_id = forms.CharField(label=_("Judul (bahasa Indonesia)"), max_length=140,
                               error_messages={"required": _("Judul wajib diisi.")})
    title_en = forms.CharField(label=_("Judul (bahasa Inggris)"), max_length=140, required=False)
    description_id = forms.CharField(label=_("Deskripsi (bahasa Indonesia)"), max_length=5000,
                                     widget=forms.Textarea(attrs={"rows": 5}),
                                     error_messages={"required": _("Deskripsi wajib diisi.")},
                                     help_text=_("Ukuran kain, bahan, cara merawat."))
    description_en = forms.CharField(label=_("Deskripsi (bahasa Inggris)"), max_length=5000,
                                     required=False, widget=forms.Textarea(attrs={"rows": 4}))
    price_idr = WholeNumberField(
        label=_("Harga (Rp)"), min_value=0, max_value=MAX_PRICE_IDR,
        help_text=_("Rupiah utuh, mis. 175000 atau 175.000."),
        error_messages={"required": _("Harga wajib diisi."),
                        "invalid": _("Tulis harga sebagai angka rupiah utuh, mis. 175000 atau 175.000."),
                        "min_value": _("Harga tidak boleh kurang dari 0."),
                        "max_value": _("Harga terlalu besar.")})
    stock = WholeNumberField(
        label=_("Stok"), min_value=0, max_value=MAX_STOCK, required=False,
        help_text=_("Jika produk punya ukuran, stok dihitung dari stok tiap ukuran."),
        error_messages={"invalid": _("Tulis stok sebagai angka utuh, mis. 5."),
                        "min_value": _("Stok tidak boleh kurang dari 0."),
                        "max_value": _("Stok terlalu besar.")})
    kind = forms.ChoiceField(label=_("Jenis"), choices=ProductKind.choices,
                             error_messages={"required": _("Pilih jenis produk."),
                                             "invalid_choice": _("Pilih jenis dari daftar.")})
    motif = forms.ModelChoiceField(label=_("Motif"), queryset=Motif.objects.all(), required=False,
                                   empty_label=_("— tanpa motif / lainnya —"),
                                   to_field_name="slug",
                                   error_messages={"invalid_choice": _("Pilih motif dari daftar.")})
    fabric = forms.CharField(label=_("Bahan"), max_length=60, required=False,
                             help_text=_("mis. katun, sutra, rayon"))
    dye = forms.ChoiceField(label=_("Pewarna"), required=False, choices=[("", _("— tidak disebut —"))] + list(Dye.choices),
                            error_messages={"invalid_choice": _("Pilih pewarna alami atau sintetis.")})
    colors = forms.ModelMultipleChoiceField(label=_("Warna"), queryset=Color.objects.all(), required=False,
                                            to_field_name="slug", widget=forms.CheckboxSelectMultiple,
                                            error_messages={"invalid_choice": _("Pilih warna dari daftar."),
                                                            "invalid_pk_value": _("Pilih warna dari daftar.")})
    weight_g = WholeNumberField(
        label=_("Berat setelah dikemas (gram)"), min_value=MIN_WEIGHT_G, max_value=MAX_WEIGHT_G, required=False,
        help_text=_("Untuk ongkos kirim, mis. 300 untuk selembar kain. Tanpa berat, produk hanya bisa diambil "
                    "di tempat."),
        error_messages={"invalid": _("Tulis berat sebagai angka gram utuh, mis. 300."),
                        "min_value": _("Berat paling sedikit 1 gram."),
                        "max_value": _("Berat paling banyak 30000 gram (30 kg).")})
    is_published = forms.BooleanField(label=_("Terbitkan (tampil untuk pembeli)"), required=False)
    new_photos = MultiplePhotoField(label=_("Tambah foto"), required=False,
                                    help_text=_("Boleh beberapa sekaligus. JPEG, PNG, atau WebP; maksimal 10 MB "
                                                "dan 40 megapiksel per foto; paling banyak 8 foto."))
    main_photo = forms.CharField(required=False, widget=forms.HiddenInput)
    # The stock the form showed (services.stock_to_write): sales may move it while the form is open.
    stock_seen = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # A new product's form, once only (Product.form_key).
    form_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, product=None, **kwargs):
        if product is None and "initial" not in kwargs:
            kwargs["initial"] = {"form_key": secrets.token_urlsafe(24)}
        if product is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title_id": product.title_id, "title_en": product.title_en,
                "description_id": product.description_id, "description_en": product.description_en,
                "price_idr": product.price_idr, "stock": product.stock, "kind": product.kind,
                "motif": product.motif.slug if product.motif_id else "", "fabric": product.fabric,
                "dye": product.dye, "colors": [color.slug for color in product.colors.all()],
                "is_published": product.is_published, "weight_g": product.weight_g, "stock_seen": product.stock,
            }
        super().__init__(*args, **kwargs)
        self.product = product
        self.existing_photos = product.ordered_photos if product is not None else []

    def photo_field_names(self, photo) -> tuple[str, str]:
        return f"photo-{photo.pk}-order", f"photo-{photo.pk}-delete"

    def existing_photo_rows(self):
        """For the template: each existing photo with its order and delete inputs' values."""
        rows = []
        for position, photo in enumerate(self.existing_photos):
            order_name, delete_name = self.photo_field_names(photo)
            order = self.data.get(order_name, position + 1) if self.is_bound else position + 1
            rows.append({"photo": photo, "order_name": order_name, "delete_name": delete_name,
                         "order": order, "delete": self.is_bound and bool(self.data.get(delete_name)),
                         "is_main": self._chosen_main() == f"existing-{photo.pk}"})
        return rows

    def _chosen_main(self) -> str:
        if self.is_bound:
            return self.data.get("main_photo", "")
        main = next((photo for photo in self.existing_photos if photo.is_main), None)
        return f"existing-{main.pk}" if main else ""

    def clean_title_id(self):
        value = self.cleaned_data["title_id"].strip()
        if not value:
            raise ValidationError(_("Judul wajib diisi."))
        return value

    def clean_fabric(self):
        return self.cleaned_data["fabric"].strip().lower()

    def _clean_photo_changes(self) -> services.PhotoChanges:
        changes = services.PhotoChanges(new=self.cleaned_data.get("new_photos") or [])
        for photo in self.existing_photos:
            order_name, delete_name = self.photo_field_names(photo)
            if self.data.get(delete_name):
                changes.delete.add(photo.pk)
            raw_order = (self.data.get(order_name) or "").strip()
            if raw_order:
                try:
                    changes.order[photo.pk] = int(raw_order)
                except ValueError:
                    self.add_error(None, gettext("Urutan foto harus berupa angka."))
        changes.main = self.cleaned_data.get("main_photo") or ""
        remaining = len(self.existing_photos) - len(changes.delete)
        if remaining + len(changes.new) > MAX_PHOTOS_PER_PRODUCT:
            self.add_error("new_photos", gettext(
                "Paling banyak %(max)s foto per produk: sudah ada %(existing)s, ditambah %(new)s. "
                "Hapus beberapa foto atau unggah lebih sedikit.") % {
                "max": MAX_PHOTOS_PER_PRODUCT, "existing": remaining, "new": len(changes.new)})
        return changes

    def clean(self):
        cleaned = super().clean()
        if "new_photos" not in self.errors:
            cleaned["photo_changes"] = self._clean_photo_changes()
        return cleaned

    def service_fields(self) -> dict:
        data = self.cleaned_data
        fields = {name: data[name] for name in ("title_id", "title_en", "description_id", "description_en",
                                                "price_idr", "kind", "motif", "fabric", "dye", "is_published",
                                                "weight_g")}
        fields["title_en"] = fields["title_en"].strip()
        fields["description_id"] = fields["description_id"].strip()
        fields["description_en"] = fields["description_en"].strip()
        fields["stock"] = data.get("stock") or 0
        if self.product is None and data.get("form_key"):
            fields["form_key"] = data["form_key"]
        return fields


class SizeForm(forms.Form):
    label = forms.CharField(label=_("Ukuran"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"placeholder": _("mis. M")}))
    stock = WholeNumberField(label=_("Stok"), min_value=0, max_value=MAX_STOCK, required=False,
                             error_messages={"invalid": _("Tulis stok sebagai angka utuh, mis. 5."),
                                             "min_value": _("Stok tidak boleh kurang dari 0.")})
    stock_seen = forms.IntegerField(required=False, widget=forms.HiddenInput)  # as ProductForm's

    def clean(self):
        cleaned = super().clean()
        label = (cleaned.get("label") or "").strip()
        cleaned["label"] = label
        if not label and cleaned.get("stock") not in (None, 0):
            self.add_error("label", _("Tulis nama ukurannya, mis. M atau XL."))
        return cleaned


class BaseSizeFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form in self.deleted_forms:
                continue
            label = form.cleaned_data.get("label", "")
            if not label:
                continue
            if label.lower() in seen:
                form.add_error("label", _("Ukuran ini sudah ada di atas."))
            seen.add(label.lower())

    def size_rows(self) -> list[services.SizeRow]:
        rows = []
        for index, form in enumerate(self.forms):
            if form in self.deleted_forms:
                continue
            label = form.cleaned_data.get("label", "")
            if label:
                rows.append(services.SizeRow(label=label, stock=form.cleaned_data.get("stock") or 0,
                                             stock_seen=form.cleaned_data.get("stock_seen"), index=index))
        return rows


SizeFormSet = forms.formset_factory(SizeForm, formset=BaseSizeFormSet, extra=3, can_delete=True,
                                    max_num=20, validate_max=True)


def size_initial(product) -> list[dict]:
    if product is None:
        return []
    return [{"label": size.label, "stock": size.stock, "stock_seen": size.stock} for size in product.sizes.all()]
