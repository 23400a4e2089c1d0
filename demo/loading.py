"""Load the demo content: a living Banjar site on a fresh database.

Everything that the catalogue format can express (destinations, events) goes
through the same importer as real catalogues (tourism.catalog.import_catalog),
from demo/data/tourism/catalog.json. The rest is done here: the illustrations, the
home page's hero and featured destinations, and the demo logins.

The illustrations are drawn at load time into var/demo/ (git-ignored, never
media/), next to a copy of the catalogue, because the catalogue names its images
by paths relative to itself. They are the same bytes every time, so loading the
demo twice changes nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TextIO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.images import get_image_model
from wagtail.models import Locale

from demo.illustrations import HEIGHT, WIDTH, illustration_write
from demo.shops import demo_artisan_login_lines, load_marketplace_demo
from tourism.campaigns import demo_campaign_ensure
from tourism.catalog import catalog_discarded_on_failure, catalog_prepare, catalog_write, load_file
from tourism.catalog_kinds import GALLERY_CREDIT, ILLUSTRATION_CREDIT
from tourism.models import DestinationPage, EventPage, HomeFeaturedDestination, HomePage
from tourism.roles import EDITORS, MODERATORS
from tourism.site_structure import ensure_site_structure

CATALOG = Path(__file__).parent / "data" / "tourism" / "catalog.json"

# Which drawn scene illustrates which record (the catalogue format has no field for it).
ILLUSTRATIONS = {
    "pasar-terapung-lok-baintan": "river",
    "pasar-intan-cbs-martapura": "market",
    "masjid-agung-al-karomah": "mosque",
    "kubah-guru-sekumpul": "tomb",
    "makam-datu-kalampayan": "tomb",
    "masjid-tuhfaturroghibin-dalam-pagar": "mosque",
    "makam-sultan-adam": "tomb",
    "rumah-bubungan-tinggi-teluk-selong": "house",
    "benteng-oranje-nassau-pengaron": "ruins",
    "waduk-riam-kanan": "reservoir",
    "pulau-pinus-riam-kanan": "reservoir",
    "bukit-matang-kaladan": "viewpoint",
    "tahura-sultan-adam": "forest",
    "kiram-park": "park",
    "kuliner-banjar-martapura": "food",
    "haul-guru-sekumpul-2026": "haul",
    "haul-guru-sekumpul-2027": "haul",
    "festival-bacatuk-dauh-2026": "drums",
    "festival-bacatuk-dauh-2027": "drums",
    "haul-datu-kalampayan-2027": "haul",
    "hari-jadi-kabupaten-banjar-2026": "festival",
    "hari-jadi-kabupaten-banjar-2027": "festival",
    "festival-pasar-terapung-lok-baintan-2027": "river-festival",
}
# Alt text for each scene, so screen readers hear what the picture shows and that it is drawn.
SCENE_DESCRIPTIONS = {
    "river": "Ilustrasi: jukung para pedagang dengan tanggui dan buah-buahan di sungai saat matahari terbit",
    "river-festival": "Ilustrasi: jukung hias berbendera warna-warni memenuhi sungai",
    "market": "Ilustrasi: deretan toko permata dan nampan berisi batu intan berkilauan",
    "mosque": "Ilustrasi: masjid berkubah hijau dengan menara, terpantul di kolam saat senja",
    "tomb": "Ilustrasi: kubah makam ulama dengan pagar dan pepohonan",
    "haul": "Ilustrasi: jemaah berpakaian putih memadati halaman kubah pada malam haul",
    "house": "Ilustrasi: rumah adat Banjar beratap tinggi di atas tiang di tepi rawa",
    "ruins": "Ilustrasi: reruntuhan tembok bata di tengah hutan perbukitan",
    "reservoir": "Ilustrasi: waduk di antara perbukitan dengan pulau-pulau pinus dan kelotok",
    "viewpoint": "Ilustrasi: pendaki di puncak bukit memandang waduk dan pulau-pulau kecil",
    "forest": "Ilustrasi: perbukitan berhutan dalam kabut pagi dengan sinar matahari",
    "park": "Ilustrasi: taman bunga di lereng bukit dengan jalan setapak dan gazebo",
    "food": "Ilustrasi: semangkuk soto banjar, ketupat, dan wadai di atas kain sasirangan",
    "festival": "Ilustrasi: kembang api dan umbul-umbul di atas kota Martapura pada malam hari",
    "drums": "Ilustrasi: dauh (bedug) besar di bawah umbul-umbul dan kembang api",
}
HERO = "pasar-terapung-lok-baintan"
FEATURED = [
    "pasar-terapung-lok-baintan",
    "pasar-intan-cbs-martapura",
    "masjid-agung-al-karomah",
    "bukit-matang-kaladan",
    "tahura-sultan-adam",
    "rumah-bubungan-tinggi-teluk-selong",
]
# The demo logins. The password is published (README, make run), so the
# management command refuses to create them on a site without DEBUG.
DEMO_PASSWORD = "gebrak-banjar"
DEMO_USERS = [
    # username, Wagtail group, superuser
    ("admin", None, True),
    ("editor", EDITORS, False),
    ("moderator", MODERATORS, False),
]


def demo_folder() -> Path:
    return Path(settings.BASE_DIR) / "var" / "demo"


def load_demo(*, stdout: TextIO | None = None, if_empty: bool = False, folder: Path | None = None,
              image_size: tuple[int, int] = (WIDTH, HEIGHT)) -> bool:
    """Load (or refresh) the demo content; True if it ran, False if skipped.

    With ``if_empty`` nothing happens when destinations already exist, so `make run`
    loads the demo once and leaves editors' later changes alone.
    """

    def say(message: str) -> None:
        if stdout is not None:
            stdout.write(message + "\n")

    home = ensure_site_structure()
    if if_empty and DestinationPage.objects.exists():
        say("Demo content is already loaded (destinations exist); nothing to do.")
        return False

    folder = folder or demo_folder()
    catalog_path, drawn = demo_files_write(folder=folder, size=image_size)
    say(f"Drew {drawn} illustrations in {folder}")

    # The pictures' files before the transaction (with the media in a bucket, network calls).
    prepared = catalog_prepare(catalog_path)
    with catalog_discarded_on_failure(prepared), transaction.atomic():
        token = GALLERY_CREDIT.set(ILLUSTRATION_CREDIT)
        try:
            report = catalog_write(prepared)
        finally:
            GALLERY_CREDIT.reset(token)
        say(f"Imported the demo catalogue: {report.summary()}")
        demo_images_describe(catalog_path=catalog_path)
        if home_feature_demo(home=home):
            say(f"Home page: hero image and {len(FEATURED)} featured destinations, in Indonesian and English")
        for line in demo_users_ensure():
            say(line)

    say("Loading the marketplace demo (Kampung Sasirangan)")
    load_marketplace_demo(stdout=stdout)
    say(f"Campaign: {demo_campaign_ensure()}")  # tourism/campaigns.py (#GebrakBanjar, both languages)
    return True


def demo_files_write(*, folder: Path, size: tuple[int, int] = (WIDTH, HEIGHT)) -> tuple[Path, int]:
    """Draw every image the catalogue names and put a copy of the catalogue beside them."""
    data = load_file(CATALOG)
    drawn = 0
    for kind in ("destinations", "events"):
        for record in data.get(kind, []):
            theme = ILLUSTRATIONS.get(record["slug"])
            if theme is None:
                raise KeyError(f"demo/loading.py: no illustration theme for {kind} {record['slug']!r}")
            for position, relative in enumerate(record.get("images", [])):
                illustration_write(theme=theme, seed=f"{record['slug']}:{position}", path=folder / relative, size=size)
                drawn += 1
    folder.mkdir(parents=True, exist_ok=True)
    catalog_copy = folder / CATALOG.name
    shutil.copyfile(CATALOG, catalog_copy)
    return catalog_copy, drawn


def demo_images_describe(*, catalog_path: Path) -> None:
    """Title and describe the demo images as illustrations (their alt text)."""
    data = load_file(catalog_path)
    slugs = [record["slug"] for kind in ("destinations", "events") for record in data.get(kind, [])]
    indonesian = Locale.objects.get(language_code="id")
    pages = [*DestinationPage.objects.filter(locale=indonesian, slug__in=slugs).only("slug", "title", "main_image"),
             *EventPage.objects.filter(locale=indonesian, slug__in=slugs).only("slug", "title", "main_image")]
    images = get_image_model().objects.in_bulk([page.main_image_id for page in pages if page.main_image_id])
    for page in pages:
        image = images.get(page.main_image_id)
        if image is None:
            continue
        title = f"Ilustrasi: {page.title}"[:255]
        description = SCENE_DESCRIPTIONS[ILLUSTRATIONS[page.slug]][:255]
        if (image.title, image.description) != (title, description):
            image.title, image.description = title, description
            image.save(update_fields=["title", "description"])


def home_feature_demo(*, home: HomePage) -> bool:
    """Give the home page (both languages) a hero image and featured destinations.

    Only where the editors have not chosen any yet: loading the demo again never
    undoes their choices. True if anything changed.
    """
    indonesian = Locale.objects.get(language_code="id")
    english = Locale.objects.get(language_code="en")
    originals = {page.slug: page for page in DestinationPage.objects.filter(locale=indonesian, slug__in=FEATURED)}
    picks = [originals[slug] for slug in FEATURED if slug in originals]
    hero_image_id = originals[HERO].main_image_id if HERO in originals else None
    changed = False
    for locale_home in (home, home.get_translation_or_none(english)):
        if locale_home is None:
            continue
        locale_home = locale_home.specific
        wants_hero = locale_home.hero_image_id is None and hero_image_id is not None
        wants_picks = bool(picks) and not locale_home.featured_destinations.exists()
        if not (wants_hero or wants_picks):
            continue
        if wants_hero:
            locale_home.hero_image_id = hero_image_id
        if wants_picks:
            locale_home.featured_destinations.set(
                # Both homes point at the Indonesian pages: the home page's selector shows
                # each reader the translation in their language.
                [HomeFeaturedDestination(destination=page, sort_order=position)
                 for position, page in enumerate(picks)])
        locale_home.save_revision().publish()
        changed = True
    return changed


def demo_users_ensure() -> list[str]:
    """Create the demo logins that are missing; never touch an existing password."""
    user_model = get_user_model()
    access_admin = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    lines = []
    for username, group_name, superuser in DEMO_USERS:
        user = user_model.objects.filter(username=username).first()
        if user is None:
            create = user_model.objects.create_superuser if superuser else user_model.objects.create_user
            user = create(username=username, email=f"{username}@gebrak.example", password=DEMO_PASSWORD)
            lines.append(f"Created the login {username} / {DEMO_PASSWORD}"
                         + (f" ({group_name})" if group_name else " (superuser)"))
        if group_name:
            group, _ = Group.objects.get_or_create(name=group_name)
            # Wagtail's own migrations give both groups the admin; make sure nobody removed it.
            group.permissions.add(access_admin)
            user.groups.add(group)
    return lines


def demo_logins_banner() -> list[str]:
    """The demo logins that exist, for the console: `make run` prints them on every start,
    not only on the first, when the demo is loaded. Reads only; the password may have been
    changed since, so the lines say it is the demo's."""
    usernames = set(get_user_model().objects.filter(username__in=[name for name, _, _ in DEMO_USERS])
                    .values_list("username", flat=True))
    staff = [f"{username} ({group_name or 'superuser'})" for username, group_name, _ in DEMO_USERS
             if username in usernames]
    lines = []
    if staff:
        lines.append(f"  Editors' admin (/admin/), by username, password {DEMO_PASSWORD!r}: " + ", ".join(staff))
    lines += demo_artisan_login_lines()
    return ["Demo logins:", *lines] if lines else []

