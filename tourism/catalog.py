"""The catalogue importer (`manage.py import_catalog FILE.json`).

Implements shared/contracts/catalog-schema.md. Every record of every kind is
validated before anything is written; then the whole file is saved in one
transaction. A bad record imports nothing and the error names the record and the
field, e.g. ``products[3] (slug "selendang-x"): price_idr must be an integer >= 0``.

Each kind (destinations, events, artisans, products) is a class with ``clean``
(pure validation of one record into plain values) and ``save`` (upsert by slug,
returning "created", "updated" or "unchanged"). The kinds live beside the models
they write: tourism/catalog_kinds.py and marketplace/catalog.py.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.module_loading import import_string
from PIL import Image as PILImage

from config.media import MediaUnavailable
from config.photos import WEBP_MAX_SIDE, CheckedPhoto, photo_reencode, photo_store, photos_discard

# Order matters: events refer to destinations, products to artisans.
KINDS = {
    "destinations": "tourism.catalog_kinds.DestinationKind",
    "events": "tourism.catalog_kinds.EventKind",
    "artisans": "marketplace.catalog.ArtisanKind",
    "products": "marketplace.catalog.ProductKind",
}
SLUG_PATTERN = re.compile(r"^[a-z0-9-]+$")
MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000


class CatalogError(Exception):
    """A catalogue file that cannot be imported; the message is for the person running it."""


@dataclass
class ImportReport:
    counts: dict[str, Counter] = field(default_factory=dict)

    def count(self, kind: str, outcome: str) -> None:
        self.counts.setdefault(kind, Counter())[outcome] += 1

    def summary(self) -> str:
        parts = []
        for kind, counter in self.counts.items():
            parts.append(f"{kind}: {counter['created']} created, {counter['updated']} updated, "
                         f"{counter['unchanged']} unchanged")
        return "; ".join(parts) or "nothing to import"


@dataclass
class ImportContext:
    """What kinds share while one file is imported."""

    base_dir: Path
    slugs_in_file: dict[str, set[str]] = field(default_factory=dict)
    saved: dict[tuple[str, str], Any] = field(default_factory=dict)


@dataclass
class ImageFile:
    path: Path
    sha1: str


class Record:
    """One record of the file, with typed readers that fail naming record and field."""

    def __init__(self, kind: str, position: int, data: Any, allowed_fields: set[str]):
        self.kind = kind
        self.position = position
        if not isinstance(data, dict):
            raise CatalogError(f"{kind}[{position}]: must be an object, got {_type_name(data)}")
        self.data = data
        raw_slug = data.get("slug")
        self.label = f'{kind}[{position}] (slug "{raw_slug}")' if isinstance(raw_slug, str) else f"{kind}[{position}]"
        unknown = sorted(set(data) - allowed_fields)
        if unknown:
            raise CatalogError(f"{self.label}: unknown field {unknown[0]!r} "
                               f"(allowed: {', '.join(sorted(allowed_fields))})")

    def error(self, field_name: str, message: str) -> CatalogError:
        return CatalogError(f"{self.label}: {field_name} {message}")

    def _get(self, name: str, required: bool):
        value = self.data.get(name)
        if value is None:
            if required:
                raise self.error(name, "is required")
            return None
        return value

    def slug(self) -> str:
        value = self._get("slug", True)
        if not isinstance(value, str) or not SLUG_PATTERN.match(value):
            raise self.error("slug", "must be a text of lowercase letters, digits and hyphens ([a-z0-9-]+)")
        return value

    def text(self, name: str, *, required: bool = False, max_length: int = 255) -> str:
        value = self._get(name, required)
        if value is None:
            return ""
        if not isinstance(value, str):
            raise self.error(name, f"must be a text, got {_type_name(value)}")
        value = value.strip()
        if required and not value:
            raise self.error(name, "must not be empty")
        if len(value) > max_length:
            raise self.error(name, f"must be at most {max_length} characters")
        return value

    def bilingual(self, name: str, *, required: bool = False, max_length: int | None = None) -> dict:
        """{"id": ..., "en": ...}: `id` required when the field is given; `en` optional."""
        value = self._get(name, required)
        if value is None:
            return {"id": "", "en": ""}
        if not isinstance(value, dict):
            raise self.error(name, f'must be an object like {{"id": "...", "en": "..."}}, got {_type_name(value)}')
        unknown = sorted(set(value) - {"id", "en"})
        if unknown:
            raise self.error(name, f"has an unknown language {unknown[0]!r} (only 'id' and 'en')")
        result = {}
        for language in ("id", "en"):
            text = value.get(language)
            if text is None:
                text = ""
            if not isinstance(text, str):
                raise self.error(f"{name}.{language}", f"must be a text, got {_type_name(text)}")
            text = text.strip()
            if max_length and len(text) > max_length:
                raise self.error(f"{name}.{language}", f"must be at most {max_length} characters")
            result[language] = text
        if not result["id"]:
            raise self.error(f"{name}.id", "(the Indonesian text) is required")
        return result

    def integer(self, name: str, *, required: bool = False, minimum: int | None = None,
                maximum: int | None = None):
        value = self._get(name, required)
        if value is None:
            return None
        bound = f" >= {minimum}" if minimum is not None else ""
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(name, f"must be an integer{bound}, got {_type_name(value)}")
        if minimum is not None and value < minimum:
            raise self.error(name, f"must be an integer{bound}")
        if maximum is not None and value > maximum:
            raise self.error(name, f"must be at most {maximum}")
        return value

    def boolean(self, name: str, *, default: bool) -> bool:
        value = self._get(name, False)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.error(name, f"must be true or false, got {_type_name(value)}")
        return value

    def choice(self, name: str, choices, *, required: bool = False) -> str:
        value = self.text(name, required=required)
        if value and value not in choices:
            raise self.error(name, f"must be one of {', '.join(choices)}; got {value!r}")
        return value

    def strings(self, name: str, *, max_length: int = 100) -> list[str]:
        value = self._get(name, False)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.error(name, f"must be a list of texts, got {_type_name(value)}")
        result = []
        for position, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                raise self.error(f"{name}[{position}]", "must be a non-empty text")
            if len(item) > max_length:
                raise self.error(f"{name}[{position}]", f"must be at most {max_length} characters")
            result.append(item.strip())
        return result

    def email(self, name: str, *, required: bool = False) -> str:
        value = self.text(name, required=required, max_length=254)
        if value:
            try:
                validate_email(value)
            except ValidationError:
                raise self.error(name, f"must be a valid email address; got {value!r}") from None
        return value.lower()

    def location(self, name: str, *, required: bool = False):
        value = self._get(name, required)
        if value is None:
            return None
        if not isinstance(value, dict) or set(value) != {"lat", "lon"}:
            raise self.error(name, 'must be an object {"lat": number, "lon": number}')
        lat, lon = value["lat"], value["lon"]
        for axis, number in (("lat", lat), ("lon", lon)):
            if isinstance(number, bool) or not isinstance(number, int | float):
                raise self.error(f"{name}.{axis}", f"must be a number, got {_type_name(number)}")
        if not -90 <= lat <= 90:
            raise self.error(f"{name}.lat", f"must be between -90 and 90; got {lat}")
        if not -180 <= lon <= 180:
            raise self.error(f"{name}.lon", f"must be between -180 and 180; got {lon}")
        return round(float(lat), 6), round(float(lon), 6)

    def timestamp(self, name: str, *, required: bool = False) -> datetime | None:
        value = self._get(name, required)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.error(name, f"must be an ISO 8601 date-time text, got {_type_name(value)}")
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise self.error(name, f"must be an ISO 8601 date-time such as 2027-06-12T08:00:00+08:00; got {value!r}") from None
        if moment.tzinfo is None:
            raise self.error(name, f"must include a UTC offset such as +08:00 (WITA); got {value!r}")
        return moment

    def images(self, base_dir: Path) -> list[ImageFile]:
        value = self._get("images", False)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.error("images", f"must be a list of file paths, got {_type_name(value)}")
        result = []
        for position, item in enumerate(value):
            where = f"images[{position}]"
            if not isinstance(item, str) or not item.strip():
                raise self.error(where, "must be a file path")
            result.append(self._image_file(where, base_dir, item))
        return result

    def _image_file(self, where: str, base_dir: Path, relative: str) -> ImageFile:
        path = (base_dir / relative).resolve()
        if not path.is_file():
            raise self.error(where, f"names a missing image file {relative!r}")
        try:
            size = path.stat().st_size
            if size > MAX_IMAGE_BYTES:
                raise self.error(where, f"{relative!r} is larger than 10 MB")
            with PILImage.open(path) as picture:
                if picture.format not in {"JPEG", "PNG", "WEBP"}:
                    raise self.error(where, f"{relative!r} is not a JPEG, PNG or WebP image")
                width, height = picture.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise self.error(where, f"{relative!r} has more than 40 megapixels")
                if max(width, height) > WEBP_MAX_SIDE:
                    raise self.error(where, f"{relative!r} is {width}x{height} pixels; its longest side "
                                            f"may be at most {WEBP_MAX_SIDE} (shrink it first)")
                picture.verify()
            content = path.read_bytes()
        except CatalogError:
            raise
        except (OSError, SyntaxError, ValueError, PILImage.DecompressionBombError):
            raise self.error(where, f"names an unreadable image {relative!r}") from None
        return ImageFile(path=path, sha1=hashlib.sha1(content).hexdigest())


def _type_name(value) -> str:
    return {dict: "an object", list: "a list", str: "a text", bool: "true/false", int: "an integer",
            float: "a number", type(None): "null"}.get(type(value), type(value).__name__)


def fingerprint(cleaned: dict) -> str:
    """A stable digest of a cleaned record, so re-importing it can be recognised as a no-op."""
    def default(value):
        if isinstance(value, ImageFile):
            return value.sha1
        if isinstance(value, datetime):
            return value.isoformat()
        return str(value)

    payload = json.dumps(cleaned, sort_keys=True, default=default, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def load_file(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CatalogError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise CatalogError(f"{path}: cannot be read as UTF-8 text ({error})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise CatalogError(f"{path.name}: invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}") from None
    if not isinstance(data, dict):
        raise CatalogError(f"{path.name}: the top level must be an object with the keys {', '.join(KINDS)}")
    unknown = sorted(set(data) - set(KINDS))
    if unknown:
        raise CatalogError(f"{path.name}: unknown top-level key {unknown[0]!r} (allowed: {', '.join(KINDS)})")
    for kind, records in data.items():
        if not isinstance(records, list):
            raise CatalogError(f"{kind}: must be a list of records, got {_type_name(records)}")
    return data


@dataclass
class PreparedCatalog:
    """A catalogue file checked whole, its new pictures' files already in the media storage
    (catalog_prepare), waiting to be written (catalog_write)."""

    context: ImportContext
    kinds: dict
    cleaned_by_kind: dict[str, list[dict]]
    stored: list  # images whose files were written and whose rows are not saved yet


def catalog_prepare(path: Path | str) -> PreparedCatalog:
    """Check every record of every kind (raising CatalogError, nothing written), then write the
    files of the pictures new to the library.

    Call it outside any transaction: with the media in a bucket each file is a network call, which
    must not hold the database's locks, and a storage that refuses or does not answer then fails
    the import before anything is written to the database."""
    path = Path(path)
    data = load_file(path)
    context = ImportContext(base_dir=path.resolve().parent)
    kinds = {name: import_string(dotted)() for name, dotted in KINDS.items() if name in data}

    # Pass 1: validate every record of every kind; nothing is written yet.
    cleaned_by_kind: dict[str, list[dict]] = {}
    for name, kind in kinds.items():
        cleaned_records, seen = [], {}
        for position, raw in enumerate(data[name]):
            record = Record(name, position, raw, kind.fields)
            cleaned = kind.clean(record, context)
            if cleaned["slug"] in seen:
                raise record.error("slug", f"{cleaned['slug']!r} appears twice (also {name}[{seen[cleaned['slug']]}])")
            seen[cleaned["slug"]] = position
            cleaned["_record"] = record
            cleaned_records.append(cleaned)
        context.slugs_in_file[name] = set(seen)
        cleaned_by_kind[name] = cleaned_records
    for name, kind in kinds.items():
        for cleaned in cleaned_by_kind[name]:
            kind.check_references(cleaned, cleaned["_record"], context)
    prepared = PreparedCatalog(context=context, kinds=kinds, cleaned_by_kind=cleaned_by_kind, stored=[])
    _images_store(prepared)
    return prepared


def catalog_write(prepared: PreparedCatalog) -> ImportReport:
    """Pass 2: write everything in one transaction (inside the caller's, if any)."""
    report = ImportReport()
    with transaction.atomic():
        for name, kind in prepared.kinds.items():
            for cleaned in prepared.cleaned_by_kind[name]:
                record = cleaned.pop("_record")
                outcome = kind.save(cleaned, record, prepared.context)
                report.count(name, outcome)
    return report


def catalog_discard(prepared: PreparedCatalog, *, written: bool) -> None:
    """Remove the stored files no row names: all of them when the write failed (or the transaction
    around it), after a write those of records that turned out unchanged."""
    photos_discard([image for image in prepared.stored if not written or image.pk is None])


@contextmanager
def catalog_discarded_on_failure(prepared: PreparedCatalog):
    """Around the transaction that writes a prepared catalogue (catalog_write, perhaps with more):
    its stored files removed if that fails, and those no record needed if it succeeds."""
    try:
        yield
    except BaseException:
        catalog_discard(prepared, written=False)
        raise
    catalog_discard(prepared, written=True)


def import_catalog(path: Path | str) -> ImportReport:
    """Import a catalogue file: all of it, or (raising CatalogError) nothing."""
    prepared = catalog_prepare(path)
    with catalog_discarded_on_failure(prepared):
        return catalog_write(prepared)


def _title_of(cleaned: dict) -> str:
    title = cleaned.get("title") or ""
    return title.get("id", "") if isinstance(title, dict) else str(title)


def _images_store(prepared: PreparedCatalog) -> None:
    """Pass 1 1/2: each picture the catalogue names, found in the library by the hash of its file,
    or written to the media storage as a new image whose row the write saves (image_for)."""
    from wagtail.images import get_image_model

    saved = prepared.context.saved
    try:
        for records in prepared.cleaned_by_kind.values():
            for cleaned in records:
                for image_file in cleaned.get("images") or []:
                    key = ("image", image_file.sha1)
                    if key in saved:
                        continue
                    image = get_image_model().objects.filter(file_hash=image_file.sha1).first()
                    if image is None:
                        image = _image_store(image_file, title=_title_of(cleaned))
                        prepared.stored.append(image)
                    saved[key] = image
    except MediaUnavailable:
        photos_discard(prepared.stored)
        raise CatalogError("media storage: it refused the pictures or did not answer; "
                           "try again in a few minutes") from None
    except BaseException:  # an unreadable picture: the ones stored before it go too
        photos_discard(prepared.stored)
        raise


def _image_store(image_file: ImageFile, *, title: str):
    """A picture new to the library, written anew as every stored picture is (its pixels and colour
    profile, nothing else: config.photos) and stored; its row is not saved. `file_hash` is the hash
    of the file as the catalogue names it, by which the next import finds it."""
    from wagtail.models import Collection

    try:
        content, width, height = photo_reencode(image_file.path.read_bytes(), display_name=image_file.path.name)
    except (OSError, ValidationError):
        raise CatalogError(f"{image_file.path.name}: an unreadable image") from None
    image = photo_store(photo=CheckedPhoto(name=image_file.path.name, content=content, width=width, height=height,
                                           format=""),
                        title=title or image_file.path.stem, collection=Collection.get_first_root_node())
    image.file_hash = image_file.sha1
    return image


def image_for(image_file: ImageFile, *, context: ImportContext):
    """The Wagtail image for a file (catalog_prepare found or stored it), its row saved now."""
    image = context.saved[("image", image_file.sha1)]
    if image.pk is None:
        image.save()
    return image
