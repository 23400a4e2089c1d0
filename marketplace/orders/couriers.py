"""The couriers an artisan ships with, each with its public tracking page and what its numbers look like.

A sub-order keeps the courier's name (`SubOrder.courier`, "JNE"), as it did when the name was typed
freely; the buyer's tracking link is made here from that name and the number. A name that is not in
this table (an old order, a courier since dropped) shows without a link.

Number formats are deliberately loose: what each courier prints on its receipts (resi / AWB / STT)
in length and characters, after spaces and dashes are taken out, so a typo of a whole field (a phone
number, a name) is caught without refusing a real receipt of a format we have not seen.
Sources and the date the links were taken: docs/decisions.md, "Delivery: the artisan's side".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from config.digits import code_normalize


@dataclass(frozen=True)
class Courier:
    name: str
    # `{number}` is replaced by the (URL-quoted) tracking number.
    tracking_url: str
    number_pattern: re.Pattern
    # For the artisan's error message: what a number of this courier looks like.
    example: str

    def tracking_link(self, number: str) -> str:
        """The public tracking page of this parcel, or "" for a courier that has none."""
        return self.tracking_url.format(number=quote(number, safe="")) if self.tracking_url else ""


def _pattern(expression: str) -> re.Pattern:
    return re.compile(rf"^(?:{expression})$")


COURIERS: tuple[Courier, ...] = (
    Courier("JNE", "https://www.jne.co.id/tracking-package?awb={number}", _pattern(r"[A-Z0-9]{8,20}"),
            "0113 2345 6789 0123"),
    Courier("J&T Express", "https://jet.co.id/track?awb={number}", _pattern(r"[A-Z]{0,3}[0-9]{10,15}"),
            "JP1234567890"),
    Courier("POS Indonesia", "https://www.posindonesia.co.id/id/tracking/{number}", _pattern(r"[A-Z0-9]{9,20}"),
            "P2312010123456"),
    Courier("SiCepat", "https://www.sicepat.com/checkAwb/{number}", _pattern(r"[0-9]{12}"), "000123456789"),
    Courier("AnterAja", "https://anteraja.id/tracking/{number}", _pattern(r"[A-Z0-9]{10,20}"), "10001234567890"),
    Courier("Lion Parcel", "https://lionparcel.com/track/stt?q={number}", _pattern(r"[A-Z0-9]{10,20}"),
            "11LP1234567890123"),
    Courier("Wahana", "https://www.wahana.com/track/{number}", _pattern(r"[A-Z0-9]{6,15}"), "AGB12345"),
    Courier("TIKI", "https://www.tiki.id/id/track?awb={number}", _pattern(r"[0-9]{10,15}"), "030012345678"),
    Courier("Ninja Xpress", "https://www.ninjaxpress.co/id-id/tracking?id={number}", _pattern(r"[A-Z0-9]{8,20}"),
            "NLIDAP12345678"),
    # Same-day delivery inside Banjarmasin and Martapura: the app's booking code, no public tracking page.
    Courier("Kurir instan (Grab/Gojek)", "", _pattern(r"[A-Z0-9]{4,30}"), "GK12345678"),
)
_BY_NAME = {courier.name.casefold(): courier for courier in COURIERS}


def courier_by_name(name: str) -> Courier | None:
    return _BY_NAME.get((name or "").strip().casefold())


def tracking_number_normalize(number: str) -> str:
    """What couriers' sites accept: upper case, without the spaces and dashes receipts print (nor what
    a phone pastes around a copied number: config.digits.code_normalize)."""
    return code_normalize(number)


def tracking_link(*, courier_name: str, tracking_number: str) -> str:
    """The buyer's link to the courier's tracking page, or "" for an unknown courier or no number."""
    courier = courier_by_name(courier_name)
    if courier is None or not tracking_number:
        return ""
    return courier.tracking_link(tracking_number)
