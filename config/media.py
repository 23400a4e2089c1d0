"""The media storages: the public one (Django's default storage) and the private one.

Locally both are folders; with AWS_STORAGE_BUCKET_NAME they are two S3 buckets
(config/settings/base.py). What the apps need from here: the private storage, the
errors a storage raises when it refuses or does not answer, and one exception that
says so in the uploader's language.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.translation import gettext_lazy as _
from storages.backends.s3 import S3Storage

logger = logging.getLogger(__name__)

# A bucket that refuses (wrong keys, no such bucket: ClientError), cannot be reached or
# does not answer in time (BotoCoreError: connection refused, timeouts), or a full or
# read-only disk (OSError).
STORAGE_ERRORS = (OSError, BotoCoreError, ClientError)


class MediaUnavailable(Exception):
    """The media storage refused or did not answer: nothing was stored."""

    message = _("Penyimpanan foto sedang tidak dapat dihubungi, jadi foto belum tersimpan dan "
                "tidak ada yang berubah. Coba lagi beberapa menit lagi.")

    def __str__(self):
        return str(self.message)


@contextmanager
def media_store_guard(what: str):
    """Turn a storage failure into MediaUnavailable (logged with what was being done)."""
    try:
        yield
    except STORAGE_ERRORS as error:
        logger.warning("media storage failed while %s: %s", what, error)
        raise MediaUnavailable from error


def private_storage() -> Storage:
    """Where files that are not public yet are kept: never served without a check or a signature."""
    return storages["private"]


class PrivateFileSystemStorage(FileSystemStorage):
    """A folder outside MEDIA_ROOT with no URL: its files reach only views that check permission."""

    def url(self, name):
        raise ValueError("private files have no public URL; serve them through a view that checks permission")


class BucketStorage(S3Storage):
    """django-storages' S3 storage that gives up in seconds: `timeout` to connect and per read,
    two attempts in all (botocore's defaults are 60 s and more retries), so an uploader hears of a
    storage that refuses or hangs at once instead of after minutes."""

    def __init__(self, *, timeout: float = 3, **options):
        super().__init__(**options)
        self.client_config = self.client_config.merge(Config(
            connect_timeout=timeout, read_timeout=timeout, retries={"mode": "standard", "total_max_attempts": 2}))
