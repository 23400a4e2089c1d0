"""The Kampung Sasirangan demo: artisans, their products, the motifs and their meanings.

`load_marketplace_demo` is called by `manage.py load_demo` after the tourism demo
(demo/loading.py). Artisans and products go through the catalogue
importer like any real list (demo/data/marketplace/catalog.json, shared/contracts/catalog-schema.md);
what the format cannot say is added around it: the motifs' meanings and pictures
(motifs.json) before the import, so products find their motif described, and the
clothes' sizes (sizes.json) after it.

The pictures are drawn at load time (demo/cloth.py) into var/demo/
(git-ignored, never media/), beside a copy of the catalogue, which names them by
paths relative to itself. Drawing is deterministic, so loading again finds every
record unchanged and writes nothing new.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from pathlib import Path
from typing import TextIO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from PIL import Image as PILImage
from wagtail.images import get_image_model

from config.photos import CheckedPhoto, photo_save
from demo.cloth import cloth, product_photos, save_jpeg
from marketplace.models import Motif, Product, ProductSize, Shop
from marketplace.services import product_stock_recount
from marketplace.uploads import marketplace_collection
from tourism.catalog import catalog_discarded_on_failure, catalog_prepare, catalog_write, load_file

HERE = Path(__file__).parent / "data" / "marketplace"
CATALOG = HERE / "catalog.json"
MOTIFS = HERE / "motifs.json"
SIZES = HERE / "sizes.json"
PHOTO_SIZE = 900
# Demo artisans sign in to /toko/ with their email and the demo's published password.
DEMO_ARTISAN_PASSWORD = "gebrak-banjar"


def demo_folder() -> Path:
    return Path(settings.BASE_DIR) / "var" / "demo" / "marketplace"


def demo_photos_write(*, folder: Path, size: int = PHOTO_SIZE) -> tuple[Path, int]:
    """Draw every product photo the catalogue names; put a copy of the catalogue beside them."""
    data = load_file(CATALOG)
    drawn = 0
    for record in data["products"]:
        motif_slug = (record.get("motif") or "gigi haruan").lower().replace(" ", "-")
        photos = product_photos(slug=record["slug"], motif=motif_slug, colours=record.get("colors", []),
                                natural=record.get("dye") == "natural", kind=record.get("kind", "kain"),
                                count=len(record.get("images", [])), size=size)
        for relative, photo in zip(record.get("images", []), photos, strict=True):
            save_jpeg(photo, folder / relative)
            drawn += 1
    folder.mkdir(parents=True, exist_ok=True)
    catalog_copy = folder / CATALOG.name
    shutil.copyfile(CATALOG, catalog_copy)
    return catalog_copy, drawn


def _image_from_bytes(*, content: bytes, name: str, title: str):
    """A Wagtail image for these bytes, reusing the one already made from them. Drawn here, so
    stored as an upload that passed the checks (config.photos.photo_save): written once, not
    written, read back and cleaned again."""
    image = get_image_model().objects.filter(file_hash=hashlib.sha1(content).hexdigest()).first()
    if image is None:
        with PILImage.open(io.BytesIO(content)) as picture:
            width, height = picture.size
        image = photo_save(photo=CheckedPhoto(name=name, content=content, width=width, height=height, format="JPEG"),
                           title=title, collection=marketplace_collection())
    return image


def demo_motifs_ensure(*, folder: Path, size: int = PHOTO_SIZE) -> int:
    """Create or update the motif snippets with their meanings and a picture of each."""
    changed = 0
    for spec in json.loads(MOTIFS.read_text(encoding="utf-8"))["motifs"]:
        picture = cloth(seed=f"motif:{spec['slug']}", motif=spec["slug"], colours=spec["colours"], size=size)
        path = folder / "motifs" / f"{spec['slug']}.jpg"
        save_jpeg(picture, path)
        image = _image_from_bytes(content=path.read_bytes(), name=path.name, title=f"Motif {spec['name']}")
        motif = Motif.objects.filter(slug=spec["slug"]).first() or Motif(slug=spec["slug"])
        wanted = {"name": spec["name"], "meaning_id": spec["meaning_id"], "meaning_en": spec["meaning_en"],
                  "image_id": image.pk}
        if motif.pk is None or any(getattr(motif, key) != value for key, value in wanted.items()):
            for key, value in wanted.items():
                setattr(motif, key, value)
            motif.save()
            changed += 1
    return changed


def demo_sizes_ensure() -> int:
    """Give the demo's clothes their sizes (the catalogue format has none)."""
    changed = 0
    sizes = json.loads(SIZES.read_text(encoding="utf-8"))["sizes"]
    products = Product.objects.filter(slug__in=list(sizes)).prefetch_related("sizes")
    for product in products:
        wanted = [(label, stock) for label, stock in sizes[product.slug]]
        if [(size.label, size.stock) for size in product.sizes.all()] == wanted:
            continue
        product.sizes.all().delete()
        ProductSize.objects.bulk_create([ProductSize(product=product, label=label, stock=stock, sort_order=position)
                                         for position, (label, stock) in enumerate(wanted)])
        product_stock_recount(product=product)
        changed += 1
    return changed


def _demo_shops():
    return Shop.objects.filter(slug__in=[r["slug"] for r in load_file(CATALOG)["artisans"]]).select_related("owner")


def demo_artisan_passwords_set() -> None:
    """Let the demo artisans sign in to /toko/ (they are imported without a password)."""
    for shop in _demo_shops():
        owner = shop.owner
        if not owner.has_usable_password():
            owner.set_password(DEMO_ARTISAN_PASSWORD)
            owner.save(update_fields=["password"])


def demo_artisan_login_lines() -> list[str]:
    """The demo artisans' logins for the console (`make run` prints them on every start); reads only."""
    shops = list(_demo_shops())
    if not shops:
        return []
    lines = [f"  Artisans' shop dashboard (/toko/masuk/), by email, password {DEMO_ARTISAN_PASSWORD!r}:"]
    lines += [f"    {shop.owner.email} ({shop.name}, {shop.get_status_display()})" for shop in shops]
    return lines


def load_marketplace_demo(*, stdout: TextIO | None = None, folder: Path | None = None,
                          photo_size: int = PHOTO_SIZE) -> None:
    """Load (or refresh) the marketplace demo. Safe to run again: nothing is duplicated."""

    def say(message: str) -> None:
        if stdout is not None:
            stdout.write(message + "\n")

    folder = folder or demo_folder()
    catalog_path, drawn = demo_photos_write(folder=folder, size=photo_size)
    say(f"Drew {drawn} sasirangan photos in {folder}")
    # The pictures' files before the transaction (with the media in a bucket, network calls): the
    # motifs', each saved on its own (a motif is whole without the catalogue; loading again finds it),
    # then the catalogue's.
    changed = demo_motifs_ensure(folder=folder, size=photo_size)
    say(f"Motifs: {changed} created or updated")
    prepared = catalog_prepare(catalog_path)
    with catalog_discarded_on_failure(prepared), transaction.atomic():
        report = catalog_write(prepared)
        say(f"Imported the marketplace demo catalogue: {report.summary()}")
        sized = demo_sizes_ensure()
        if sized:
            say(f"Sizes given to {sized} clothes")
        demo_artisan_passwords_set()  # listed with the other logins at the end (demo.loading.demo_logins_banner)
    if get_user_model().objects.filter(is_superuser=True).exists():
        say("Editors approve waiting shops in the admin: Kampung Sasirangan > Toko perajin.")
