"""A small Banjar for the browser journeys: a slice of the demo, loaded the way the demo is.

The whole demo takes a minute or more to load, far too long to pay for every
journey. This takes a few of its destinations (close enough to each other that
the "nearby" lists have something to show), an event, three approved artisans
with two products each, and one artisan still waiting for approval, and imports
them through the real catalogue importer (tourism.catalog.import_catalog), with
the demo's own drawn pictures. The pictures are drawn once per test session
(`catalog_write`); each journey then imports the file into its fresh database
(`content_load`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from demo.cloth import product_photos, save_jpeg
from demo.illustrations import illustration_write
from demo.loading import CATALOG as TOURISM_CATALOG
from demo.loading import (
    ILLUSTRATIONS,
    demo_images_describe,
    demo_users_ensure,
    home_feature_demo,
)
from demo.shops import CATALOG as MARKETPLACE_CATALOG
from demo.shops import demo_artisan_passwords_set
from tourism.catalog import import_catalog, load_file
from tourism.site_structure import ensure_site_structure

# Martapura's diamond market is the destination the tourist visits: the mosque, the food
# street and Sekumpul are within a few kilometres, and so are the Martapura artisans.
DESTINATIONS = ["pasar-intan-cbs-martapura", "masjid-agung-al-karomah", "kuliner-banjar-martapura",
                "kubah-guru-sekumpul", "pasar-terapung-lok-baintan"]
EVENTS = ["festival-pasar-terapung-lok-baintan-2027"]
# Two products from each approved shop; the waiting shop shows nothing to visitors.
ARTISANS = ["sasirangan-galuh-banjar", "rumah-sasirangan-acil-mariam", "sasirangan-intan-martapura",
            "sasirangan-kertak-hanyar"]
PRODUCTS_PER_ARTISAN = 2
# Smaller than the demo's 1600x1000 and 900 px: enough for every rendition a phone asks
# for, and drawing and importing them costs a fraction of the time.
ILLUSTRATION_SIZE = (1280, 800)
PHOTO_SIZE = 700
# The published demo password (demo/loading.py DEMO_PASSWORD, demo/shops.py).
PASSWORD = "gebrak-banjar"


@dataclass(frozen=True)
class Slice:
    destinations: list[dict]
    events: list[dict]
    artisans: list[dict]
    products: list[dict]

    def products_of(self, artisan: str) -> list[dict]:
        return [record for record in self.products if record["artisan"] == artisan]

    def destination(self, slug: str) -> dict:
        return next(record for record in self.destinations if record["slug"] == slug)


def catalog_slice() -> Slice:
    tourism = load_file(TOURISM_CATALOG)
    marketplace = load_file(MARKETPLACE_CATALOG)
    artisans = [record for record in marketplace["artisans"] if record["slug"] in ARTISANS]
    products = []
    for artisan in artisans:
        if artisan.get("approved", True):
            mine = [record for record in marketplace["products"] if record["artisan"] == artisan["slug"]]
            products += mine[:PRODUCTS_PER_ARTISAN]
    return Slice(
        destinations=[record for record in tourism["destinations"] if record["slug"] in DESTINATIONS],
        events=[record for record in tourism["events"] if record["slug"] in EVENTS],
        artisans=artisans, products=products,
    )


def catalog_write(folder: Path) -> Path:
    """Draw the slice's pictures into `folder` and write its catalogue beside them."""
    data = catalog_slice()
    for record in [*data.destinations, *data.events]:
        for position, relative in enumerate(record.get("images", [])):
            illustration_write(theme=ILLUSTRATIONS[record["slug"]], seed=f"{record['slug']}:{position}",
                               path=folder / relative, size=ILLUSTRATION_SIZE)
    for record in data.products:
        motif = (record.get("motif") or "gigi haruan").lower().replace(" ", "-")
        photos = product_photos(slug=record["slug"], motif=motif, colours=record.get("colors", []),
                                natural=record.get("dye") == "natural", kind=record.get("kind", "kain"),
                                count=len(record.get("images", [])), size=PHOTO_SIZE)
        for relative, photo in zip(record.get("images", []), photos, strict=True):
            save_jpeg(photo, folder / relative)
    path = folder / "catalog.json"
    path.write_text(json.dumps({"destinations": data.destinations, "events": data.events,
                                "artisans": data.artisans, "products": data.products},
                               ensure_ascii=False), encoding="utf-8")
    return path


def content_load(catalog_path: Path) -> Slice:
    """Import the slice into the (fresh) test database, with the demo's logins and home page."""
    home = ensure_site_structure()
    import_catalog(catalog_path)
    demo_images_describe(catalog_path=catalog_path)
    home_feature_demo(home=home)
    demo_users_ensure()  # admin (superuser), editor (group Editor), moderator (group Moderator)
    demo_artisan_passwords_set()  # the imported artisans sign in with PASSWORD
    return catalog_slice()
