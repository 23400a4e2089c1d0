"""Reads of the trip plan: its days and stops with what each shows, the legs between them,
the events on the chosen dates and places worth adding. A fixed number of queries per kind of
stop, whatever the number of stops (tests/tourism/trips/test_plan_page.py pins it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch, Q
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.images import get_image_model

from config.languages import reading_language
from config.renditions import NEARBY_THUMB
from tourism.links import absolute
from tourism.models import DestinationPage, EventPage
from tourism.nearby import MAX_DISTANCE_KM, haversine_km, shops_nearby
from tourism.routing import default_locale, public_pages
from tourism.selectors import localize_pages
from tourism.seo import OG_LOCALES, SocialMeta
from tourism.share_images import GENERIC_IMAGE
from tourism.trips.models import TripPlan
from tourism.trips.registry import STOP_KINDS, StopFacts, stops_resolve, visitor_stops

# How a leg's time is estimated (said on the plan page): roads wind, so the straight line times
# ROAD_FACTOR, driven at ROAD_KMH (Banjar's roads, towns and traffic included); between two
# places reached by boat (jukung, kelotok), the line times BOAT_FACTOR at BOAT_KMH.
ROAD_FACTOR = 1.4
ROAD_KMH = 40
BOAT_FACTOR = 1.2
BOAT_KMH = 12
SUGGESTIONS = 3


@dataclass
class Leg:
    distance_km: float
    minutes: int
    by_boat: bool


def leg_between(a: StopFacts, b: StopFacts) -> Leg | None:
    """Straight-line distance and rough travel time from a to b; None when either has no location."""
    if not (a.has_location and b.has_location):
        return None
    km = haversine_km(a.latitude, a.longitude, b.latitude, b.longitude)
    by_boat = a.by_boat and b.by_boat
    factor, speed = (BOAT_FACTOR, BOAT_KMH) if by_boat else (ROAD_FACTOR, ROAD_KMH)
    # Rounded up to five minutes: a figure this rough should not look precise.
    minutes = max(5, math.ceil(km * factor / speed * 60 / 5) * 5) if km > 0.05 else 0
    return Leg(distance_km=km, minutes=minutes, by_boat=by_boat)


@dataclass
class PlanStop:
    id: int
    kind: str
    kind_label: str
    object_id: int
    day: int
    facts: StopFacts
    leg_to_next: Leg | None = None
    number: int = 0  # its number on the map, across days
    joined: bool = False  # joined by itself (a pickup of what the visitor bought), not saved: no buttons
    # An event placed on a day of another date: True, and the plan's day it is on (None: none of them).
    off_its_date: bool = False
    its_day: int | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.object_id}"


@dataclass
class PlanDay:
    number: int
    date: date | None
    stops: list[PlanStop] = field(default_factory=list)
    events: list = field(default_factory=list)  # events on this date not in the plan

    @property
    def total_minutes(self) -> int:
        return sum(stop.leg_to_next.minutes for stop in self.stops if stop.leg_to_next)


def _day_range(plan: TripPlan) -> tuple[datetime, datetime] | None:
    if plan.start_date is None:
        return None
    zone = timezone.get_current_timezone()
    first = datetime.combine(plan.start_date, time.min, tzinfo=zone)
    return first, first + timedelta(days=plan.day_count)


# What the plan shows of an event on its dates (site/templates/trips/plan.html: its linked title and
# time), with what localize_pages and Page.get_url read: not its body, place or picture.
PLAN_EVENT_FIELDS = ("title", "url_path", "locale", "translation_key", "start", "end")


def events_on_dates(plan: TripPlan, *, exclude_ids) -> list:
    """Live events happening on the plan's dates (WITA), in the reading language."""
    span = _day_range(plan)
    if span is None:
        return []
    first, after = span
    events = (public_pages(EventPage.objects.live()).filter(locale_id=default_locale()[0])
              .filter(start__lt=after).filter(Q(end__gte=first) | Q(end__isnull=True, start__gte=first))
              .exclude(pk__in=list(exclude_ids)).only(*PLAN_EVENT_FIELDS).order_by("start")[:12])
    return localize_pages(events, only=PLAN_EVENT_FIELDS)


def suggestions(stops: list[PlanStop]) -> dict:
    """Destinations and shops nearest to the plan's stops and not in it yet (tourism/nearby.py's limits)."""
    located = [stop.facts for stop in stops if stop.facts.has_location]
    if not located:
        return {"destinations": [], "shops": []}
    saved = {stop.object_id for stop in stops if stop.kind == "destination"}
    candidates = (public_pages(DestinationPage.objects.live())
                  .filter(locale_id=default_locale()[0], latitude__isnull=False, longitude__isnull=False)
                  .exclude(pk__in=saved).select_related("category", "district")
                  .prefetch_related(Prefetch("main_image",
                                             queryset=get_image_model().objects.prefetch_renditions(*NEARBY_THUMB))))
    scored = []
    for page in candidates:
        distance = min(haversine_km(f.latitude, f.longitude, page.latitude, page.longitude) for f in located)
        if distance <= MAX_DISTANCE_KM:
            scored.append((distance, page.title, page))
    scored.sort(key=lambda row: (row[0], row[1]))
    nearest = scored[:SUGGESTIONS]
    pages = localize_pages([row[2] for row in nearest], filter_specs=NEARBY_THUMB)  # thumbnails, as fetched above
    centre_lat = sum(f.latitude for f in located) / len(located)
    centre_lon = sum(f.longitude for f in located) / len(located)
    saved_shops = {stop.object_id for stop in stops if stop.kind == "shop"}
    shops = [item for item in shops_nearby(latitude=centre_lat, longitude=centre_lon, limit=2 + len(saved_shops))
             if item.place.pk not in saved_shops][:2]
    return {"destinations": [{"page": page, "distance_km": row[0]} for page, row in zip(pages, nearest, strict=True)],
            "shops": shops}


def _place_joined(days: list[PlanDay], facts: StopFacts) -> None:
    """Put a stop that joined by itself on the day, and after the stop, nearest to it (day 1 when
    nothing has a location)."""
    best = None  # (distance, day index, position after which it goes)
    for day_index, day in enumerate(days):
        for position, stop in enumerate(day.stops):
            if facts.has_location and stop.facts.has_location and not stop.joined:
                distance = haversine_km(facts.latitude, facts.longitude, stop.facts.latitude, stop.facts.longitude)
                if best is None or distance < best[0]:
                    best = (distance, day_index, position + 1)
    day_index, position = (best[1], best[2]) if best else (0, len(days[0].stops))
    days[day_index].stops.insert(position, PlanStop(id=0, kind="pickup", kind_label=facts.extra.get("label", ""),
                                                    object_id=0, day=day_index + 1, facts=facts, joined=True))


def plan_view(plan: TripPlan | None, *, request=None) -> dict:
    """Everything the plan page shows (an empty plan when there is none). With `request` (the owner's
    page, never the shared link), what joins by itself too: pickups of what the visitor bought."""
    joined = visitor_stops(request) if request is not None else []
    if plan is None and joined:
        plan = TripPlan(day_count=1)  # not saved: a plan of the pickups alone
    if plan is None:
        return {"plan": None, "days": [PlanDay(number=1, date=None)], "stop_count": 0, "map_points": [],
                "suggestions": {"destinations": [], "shops": []}, "boat_speed": BOAT_KMH}
    rows = list(plan.stops.all()) if plan.pk else []
    facts = stops_resolve((row.kind, row.object_id) for row in rows)
    days = [PlanDay(number=n, date=plan.start_date + timedelta(days=n - 1) if plan.start_date else None)
            for n in range(1, plan.day_count + 1)]
    stops = []
    for row in rows:
        found = facts.get((row.kind, row.object_id))
        if found is None:
            continue  # unpublished since it was saved: not shown, kept in case it returns
        day = min(row.day, plan.day_count)
        stop = PlanStop(id=row.pk, kind=row.kind, kind_label=str(STOP_KINDS[row.kind].label),
                        object_id=row.object_id, day=day, facts=found)
        days[day - 1].stops.append(stop)
        stops.append(stop)
    for facts in joined:
        _place_joined(days, facts)
    if plan.start_date is not None:
        for stop in stops:
            _check_event_date(stop, days[stop.day - 1], plan)
    map_points = []
    for day in days:
        for current, following in zip(day.stops, day.stops[1:], strict=False):
            current.leg_to_next = leg_between(current.facts, following.facts)
        for stop in day.stops:
            stop.number = len(map_points) + 1 if stop.facts.has_location else 0
            if stop.facts.has_location:
                # The shape js/map.js draws for the destinations' map; a day is its filter ("category").
                map_points.append({"title": f"{stop.number}. {stop.facts.title}", "url": stop.facts.url,
                                   "lat": stop.facts.latitude, "lon": stop.facts.longitude,
                                   "category": f"hari-{day.number}",
                                   "categoryName": _("Hari %(number)s") % {"number": day.number},
                                   "district": stop.facts.note})
    events = events_on_dates(plan, exclude_ids=[s.object_id for s in stops if s.kind == "event"])
    for event in events:
        start_day = timezone.localdate(event.start)
        index = max(0, (start_day - plan.start_date).days)
        if index < len(days):
            days[index].events.append(event)
    return {"plan": plan if plan.pk else None, "days": days, "stop_count": len(stops) + len(joined),
            "map_points": map_points,
            "suggestions": suggestions(stops), "boat_speed": BOAT_KMH}


def _check_event_date(stop: PlanStop, day: PlanDay, plan: TripPlan) -> None:
    """Mark an event saved on a day whose date it is not on (WITA), and the day of the plan it is on:
    a visitor who gives the plan its dates after saving events sees which ones moved away."""
    if stop.facts.starts_at is None:
        return
    first = timezone.localdate(stop.facts.starts_at)
    last = first
    if stop.facts.ends_at and stop.facts.ends_at > stop.facts.starts_at:
        # An event that ends at midnight is not on the day that begins then.
        last = max(first, timezone.localdate(stop.facts.ends_at - timedelta(microseconds=1)))
    if first <= day.date <= last:
        return
    stop.off_its_date = True
    on = max(first, plan.start_date)  # one that began before the plan: its first day in the plan
    number = (on - plan.start_date).days + 1
    stop.its_day = number if on <= last and number <= plan.day_count else None


def plan_by_share_token(token: str) -> TripPlan | None:
    if not token or len(token) > 64:
        return None
    return TripPlan.objects.filter(share_token=token).first()


def saved_keys(plan: TripPlan | None) -> list[str]:
    """Every 'kind:id' a save button may carry for the plan's stops (a page's translations too)."""
    if plan is None:
        return []
    by_kind: dict[str, list[int]] = {}
    for kind, object_id in plan.stops.values_list("kind", "object_id"):
        by_kind.setdefault(kind, []).append(object_id)
    keys = []
    for kind, ids in by_kind.items():
        registered = STOP_KINDS.get(kind)
        if registered is None:
            continue
        for aliases in registered.shown_as(ids).values():
            keys.extend(f"{kind}:{pk}" for pk in aliases)
    return keys


def shared_plan_meta(view: dict, *, request):
    """What the read-only link's <head> says to WhatsApp, Facebook and X (tourism.seo.SocialMeta):
    the plan's days and the places on them in the reader's language, its own address without the
    share link's parameters, and the site's share picture (a plan has none drawn of its own). Only
    what the link shows anyway: `view` is plan_view without a request, so no pickup, no edit key."""
    days = [_("Hari %(number)s") % {"number": day.number} + ": " + ", ".join(stop.facts.title for stop in day.stops)
            for day in view["days"] if day.stops]
    title = _("Rencana perjalanan saya di Kabupaten Banjar")
    description = ". ".join(days) or _("Rencana ini masih kosong.")
    return SocialMeta(
        canonical=absolute(request, request.path), title=title, description=description[:300],
        og_type="website", og_locale=OG_LOCALES.get(reading_language(), "id_ID"),
        image=absolute(request, static(f"img/{GENERIC_IMAGE.name}")), image_alt=title)
