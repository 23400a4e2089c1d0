"""CSV files that people open in a spreadsheet: text is written so that it stays text.

A spreadsheet evaluates a cell that starts with `=`, `+`, `-` or `@` (and, in some, a tab or
carriage return before them) as a formula: an artisan calling their account holder
`=HYPERLINK("http://…","Klik")` would put a link, or worse, in the finance office's settlement
report. Such cells get a leading apostrophe (OWASP's "CSV injection" advice), which makes every
spreadsheet show the rest as text. Numbers stay numbers: ints and decimals are written as they are,
and so is text that is nothing but a number ("-95000", "+6281234567890"), which cannot call anything.

Every CSV the project writes for people goes through `csv_text`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def spreadsheet_cell(value):
    """The value as a CSV cell a spreadsheet shows and never evaluates."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_text(*, header: Iterable, rows: Iterable[Iterable]) -> str:
    """A whole CSV file (header first), every cell through `spreadsheet_cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([spreadsheet_cell(cell) for cell in header])
    writer.writerows([spreadsheet_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue()
