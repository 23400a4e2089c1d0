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
    """Refuse a date-time outside `ADMIN_YEARS`, in the editor's language."""
    if moment is not None and moment.year not in ADMIN_YEARS:
        raise ValidationError(
            _("Tahunnya harus antara %(first)s dan %(last)s."),
            code="year_out_of_range", params={"first": ADMIN_YEARS[0], "last": ADMIN_YEARS[-1]})


def register_date_time_years() -> None:
    """Every admin form's date-time field takes the years in ADMIN_YEARS, beside what Wagtail gives it.

    A registration for a field class replaces the one before it, so Wagtail's (today its date-time
    widget alone) is read and kept; a shape this does not know stops the start-up rather than
    dropping it (tests/config/test_admin_forms.py checks the widget is still there)."""
    from django.core.exceptions import ImproperlyConfigured
    from wagtail.admin.forms.models import register_form_field_override, registry

    validators = (admin_years_validate,)
    wagtails = registry.get_by_type(models.DateTimeField)
    if isinstance(wagtails, dict) and wagtails.get("validators") == validators:
        return  # registered already
    if not isinstance(wagtails, dict) or "validators" in wagtails:
        raise ImproperlyConfigured(
            f"Wagtail's form field override for DateTimeField is {wagtails!r}; config.admin_dates "
            "adds its validators to a dict without any")
    register_form_field_override(models.DateTimeField, override={**wagtails, "validators": validators})
