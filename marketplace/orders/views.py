"""Public pages of buying: the cart, checkout, paying, the confirmation and the order's status.

Thin: forms check the input, services in cart.py / checkout.py do the writes,
selectors.py decides who sees what. None of these pages is ever cached (they
are someone's own), and every refusal is a 4xx with a message in the reader's
language.
"""

from __future__ import annotations

import json
import secrets
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from marketplace import services as marketplace_services
from marketplace.forms import EmailLoginForm, SignupForm
from marketplace.models import Product, ProductSize
from marketplace.orders import cart, checkout, fulfilment, selectors, stock
from marketplace.orders.estimate import cart_estimate
from marketplace.orders.forms import (
    AddToCartForm,
    CartDestinationForm,
    CartRemoveForm,
    CartUpdateForm,
    CheckoutForm,
)
from marketplace.orders.models import Order, OrderStatus
from marketplace.payments import methods, stripe_client
from marketplace.payments.models import PaymentMethod
from marketplace.shipping.options import PICKUP, choice_field
from marketplace.shipping.rates import Destination
from marketplace.shipping.regions import country_label, province_find

SESSION_CHECKOUT_TOKEN = "kampung_sasirangan_checkout"
# Where the buyer said the parcels go (the cart's estimate form, the checkout's address): {"country",
# "province", "city"}, so the cart can estimate the shipping and checkout starts from it.
SESSION_DESTINATION = "kampung_sasirangan_destination"
# The webhook normally marks an order paid within a second or two; the confirmation page waits this
# long after the payment attempt before asking Stripe itself, then at most every few seconds.
WEBHOOK_GRACE = timedelta(seconds=10)
RECONCILE_EVERY_SECONDS = 5
# The QRIS page looks again this often for the webhook that marks the order paid.
QR_REFRESH_SECONDS = 5
# The delivery options of a cart for an address (shared/contracts/http-api.md): a fixed public address.
SHIPPING_OPTIONS_API = "/api/shipping/options"


def _form_errors(form) -> list[str]:
    return [error for errors in form.errors.values() for error in errors]


def _previous_attempt(request) -> Order | None:
    """The buyer's own unpaid checkout in this session, if they came back to change the cart."""
    token = request.session.get(SESSION_CHECKOUT_TOKEN) if hasattr(request, "session") else None
    if not token:
        return None
    return Order.objects.filter(token=token, status=OrderStatus.AWAITING_PAYMENT).first()


def _held(request) -> dict[str, int]:
    return stock.stock_held(order=_previous_attempt(request))


def _checkout_unavailable(contents) -> str:
    """Why the cart cannot go on to checkout, if it cannot: payments switched off, or too much."""
    if not stripe_client.payments_enabled():
        return checkout.payments_off_message()
    return checkout.amount_too_large_message() if contents.too_large else ""


def _destination_remember(request, *, country: str, province: str, city: str = "") -> None:
    request.session[SESSION_DESTINATION] = {"country": country, "province": province, "city": city[:80]}


def _destination_form(request) -> CartDestinationForm:
    """The cart's "where to" form: bound to the query when the buyer sent it, else to what the session
    remembers (from this form or the checkout's address), else empty."""
    if "country" in request.GET or "province" in request.GET:
        form = CartDestinationForm(request.GET)
        if form.is_valid():
            data = form.cleaned_data
            remembered = request.session.get(SESSION_DESTINATION) or {}
            city = remembered.get("city", "") if remembered.get("province") == data["province"] else ""
            _destination_remember(request, country=data["country"], province=data["province"], city=city)
        return form
    remembered = request.session.get(SESSION_DESTINATION) if hasattr(request, "session") else None
    if remembered:
        form = CartDestinationForm({"country": remembered.get("country", "ID"),
                                    "province": remembered.get("province", "")})
        if form.is_valid():
            return form
    return CartDestinationForm(initial={"country": "ID"})


def _cart_estimate(request, contents, form: CartDestinationForm) -> dict | None:
    """The shipping estimate per shop and the estimated total, once the province or country is known."""
    if contents.is_empty or not form.is_bound or not form.is_valid():
        return None
    data = form.cleaned_data
    remembered = request.session.get(SESSION_DESTINATION) or {}
    if data["country"] == "ID":
        destination = Destination(country="ID", province=province_find(data["province"]) or "",
                                  city=remembered.get("city", ""))
        place = data["province"]
    else:
        destination = Destination(country=data["country"])
        place = country_label(data["country"])
    estimate = cart_estimate(contents, destination=destination, language=get_language() or "id")
    return {"place": place, "shops": estimate.shops, "shipping_idr": estimate.shipping_idr,
            "total_idr": estimate.total_idr}


def _cart_page(request, *, errors=(), status=200):
    contents = cart.cart_contents(request, held=_held(request))
    for notice in contents.notices:
        messages.warning(request, notice)
    destination_form = _destination_form(request)
    estimate = _cart_estimate(request, contents, destination_form)
    if destination_form.is_bound and not destination_form.is_valid() and status == 200:
        status = 400  # a province or country not in the list: the form again, with the reason beside it
    shop_estimates = estimate["shops"] if estimate else {}
    return render(request, "orders/cart.html", {
        "cart": contents, "errors": list(errors), "checkout_unavailable": _checkout_unavailable(contents),
        "destination_form": destination_form, "estimate": estimate,
        "sections": [(group, shop_estimates.get(group.shop.pk)) for group in contents.groups],
    }, status=status)


# --- Cart ---------------------------------------------------------------------------------

@never_cache
@require_http_methods(["GET", "HEAD"])
def cart_view(request):
    return _cart_page(request)


def _cart_change(view):
    """A change to the cart is a POST. A GET of its address shows the cart rather than a bare 405: the
    language switch of the page a refused change answered links to it, as do a reload and the back
    button."""
    @wraps(view)
    def change(request, *args, **kwargs):
        if request.method != "POST":
            return redirect("orders:cart")
        return view(request, *args, **kwargs)
    return require_http_methods(["GET", "HEAD", "POST"])(change)


@never_cache
@_cart_change
def cart_add_view(request):
    form = AddToCartForm(request.POST)
    if not form.is_valid():
        return _cart_page(request, errors=_form_errors(form), status=400)
    product = Product.objects.public().filter(pk=form.cleaned_data["product"]).first()
    if product is None:
        return _cart_page(request, errors=[_("Produk itu tidak ada atau tidak lagi dijual.")], status=404)
    size = None
    if form.cleaned_data.get("size"):
        size = ProductSize.objects.filter(pk=form.cleaned_data["size"], product=product).first()
        if size is None:
            return _cart_page(request, errors=[_("Ukuran itu tidak ada untuk produk ini.")], status=400)
    try:
        change = cart.cart_add(request, product=product, size=size, quantity=form.cleaned_data["quantity"],
                               held=_held(request))
    except cart.CartError as error:
        return _cart_page(request, errors=[str(error)], status=error.status)
    if change.limited:
        messages.warning(request, _("“%(title)s” tinggal %(count)s; jumlah di keranjang disesuaikan.")
                         % {"title": product.title, "count": change.quantity})
    else:
        messages.success(request, _("“%(title)s” masuk ke keranjang.") % {"title": product.title})
    return redirect("orders:cart")


@never_cache
@_cart_change
def cart_update_view(request):
    form = CartUpdateForm(request.POST)
    if not form.is_valid():
        return _cart_page(request, errors=_form_errors(form), status=400)
    try:
        cart.cart_update(request, key=form.cleaned_data["line"], quantity=form.cleaned_data["quantity"])
    except cart.CartError as error:
        return _cart_page(request, errors=[str(error)], status=400)
    return redirect("orders:cart")


@never_cache
@_cart_change
def cart_remove_view(request):
    form = CartRemoveForm(request.POST)
    if not form.is_valid():
        return _cart_page(request, errors=_form_errors(form), status=400)
    cart.cart_remove(request, key=form.cleaned_data["line"])
    messages.success(request, _("Barang dikeluarkan dari keranjang."))
    return redirect("orders:cart")


# --- Checkout -----------------------------------------------------------------------------

CHECKOUT_FILLED = ("name", "email", "phone", "country", "province", "regency", "district", "postal_code", "street")


def _own_attempt(request, previous: Order | None) -> Order | None:
    """The session's unpaid attempt when it is this buyer's and still holds its goods: a browser shared
    at an internet café keeps its session, and the next person must not read the last one's address."""
    buyer = request.user.pk if request.user.is_authenticated else None
    if previous is None or previous.user_id != buyer:
        return None
    return previous if previous.reserved_until is not None and previous.reserved_until > timezone.now() else None


def _checkout_initial(request, previous: Order | None) -> dict:
    """The checkout form as the buyer left it: their unpaid attempt of this session (back from the pay
    page, by its "Data pengiriman" link), else a signed-in buyer's last order, else where the cart's
    estimate went."""
    initial = {"checkout_key": secrets.token_urlsafe(24)}
    last = previous
    if last is None and request.user.is_authenticated:
        last = Order.objects.filter(user=request.user).order_by("-created_at").first()
        if last is None:
            initial["email"] = request.user.email
    if last is not None:
        initial.update({field: getattr(last, field) for field in CHECKOUT_FILLED})
        if last.country != "ID":  # abroad, the order's province is the state the buyer wrote
            initial["region"], initial["province"] = last.province, ""
    remembered = request.session.get(SESSION_DESTINATION) or {}
    if "country" not in initial and remembered:
        # Where the cart's estimate went: the checkout's options come for it at once (checkout.js).
        initial.update({"country": remembered.get("country", "ID"), "province": remembered.get("province", ""),
                        "regency": remembered.get("city", "")})
    return initial


def _checkout_address(data) -> checkout.Address:
    # One column for both: an Indonesian province from the list, or the state or region written abroad.
    return checkout.Address(country=data["country"], province=data["province"] or data["region"], regency=data["regency"],
                            district=data["district"], postal_code=data["postal_code"], street=data["street"])


def _attempt_choices(attempt: Order | None) -> dict[int, str]:
    """{shop pk: delivery option} of the buyer's unpaid attempt, or nothing."""
    return dict(attempt.sub_orders.values_list("shop_id", "delivery_option_id")) if attempt is not None else {}


def _delivery_context(request, contents, address: checkout.Address, attempt: Order | None = None) -> dict:
    """Per shop of the cart, the delivery options for the address (the server's prices), which one is
    chosen (checkout.delivery_preselect: the form's, else the unpaid attempt's, else the cheapest courier,
    else pickup), and the totals they make."""
    language = get_language() or "id"
    options = checkout.delivery_options(items=[(line.product, line.quantity) for line in contents.lines],
                                        address=address, language=language)
    attempt_chose = _attempt_choices(attempt)
    shops, shipping, complete = [], 0, True
    for group in contents.groups:
        field = choice_field(group.shop)
        entry = options.for_shop(group.shop)
        unavailable = next((item.reason for item in options.unavailable if item.shop.pk == group.shop.pk), "")
        offered = entry.options if entry else []
        chosen = checkout.delivery_preselect(
            offered=offered, wanted=(request.POST.get(field, ""), attempt_chose.get(group.shop.pk, "")))
        if chosen is None:
            complete = False
        else:
            shipping += chosen["cost_idr"]
        shops.append({"shop": group.shop, "field": field, "options": offered, "unavailable": unavailable,
                      "chosen": chosen["id"] if chosen else "", "subtotal_idr": group.subtotal_idr})
    return {"shops": shops, "shipping_idr": shipping, "complete": complete,
            "total_idr": contents.total_idr + shipping}


def _collecting_only(request, contents) -> bool:
    """Whether the buyer chose pickup for every shop of the cart (checked again by checkout_start: a
    shop that offers no pickup refuses the choice, and the address is asked again)."""
    return all(request.POST.get(choice_field(group.shop)) == PICKUP for group in contents.groups)


def _delivery_placeholder(contents, previous: Order | None, posted=None) -> list[dict]:
    """Each shop's delivery fieldset before any address is priced (checkout.js fills it in, choosing
    again what the buyer chose: in the form just sent back with a mistake, else in their unpaid
    attempt)."""
    chosen = _attempt_choices(previous)
    return [{"shop": group.shop, "field": choice_field(group.shop), "options": [], "unavailable": "",
             "chosen": (posted or {}).get(choice_field(group.shop)) or chosen.get(group.shop.pk, ""),
             "subtotal_idr": group.subtotal_idr} for group in contents.groups]


def _delivery_script(contents) -> dict:
    """What checkout.js needs to ask GET /api/shipping/options for this cart as the address changes and to
    write the options as the page does; the server prices everything again when the form is sent."""
    quantities: dict[str, int] = {}
    for line in contents.lines:
        quantities[line.product.slug] = quantities.get(line.product.slug, 0) + line.quantity
    return {
        "url": SHIPPING_OPTIONS_API, "lang": get_language() or "id",
        "items": ",".join(f"{slug}:{quantity}" for slug, quantity in quantities.items()),
        "goodsIdr": contents.total_idr,
        "messages": {
            "free": _("gratis"), "days": _("%(low)s–%(high)s hari"),
            # Same-day and next-day couriers: "1 hari", not "1–1 hari".
            "day": ngettext("%(days)s hari", "%(days)s hari", 1), "daysSame": ngettext("%(days)s hari", "%(days)s hari", 2),
            "goods": _("Barang"), "shipping": _("Ongkos kirim"), "total": _("Total"),
            "goodsTotal": _("Total barang"), "fromAddress": _("Ongkos kirim dihitung dari alamat Anda."),
            "working": _("Menghitung ongkos kirim…"),
            "updated": _("Pilihan pengiriman diperbarui untuk alamat ini."),
            "failed": _("Ongkos kirim belum bisa dihitung otomatis. Tekan “Hitung ongkir”."),
        },
    }


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def checkout_view(request):
    if not stripe_client.payments_enabled():
        return _cart_page(request, status=503)
    previous = _previous_attempt(request)
    contents = cart.cart_contents(request, held=stock.stock_held(order=previous))
    if contents.is_empty:
        messages.info(request, _("Keranjang Anda kosong."))
        return redirect("orders:cart")
    if contents.too_large:
        return _cart_page(request, errors=[checkout.amount_too_large_message()], status=400)
    own = _own_attempt(request, previous)
    posted = request.POST if request.method == "POST" else None
    form = CheckoutForm(posted, initial=_checkout_initial(request, own),
                        collecting_only=posted is not None and _collecting_only(request, contents),
                        quoting=posted is not None and posted.get("action") == "quote")
    context = {"cart": contents, "form": form, "errors": [], "delivery": None, "delivery_errors": {},
               "delivery_shops": _delivery_placeholder(contents, own, posted),
               "delivery_script": _delivery_script(contents)}
    if request.method != "POST":
        return render(request, "orders/checkout.html", context)
    if not form.is_valid():
        return render(request, "orders/checkout.html", context, status=400)
    data = form.cleaned_data
    address = _checkout_address(data)
    _destination_remember(request, country=data["country"], province=data["province"], city=data["regency"])
    try:
        context["delivery"] = _delivery_context(request, contents, address, own)
    except checkout.CheckoutError as error:
        context["errors"] = [error.message]
        return render(request, "orders/checkout.html", context, status=error.status)
    if request.POST.get("action") == "quote":
        # "Hitung ongkir" without JavaScript: the same form again, with each shop's options and the total.
        return render(request, "orders/checkout.html", context)
    try:
        order = checkout.checkout_start(
            items=contents.items(), user=request.user, language=get_language() or "id",
            checkout_key=data["checkout_key"],
            # Back from the payment page to change the cart, then a new form: the earlier attempt's stock
            # goes back with this order's making (that of the same form sent again, checkout_start knows).
            replaces=previous,
            contact=checkout.Contact(name=data["name"], email=data["email"], phone=data["phone"]),
            address=address,
            delivery={group.shop.slug: request.POST.get(choice_field(group.shop), "") for group in contents.groups})
    except checkout.CheckoutError as error:
        context["errors"] = [error.message]
        if error.field:
            context["delivery_errors"] = {error.field: error.message}
        return render(request, "orders/checkout.html", context, status=error.status)
    request.session[SESSION_CHECKOUT_TOKEN] = order.token
    selectors.device_order_remember(request, order)
    return redirect("orders:pay", token=order.token)


def _order_or_404(token: str) -> Order:
    return selectors.order_for_token(token=token)


def _pay_page(request, order: Order, *, method: str = "", errors=(), status: int = 200):
    mode = stripe_client.payments_mode()
    current = methods.for_intent(order.stripe_payment_intent_id)
    current_method = current.method if current else PaymentMethod.CARD
    chosen = method if method in stripe_client.PAYMENT_METHODS else current_method
    qr = current if current is not None and current.method == chosen == PaymentMethod.QRIS else None
    # A failed attempt (the code expired at Stripe, the buyer turned GoPay down) ends the wait.
    failed = bool(order.last_payment_error) and current is not None and current.method == chosen
    qr_live = qr is not None and bool(qr.qr_data) and not qr.is_expired() and not failed
    gopay_waiting = chosen == PaymentMethod.GOPAY == current_method and not failed
    if failed and chosen != PaymentMethod.QRIS:
        errors = [*errors, _("Pembayaran belum berhasil. Coba lagi, atau pilih cara bayar lain.")]
    return render(request, "orders/pay.html", {
        "order": order, "sub_orders": list(order.sub_orders.all()), "errors": list(errors),
        "methods": [(value, label, reverse("orders:pay", kwargs={"token": order.token}) + f"?metode={value}")
                    for value, label in PaymentMethod.choices],
        "chosen": chosen, "emulator": mode == "emulator",
        "qr": qr, "qr_live": qr_live, "qr_svg": methods.qr_svg(qr.qr_data) if qr_live else "",
        "refresh_seconds": QR_REFRESH_SECONDS if qr_live or gopay_waiting else 0,
        "gopay_waiting": gopay_waiting,
        "payments": {
            "mode": mode,
            "publishableKey": stripe_client.publishable_key(),
            "prepareUrl": reverse("orders:pay_prepare", kwargs={"token": order.token}),
            "emulatorUrl": reverse("orders:pay_emulator", kwargs={"token": order.token}) if mode == "emulator" else "",
            "confirmationUrl": reverse("orders:confirmation", kwargs={"token": order.token}),
            "name": order.name, "email": order.email, "locale": get_language() or "id",
            "declines": {code: checkout.card_decline_message(code) for code in checkout.DECLINE_CODES},
            "messages": {
                "working": _("Memproses pembayaran…"),
                "network": _("Koneksi terputus. Periksa internet Anda lalu coba lagi; kartu Anda belum ditagih "
                             "dua kali."),
                "declined": checkout.card_decline_message("card_declined"),
                "failed": checkout.card_decline_message(""),
                "incomplete": _("Lengkapi data kartu dulu."),
            },
        },
        "stripe_js_url": stripe_client.stripe_js_url(),
        "reserved_minutes": settings.STOCK_RESERVATION_MINUTES,
    }, status=status)


@never_cache
@require_http_methods(["GET", "HEAD"])
def pay_view(request, token):
    order = _order_or_404(token)
    if order.status == OrderStatus.AWAITING_PAYMENT:
        # The QRIS or GoPay page waits for the webhook, and a buyer who paid by card may come back to
        # this page before it came: a late or lost one is asked of Stripe (rate-limited).
        order = _reconcile_if_waiting(order)
    if order.status != OrderStatus.AWAITING_PAYMENT:
        # The QRIS or GoPay page turns into the confirmation once the webhook has marked the order paid.
        return redirect("orders:confirmation" if request.GET.get("metode") else "orders:status", token=order.token)
    if not stripe_client.payments_enabled():
        messages.error(request, checkout.payments_off_message())
        return redirect("orders:status", token=order.token)
    return _pay_page(request, order, method=request.GET.get("metode", ""))


def _pay_page_url(order: Order, method: str) -> str:
    return reverse("orders:pay", kwargs={"token": order.token}) + f"?metode={method}"


@never_cache
@require_POST
def pay_method_view(request, token):
    """The buyer chose QRIS or GoPay (a plain form: works without JavaScript). QRIS: the pay page then
    shows the code (a new one when the last has expired); GoPay: off to its page, back to the pay page."""
    order = _order_or_404(token)
    if order.status != OrderStatus.AWAITING_PAYMENT:
        return redirect("orders:status", token=order.token)
    method = request.POST.get("method", "")
    if method not in stripe_client.PAYMENT_METHODS:
        return _pay_page(request, order, status=400, errors=[
            _("Cara bayar (method) tidak dikenal: pilih Kartu, QRIS atau GoPay.")])
    amount = request.POST.get("amount")
    if amount is not None and amount != str(order.total_idr):
        return _pay_page(request, order, method=method, status=400, errors=[
            _("Jumlah (amount) tidak sesuai dengan total pesanan. Muat ulang halaman ini lalu coba lagi.")])
    if method == PaymentMethod.CARD:
        return redirect(_pay_page_url(order, method))
    return_url = request.build_absolute_uri(_pay_page_url(order, method))
    try:
        checkout.checkout_payment_prepare(order=order, method=method, return_url=return_url,
                                          renew=method == PaymentMethod.GOPAY)
    except checkout.CheckoutError as error:
        return _pay_page(request, order, method=method, status=error.status, errors=[error.message])
    order.refresh_from_db()
    current = methods.for_intent(order.stripe_payment_intent_id)
    if method == PaymentMethod.GOPAY and current is not None and current.redirect_url:
        return redirect(current.redirect_url)
    return redirect(_pay_page_url(order, method))


@never_cache
@require_POST
def pay_scan_view(request, token):
    """Emulator only: "simulate the scan" pays the QRIS code (or the GoPay page) the pay page shows, and
    localstripe sends the `payment_intent.succeeded` webhook that a real payment would."""
    if stripe_client.payments_mode() != "emulator":
        raise Http404("only with the emulator")
    order = _order_or_404(token)
    current = methods.for_intent(order.stripe_payment_intent_id)
    if order.status != OrderStatus.AWAITING_PAYMENT or current is None:
        return redirect("orders:pay", token=order.token)
    if current.is_expired():
        return _pay_page(request, order, method=current.method, status=409, errors=[
            _("Kode QR ini sudah kedaluwarsa. Buat kode QR baru lalu pindai lagi.")])
    try:
        stripe_client.emulator_payment_intent_succeed(current.payment_intent_id)
    except stripe_client.StripeError:
        return _pay_page(request, order, method=current.method, status=409, errors=[
            _("Pembayaran ini tidak dapat disimulasikan lagi. Muat ulang halaman ini.")])
    return redirect(_pay_page_url(order, current.method))


def _json_error(error: checkout.CheckoutError) -> JsonResponse:
    return JsonResponse({"error": error.code, "message": error.message}, status=error.status)


@never_cache
@require_POST
def pay_prepare_view(request, token):
    order = _order_or_404(token)
    payload = {}
    if request.content_type == "application/json":
        try:
            payload = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            payload = None
    if not isinstance(payload, dict) or payload.get("method", "card") != "card":
        # Only cards are paid through this (Stripe.js); QRIS and GoPay go through pay_method_view.
        return JsonResponse({"error": "invalid", "field": "method",
                             "message": _("Cara bayar (method) tidak dikenal: pilih Kartu, QRIS atau GoPay.")},
                            status=400)
    if "amount" in payload and payload["amount"] != order.total_idr:
        return JsonResponse({"error": "invalid", "field": "amount", "message": _(
            "Jumlah (amount) tidak sesuai dengan total pesanan. Muat ulang halaman ini lalu coba lagi.")},
            status=400)
    try:
        ready = checkout.checkout_payment_prepare(order=order)
    except checkout.CheckoutError as error:
        return _json_error(error)
    return JsonResponse({"client_secret": ready.client_secret})


@never_cache
@require_POST
def pay_emulator_view(request, token):
    if stripe_client.payments_mode() != "emulator":
        raise Http404("only with the emulator")
    order = _order_or_404(token)
    try:
        payload = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        payload = None
    card_token = payload.get("token") if isinstance(payload, dict) else None
    if not isinstance(card_token, str) or not card_token.startswith("tok_") or len(card_token) > 255:
        return JsonResponse({"error": "invalid_card", "message": checkout.card_decline_message("incorrect_number")},
                            status=400)
    try:
        result = checkout.emulator_card_pay(order=order, token_id=card_token)
    except checkout.CheckoutError as error:
        return _json_error(error)
    return JsonResponse(result, status=402 if result["status"] == "failed" else 200)


# --- After paying -------------------------------------------------------------------------

def _reconcile_if_waiting(order: Order) -> Order:
    """The webhook is the source of truth, but a buyer should not wait on a lost one: when it has
    not come WEBHOOK_GRACE after the payment attempt, ask Stripe itself (at most every few seconds)."""
    if order.status != OrderStatus.AWAITING_PAYMENT or not order.stripe_payment_intent_id:
        return order
    attempted = order.payment_prepared_at or order.created_at
    if timezone.now() - attempted < WEBHOOK_GRACE:
        return order
    if not cache.add(f"orders:reconcile:{order.pk}", 1, RECONCILE_EVERY_SECONDS):
        return order
    try:
        checkout.order_reconcile(order=order)
    except stripe_client.StripeError:
        return order
    return selectors.order_for_token(token=order.token)


def _status_page(request, order: Order, *, confirmation: bool, status: int = 200):
    return render(request, "orders/order_status.html", {
        "order": order, "sub_orders": list(order.sub_orders.all()), "confirmation": confirmation,
        "refunded_idr": selectors.order_refunded_idr(order),
        "decline_message": checkout.card_decline_message(order.last_payment_error)
        if order.last_payment_error and order.status == OrderStatus.AWAITING_PAYMENT else "",
    }, status=status)


@never_cache
@require_http_methods(["GET", "HEAD"])
def confirmation_view(request, token):
    order = _reconcile_if_waiting(_order_or_404(token))
    if order.status == OrderStatus.PAID and request.session.get(SESSION_CHECKOUT_TOKEN) == order.token:
        cart.cart_clear(request)
        del request.session[SESSION_CHECKOUT_TOKEN]
    return _status_page(request, order, confirmation=True)


@never_cache
@require_http_methods(["GET", "HEAD"])
def status_view(request, token):
    return _status_page(request, _order_or_404(token), confirmation=False)


@never_cache
@require_POST
def delivered_view(request, token, pk):
    """The buyer says a shipped part of their order has arrived; they are then asked to review it."""
    order = _order_or_404(token)
    sub_order = next((sub_order for sub_order in order.sub_orders.all() if sub_order.pk == pk), None)
    if sub_order is None:
        raise Http404("no such part of this order")
    try:
        fulfilment.suborder_mark_delivered(sub_order=sub_order)
    except fulfilment.FulfilmentError as error:
        messages.error(request, str(error))
        return _status_page(request, selectors.order_for_token(token=token), confirmation=False, status=409)
    messages.success(request, _("Terima kasih! Pesanan dari %(shop)s ditandai sudah diterima. Ceritakan "
                                "bagaimana barangnya lewat tautan ulasan di bawah.") % {"shop": sub_order.shop.name})
    return redirect("orders:status", token=order.token)


@never_cache
@require_http_methods(["GET", "HEAD"])
def my_orders_view(request):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('orders:login')}?next={request.path}")
    return render(request, "orders/my_orders.html", {"orders": selectors.orders_for_buyer(user=request.user)})


# --- Buyers' accounts -----------------------------------------------------------------------

def _safe_next(request, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                                      require_https=request.is_secure()):
        return candidate
    return default


class BuyerLoginView(auth_views.LoginView):
    """Buyers sign in with their email; the guest cart comes along (cart.cart_merge_on_login)."""

    form_class = EmailLoginForm
    template_name = "orders/account_login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return reverse("orders:my_orders")

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def signup_view(request):
    if request.user.is_authenticated:
        return redirect("orders:my_orders")
    form = SignupForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            user = marketplace_services.artisan_signup(email=form.cleaned_data["email"],
                                                       password=form.cleaned_data["password1"])
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Akun dibuat. Anda sudah masuk."))
            return redirect(_safe_next(request, reverse("orders:my_orders")))
        return render(request, "orders/account_signup.html", {"form": form}, status=400)
    return render(request, "orders/account_signup.html", {"form": form})


class BuyerLogoutView(auth_views.LogoutView):
    def get_success_url(self):
        return reverse("orders:cart")
