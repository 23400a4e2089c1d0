"""The page tree every Gebrak site has: home, destinations, events, in both languages."""

from django.db import transaction
from wagtail.models import Locale, Page, Site

from tourism.models import DestinationIndexPage, EventIndexPage, HomePage

# Slugs are the same in both languages so that /id/destinasi/x/ and /en/destinasi/x/
# name the same place, and switching language never loses the reader.
DESTINATION_INDEX = {"slug": "destinasi", "id": "Destinasi", "en": "Destinations",
                     "intro_id": "Jelajahi pasar terapung, wisata religi, alam dan kuliner Kabupaten Banjar.",
                     "intro_en": "Explore the floating markets, pilgrim sites, nature and food of Banjar Regency."}
EVENT_INDEX = {"slug": "acara", "id": "Acara", "en": "Events",
               "intro_id": "Festival, haul dan pasar budaya sepanjang tahun.",
               "intro_en": "Festivals, haul commemorations and cultural markets all year round."}


def translation_publish(page, locale, **fields):
    """The page's translation into `locale`, created when missing, given `fields` and published."""
    translation = page.get_translation_or_none(locale)
    if translation is None:
        translation = page.copy_for_translation(locale, copy_parents=True)
    translation = translation.specific
    changed = False
    for name, value in fields.items():
        if getattr(translation, name) != value:
            setattr(translation, name, value)
            changed = True
    if changed or not translation.live:
        translation.save_revision().publish()
    return translation


@transaction.atomic
def ensure_site_structure() -> HomePage:
    """Create whatever of the home and index pages is missing, in both languages, and change nothing
    that exists; return the Indonesian home."""
    indonesian = Locale.objects.get_or_create(language_code="id")[0]
    english = Locale.objects.get_or_create(language_code="en")[0]
    site = Site.objects.filter(is_default_site=True).first()
    home = HomePage.objects.filter(locale=indonesian).first()
    if home is None:
        # A flushed database (transactional tests) has lost even Wagtail's root page.
        root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Akar", slug="root",
                                                                         locale=indonesian))
        home = HomePage(
            title="Gebrak Pariwisata Banjar", slug="beranda", locale=indonesian,
            hero_title="Banjar, dari pasar terapung hingga kain sasirangan",
            hero_text="Jelajahi Kabupaten Banjar: pasar terapung Lok Baintan, pasar intan Martapura, "
                      "ziarah Sekumpul, waduk Riam Kanan, dan karya perajin Kampung Sasirangan.",
        )
        root.add_child(instance=home)
        home.save_revision().publish()
    if site is None:
        site = Site.objects.create(hostname="localhost", port=80, root_page=home,
                                   is_default_site=True, site_name="Gebrak Banjar")
    elif site.root_page_id != home.pk:
        old_root = site.root_page
        site.root_page = home
        site.site_name = "Gebrak Banjar"
        site.save()
        # Wagtail's placeholder "Welcome" page is of no use once the home exists.
        if type(old_root.specific) is Page and not old_root.get_children().exists():
            old_root.delete()

    # English pages are made when missing, never changed after: every catalogue import calls this, and
    # an editor's English hero text or intro must survive it (as campaigns.campaign_index_ensure).
    if home.get_translation_or_none(english) is None:
        translation_publish(home, english, title="Gebrak Banjar Tourism",
                            hero_title="Banjar, from floating markets to sasirangan cloth",
                            hero_text="Explore Banjar Regency: the Lok Baintan floating market, Martapura's "
                                      "diamond market, the Sekumpul pilgrimage, the Riam Kanan reservoir, and "
                                      "the artisans of Kampung Sasirangan.")
    for model, spec in ((DestinationIndexPage, DESTINATION_INDEX), (EventIndexPage, EVENT_INDEX)):
        index_page = model.objects.filter(locale=indonesian).first()
        if index_page is None:
            index_page = model(title=spec["id"], slug=spec["slug"], intro=spec["intro_id"], locale=indonesian)
            home.add_child(instance=index_page)
            index_page.save_revision().publish()
        if index_page.get_translation_or_none(english) is None:
            translation_publish(index_page, english, title=spec["en"], intro=spec["intro_en"])
    return home
