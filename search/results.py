"""What an engine answers, before the API shapes it."""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

# Ranking shared by both engines (the database engine computes in Python what
# Elasticsearch's function_score does): popularity lifts a result by ln(2 + p);
# an event or campaign that has ended weighs PAST_EVENT_WEIGHT of what it did.
PAST_EVENT_WEIGHT = 0.3
# Tags: an editor's few words for what the thing is about, a stronger signal than a
# mention in the summary, weaker than the title (where the name of the thing is).
FIELD_WEIGHTS = {"title": 3.0, "tags": 2.5, "summary": 1.5, "body": 1.0}
TIE_BREAKER = 0.3  # how much the other fields count beside the best-matching one
FUZZY_WEIGHT = 0.4  # a typo-tolerant match counts this much of an exact one
# The surface words of titles and summaries, matched with typos: for a typo the
# stemmer cannot see through ("terpaung" is not stemmed to "apung" as "terapung" is).
WORDS_WEIGHT = FIELD_WEIGHTS["summary"] * FUZZY_WEIGHT
# A surface word that only begins with the query's last word ("sasirangan" for "sasir") counts
# this much of a words match: below the whole word in any field, so whole words rank first.
PREFIX_WEIGHT = FUZZY_WEIGHT


def popularity_factor(popularity: float | None) -> float:
    return math.log(2 + max(popularity or 0.0, 0.0))


@dataclass
class Hit:
    key: str
    type: str
    score: float
    fields: dict  # the stored document (see documents.index_fields): show, district, price_idr, ...
    distance_km: float | None = None


@dataclass
class EngineResult:
    engine: str
    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    suggestion: str | None = None


class Remembered:
    """The most recently used answers of a pure function, by key, shared by a process's threads:
    the values must be immutable (str, bytes); reading, adding and forgetting run under a lock."""

    def __init__(self, size: int):
        self.size = size
        self._values: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], object]):
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
                return value
        value = make()  # outside the lock: two threads may make the same value, both right
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value

    def cache_clear(self) -> None:
        with self._lock:
            self._values.clear()


class EngineUnavailable(Exception):
    """The engine cannot answer now (down, slow, no index): use the other one."""


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    radius = 6371.0088
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = math.radians(lat2 - lat1), math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * radius * math.asin(math.sqrt(a))
