"""What can be a stop of a trip plan. Each app registers its kinds in AppConfig.ready():
tourism its destinations and events (tourism/trips/kinds.py), the marketplace its shops and
products (marketplace/trip_stops.py), so the plan never imports the app that owns a stop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class StopFacts:
    """What the plan page shows of one stop, in the reading language."""

    title: str
    url: str
    latitude: float | None = None
    longitude: float | None = None
    image: object = None  # a Wagtail image, or None
    opening_hours: str = ""
    ticket_price_idr: int | None = None  # destinations: None = unknown, 0 = free
    price_idr: int | None = None  # products
    by_boat: bool = False  # reached by river or reservoir boat (jukung, kelotok)
    starts_at: datetime | None = None  # events
    ends_at: datetime | None = None
    note: str = ""  # a line under the title, e.g. the shop of a product
    extra: dict = field(default_factory=dict)

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None


@dataclass(frozen=True)
class StopKind:
    kind: str  # "destination", "event", "shop", "product"
    label: object  # a lazy string, e.g. _("Destinasi")
    # (ids) -> {id: StopFacts} for the public ones among ids, in as few queries as the kind needs.
    resolve: Callable[[list[int]], dict[int, StopFacts]]
    # (id) -> the id the plan keeps (a page's Indonesian original), or None when it is not public.
    canonical: Callable[[int], int | None]
    # (ids kept) -> every id a save button may carry for them (a page's translations too).
    shown_as: Callable[[list[int]], dict[int, list[int]]] = lambda ids: {pk: [pk] for pk in ids}


STOP_KINDS: dict[str, StopKind] = {}


def stop_kind_register(stop_kind: StopKind) -> None:
    STOP_KINDS[stop_kind.kind] = stop_kind


def stop_kind(kind: str) -> StopKind | None:
    return STOP_KINDS.get(kind)


def stops_resolve(keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], StopFacts]:
    """Facts for each (kind, id), one resolve per kind; stops no longer public are absent."""
    by_kind: dict[str, list[int]] = {}
    for kind, pk in keys:
        by_kind.setdefault(kind, []).append(pk)
    found = {}
    for kind, ids in by_kind.items():
        registered = STOP_KINDS.get(kind)
        if registered is None:
            continue
        for pk, facts in registered.resolve(ids).items():
            found[(kind, pk)] = facts
    return found


# Stops that join the plan by themselves, for its owner only (never on the read-only link): the
# marketplace registers the workshops where the visitor collects what they bought (pickup, with
# its code). Each provider: (request) -> [StopFacts].
VISITOR_STOPS: list[Callable] = []


def visitor_stops_register(provider: Callable) -> None:
    if provider not in VISITOR_STOPS:
        VISITOR_STOPS.append(provider)


def visitor_stops(request) -> list[StopFacts]:
    return [facts for provider in VISITOR_STOPS for facts in provider(request)]
