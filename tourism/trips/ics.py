"""The plan's events as one iCalendar file (RFC 5545), built from each event's own export
(tourism/calendar.py), so the two never disagree."""

from __future__ import annotations

from tourism.calendar import PRODUCT_ID, event_to_ics
from tourism.models import EventPage
from tourism.routing import public_pages
from tourism.selectors import localize_pages


def plan_events(plan) -> list:
    ids = list(plan.stops.filter(kind="event").values_list("object_id", flat=True))
    events = (public_pages(EventPage.objects.live()).filter(pk__in=ids).select_related("district", "venue")
              .order_by("start"))
    return localize_pages(events)


def plan_to_ics(plan, *, request=None) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODUCT_ID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             # Times are written in UTC; this names the zone the visitor's calendar should show them in.
             "X-WR-TIMEZONE:Asia/Makassar"]
    for event in plan_events(plan):
        inside = False
        for line in event_to_ics(event, request=request).split("\r\n"):
            if line == "BEGIN:VEVENT":
                inside = True
            if inside:
                lines.append(line)
            if line == "END:VEVENT":
                inside = False
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"
