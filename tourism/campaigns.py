"""Campaigns: what a campaign page shows, which campaigns run, and the demo campaign.

A campaign is a CampaignPage (tourism.models) with start and end dates. The home
page shows the one running today (tourism.campaigns.campaign_running).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from wagtail.models import Locale, Page

from config import dependencies
from config.digits import ascii_digits
from config.remembered import remember_read
from config.renditions import (
    CAMPAIGN_HERO,
    PRODUCT_CARD,
    TOURISM_CARD,
    renditions_attach,
    renditions_tag,
)
from tourism.models import CampaignIndexPage, CampaignPage, DestinationPage, EventPage, HomePage
from tourism.providers import PRODUCTS_BY_IDS, PRODUCTS_NEWEST_IDS, provided
from tourism.routing import active_locale_id, default_locale, public_pages
from tourism.selectors import (
    CARD_FIELDS,
    cards_in_default_language,
    localize_pages,
    with_card_images,
)
from tourism.sharing import campaign_read_by_page, show_campaign_changes
from tourism.site_structure import translation_publish

CARD_BLOCKS = {"destination_cards": DestinationPage, "event_cards": EventPage}
CAMPAIGN_INDEX = {"slug": "kampanye", "id": "Kampanye", "en": "Campaigns",
                  "intro_id": "Ajakan bersama menjelajah dan membagikan Kabupaten Banjar.",
                  "intro_en": "Shared invitations to explore Banjar Regency and pass it on."}


@dataclass
class CampaignSection:
    """One block of a campaign page, with the cards it shows already fetched."""

    block_type: str
    value: object = None
    items: list = field(default_factory=list)
    id: str = ""


def _raw_ids(raw_list) -> list:
    """Ids stored in a ListBlock's raw data (current {"type": "item", "value": id} or legacy plain)."""
    ids = []
    for item in raw_list or []:
        value = item.get("value") if isinstance(item, dict) else item
        if isinstance(value, int) or (isinstance(value, str) and ascii_digits(value)):
            ids.append(int(value))
    return ids


def _card_pages(model, ids: list[int], translation_keys: dict[int, str]) -> dict[int, object]:
    """Chosen pages (any language) -> the live page to show, in the reader's language, by chosen id;
    their renditions are the caller's to attach."""
    keys = {pk: translation_keys[pk] for pk in ids if pk in translation_keys}
    if not keys:
        return {}
    originals = cards_in_default_language(model, filter_specs=None).filter(translation_key__in=set(keys.values()))
    shown = {page.translation_key: page for page in localize_pages(originals, filter_specs=None, only=CARD_FIELDS[model])}
    return {pk: shown[key] for pk, key in keys.items() if key in shown}


def campaign_sections(*, campaign: CampaignPage) -> list[CampaignSection]:
    """The campaign's blocks in order; card blocks carry their live pages and public products.

    Chosen pages that were unpublished and products whose shop is not approved are left out. Every
    picture's renditions, the heroes' and all cards', come in one query (renditions_attach).
    """
    raw_blocks = list(campaign.body.raw_data)
    wanted = {"destination_cards": [], "event_cards": [], "product_cards": []}
    for raw in raw_blocks:
        value = raw.get("value") or {}
        if raw["type"] in ("destination_cards", "event_cards"):
            wanted[raw["type"]] += _raw_ids(value.get("pages"))
        elif raw["type"] == "product_cards":
            wanted["product_cards"] += _raw_ids(value.get("products"))
    chosen_pages = [pk for kind in CARD_BLOCKS for pk in wanted[kind]]
    translation_keys = (dict(Page.objects.filter(pk__in=chosen_pages).values_list("pk", "translation_key"))
                        if chosen_pages else {})
    found = {kind: _card_pages(model, wanted[kind], translation_keys) for kind, model in CARD_BLOCKS.items()}
    found["product_cards"] = ((provided(PRODUCTS_BY_IDS, ids=wanted["product_cards"], filter_specs=None) or {})
                              if wanted["product_cards"] else {})

    sections = []
    for position, raw in enumerate(raw_blocks):
        kind = raw["type"]
        value = raw.get("value") or {}
        if kind in found:
            ids = _raw_ids(value.get("products" if kind == "product_cards" else "pages"))
            items = [found[kind][pk] for pk in ids if pk in found[kind]]
            if items:
                sections.append(CampaignSection(block_type=kind, value={"heading": value.get("heading", "")},
                                                items=items, id=raw.get("id", "")))
            continue
        # Other blocks hold no references worth batching; the StreamField converts them.
        sections.append(CampaignSection(block_type=kind, value=campaign.body[position].value, id=raw.get("id", "")))
    heroes = [section.value.get("image") or campaign.main_image for section in sections if section.block_type == "hero"]
    renditions_attach(
        [(image, CAMPAIGN_HERO) for image in heroes if image is not None]
        + [(page.main_image, TOURISM_CARD) for kind in CARD_BLOCKS for page in found[kind].values() if page.main_image]
        + [(product.cover_image, PRODUCT_CARD)
           for product in found["product_cards"].values() if product.cover_image is not None])
    return sections


def _campaigns():
    return with_card_images(public_pages(CampaignPage.objects.live()).filter(locale_id=default_locale()[0]))


def campaign_running_in_default_language(*, today=None) -> CampaignPage | None:
    """The campaign running today (WITA), newest start first, in the default language. Every page
    asks (its share links, the home page's banner): remembered until a campaign changes."""
    today = today or timezone.localdate()

    def read():
        show_campaign_changes()
        campaign = _campaigns().filter(start__lte=today, end__gte=today).order_by("-start", "-pk").first()
        if campaign is not None and campaign.main_image_id:
            # Its image's renditions come with it; the worker making some makes this copy stale.
            dependencies.shown(renditions_tag(campaign.main_image_id))
        return campaign

    return remember_read(("campaign-running", today), read)


def campaign_running(*, today=None) -> CampaignPage | None:
    """The campaign running today (WITA), newest start first, in the reader's language."""
    campaign = campaign_running_in_default_language(today=today)
    return campaign_in_reading_language(campaign) if campaign else None


def campaign_in_reading_language(campaign: CampaignPage) -> CampaignPage:
    """The running campaign's translation in the reader's language (itself where it has none):
    remembered as the campaign itself is, or every English page's banner asked for it again."""
    locale_id = active_locale_id()
    if campaign.locale_id == locale_id:
        return campaign

    def read() -> CampaignPage:
        show_campaign_changes()
        localized = localize_pages([campaign])[0]
        if localized.main_image_id:
            dependencies.shown(renditions_tag(localized.main_image_id))
        return localized

    return remember_read(("campaign-localized", campaign.pk, locale_id), read)


def campaign_listing(*, today=None) -> dict:
    today = today or timezone.localdate()
    running = list(_campaigns().filter(end__gte=today).order_by("start", "pk"))
    ended = list(_campaigns().filter(end__lt=today).order_by("-end", "-pk")[:24])
    return {"campaigns_running": localize_pages(running), "campaigns_ended": localize_pages(ended)}


# --- What the page types' templates read (registered for them in TourismConfig.ready()) ---------

def home_campaign_context(page, request) -> dict:
    # Read when the template first asks: a stored fragment of the home page asks for none. Read
    # once for the banner and the page's share links, which ask first (the <head>'s social_meta).
    running = functools.cache(campaign_running_in_default_language)  # this request's own
    campaign_read_by_page(request, running)

    def shown() -> CampaignPage | None:
        campaign = running()
        return campaign_in_reading_language(campaign) if campaign else None

    return {"current_campaign": SimpleLazyObject(shown)}


def campaign_index_context(page, request) -> dict:
    return campaign_listing()


def campaign_page_context(page, request) -> dict:
    return {"campaign_sections": SimpleLazyObject(lambda: campaign_sections(campaign=page))}


# --- Demo ------------------------------------------------------------------------------

def raw_stream(blocks: list[tuple[str, dict]]) -> list[dict]:
    """(block type, value with ids) pairs as the StreamField's stored JSON, so ids need no fetching."""
    import uuid

    return [{"type": kind, "value": value, "id": str(uuid.uuid4())} for kind, value in blocks]


DEMO_CAMPAIGN_SLUG = "gebrak-banjar"


@transaction.atomic
def campaign_index_ensure(*, home: HomePage) -> CampaignIndexPage:
    """The /kampanye/ page in both languages (created when missing, never changed)."""
    indonesian = Locale.get_default()
    english = Locale.objects.get(language_code="en")
    index_page = CampaignIndexPage.objects.filter(locale=indonesian).first()
    if index_page is None:
        index_page = CampaignIndexPage(title=CAMPAIGN_INDEX["id"], slug=CAMPAIGN_INDEX["slug"],
                                       intro=CAMPAIGN_INDEX["intro_id"], locale=indonesian)
        home.add_child(instance=index_page)
        index_page.save_revision().publish()
    if index_page.get_translation_or_none(english) is None:
        translation_publish(index_page, english, title=CAMPAIGN_INDEX["en"], intro=CAMPAIGN_INDEX["intro_en"])
    return index_page


def _demo_body(*, language: str) -> list:
    destinations = dict(DestinationPage.objects.filter(locale=Locale.get_default(), slug__in=[
        "pasar-terapung-lok-baintan", "pasar-intan-cbs-martapura", "kubah-guru-sekumpul",
        "rumah-bubungan-tinggi-teluk-selong"]).values_list("slug", "pk"))
    events = list(EventPage.objects.filter(locale=Locale.get_default(), start__gte=timezone.now())
                  .order_by("start").values_list("pk", flat=True)[:3])
    products = list(provided(PRODUCTS_NEWEST_IDS, limit=4) or [])
    english = language == "en"
    chain = ["pasar-terapung-lok-baintan", "pasar-intan-cbs-martapura", "kubah-guru-sekumpul",
             "rumah-bubungan-tinggi-teluk-selong"]
    body = [
        ("hero", {"heading": "Satu hari, satu sungai, seribu cerita" if not english
                  else "One day, one river, a thousand stories",
                  "text": "Fajar di Lok Baintan, siang di pasar intan, sore di Kampung Sasirangan. Bagikan harimu."
                  if not english else "Dawn at Lok Baintan, noon at the diamond market, afternoon in Kampung "
                                      "Sasirangan. Share your day."}),
        ("story", {"heading": "Gebrak, bersama" if not english else "Gebrak, together",
                   "text": "<p>Gebrak Pariwisata mengajak warga dan pengunjung membagikan Kabupaten Banjar: "
                           "satu foto, satu tautan, satu cerita.</p>" if not english else
                           "<p>Gebrak Pariwisata invites residents and visitors to pass Banjar Regency on: "
                           "one photo, one link, one story.</p>"}),
    ]
    chosen = [destinations[slug] for slug in chain if slug in destinations]
    if chosen:
        body.append(("destination_cards", {"heading": "Rangkai dalam sehari" if not english else "Chain them in a day",
                                           "pages": chosen}))
    if events:
        body.append(("event_cards", {"heading": "Jangan lewatkan" if not english else "Don't miss", "pages": events}))
    if products:
        body.append(("product_cards", {"heading": "Oleh-oleh sasirangan" if not english else "Sasirangan to take home",
                                       "products": products}))
    body.append(("hashtag", {"hashtag": "#GebrakBanjar",
                             "text": "Unggah fotomu dengan tagar ini, atau kirim lewat halaman destinasi."
                             if not english else "Post your photos with this hashtag, or send them through a "
                                                 "destination's page."}))
    body.append(("call_to_action", {"heading": "Mulai dari peta" if not english else "Start from the map",
                                    "text": "", "button_label": "Lihat semua destinasi" if not english
                                    else "See every destination", "page": None, "url": f"/{language}/destinasi/"}))
    return body


@transaction.atomic
def demo_campaign_ensure(*, today=None) -> CampaignPage | None:
    """The demo campaign #GebrakBanjar, running from a week ago for three months, in both languages.

    Does nothing when it exists already (loading the demo twice changes nothing).
    None when there is no home page yet.
    """
    home = HomePage.objects.filter(locale=Locale.get_default()).first()
    if home is None:
        return None
    index_page = campaign_index_ensure(home=home)
    existing = CampaignPage.objects.filter(locale=Locale.get_default(), slug=DEMO_CAMPAIGN_SLUG).first()
    if existing is not None:
        return existing
    today = today or timezone.localdate()
    image_id = (DestinationPage.objects.filter(locale=Locale.get_default(), slug="pasar-terapung-lok-baintan")
                .values_list("main_image_id", flat=True).first())
    campaign = CampaignPage(
        title="Gebrak Banjar: Sehari di Banjar", slug=DEMO_CAMPAIGN_SLUG, locale=Locale.get_default(),
        summary="Rangkai pasar terapung, pasar intan, Sekumpul, dan Kampung Sasirangan dalam sehari, "
                "lalu bagikan ceritamu dengan #GebrakBanjar.",
        hashtag="#GebrakBanjar", start=today - timedelta(days=7), end=today + timedelta(days=90),
        main_image_id=image_id, body=raw_stream(_demo_body(language="id")),
    )
    index_page.add_child(instance=campaign)
    campaign.save_revision().publish()
    english = Locale.objects.get(language_code="en")
    translation_publish(campaign, english, title="Gebrak Banjar: A Day in Banjar",
                        summary="Chain the floating market, the diamond market, Sekumpul and Kampung Sasirangan "
                                "in one day, then share your story with #GebrakBanjar.",
                        body=raw_stream(_demo_body(language="en")))
    return campaign
