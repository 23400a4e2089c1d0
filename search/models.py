"""What search keeps in the database.

- SearchDocument: the analysed documents the database engine searches (and the
  fallback when Elasticsearch is down), exactly the fields and stems sent to
  Elasticsearch, so both engines answer alike. Their text is in the database's own
  full-text index, `search_fts` (SQLite FTS5 or PostgreSQL tsvector; migration 0002
  makes it, outside Django's models since neither is a model field).
- SearchSynonym: synonym rules editors add in the admin, read with synonyms.txt.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet


class SearchDocument(models.Model):
    """One searchable thing (a page in all its languages, a shop, a product)."""

    key = models.CharField(max_length=80, unique=True)  # "destination:<translation key>", "product:12"
    type = models.CharField(max_length=20, db_index=True)
    slug = models.CharField(max_length=255)
    district = models.CharField(max_length=80, blank=True, db_index=True)
    category = models.CharField(max_length=40, blank=True)
    motif = models.CharField(max_length=80, blank=True)
    fabric = models.CharField(max_length=80, blank=True)
    dye = models.CharField(max_length=40, blank=True)
    # Colours as "|merah|biru|" so one `contains` finds a colour on any database.
    colors = models.CharField(max_length=255, blank=True)
    kind = models.CharField(max_length=40, blank=True)
    price_idr = models.BigIntegerField(null=True, blank=True)
    in_stock = models.BooleanField(null=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    popularity = models.FloatField(default=1.0)
    ends_at = models.DateTimeField(null=True, blank=True)  # events: ranked lower once over
    # Normalised titles for as-you-type suggestions ("sasirangan gigi haruan").
    suggest_id = models.CharField(max_length=255, blank=True)
    suggest_en = models.CharField(max_length=255, blank=True)
    # Titles, summaries, URLs, image, suggestion texts: what results show.
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("dokumen pencarian")
        verbose_name_plural = _("dokumen pencarian")

    def __str__(self):
        return self.key


class SearchState(models.Model):
    """One row: the generation of the database engine's index, a new token with every
    write (in the writing transaction), so each process knows when to read its
    cached filter columns again (search/engine_database.py); and the text's
    generation, new only when a write changed what full-text search finds (a
    document's analysed text, documents added or removed), so a stock, price or
    popularity change keeps each process's vocabulary and remembered matches."""

    generation = models.CharField(max_length=32)
    text_generation = models.CharField(max_length=32, default="")

    def __str__(self):
        return self.generation


class SearchTerm(models.Model):
    """The vocabulary the database engine corrects typos towards: every stem
    (for fuzzy matching) and surface word (for "did you mean") ever indexed.
    Only added to between rebuilds; a stale term finds nothing and costs nothing."""

    STEM, WORD = 1, 2

    term = models.CharField(max_length=40)
    kind = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "term"], name="search_term_once")]

    def __str__(self):
        return self.term


class SearchSynonym(models.Model):
    rule = models.CharField(
        _("aturan"), max_length=400,
        help_text=_("Kata yang setara dipisah koma: \"kain, wastra\". Atau ganti dengan panah: "
                    "\"batik banjar => sasirangan\". Berlaku untuk pencarian segera, tanpa indeks ulang."),
    )
    note = models.CharField(_("catatan"), max_length=200, blank=True)

    panels = [FieldPanel("rule"), FieldPanel("note")]

    class Meta:
        ordering = ["rule"]
        verbose_name = _("sinonim pencarian")
        verbose_name_plural = _("sinonim pencarian")

    def __str__(self):
        return self.rule

    def clean(self):
        from search.analysis import parse_synonym_line

        try:
            if parse_synonym_line(self.rule) is None:
                raise ValueError("empty")
        except ValueError:
            raise ValidationError({"rule": _(
                "Tulis minimal dua kata dipisah koma (\"kain, wastra\"), "
                "atau kata => pengganti (\"batik banjar => sasirangan\")."
            )}) from None


register_snippet(SearchSynonym)
