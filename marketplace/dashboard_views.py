"""The artisans' shop dashboard at /toko/: Indonesian, phone first, not the Wagtail admin.

Who may do what is decided in one place, `shop_owner_required`: anonymous
visitors go to the sign-in page; a signed-in artisan only ever reaches their own
shop (selectors.shop_for_owner) and their own products (selectors.product_for_owner,
404 for anyone else's); product pages need an approved shop (403 otherwise,
with the reason).
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from config.media import MediaUnavailable
from marketplace import selectors, services
from marketplace.forms import (
    ArtisanPasswordResetForm,
    ArtisanSetPasswordForm,
    EmailLoginForm,
    ProductForm,
    ShopForm,
    SignupForm,
    SizeFormSet,
    size_initial,
)
from marketplace.models import MAX_PHOTOS_PER_PRODUCT, Product, ShopStatus

LOGIN_URL = reverse_lazy("dashboard:login")
# The photo storage failed: the artisan may try again soon; nothing was saved.
STORAGE_DOWN = 503


def storage_unavailable(response):
    response["Retry-After"] = "120"
    return response


def in_indonesian(view):
    """The dashboard speaks Indonesian whatever the browser asks for: artisans are Banjar people."""
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        translation.activate("id")
        request.LANGUAGE_CODE = "id"
        return view(request, *args, **kwargs)
    return wrapper


def not_found(request, *, shop=None):
    return render(request, "marketplace/dashboard/forbidden.html", {
        "title": _("Tidak ditemukan"),
        "message": _("Halaman atau produk ini tidak ada di toko Anda."),
        "shop": shop}, status=404)


def forbidden(request, *, title: str, message: str, shop=None):
    return render(request, "marketplace/dashboard/forbidden.html",
                  {"title": title, "message": message, "shop": shop}, status=403)


def shop_owner_required(*, approved: bool, product: bool = False):
    """Let through only a signed-in artisan with a shop (approved, if asked), passing `shop` on.

    With `product=True` the URL's `pk` must name one of the shop's products, passed on
    as `product`; anyone else's (or none) is a 404, decided before anything else.
    """
    def decorator(view):
        @wraps(view)
        @in_indonesian
        @login_required(login_url=LOGIN_URL)
        def wrapper(request, *args, **kwargs):
            shop = selectors.shop_for_owner(user=request.user)
            if shop is None:
                return forbidden(request, title=_("Anda belum punya toko"),
                                 message=_("Ajukan toko Anda dulu; setelah editor menyetujuinya Anda bisa "
                                           "menambah produk."))
            if approved and shop.status != ShopStatus.APPROVED:
                return forbidden(request, shop=shop, title=shop.get_status_display(),
                                 message=_status_explanation(shop))
            try:
                if product:
                    kwargs["product"] = selectors.product_for_owner(shop=shop, pk=kwargs.pop("pk"))
                return view(request, *args, shop=shop, **kwargs)
            except Http404:
                return not_found(request, shop=shop)
        return wrapper
    return decorator


def _status_explanation(shop) -> str:
    if shop.status == ShopStatus.PENDING:
        return _("Toko Anda sedang diperiksa editor. Anda bisa menambah produk setelah toko disetujui.")
    if shop.status == ShopStatus.REJECTED:
        return _("Pengajuan toko Anda ditolak. Perbaiki profil toko lalu simpan untuk mengajukan ulang.")
    if shop.status == ShopStatus.SUSPENDED:
        return _("Toko Anda dibekukan oleh editor. Hubungi Dinas Pariwisata Kabupaten Banjar.")
    return ""


# --- Accounts -----------------------------------------------------------------------------

@in_indonesian
@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("dashboard:home")
    form = SignupForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            with transaction.atomic():
                user = services.artisan_signup(email=form.cleaned_data["email"],
                                               password=form.cleaned_data["password1"])
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Akun dibuat. Sekarang isi data toko Anda."))
            return redirect("dashboard:apply")
        return render(request, "marketplace/dashboard/signup.html", {"form": form}, status=400)
    return render(request, "marketplace/dashboard/signup.html", {"form": form})


class LoginView(auth_views.LoginView):
    form_class = EmailLoginForm
    template_name = "marketplace/dashboard/login.html"
    redirect_authenticated_user = True

    def dispatch(self, request, *args, **kwargs):
        translation.activate("id")
        return super().dispatch(request, *args, **kwargs)

    def get_default_redirect_url(self):
        return reverse("dashboard:home")

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class LogoutView(auth_views.LogoutView):
    next_page = LOGIN_URL


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ArtisanPasswordResetForm
    template_name = "marketplace/dashboard/password_reset.html"
    email_template_name = "marketplace/email/password_reset.txt"
    subject_template_name = "marketplace/email/password_reset_subject.txt"
    success_url = reverse_lazy("dashboard:password_reset_done")

    def dispatch(self, request, *args, **kwargs):
        translation.activate("id")
        return super().dispatch(request, *args, **kwargs)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "marketplace/dashboard/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = ArtisanSetPasswordForm
    template_name = "marketplace/dashboard/password_reset_confirm.html"
    success_url = reverse_lazy("dashboard:password_reset_complete")

    def dispatch(self, request, *args, **kwargs):
        translation.activate("id")
        return super().dispatch(request, *args, **kwargs)


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "marketplace/dashboard/password_reset_complete.html"


# --- Shop ---------------------------------------------------------------------------------

@in_indonesian
@login_required(login_url=LOGIN_URL)
def home(request):
    shop = selectors.shop_for_owner(user=request.user)
    if shop is None:
        return redirect("dashboard:apply")
    products = selectors.products_for_dashboard(shop=shop) if shop.status == ShopStatus.APPROVED else []
    return render(request, "marketplace/dashboard/home.html", {
        "shop": shop,
        "section": "home",
        "status_explanation": _status_explanation(shop),
        "product_count": len(products),
        "published_count": sum(1 for product in products if product.is_published),
        "sold_out_count": sum(1 for product in products if product.is_published and product.is_sold_out),
    })


@in_indonesian
@login_required(login_url=LOGIN_URL)
@require_http_methods(["GET", "POST"])
def apply(request):
    if selectors.shop_for_owner(user=request.user) is not None:
        if request.method == "POST":
            return _applied_already(request)
        return redirect("dashboard:profile")
    form = ShopForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.shop_apply(owner=request.user, **form.service_arguments())
            except services.ShopAppliedAlready:
                return _applied_already(request)
            except MediaUnavailable as error:
                form.add_error(None, error.message)
                return storage_unavailable(render(request, "marketplace/dashboard/shop_form.html",
                                                  {"form": form, "applying": True}, status=STORAGE_DOWN))
            messages.success(request, _("Pengajuan toko terkirim. Kami akan mengabari Anda lewat email "
                                        "setelah editor memeriksanya."))
            return redirect("dashboard:home")
        form.chosen_photos_ask_again()
        return render(request, "marketplace/dashboard/shop_form.html", {"form": form, "applying": True},
                      status=400)
    return render(request, "marketplace/dashboard/shop_form.html", {"form": form, "applying": True})


def _applied_already(request):
    """The application was sent again (a double tap, Back and send): the first went in; say so."""
    messages.info(request, _("Pengajuan toko Anda sudah terkirim sebelumnya; yang ini tidak dikirim lagi. "
                             "Statusnya ada di bawah; ubah isinya di Profil toko."))
    return redirect("dashboard:home")


@shop_owner_required(approved=False)
@require_http_methods(["GET", "POST"])
def profile(request, shop):
    form = ShopForm(request.POST or None, request.FILES or None, shop=shop)
    if request.method == "POST":
        if form.is_valid():
            was_rejected = shop.status == ShopStatus.REJECTED
            try:
                services.shop_update(shop=shop, remove_photo=form.cleaned_data.get("remove_photo", False),
                                     **form.service_arguments())
            except MediaUnavailable as error:
                form.add_error(None, error.message)
                return storage_unavailable(render(
                    request, "marketplace/dashboard/shop_form.html",
                    {"form": form, "shop": shop, "section": "profile"}, status=STORAGE_DOWN))
            if was_rejected:
                messages.success(request, _("Profil disimpan dan pengajuan dikirim ulang ke editor."))
            else:
                messages.success(request, _("Profil toko disimpan."))
            return redirect("dashboard:profile")
        form.chosen_photos_ask_again()
        return render(request, "marketplace/dashboard/shop_form.html", {"form": form, "shop": shop, "section": "profile"},
                      status=400)
    return render(request, "marketplace/dashboard/shop_form.html", {"form": form, "shop": shop, "section": "profile"})


# --- Products -----------------------------------------------------------------------------

@shop_owner_required(approved=True)
@require_http_methods(["GET"])
def product_list(request, shop):
    return render(request, "marketplace/dashboard/product_list.html",
                  {"shop": shop, "section": "products", "products": selectors.products_for_dashboard(shop=shop)})


def _made_by_form(shop, product, form):
    """The product this "new product" form made already (sent twice: Back then save, a double tap)."""
    key = form.data.get("form_key", "") if product is None else ""
    if not key or len(key) > 64:
        return None
    return Product.objects.filter(shop=shop, form_key=key).first()


def _made_already(request, made, form):
    """The product page of what this form made before; what was changed since is not applied, and
    the artisan is told so."""
    changed = form.is_valid() and any(
        getattr(made, name) != value for name, value in form.service_fields().items()
        if name not in ("form_key", "stock", "motif", "is_published"))
    if changed:
        messages.warning(request, _("Produk “%(title)s” sudah dibuat dari formulir ini, jadi perubahan terakhir "
                                    "belum disimpan. Ubah di sini, lalu simpan.") % {"title": made.title_id})
    else:
        messages.info(request, _("Produk “%(title)s” sudah disimpan; ini halamannya.") % {"title": made.title_id})
    return redirect("dashboard:product_edit", pk=made.pk)


def _stock_moved_tell(request, form, sizes, moved) -> None:
    """The form again, as typed, with the stock it showed brought up to date: saving it once more
    writes what the artisan typed, now knowing what was sold meanwhile."""
    message = _("Sejak halaman ini dibuka, stoknya berubah dari %(seen)s menjadi %(now)s (pesanan pembeli). "
                "Periksa stok yang Anda tulis, lalu simpan lagi.") % {"seen": moved.seen, "now": moved.now}
    if moved.size:
        row = sizes.forms[moved.index]
        row.data = row.data.copy()
        row.data[row.add_prefix("stock_seen")] = str(moved.now)
        row.add_error("stock", message)
    else:
        form.data = form.data.copy()
        form.data["stock_seen"] = str(moved.now)
        form.add_error("stock", message)
    messages.error(request, _("Stok berubah selama Anda mengubah produk ini; belum ada yang disimpan."))


def _product_form_page(request, shop, product):
    form = ProductForm(request.POST or None, request.FILES or None, product=product)
    sizes = SizeFormSet(request.POST or None, prefix="sizes", initial=size_initial(product))
    if request.method == "POST":
        made = _made_by_form(shop, product, form)
        if made is not None:
            return _made_already(request, made, form)
        if form.is_valid() and sizes.is_valid():
            try:
                saved = services.product_save(
                    shop=shop, product=product, fields=form.service_fields(), colors=form.cleaned_data["colors"],
                    sizes=sizes.size_rows(), photos=form.cleaned_data["photo_changes"], by=request.user,
                    stock_seen=form.cleaned_data.get("stock_seen"))
            except MediaUnavailable as error:
                form.add_error(None, error.message)
                status = STORAGE_DOWN
            except services.StockMoved as moved:
                _stock_moved_tell(request, form, sizes, moved)
                status = 409
            except IntegrityError:
                made = _made_by_form(shop, product, form)
                if made is None:
                    raise
                # The same form a moment earlier, in another request (a double tap): the product it made.
                return _made_already(request, made, form)
            else:
                if product is None:
                    messages.success(request, _("Produk “%(title)s” ditambahkan.") % {"title": saved.title_id})
                else:
                    messages.success(request, _("Perubahan pada “%(title)s” disimpan.") % {"title": saved.title_id})
                return redirect("dashboard:product_edit", pk=saved.pk)
        else:
            messages.error(request, _("Ada yang perlu diperbaiki. Lihat pesan merah di bawah; belum ada yang disimpan."))
            status = 400
    else:
        status = 200
    if status in (400, 409):
        form.chosen_photos_ask_again()
    response = render(request, "marketplace/dashboard/product_form.html", {
        "shop": shop, "section": "products", "product": product, "form": form, "sizes": sizes,
        "max_photos": MAX_PHOTOS_PER_PRODUCT,
    }, status=status)
    return storage_unavailable(response) if status == STORAGE_DOWN else response


@shop_owner_required(approved=True)
@require_http_methods(["GET", "POST"])
def product_create(request, shop):
    return _product_form_page(request, shop, None)


@shop_owner_required(approved=True, product=True)
@require_http_methods(["GET", "POST"])
def product_edit(request, shop, product):
    return _product_form_page(request, shop, product)


@shop_owner_required(approved=True, product=True)
@require_POST
def product_publish(request, shop, product):
    publish = request.POST.get("publish") == "1"
    services.product_set_published(product=product, published=publish)
    if publish:
        messages.success(request, _("“%(title)s” diterbitkan: pembeli sekarang bisa melihatnya.") % {
            "title": product.title_id})
    else:
        messages.success(request, _("“%(title)s” disembunyikan dari pembeli.") % {"title": product.title_id})
    if request.POST.get("next") == "edit":
        return redirect("dashboard:product_edit", pk=product.pk)
    return redirect("dashboard:products")
