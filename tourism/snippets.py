"""Taxonomies editors manage as Wagtail snippets: districts and categories."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from config.admin_search import database_search_chooser
from config.languages import reading_english

# The six kinds of destination the tourism office uses; the catalogue import format
# (shared/contracts/catalog-schema.md) names them by these keys.
CATEGORY_KEYS = ["nature", "religious", "culture", "culinary", "shopping", "recreation"]


class District(models.Model):
    """A kecamatan (sub-district) of Kabupaten Banjar, e.g. Martapura, Aranio."""

    name = models.CharField(_("nama"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)

    panels = [FieldPanel("name"), FieldPanel("slug")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")

    def __str__(self):
        return self.name


class Category(models.Model):
    """A destination category, named in both languages."""

    key = models.SlugField(_("kunci"), max_length=30, unique=True,
                           help_text=_("Kode tetap yang dipakai impor dan API, mis. 'nature'."))
    name_id = models.CharField(_("nama (Indonesia)"), max_length=60)
    name_en = models.CharField(_("nama (Inggris)"), max_length=60)
    sort_order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    panels = [FieldPanel("key"), FieldPanel("name_id"), FieldPanel("name_en"), FieldPanel("sort_order")]

    class Meta:
        ordering = ["sort_order", "key"]
        verbose_name = _("kategori")
        verbose_name_plural = _("kategori")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        """The name in the language being shown."""
        return self.name_en if reading_english() else self.name_id


class DistrictViewSet(SnippetViewSet):
    model = District
    # Found with the database, as in its chooser: no Wagtail search index (config/admin_search.py).
    search_fields = ["name"]
    search_backend_name = None
    chooser_viewset_class = database_search_chooser("name")


register_snippet(DistrictViewSet)
register_snippet(Category)
