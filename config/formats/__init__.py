"""Django's formats for the site's two languages, with what the Wagtail admin writes in its date
fields added to what each accepts back (FORMAT_MODULE_PATH; Django's own module answers the rest).

The admin shows dates as Indonesians write them (WAGTAIL_DATE_FORMAT and WAGTAIL_DATETIME_FORMAT:
30-01-2027 19:30), and Wagtail requires such a format to be one the active language reads back.
Django's Indonesian reads times with a dot (19.30) and its English no day-month-year with dashes,
so an editor saving an event unchanged was told its dates were not valid (docs/decisions.md).
"""

ADMIN_DATE_FORMAT = "%d-%m-%Y"
ADMIN_DATETIME_FORMAT = "%d-%m-%Y %H:%M"
