"""config.digits: numbers and codes as people type and paste them."""

import pytest
from django.core.exceptions import ValidationError

from config.digits import PastedCharField

# What a phone pastes around a copied number: direction marks, zero-width spaces, a word joiner.
MARKS = "\u202a\u200e\u200b\u2060\u202c"


def test_the_length_limit_counts_what_remains_once_invisible_marks_are_dropped():
    field = PastedCharField(max_length=6, error_messages={"max_length": "Terlalu panjang."})
    assert field.clean("\u202a" + "\u200b".join("ABC234") + "\u202c") == "ABC234"
    assert field.clean(MARKS * 20 + " ABC234 " + MARKS) == "ABC234"
    with pytest.raises(ValidationError) as refused:
        field.clean("\u202aABC2345\u202c")
    assert refused.value.messages == ["Terlalu panjang."]


def test_a_value_of_marks_only_is_empty():
    with pytest.raises(ValidationError) as refused:
        PastedCharField(max_length=6).clean(MARKS)
    assert refused.value.code == "required"
    assert PastedCharField(max_length=6, required=False).clean(MARKS) == ""


def test_no_maxlength_in_the_html_a_browser_would_cut_a_paste_at():
    assert "maxlength" not in PastedCharField(max_length=6).widget_attrs(PastedCharField().widget)


def test_full_width_digits_and_letters_are_read_as_ascii_but_other_lookalikes_are_not_digits():
    """A number typed on a Japanese or Chinese keyboard (full width) is the number; circled or
    superscript digits are not digits, and stay for the field's check to refuse (found by a review: a
    bank account of ①②③④⑤⑥⑦ was stored as 1234567)."""
    from config.digits import ascii_digits, code_normalize, pasted_clean

    assert code_normalize("ＪＰ１２３４－５６７８") == "JP12345678"
    assert pasted_clean("0812\u3000345") == "0812 345"
    for lookalike in ("①②③④⑤⑥⑦", "¹²³⁴⁵⁶⁷", "١٢٣٤٥٦٧"):
        assert not ascii_digits(code_normalize(lookalike)), lookalike
