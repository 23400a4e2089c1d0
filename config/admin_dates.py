"""The years an editor may give a date-time in the Wagtail admin, for every app's models.

Python cannot move a moment before year 1 or after 9999 between time zones: 01-01-0001 00:00 WITA
is before year 1 in UTC, so a page scheduled then (Wagtail's "go live" and "expire" fields) or any
other date-time answered 500 when it was saved. Every date-time field of an admin form takes the
years in `ADMIN_YEARS` (`register_date_time_years`, through Wagtail's public form field registry,
at start-up: config/apps.py). Events check the same years in their model (tourism.models), which
the catalogue import reads too.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# Any year the regency will list, and only years Python can move between time zones.
ADMIN_YEARS = range(1900, 2101)


def admin_years_validate(moment) -> None:
    """Refuse a date or date-time outside `ADMIN_YEARS`, in the editor's language."""
    if moment is not None and moment.year not in ADMIN_YEARS:
        raise ValidationError(
            _("Tahunnya harus antara %(first)s dan %(last)s."),
            code="year_out_of_range", params={"first": ADMIN_YEARS[0], "last": ADMIN_YEARS[-1]})


def register_date_time_years() -> None:
    """Every admin form's date-time field keeps Wagtail's widget and takes the years in ADMIN_YEARS.

    Wagtail registers `{"widget": AdminDateTimeInput}` for DateTimeField; a registration for the
    same class replaces it, so the widget is named again here (tests/config/test_admin_forms.py
    fails if Wagtail's registry or widget changes under it)."""
    from wagtail.admin.forms.models import register_form_field_override
    from wagtail.admin.widgets import AdminDateTimeInput

    register_form_field_override(models.DateTimeField, override={
        "widget": AdminDateTimeInput, "validators": (admin_years_validate,)})
