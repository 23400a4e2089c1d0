"""Orders and settlements in the Wagtail admin, for the regency's editors and finance office.

Nobody adds, edits or deletes an order or a settlement in a form: money moves only
through services. Editors with "refund_order" refund a whole order or one shop's
part of it, all or some; editors with "settle_payouts" settle a period and
download the settlement report (CSV) for the finance office.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.models import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from marketplace.orders import payouts, refunds
from marketplace.orders.forms import RefundForm, SettleForm, SettlementForm
from marketplace.orders.models import Order, OrderStatus, RefundStatus, Settlement, SubOrder
from marketplace.payments import methods
from tourism.templatetags.gebrak import rupiah


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Viewing follows the model's "view" permission; adding, editing, deleting are nobody's."""

    def user_has_permission(self, user, action):
        if action in {"add", "change", "delete"}:
            return False
        return super().user_has_permission(user, action)


register_permission_policy(Order, ReadOnlyPermissionPolicy(Order))
register_permission_policy(Settlement, ReadOnlyPermissionPolicy(Settlement))


class RupiahColumn(Column):
    def get_value(self, instance):
        return rupiah(super().get_value(instance))


# --- Orders -----------------------------------------------------------------------------------

class OrderInspectView(InspectView):
    template_name = "orders/admin/order_inspect.html"

    def get_object(self, queryset=None):
        return get_object_or_404(Order.objects.prefetch_related("sub_orders__shop", "sub_orders__lines",
                                                                "refunds__parts__sub_order__shop"), pk=self.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(order=self.object, sub_orders=list(self.object.sub_orders.all()),
                       refunds=list(self.object.refunds.all()),
                       refunded_idr=refunds.refunded_total(order=self.object))
        return context

    @property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.object.status == OrderStatus.PAID and self.request.user.has_perm("orders.refund_order"):
            buttons.append(Button(_("Kembalikan dana"), url=reverse("orders_order:refund", args=[self.object.pk]),
                                  icon_name="undo", priority=5))
        return buttons


class OrderRefundView(WagtailAdminTemplateMixin, FormView):
    form_class = RefundForm
    template_name = "orders/admin/refund.html"
    header_icon = "undo"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("orders.refund_order"):
            raise PermissionDenied
        self.order = get_object_or_404(Order.objects.prefetch_related("sub_orders__shop"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Kembalikan dana")

    def get_page_subtitle(self):
        return self.order.number

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(order=self.order, remaining=refunds.refundable_by_sub_order(order=self.order))
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(order=self.order, inspect_url=reverse("orders_order:inspect", args=[self.order.pk]),
                       payment_method=methods.method_label(methods.method_of(self.order.stripe_payment_intent_id)),
                       partial_refund_refusal=methods.partial_refund_refusal(
                           methods.method_of(self.order.stripe_payment_intent_id)))
        return context

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def form_valid(self, form):
        target = form.cleaned_data["target"]
        sub_order = None
        if target != "order":
            sub_order = SubOrder.objects.filter(order=self.order, pk=target).first()
        try:
            refund = refunds.refund_make(order=self.order, sub_order=sub_order,
                                         amount_idr=form.cleaned_data["amount_idr"],
                                         reason=form.cleaned_data["reason"], by=self.request.user)
        except refunds.RefundError as error:
            form.add_error("amount_idr", str(error))
            return self.form_invalid(form)
        if refund.status == RefundStatus.SUCCEEDED:
            messages.success(self.request, _("Dana %(amount)s dikembalikan ke pembeli %(number)s.")
                             % {"amount": rupiah(refund.amount_idr), "number": self.order.number})
        elif refund.status == RefundStatus.PENDING:
            # The task queue sends it to Stripe (tried again while Stripe does not answer).
            messages.info(self.request, _("Pengembalian %(amount)s tercatat dan sedang dikirim ke Stripe; "
                                          "statusnya tampil di halaman pesanan ini.")
                          % {"amount": rupiah(refund.amount_idr)})
        else:
            messages.error(self.request, _("Stripe menolak pengembalian: %(reason)s")
                           % {"reason": refund.failure_message})
        return redirect("orders_order:inspect", self.order.pk)


class OrderViewSet(ModelViewSet):
    model = Order
    icon = "list-ul"
    menu_label = _("Pesanan")
    add_to_admin_menu = False
    inspect_view_enabled = True
    inspect_view_class = OrderInspectView
    copy_view_enabled = False
    list_display = ["__str__", "name", "email", "status", RupiahColumn("total_idr", label=_("Total")), "created_at"]
    list_filter = ["status"]
    search_fields = ["name", "email", "phone"]
    search_backend_name = None
    form_fields = []
    ordering = ["-created_at"]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("refund/<int:pk>/", OrderRefundView.as_view(), name="refund"),
        ]


# --- Settlements ----------------------------------------------------------------------------

class SettlementIndexView(IndexView):
    @property
    def header_buttons(self):
        buttons = []
        if self.request.user.has_perm("orders.settle_payouts"):
            buttons.append(HeaderButton(_("Buat penyelesaian periode"), url=reverse("orders_settlement:settle"),
                                        icon_name="plus"))
        return buttons


def _month_bounds(today: date) -> tuple[date, date]:
    first_this_month = today.replace(day=1)
    last_previous = first_this_month - timedelta(days=1)
    return last_previous.replace(day=1), last_previous


class SettleView(WagtailAdminTemplateMixin, FormView):
    form_class = SettleForm
    template_name = "orders/admin/settle.html"
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("orders.settle_payouts"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Penyelesaian pembayaran ke perajin")

    def get_initial(self):
        start, end = _month_bounds(timezone.localdate())
        return {"period_start": self.request.GET.get("period_start", start),
                "period_end": self.request.GET.get("period_end", end)}

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.method in ("GET", "HEAD") and self.request.GET.keys() & {"period_start", "period_end"}:
            kwargs["data"] = self.get_initial()  # the period asked for, checked as a settlement is
        return kwargs

    def get(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_bound and not form.is_valid():
            return self.form_invalid(form)  # its errors beside the fields, and a 400
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        if not form.is_bound:
            form = SettleForm(data=self.get_initial())  # the period proposed: last month
        period_end = form.cleaned_data["period_end"] if form.is_valid() else None
        context["period_checked"] = period_end is not None  # else the errors say why, not "nothing to pay"
        context["preview"] = payouts.settlement_preview(period_end=period_end) if period_end else []
        context["preview_total"] = sum(row.amount_idr for row in context["preview"])
        return context

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def form_valid(self, form):
        start, end = form.cleaned_data["period_start"], form.cleaned_data["period_end"]
        created = payouts.settlements_create(period_start=start, period_end=end, by=self.request.user)
        if created:
            messages.success(self.request, _("%(count)s penyelesaian dibuat, jumlah %(amount)s. Unduh laporannya "
                                             "untuk bagian keuangan.")
                             % {"count": len(created), "amount": rupiah(sum(s.amount_idr for s in created))})
        else:
            messages.info(self.request, _("Tidak ada yang perlu diselesaikan untuk periode ini."))
        return redirect(f"{reverse('orders_settlement:index')}?period_start={start}&period_end={end}")


def settlement_report_view(request):
    if not request.user.has_perm("orders.view_settlement"):
        raise PermissionDenied
    form = SettlementForm(data=request.GET)
    if not form.is_valid():
        return HttpResponse(" ".join(str(error) for errors in form.errors.values() for error in errors),
                            status=400, content_type="text/plain; charset=utf-8")
    start, end = form.cleaned_data["period_start"], form.cleaned_data["period_end"]
    response = HttpResponse(payouts.settlement_report_csv(period_start=start, period_end=end),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="penyelesaian-{start}-{end}.csv"'
    return response


class SettlementViewSet(ModelViewSet):
    model = Settlement
    icon = "doc-full"
    menu_label = _("Penyelesaian pembayaran")
    add_to_admin_menu = False
    index_view_class = SettlementIndexView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["shop", "period_start", "period_end", "method", "status",
                    RupiahColumn("amount_idr", label=_("Jumlah"))]
    list_filter = ["method", "status", "period_end"]
    form_fields = []

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("settle/", SettleView.as_view(), name="settle"),
            path("report.csv", settlement_report_view, name="report"),
        ]


class OrdersGroup(ModelViewSetGroup):
    menu_label = _("Pesanan & pembayaran")
    menu_icon = "list-ul"
    menu_order = 260
    items = (OrderViewSet("orders_order", url_prefix="orders"),
             SettlementViewSet("orders_settlement", url_prefix="settlements"))


@hooks.register("register_admin_viewset")
def register_orders_viewsets():
    return OrdersGroup()

