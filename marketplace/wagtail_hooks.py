"""Kampung Sasirangan in the Wagtail admin: editors decide on shops and keep the taxonomies.

Artisans never use the admin (they have /toko/). Editors see shops, products,
motifs and colours as snippets under one menu; a shop's status changes only
through the Approve / Reject / Suspend action, which records the reason the
artisan reads and emails them.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import EditView, SnippetViewSet, SnippetViewSetGroup

from config.admin_search import database_search_chooser
from marketplace import services
from marketplace.models import Color, Motif, Product, Shop, ShopStatus


class ShopPermissionPolicy(ModelPermissionPolicy):
    """Editors decide on shops and may edit them, but never create one: a shop needs an owner's
    login, so it is applied for in /toko/ or imported from a catalogue."""

    def user_has_permission(self, user, action):
        if action == "add":
            return False
        return super().user_has_permission(user, action)


shop_permission_policy = ShopPermissionPolicy(Shop)
register_permission_policy(Shop, shop_permission_policy, exact_class=True)


class ShopDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Keputusan"), widget=forms.RadioSelect,
        choices=[("approve", _("Setujui: toko dan produknya tampil untuk umum")),
                 ("reject", _("Tolak: perajin dapat memperbaiki dan mengajukan ulang")),
                 ("suspend", _("Bekukan: toko dan produknya disembunyikan"))])
    reason = forms.CharField(
        label=_("Alasan untuk perajin"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Wajib untuk penolakan dan pembekuan. Perajin membacanya di dasbor dan di email."))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") in {"reject", "suspend"} and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Tuliskan alasannya: perajin akan membacanya."))
        return cleaned


class ShopDecideView(WagtailAdminTemplateMixin, FormView):
    form_class = ShopDecisionForm
    template_name = "marketplace/admin/shop_decide.html"
    header_icon = "tick"
    viewset = None

    def dispatch(self, request, *args, **kwargs):
        if not shop_permission_policy.user_has_permission(request.user, "change"):
            raise PermissionDenied
        self.shop = get_object_or_404(Shop.objects.select_related("owner", "district", "decided_by"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Keputusan untuk toko")

    def get_page_subtitle(self):
        return self.shop.name

    def get_initial(self):
        # A new decision starts without a reason: the last one's (a rejection's, shown above the form)
        # sent again with an approval told the artisan what they had corrected already.
        return {"decision": "approve" if self.shop.status != ShopStatus.APPROVED else "suspend", "reason": ""}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(shop=self.shop, edit_url=reverse(self.viewset.get_url_name("edit"), args=[self.shop.pk]),
                       index_url=reverse(self.viewset.get_url_name("list")))
        return context

    def form_valid(self, form):
        try:
            services.shop_decide(shop=self.shop, decision=form.cleaned_data["decision"],
                                 reason=form.cleaned_data["reason"], decided_by=self.request.user)
        except ValidationError as error:
            form.add_error("reason", error)
            return self.form_invalid(form)
        messages.success(self.request, _("Keputusan untuk “%(shop)s” disimpan: %(status)s. Perajin diberi tahu lewat email.")
                         % {"shop": self.shop.name, "status": self.shop.get_status_display()})
        return redirect(self.viewset.get_url_name("list"))


def shop_decision_link(shop) -> tuple[str, str]:
    """The label and address of the button that leads to a shop's decision, on its edit page and in
    the list: "Putuskan" while it waits, "Ubah keputusan" once decided."""
    label = _("Putuskan") if shop.status == ShopStatus.PENDING else _("Ubah keputusan")
    return label, reverse(Shop.snippet_viewset.get_url_name("decide"), args=[shop.pk])


class StatusColumn(Column):
    cell_template_name = "marketplace/admin/status_cell.html"


class ShopEditView(EditView):
    """A shop's edit page leads to its decision: the status shows there read-only (it changes only
    with the reason the artisan reads, ShopDecideView), and an editor who opened an application from
    the list looked for the button to approve it (found by an editor's walk)."""

    @cached_property
    def header_buttons(self):
        if not shop_permission_policy.user_has_permission(self.request.user, "change"):
            return []
        label, url = shop_decision_link(self.object)
        return [HeaderButton(label, url=url, icon_name="tick")]


class ShopViewSet(SnippetViewSet):
    model = Shop
    edit_view_class = ShopEditView
    icon = "home"
    menu_label = _("Toko perajin")
    list_display = ["name", Column("owner", label=_("Pemilik")), "district",
                    StatusColumn("status", label=_("Status"), accessor="get_status_display"), "created_at"]
    list_filter = ["status", "district"]
    ordering = ["status", "-created_at"]
    copy_view_enabled = False
    inspect_view_enabled = True
    # The importer's bookkeeping means nothing to an editor.
    inspect_view_fields_exclude = ["import_fingerprint"]
    decide_view_class = ShopDecideView
    # Shops, products and motifs are in the project's search index, not Wagtail's: the admin finds
    # them with the database (config/admin_search.py).
    search_fields = ["name", "story_id"]
    search_backend_name = None
    chooser_viewset_class = database_search_chooser("name")

    def get_queryset(self, request):
        return Shop.objects.select_related("owner", "district")

    @property
    def decide_view(self):
        return self.decide_view_class.as_view(viewset=self)

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("decide/<int:pk>/", self.decide_view, name="decide"),
        ]


class ProductViewSet(SnippetViewSet):
    model = Product
    icon = "tag"
    menu_label = _("Produk")
    list_display = ["title_id", "shop", "price_idr", "stock", "is_published", "created_at"]
    list_filter = ["is_published", "kind", "dye", "motif"]
    copy_view_enabled = False
    search_fields = ["title_id", "title_en"]
    search_backend_name = None
    chooser_viewset_class = database_search_chooser("title_id", "title_en")

    def get_queryset(self, request):
        return Product.objects.select_related("shop")


class MotifViewSet(SnippetViewSet):
    model = Motif
    icon = "image"
    menu_label = _("Motif")
    list_display = ["name", "slug"]
    search_fields = ["name", "meaning_id", "meaning_en"]
    search_backend_name = None
    chooser_viewset_class = database_search_chooser("name")


class ColorViewSet(SnippetViewSet):
    model = Color
    icon = "pick"
    menu_label = _("Warna")
    list_display = ["name_id", "name_en", "slug"]


class KampungSasiranganGroup(SnippetViewSetGroup):
    menu_label = _("Kampung Sasirangan")
    menu_icon = "folder-open-inverse"
    menu_order = 250
    items = (ShopViewSet, ProductViewSet, MotifViewSet, ColorViewSet)


register_snippet(KampungSasiranganGroup)


@hooks.register("register_snippet_listing_buttons")
def shop_decide_button(snippet, user, next_url=None):
    if isinstance(snippet, Shop) and shop_permission_policy.user_has_permission(user, "change"):
        label, url = shop_decision_link(snippet)
        yield Button(label, url, icon_name="tick", priority=5)


class PendingShopsPanel(Component):
    """On the admin home page: how many artisans are waiting for a decision."""

    order = 90
    template_name = "marketplace/admin/pending_shops_panel.html"

    def get_context_data(self, parent_context):
        pending = list(Shop.objects.filter(status=ShopStatus.PENDING).select_related("district")
                       .order_by("created_at")[:10])
        return {"pending": pending, "pending_count": Shop.objects.filter(status=ShopStatus.PENDING).count(),
                "decide_url_name": Shop.snippet_viewset.get_url_name("decide"),
                "index_url": reverse(Shop.snippet_viewset.get_url_name("list")) + "?status=pending"}


@hooks.register("construct_homepage_panels")
def add_pending_shops_panel(request, panels):
    if shop_permission_policy.user_has_permission(request.user, "change"):
        panels.append(PendingShopsPanel())
