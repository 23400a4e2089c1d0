"""The artisans' side of orders in the shop dashboard (/toko/pesanan/, /toko/pendapatan/).

Indonesian, like the rest of the dashboard. Who may see what is the dashboard's
own decorator (marketplace.dashboard_views.shop_owner_required: a signed-in
artisan with an approved shop); which sub-order is theirs is
selectors.sub_order_for_shop (anyone else's is a 404).
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from marketplace.dashboard_views import shop_owner_required
from marketplace.orders import fulfilment, payouts, selectors
from marketplace.orders.forms import BankAccountForm, CancelForm, CollectForm, ShipForm
from marketplace.orders.models import SubOrderStatus
from marketplace.payments import stripe_client


def with_sub_order(view):
    """The URL's `pk` must name one of the shop's paid sub-orders, passed on as `sub_order`; anyone
    else's is a 404, decided before the method is looked at (like the dashboard's product URLs)."""
    @wraps(view)
    def wrapper(request, *args, shop, pk, **kwargs):
        return view(request, *args, shop=shop, sub_order=selectors.sub_order_for_shop(shop=shop, pk=pk), **kwargs)
    return wrapper


@never_cache
@shop_owner_required(approved=True)
@require_GET
def order_list(request, shop):
    status = request.GET.get("status", "")
    if status not in {"", *SubOrderStatus.values} or status == SubOrderStatus.AWAITING_PAYMENT:
        status = ""
    return render(request, "orders/dashboard/order_list.html", {
        "shop": shop, "section": "orders", "status": status,
        "sub_orders": selectors.sub_orders_for_shop(shop=shop, status=status or None),
        "statuses": [(value, label) for value, label in SubOrderStatus.choices
                     if value != SubOrderStatus.AWAITING_PAYMENT],
    })


def _detail(request, shop, sub_order, *, ship_form=None, cancel_form=None, collect_form=None, status=200):
    if ship_form is None:
        # A parcel on its way: the form corrects its courier and receipt number, so it starts with them.
        ship_form = ShipForm(initial={"courier": sub_order.courier, "tracking_number": sub_order.tracking_number}
                             if sub_order.status == SubOrderStatus.SHIPPED else None)
    return render(request, "orders/dashboard/order_detail.html", {
        "shop": shop, "section": "orders", "sub_order": sub_order, "order": sub_order.order,
        "lines": list(sub_order.lines.all()),
        "refunded_idr": selectors.sub_order_refunded_idr(sub_order=sub_order),
        "ship_form": ship_form, "cancel_form": cancel_form or CancelForm(),
        "collect_form": collect_form or CollectForm(),
        "cancel_refusal": fulfilment.cancel_refusal(sub_order=sub_order),
    }, status=status)


def _refused(request, shop, sub_order, error: fulfilment.FulfilmentError, *, status=409):
    """The sub-order is not in a state for this (or the code was wrong): say why, show it as it is."""
    messages.error(request, str(error))
    return _detail(request, shop, selectors.sub_order_for_shop(shop=shop, pk=sub_order.pk), status=status)


def _fulfil(request, shop, sub_order, step, done: str, **arguments):
    """Run one fulfilment step on the sub-order: when it is refused (FulfilmentError) the page says why
    (409); when it is done, `done` is shown on the order's page."""
    try:
        step(sub_order=sub_order, **arguments)
    except fulfilment.FulfilmentError as error:
        return _refused(request, shop, sub_order, error)
    messages.success(request, done)
    return redirect("dashboard:order_detail", pk=sub_order.pk)


@never_cache
@shop_owner_required(approved=True)
@with_sub_order
@require_GET
def order_detail(request, shop, sub_order):
    return _detail(request, shop, sub_order)


@shop_owner_required(approved=True)
@with_sub_order
@require_POST
def order_ship(request, shop, sub_order):
    form = ShipForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Data pengiriman belum lengkap; belum ada yang disimpan."))
        return _detail(request, shop, sub_order, ship_form=form, status=400)
    return _fulfil(request, shop, sub_order, fulfilment.suborder_mark_shipped,
                   _("Pesanan %(number)s ditandai dikirim. Pembeli diberi tahu lewat email.")
                   % {"number": sub_order.order.number},
                   courier=form.cleaned_data["courier"], tracking_number=form.cleaned_data["tracking_number"])


@shop_owner_required(approved=True)
@with_sub_order
@require_POST
def order_tracking(request, shop, sub_order):
    """A mistyped receipt number (or courier) corrected while the parcel is on its way."""
    refusal = fulfilment.tracking_correction_refusal(sub_order)
    if refusal:  # said before what was typed: the page it would be said on has no such form
        return _refused(request, shop, sub_order, fulfilment.FulfilmentError(refusal))
    form = ShipForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nomor resi belum diperbaiki; periksa isian di bawah."))
        return _detail(request, shop, sub_order, ship_form=form, status=400)
    try:
        changed = fulfilment.suborder_correct_tracking(
            sub_order=sub_order, courier=form.cleaned_data["courier"], tracking_number=form.cleaned_data["tracking_number"])
    except fulfilment.FulfilmentError as error:
        return _refused(request, shop, sub_order, error)
    if changed:
        messages.success(request, _("Nomor resi pesanan %(number)s diperbaiki. Pembeli diberi tahu lewat email.")
                         % {"number": sub_order.order.number})
    else:
        messages.info(request, _("Kurir dan nomor resinya sama dengan sebelumnya; tidak ada yang diubah."))
    return redirect("dashboard:order_detail", pk=sub_order.pk)


@shop_owner_required(approved=True)
@with_sub_order
@require_POST
def order_ready(request, shop, sub_order):
    """Pickup: the buyer's things are ready at the workshop; the buyer is emailed the code and where to come."""
    return _fulfil(request, shop, sub_order, fulfilment.suborder_mark_ready,
                   _("Pesanan %(number)s ditandai siap diambil. Pembeli diberi tahu lewat email, "
                     "dengan alamat dan jam pengambilan.") % {"number": sub_order.order.number})


@shop_owner_required(approved=True)
@with_sub_order
@require_POST
def order_collect(request, shop, sub_order):
    """Pickup: the artisan types the code the buyer shows; only the right one hands the order over."""
    form = CollectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tulis kode pengambilan; pesanan belum ditandai diambil."))
        return _detail(request, shop, sub_order, collect_form=form, status=400)
    try:
        fulfilment.suborder_mark_collected(sub_order=sub_order, code=form.cleaned_data["code"])
    except fulfilment.WrongPickupCode as error:
        form.add_error("code", str(error))
        return _detail(request, shop, sub_order, collect_form=form, status=400)
    except fulfilment.FulfilmentError as error:
        return _refused(request, shop, sub_order, error)
    messages.success(request, _("Pesanan %(number)s sudah diambil pembeli. Pembeli diminta menulis ulasan "
                                "lewat email.") % {"number": sub_order.order.number})
    return redirect("dashboard:order_detail", pk=sub_order.pk)


@never_cache
@shop_owner_required(approved=True)
@with_sub_order
@require_GET
def order_packing_slip(request, shop, sub_order):
    """A page to print and tape on the parcel (or the bag on the pickup shelf): no JavaScript, A6 or A4."""
    return render(request, "orders/dashboard/packing_slip.html", {
        "shop": shop, "sub_order": sub_order, "order": sub_order.order, "lines": list(sub_order.lines.all()),
    })


@shop_owner_required(approved=True)
@with_sub_order
@require_POST
def order_delivered(request, shop, sub_order):
    """The courier's tracking says it arrived: the buyer is then invited to review."""
    return _fulfil(request, shop, sub_order, fulfilment.suborder_mark_delivered,
                   _("Pesanan %(number)s ditandai sudah diterima. Pembeli diminta menulis ulasan "
                     "lewat email.") % {"number": sub_order.order.number})


@shop_owner_required(approved=True)
@with_sub_order
@require_POST
def order_cancel(request, shop, sub_order):
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tulis alasan pembatalan; belum ada yang dibatalkan."))
        return _detail(request, shop, sub_order, cancel_form=form, status=400)
    return _fulfil(request, shop, sub_order, fulfilment.suborder_cancel,
                   _("Pesanan %(number)s dibatalkan. Stok dikembalikan dan dana pembeli dikembalikan.")
                   % {"number": sub_order.order.number},
                   reason=form.cleaned_data["reason"], by=request.user)


# --- Earnings -------------------------------------------------------------------------------

def _earnings_page(request, shop, *, bank_form=None, status=200):
    rows = payouts.earnings_for_shop(shop=shop)
    account = payouts.payout_account_read(shop=shop)
    if bank_form is None:
        bank_form = BankAccountForm(initial={"bank_name": account.bank_name, "account_number": account.account_number,
                                             "account_holder": account.account_holder})
    return render(request, "orders/dashboard/earnings.html", {
        "shop": shop, "section": "earnings", "rows": rows, "account": account, "bank_form": bank_form,
        "owed_idr": sum(row.owed_idr for row in rows),
        "settled_idr": sum(row.settled_idr for row in rows),
        "unsettled_idr": sum(row.unsettled_idr for row in rows),
        "connect_enabled": settings.STRIPE_CONNECT_ENABLED,
        "fee_percent": settings.PLATFORM_FEE_PERCENT,
    }, status=status)


@never_cache
@shop_owner_required(approved=True)
@require_GET
def earnings(request, shop):
    return _earnings_page(request, shop)


@never_cache
@shop_owner_required(approved=True)
@require_GET
def earnings_csv(request, shop):
    response = HttpResponse(payouts.earnings_csv(rows=payouts.earnings_for_shop(shop=shop)),
                            content_type="text/csv; charset=utf-8")
    filename = f"pendapatan-{shop.slug}-{timezone.localdate():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@shop_owner_required(approved=True)
@require_POST
def payout_bank(request, shop):
    form = BankAccountForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Data rekening belum benar; belum ada yang disimpan."))
        return _earnings_page(request, shop, bank_form=form, status=400)
    payouts.payout_account_update_bank(shop=shop, **form.cleaned_data)
    messages.success(request, _("Rekening disimpan. Bagian keuangan memakai rekening ini untuk membayar Anda."))
    return redirect("dashboard:earnings")


def _connect_urls(request) -> dict:
    return {"refresh_url": request.build_absolute_uri(reverse("dashboard:connect_refresh")),
            "return_url": request.build_absolute_uri(reverse("dashboard:connect_return"))}


def _require_connect():
    if not settings.STRIPE_CONNECT_ENABLED:
        raise Http404("Stripe Connect is off")


@shop_owner_required(approved=True)
@require_POST
def connect_start(request, shop):
    _require_connect()
    try:
        url = payouts.connect_onboarding_link(shop=shop, **_connect_urls(request))
    except stripe_client.StripeError:
        messages.error(request, _("Stripe sedang tidak dapat dihubungi. Coba lagi nanti; pembayaran lewat "
                                  "transfer bank tetap berjalan."))
        return redirect("dashboard:earnings")
    return redirect(url)


@never_cache
@shop_owner_required(approved=True)
@require_GET
def connect_refresh(request, shop):
    """Stripe sends the artisan here when an onboarding link has expired: make a new one."""
    _require_connect()
    try:
        return redirect(payouts.connect_onboarding_link(shop=shop, **_connect_urls(request)))
    except stripe_client.StripeError:
        messages.error(request, _("Stripe sedang tidak dapat dihubungi. Coba lagi nanti."))
        return redirect("dashboard:earnings")


@never_cache
@shop_owner_required(approved=True)
@require_GET
def connect_return(request, shop):
    _require_connect()
    try:
        account = payouts.connect_account_refresh(shop=shop)
    except stripe_client.StripeError:
        account = None
    if account is not None and account.stripe_transfers_active:
        messages.success(request, _("Akun Stripe Anda siap menerima transfer."))
    else:
        messages.info(request, _("Data Anda dikirim ke Stripe. Kami akan memakai Stripe setelah Stripe "
                                 "memeriksanya; sampai itu, pembayaran lewat transfer bank."))
    return redirect("dashboard:earnings")
