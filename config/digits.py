"""Whole numbers as people type them: what may be handed to int(), and the form field that reads them."""

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Thousands grouped by dots, as Indonesians write amounts: 175.000, 1.500.000.
_GROUPED = re.compile(r"\d{1,3}(?:\.\d{3})+")
# "Rp 175.000,00" and "Rp 175.000,-": a comma is the decimal mark, and ",00" or ",-" says "no sen",
# as price tags and invoices write whole rupiah.
_NO_SEN = re.compile(r"(?<=\d),(?:00|-)$")
MAX_DIGITS = 18  # a bigint; a field's own max_value says what it takes


def ascii_digits(text: str) -> bool:
    """One or more of 0-9 and nothing else.

    `str.isdigit()` is also true of ² and other characters that int() refuses (a 500 wherever it
    guarded an int(): a trip's stop, a share beacon's target, a rate table's cell), and of
    Arabic-Indic digits, which int() reads as numbers nobody typed on purpose.
    """
    return text.isascii() and text.isdigit()


# A dash as keyboards and phones make it: ASCII's, the hyphens, the en and em dashes, the minus sign.
DASHES = "\\-\u2010-\u2015\u2212"


# Full-width forms (U+FF01-U+FF5E, and the ideographic space) as the ASCII they stand for. Not NFKC:
# that also makes digits of circled, superscript and other lookalikes ("①" -> "1"), which are not a number.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def pasted_clean(text: str) -> str:
    """Text as typed or pasted, without the invisible characters a phone pastes around text copied from
    a chat, the contacts or an app (direction marks such as U+202A and U+200E, zero-width spaces, word
    joiners: Unicode's format characters), full-width letters and digits read as ASCII."""
    text = (text or "").translate(_FULL_WIDTH)
    return "".join(char for char in text if unicodedata.category(char) != "Cf")


def code_normalize(text: str) -> str:
    """A receipt number or a code as typed or pasted (`pasted_clean`), as stored: upper case, without
    spaces or dashes. Anything else is kept, for the caller's check to refuse."""
    return re.sub(rf"[\s{DASHES}]", "", pasted_clean(text)).upper()


class PastedCharField(forms.CharField):
    """A CharField for a number or a code that people paste (a WhatsApp number, a receipt number, a bank
    account, a pickup code): `pasted_clean` runs before `max_length` is checked, so the limit counts the
    characters that are kept, not the invisible marks a phone wraps a copied number in. The widget has no
    `maxlength`: a browser would cut a paste there, counting the marks, and lose the last digits."""

    def to_python(self, value):
        value = super().to_python(value)
        return pasted_clean(value).strip() if value else value

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs


def whole_number_read(text: str) -> int | None:
    """A whole number as it is written in Indonesia: 175000 or 175.000 (dots between the thousands),
    with "Rp" before it or not, ",00" or ",-" after it or not, a minus sign for a negative one; None
    for anything else (a decimal part that is not zero, another comma, a stray dot), never a guess."""
    text = text.strip()
    if text[:2].lower() == "rp":  # "Rp 175.000", "Rp.175.000", "rp175000", "Rp\xa0175.000" pasted
        text = text[2:].lstrip().lstrip(".").lstrip()
    sign, text = (-1, text[1:].lstrip()) if text.startswith("-") else (1, text)
    text = _NO_SEN.sub("", text)
    if _GROUPED.fullmatch(text):
        text = text.replace(".", "")
    # Longer than any amount (Python refuses to read more than 4300 digits: a 500 where a form asks).
    if len(text) > MAX_DIGITS or not ascii_digits(text):
        return None
    return sign * int(text)


class WholeNumberField(forms.IntegerField):
    """Django's IntegerField reading `whole_number_read`'s numbers, in a text box.

    Django's own field drops a decimal part of zeros, and a browser's number box reads a dot as a
    decimal point: "150.000", an artisan's Rp 150.000, was saved as Rp 150 with a success message.
    In a text box (a phone still shows its number pad, `inputmode`) the server gets what was typed,
    and reads the dots as thousands."""

    # Django's "Masukkan bilangan bulat." does not say that dots between the thousands are fine.
    default_error_messages = {"invalid": _("Tulis angka utuh, mis. 5 atau 25.000.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            return value
        number = whole_number_read(str(value))
        if number is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


def register_admin_whole_numbers() -> None:
    """Every whole-number field of a Wagtail admin form (a destination's ticket price, a product's
    price and stock, a courier's rates) reads numbers as `WholeNumberField` does, through Wagtail's
    public form field registry, at start-up (config/apps.py).

    Django's field took an editor's "25.000" as Rp 25 and saved it without a word. Wagtail registers
    nothing for integer fields today; should an upgrade register something, the start-up stops
    rather than replace it unseen (tests/config/test_admin_forms.py checks a form's field)."""
    from django.core.exceptions import ImproperlyConfigured
    from django.db import models
    from wagtail.admin.forms.models import register_form_field_override, registry

    ours = {"form_class": WholeNumberField}
    wagtails = registry.get_by_type(models.IntegerField)
    if wagtails == ours:
        return  # registered already
    if wagtails is not None:
        raise ImproperlyConfigured(
            f"Wagtail's form field override for IntegerField is {wagtails!r}; config.digits "
            "expected none to replace")
    register_form_field_override(models.IntegerField, override=ours)
