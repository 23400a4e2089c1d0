"""Copy the media between the local folders and the buckets, so a running site can switch.

`media_copy(direction="bucket")` copies MEDIA_ROOT into the public bucket and
PRIVATE_MEDIA_ROOT into the private one; `direction="folder"` the other way. Both
sides keep the same names, which are what the database stores, so the site finds
every photo, rendition and share image after the switch. It copies what is missing on
the other side or differs in size, leaves the rest, and deletes the source only when
asked (and only files whose copy has the source's size): run it before switching, then
again after, to pick up what was uploaded in between.

The buckets are the configured storages (AWS_STORAGE_BUCKET_NAME, AWS_PRIVATE_BUCKET_NAME);
the folders are MEDIA_ROOT and PRIVATE_MEDIA_ROOT.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages

from config.media import PrivateFileSystemStorage, media_store_guard

DIRECTIONS = ("bucket", "folder")


class MediaCopyError(Exception):
    """The copy cannot start (no bucket configured) or a copy came out wrong."""


@dataclass
class CopyReport:
    """What one storage pair's copy did."""

    name: str
    copied: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: int = 0
    deleted: int = 0
    bytes_copied: int = 0

    def summary(self) -> str:
        return (f"{self.name}: {len(self.copied)} copied, {len(self.replaced)} replaced (size differed), "
                f"{self.unchanged} already there, {self.deleted} deleted from the source, "
                f"{self.bytes_copied} bytes")


def stored_sizes(storage: Storage) -> dict[str, int]:
    """Every file of a storage with its size: one listing request per 1000 keys for a bucket."""
    bucket = getattr(storage, "bucket", None)
    if bucket is not None:  # django-storages' S3Storage: list the keys under its location
        prefix = f"{storage.location.strip('/')}/" if storage.location.strip("/") else ""
        return {summary.key[len(prefix):]: summary.size for summary in bucket.objects.filter(Prefix=prefix)
                if not summary.key.endswith("/")}
    sizes = {}
    folders = [""]
    while folders:
        folder = folders.pop()
        try:
            subfolders, files = storage.listdir(folder)
        except FileNotFoundError:
            continue
        folders.extend(posixpath.join(folder, name) for name in subfolders)
        for name in files:
            if not name.startswith("."):  # media/.gitkeep and the like are not media
                path = posixpath.join(folder, name)
                sizes[path] = storage.size(path)
    return sizes


def storage_pairs(direction: str) -> list[tuple[str, Storage, Storage]]:
    """(name, source, target) for the public and the private media."""
    if direction not in DIRECTIONS:
        raise MediaCopyError(f"direction must be one of {', '.join(DIRECTIONS)}")
    public, private = storages["default"], storages["private"]
    if isinstance(public, FileSystemStorage) or isinstance(private, FileSystemStorage):
        raise MediaCopyError(
            "The media storages are the local folders: set AWS_STORAGE_BUCKET_NAME and AWS_PRIVATE_BUCKET_NAME "
            "(with AWS_S3_ENDPOINT_URL and the keys) so that the buckets are the other side.")
    folders = [("public", FileSystemStorage(location=settings.MEDIA_ROOT), public),
               ("private", PrivateFileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT), private)]
    if direction == "bucket":
        return folders
    return [(name, bucket, folder) for name, folder, bucket in folders]


def _copy_one(source: Storage, target: Storage, name: str, size: int, *, exists: bool) -> None:
    if exists:
        # Storages never overwrite (a second IMG_0001.jpg gets a new name), so make room.
        target.delete(name)
    with source.open(name, "rb") as handle:
        saved = target.save(name, handle)
    if saved != name:
        raise MediaCopyError(f"{name} was stored as {saved}: another copy is running at the same time?")
    if target.size(name) != size:
        raise MediaCopyError(f"{name}: the copy has {target.size(name)} bytes, the source {size}")


def media_copy(*, direction: str, delete_source: bool = False, dry_run: bool = False,
               progress=None) -> list[CopyReport]:
    """Copy the public and private media in `direction`; MediaUnavailable if a storage fails."""
    reports = []
    for name, source, target in storage_pairs(direction):
        report = CopyReport(name=name)
        reports.append(report)
        with media_store_guard(f"listing the {name} media"):
            source_sizes = stored_sizes(source)
            target_sizes = stored_sizes(target)
        for path, size in sorted(source_sizes.items()):
            if target_sizes.get(path) == size:
                report.unchanged += 1
            else:
                (report.replaced if path in target_sizes else report.copied).append(path)
                report.bytes_copied += size
                if not dry_run:
                    with media_store_guard(f"copying {path}"):
                        _copy_one(source, target, path, size, exists=path in target_sizes)
                if progress:
                    progress(f"{name}: {path}")
            if delete_source and not dry_run:
                with media_store_guard(f"deleting {path} from the source"):
                    source.delete(path)
                report.deleted += 1
    return reports
