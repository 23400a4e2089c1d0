from django.conf.locale.id import formats as django_formats

from config.formats import ADMIN_DATETIME_FORMAT

# "%d-%m-%Y" is among Django's already.
DATETIME_INPUT_FORMATS = [*django_formats.DATETIME_INPUT_FORMATS, ADMIN_DATETIME_FORMAT]
