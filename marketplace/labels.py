"""Readers' names for a product's fabric.

Artisans write the fabric freely, in Indonesian and lower case (the dashboard and the
importer lower it: "katun", "sutra"), so English pages showed "sutra" where a reader
needs "silk". The fabrics Sasirangan is made of are named here through gettext; a word
not listed is shown as the artisan wrote it.
"""

from django.utils.translation import pgettext_lazy

FABRIC_LABELS = {
    "katun": pgettext_lazy("bahan kain", "katun"),
    "katun primisima": pgettext_lazy("bahan kain", "katun primisima"),
    "primisima": pgettext_lazy("bahan kain", "primisima"),
    "prima": pgettext_lazy("bahan kain", "prima"),
    "sutra": pgettext_lazy("bahan kain", "sutra"),
    "sutera": pgettext_lazy("bahan kain", "sutera"),
    "semi sutra": pgettext_lazy("bahan kain", "semi sutra"),
    "rayon": pgettext_lazy("bahan kain", "rayon"),
    "santung": pgettext_lazy("bahan kain", "santung"),
    "voal": pgettext_lazy("bahan kain", "voal"),
    "linen": pgettext_lazy("bahan kain", "linen"),
    "satin": pgettext_lazy("bahan kain", "satin"),
    "sifon": pgettext_lazy("bahan kain", "sifon"),
    "poliester": pgettext_lazy("bahan kain", "poliester"),
    "dobi": pgettext_lazy("bahan kain", "dobi"),
}


def fabric_label(fabric: str) -> str:
    """The fabric in the reader's language where it is a known fabric, else as written."""
    label = FABRIC_LABELS.get(" ".join((fabric or "").lower().split()))
    return str(label) if label is not None else fabric
