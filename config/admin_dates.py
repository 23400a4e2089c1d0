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


def typed_date_time_input():
    """Wagtail's date-time picker keeping what the editor typed when it cannot read it: on leaving the
    field it put the current moment in place of "2026-12-28 19:00" (typed the ISO way), without a word,
    and the page was published with it (found by an editor's walk). The form reads an ISO date itself
    (Django's DateTimeField) and says so beside the field when it cannot read one."""
    from wagtail.admin.widgets import AdminDateTimeInput

    class TypedDateTimeInput(AdminDateTimeInput):
        def get_config(self):
            return {**super().get_config(), "validateOnBlur": False}

    return TypedDateTimeInput


def register_date_time_years() -> None:
    """Every admin form's date-time field takes the years in ADMIN_YEARS, beside what Wagtail gives it.

    A registration for a field class replaces the one before it, so Wagtail's (today its date-time
    widget alone) is read and kept; a shape this does not know stops the start-up rather than
    dropping it (tests/config/test_admin_forms.py checks the widget is still there)."""
    from django.core.exceptions import ImproperlyConfigured
    from wagtail.admin.forms.models import register_form_field_override, registry
    from wagtail.admin.widgets import AdminDateTimeInput

    validators = (admin_years_validate,)
    wagtails = registry.get_by_type(models.DateTimeField)
    if isinstance(wagtails, dict) and wagtails.get("validators") == validators:
        return  # registered already
    if not isinstance(wagtails, dict) or "validators" in wagtails or wagtails.get("widget") is not AdminDateTimeInput:
        raise ImproperlyConfigured(
            f"Wagtail's form field override for DateTimeField is {wagtails!r}; config.admin_dates "
            "adds its validators to a dict without any, and keeps Wagtail's picker, typed dates kept")
    register_form_field_override(models.DateTimeField, override={
        **wagtails, "widget": typed_date_time_input(), "validators": validators})
