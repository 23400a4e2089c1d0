from django.conf.locale.en import formats as django_formats

from config.formats import ADMIN_DATE_FORMAT, ADMIN_DATETIME_FORMAT

DATE_INPUT_FORMATS = [*django_formats.DATE_INPUT_FORMATS, ADMIN_DATE_FORMAT]
DATETIME_INPUT_FORMATS = [*django_formats.DATETIME_INPUT_FORMATS, ADMIN_DATETIME_FORMAT]
