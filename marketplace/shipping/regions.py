"""Where a parcel goes: Indonesia's provinces and the world's countries, in shipping zones.

Geography, not prices: editors keep the prices (marketplace.shipping.models), the map is fixed.
Zones run outwards from Kabupaten Banjar, where the shops are, so a later zone is never
cheaper (tests/marketplace/shipping check the seeded table against this order).

Provinces are written as Statistics Indonesia (BPS) writes them, with BPS's two-digit codes
(Permendagri 2022-2023 added the four new Papua provinces: 92, 95, 96, 97).
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Mapping
from types import MappingProxyType

from babel import Locale, UnknownLocaleError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from config.languages import reading_language


class Zone(models.TextChoices):
    """In order, from the shops outwards."""

    BANJAR = "banjar", _("Banjar dan Banjarmasin")
    KALSEL = "kalsel", _("Kalimantan Selatan lainnya")
    KALIMANTAN = "kalimantan", _("Kalimantan")
    JAWA_BALI = "jawa-bali", _("Jawa dan Bali")
    SUMATRA = "sumatra", _("Sumatra")
    SULAWESI = "sulawesi", _("Sulawesi")
    NUSA_TENGGARA = "nusa-tenggara", _("Nusa Tenggara")
    MALUKU_PAPUA = "maluku-papua", _("Maluku dan Papua")
    ASEAN = "asean", _("ASEAN")
    ASIA_PACIFIC = "asia-pacific", _("Asia-Pasifik")
    WORLD = "world", _("Negara lain")


ZONE_ORDER = {zone.value: position for position, zone in enumerate(Zone)}

# BPS code -> (name as BPS writes it, zone)
PROVINCES: dict[str, tuple[str, Zone]] = {
    "11": ("Aceh", Zone.SUMATRA),
    "12": ("Sumatera Utara", Zone.SUMATRA),
    "13": ("Sumatera Barat", Zone.SUMATRA),
    "14": ("Riau", Zone.SUMATRA),
    "15": ("Jambi", Zone.SUMATRA),
    "16": ("Sumatera Selatan", Zone.SUMATRA),
    "17": ("Bengkulu", Zone.SUMATRA),
    "18": ("Lampung", Zone.SUMATRA),
    "19": ("Kepulauan Bangka Belitung", Zone.SUMATRA),
    "21": ("Kepulauan Riau", Zone.SUMATRA),
    "31": ("DKI Jakarta", Zone.JAWA_BALI),
    "32": ("Jawa Barat", Zone.JAWA_BALI),
    "33": ("Jawa Tengah", Zone.JAWA_BALI),
    "34": ("DI Yogyakarta", Zone.JAWA_BALI),
    "35": ("Jawa Timur", Zone.JAWA_BALI),
    "36": ("Banten", Zone.JAWA_BALI),
    "51": ("Bali", Zone.JAWA_BALI),
    "52": ("Nusa Tenggara Barat", Zone.NUSA_TENGGARA),
    "53": ("Nusa Tenggara Timur", Zone.NUSA_TENGGARA),
    "61": ("Kalimantan Barat", Zone.KALIMANTAN),
    "62": ("Kalimantan Tengah", Zone.KALIMANTAN),
    "63": ("Kalimantan Selatan", Zone.KALSEL),
    "64": ("Kalimantan Timur", Zone.KALIMANTAN),
    "65": ("Kalimantan Utara", Zone.KALIMANTAN),
    "71": ("Sulawesi Utara", Zone.SULAWESI),
    "72": ("Sulawesi Tengah", Zone.SULAWESI),
    "73": ("Sulawesi Selatan", Zone.SULAWESI),
    "74": ("Sulawesi Tenggara", Zone.SULAWESI),
    "75": ("Gorontalo", Zone.SULAWESI),
    "76": ("Sulawesi Barat", Zone.SULAWESI),
    "81": ("Maluku", Zone.MALUKU_PAPUA),
    "82": ("Maluku Utara", Zone.MALUKU_PAPUA),
    "91": ("Papua Barat", Zone.MALUKU_PAPUA),
    "92": ("Papua Barat Daya", Zone.MALUKU_PAPUA),
    "94": ("Papua", Zone.MALUKU_PAPUA),
    "95": ("Papua Selatan", Zone.MALUKU_PAPUA),
    "96": ("Papua Tengah", Zone.MALUKU_PAPUA),
    "97": ("Papua Pegunungan", Zone.MALUKU_PAPUA),
}
KALIMANTAN_SELATAN = "63"

# Within Kalimantan Selatan, the shops' own kabupaten and the city next door are the nearest zone;
# a destination says so with its kabupaten/kota (the `city` of Destination).
BANJAR_CITIES = frozenset({"banjar", "kabupatenbanjar", "kab.banjar", "banjarmasin", "kotabanjarmasin"})

# Names people also write, normalised (see normalised()).
PROVINCE_ALIASES = {"jakarta": "31", "yogyakarta": "34", "diy": "34", "daerahistimewayogyakarta": "34",
                    "bangkabelitung": "19", "babel": "19", "kepri": "21", "ntb": "52", "ntt": "53",
                    "kalsel": "63"}


def normalised(text: str) -> str:
    """Case and spaces ignored (the contract), and the dots of abbreviations ("D.I.")."""
    return "".join(text.lower().split()).replace(".", "")


_PROVINCE_BY_NAME = {normalised(name): code for code, (name, _zone) in PROVINCES.items()}
_PROVINCE_BY_NAME.update(PROVINCE_ALIASES)


def province_find(text: str) -> str | None:
    """The BPS code of a province given by its BPS name or code; None when there is no such province."""
    key = normalised(text)
    if key in PROVINCES:
        return key
    return _PROVINCE_BY_NAME.get(key)


def province_name(code: str) -> str:
    return PROVINCES[code][0]


# ISO 3166-1 alpha-2, the officially assigned codes.
COUNTRIES = frozenset("""
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW
BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI
FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN
IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME
MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF
PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE
YT ZA ZM ZW
""".split())

# ASEAN's members (Timor-Leste joined in October 2025).
ASEAN_COUNTRIES = frozenset("BN KH LA MY MM PH SG TH VN TL".split())
# East and South Asia and Oceania: what couriers from Indonesia price between ASEAN and the rest.
ASIA_PACIFIC_COUNTRIES = frozenset("""
CN HK MO TW JP KR KP MN IN BD LK NP BT MV PK AU NZ PG FJ SB VU NC PF WS TO KI TV NR PW FM MH CK NU TK
WF AS GU MP NF CX CC
""".split())


def country_find(text: str) -> str | None:
    code = text.strip().upper()
    return code if code in COUNTRIES else None


def country_zone(code: str) -> Zone:
    if code in ASEAN_COUNTRIES:
        return Zone.ASEAN
    if code in ASIA_PACIFIC_COUNTRIES:
        return Zone.ASIA_PACIFIC
    return Zone.WORLD

# The countries buyers from abroad come from most, first in the list, by the names this project
# writes (translated in locale/); every other country by its name in Unicode's CLDR (Babel), in the
# reading language. A few of CLDR's names are written as Indonesia writes them.
COUNTRY_NAMES = {
    "ID": _("Indonesia"), "SG": _("Singapura"), "MY": _("Malaysia"), "BN": _("Brunei Darussalam"),
    "TH": _("Thailand"), "PH": _("Filipina"), "VN": _("Vietnam"), "TL": _("Timor-Leste"),
    "AU": _("Australia"), "NZ": _("Selandia Baru"), "JP": _("Jepang"), "KR": _("Korea Selatan"),
    "CN": _("Tiongkok"), "HK": _("Hong Kong"), "TW": _("Taiwan"), "IN": _("India"),
    "NL": _("Belanda"), "DE": _("Jerman"), "FR": _("Prancis"), "GB": _("Britania Raya"),
    "US": _("Amerika Serikat"), "SA": _("Arab Saudi"), "AE": _("Uni Emirat Arab"),
}
# CLDR's "Makau DAK Tiongkok" and "Wilayah Palestina", as Indonesia names them.
COUNTRY_NAMES_WRITTEN = {"MO": _("Makau"), "PS": _("Palestina")}


@functools.lru_cache(maxsize=8)
def _cldr_names(language: str) -> Mapping[str, str]:
    """CLDR's country names in `language` (Indonesian for one Babel does not know), read-only: every
    thread reads them."""
    try:
        names = Locale.parse(language).territories
    except (UnknownLocaleError, ValueError):
        names = Locale.parse("id").territories
    return MappingProxyType(dict(names))


def country_label(code: str) -> str:
    """The country's name in the reading language: "Jerman"; its ISO code if it has none."""
    name = COUNTRY_NAMES.get(code) or COUNTRY_NAMES_WRITTEN.get(code)
    if name:
        return str(name)
    return _cldr_names(reading_language()).get(code, code)


def country_name(code: str) -> str:
    """The country as a buyer reads it (its name, in the reading language), with its ISO code, which
    couriers abroad read: "Singapura (SG)"."""
    label = country_label(code)
    return f"{label} ({code})" if label != code else code


def country_choices() -> tuple:
    """Every country for a select, in the reading language, in two groups: those buyers choose most
    (COUNTRY_NAMES, Indonesia first), then all the others alphabetically ("Côte d'Ivoire" under C)."""
    return _country_choices(reading_language())


@functools.lru_cache(maxsize=8)
def _country_choices(language: str) -> tuple:
    with translation.override(language):
        common = tuple((code, str(name)) for code, name in COUNTRY_NAMES.items())
        rest = sorted(((code, country_label(code)) for code in COUNTRIES - set(COUNTRY_NAMES)),
                      key=lambda choice: _sort_key(choice[1]))
        return ((str(_("Sering dipilih")), common), (str(_("Negara lain (A-Z)")), tuple(rest)))


def _sort_key(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
