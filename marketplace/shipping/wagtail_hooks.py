"""The rate table in the Wagtail admin: editors keep courier services and rates as snippets,
and import or export the whole table as CSV (marketplace.shipping.table_csv)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet, SnippetViewSetGroup

from marketplace.shipping.models import CourierService, ShippingRate
from marketplace.shipping.table_csv import (
    COLUMNS,
    OPTIONAL_COLUMNS,
    ZONE_CODES,
    RateTableError,
    rate_table_export,
    rate_table_import,
)

MAX_CSV_BYTES = 1_000_000


class RateTableImportForm(forms.Form):
    file = forms.FileField(label=_("Berkas CSV"), help_text=_("Paling besar 1 MB."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError(_("Berkas terlalu besar (paling besar 1 MB)."))
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("Berkas harus teks CSV dalam UTF-8.")) from None


def _may_edit_rates(user) -> bool:
    return all(user.has_perm(f"shipping.{action}_shippingrate") for action in ("add", "change", "delete")) and \
        user.has_perm("shipping.change_courierservice")


class RateTableImportView(WagtailAdminTemplateMixin, FormView):
    form_class = RateTableImportForm
    template_name = "shipping/admin/rate_table_import.html"
    header_icon = "upload"
    viewset = None

    def dispatch(self, request, *args, **kwargs):
        if not _may_edit_rates(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Impor tabel tarif")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(columns=",".join(COLUMNS), optional_columns=",".join(OPTIONAL_COLUMNS), zones=", ".join(ZONE_CODES),
                       export_url=reverse(self.viewset.get_url_name("export_csv")),
                       index_url=reverse(self.viewset.get_url_name("list")))
        return context

    def form_valid(self, form):
        try:
            summary = rate_table_import(form.cleaned_data["file"])
        except RateTableError as error:
            form.add_error("file", str(error))
            response = self.form_invalid(form)
            response.status_code = 400
            return response
        messages.success(self.request, _("Tabel tarif diganti: %(rates)s tarif dari %(services)s layanan.")
                         % {"rates": summary.rates, "services": summary.services})
        if summary.switched_off:
            messages.warning(self.request, _("Layanan yang tidak ada di berkas dinonaktifkan: %(codes)s.")
                             % {"codes": ", ".join(summary.switched_off)})
        return redirect(self.viewset.get_url_name("list"))


class RateIndexView(IndexView):
    @property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        buttons.append(Button(_("Ekspor CSV"), reverse(self.viewset_url("export_csv")), icon_name="download"))
        if _may_edit_rates(self.request.user):
            buttons.append(Button(_("Impor CSV"), reverse(self.viewset_url("import_csv")), icon_name="upload"))
        return buttons

    def viewset_url(self, name):
        return ShippingRate.snippet_viewset.get_url_name(name)


def rate_table_export_view(request):
    if not request.user.has_perm("shipping.view_shippingrate"):
        raise PermissionDenied
    response = HttpResponse(rate_table_export(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="tarif-kirim-{stamp}.csv"'
    return response


class ShippingRateViewSet(SnippetViewSet):
    model = ShippingRate
    icon = "site"
    menu_label = _("Tarif kirim")
    index_view_class = RateIndexView
    list_display = ["service", "zone", "first_kg_idr", "next_kg_idr", "days_min", "days_max"]
    list_filter = ["service", "zone"]
    copy_view_enabled = False
    import_view_class = RateTableImportView

    def get_queryset(self, request):
        return ShippingRate.objects.select_related("service")

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("csv/import/", self.import_view_class.as_view(viewset=self), name="import_csv"),
            path("csv/export/", rate_table_export_view, name="export_csv"),
        ]


class CourierServiceViewSet(SnippetViewSet):
    model = CourierService
    icon = "list-ul"
    menu_label = _("Layanan kurir")
    list_display = ["label", "code", "weight_tolerance_g", "is_active", "sort_order"]
    list_filter = ["courier", "is_active"]
    copy_view_enabled = False


class ShippingGroup(SnippetViewSetGroup):
    menu_label = _("Pengiriman")
    menu_icon = "site"
    menu_order = 260
    items = (ShippingRateViewSet, CourierServiceViewSet)


register_snippet(ShippingGroup)
