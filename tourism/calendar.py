"""iCalendar (RFC 5545) export of an event, so visitors can add it to their phone."""

from datetime import UTC, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from tourism.links import absolute

PRODUCT_ID = "-//Pemerintah Kabupaten Banjar//Gebrak Pariwisata//ID"


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> str:
    """Fold lines longer than 75 octets, as RFC 5545 section 3.1 requires."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        piece = char.encode("utf-8")
        if len(current) + len(piece) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += piece
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def _utc(value) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def event_to_ics(event, *, request=None) -> str:
    start = event.start
    # An event without an end is shown as lasting two hours, as calendars expect an end.
    end = event.end or start + timedelta(hours=2)
    # The host the reader used, not the Site record's (which says localhost on a fresh clone).
    url = absolute(request, event.get_url(request) or "")
    location_parts = []
    if event.venue_id:
        location_parts.append(event.venue.title)
    location_parts.append(_("Kec. %(district)s, Kabupaten Banjar, Kalimantan Selatan")
                          % {"district": event.district.name})
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT_ID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:event-{event.translation_key}@gebrak.banjarkab.go.id",
        # RFC 5545 3.8.7.2: with METHOD, DTSTAMP is when this file was made. No LAST-MODIFIED: a translation's
        # dates change with its original's publish (tourism.translations), not with its own.
        f"DTSTAMP:{_utc(timezone.now())}",
        f"DTSTART:{_utc(start)}",
        f"DTEND:{_utc(end)}",
        f"SUMMARY:{_escape(event.title)}",
        f"DESCRIPTION:{_escape(event.summary)}",
        f"LOCATION:{_escape(', '.join(location_parts))}",
    ]
    coordinates = event.coordinates
    if coordinates:
        lines.append(f"GEO:{coordinates[0]:.6f};{coordinates[1]:.6f}")
    if url:
        lines.append(f"URL:{url}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
