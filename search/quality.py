"""Search quality on a judged query set: nDCG@10, MRR and the zero-result rate.

The judged set (tests/search/judgments.json) grades, for each query, the
results a visitor would want (3 = what they are looking for, 2 = highly
relevant, 1 = relevant). `manage.py search_quality` runs it against each engine.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.test import override_settings

from search.params import parse_search_params
from search.selectors import search_results

DEFAULT_JUDGMENTS = Path(settings.BASE_DIR) / "tests" / "search" / "judgments.json"
CUTOFF = 10


@dataclass
class QueryOutcome:
    query: str
    language: str
    ndcg: float
    reciprocal_rank: float
    total: int
    found: list[str]
    missing: list[str] = field(default_factory=list)


@dataclass
class QualityReport:
    engine: str
    outcomes: list[QueryOutcome]

    @property
    def ndcg(self) -> float:
        return sum(outcome.ndcg for outcome in self.outcomes) / len(self.outcomes) if self.outcomes else 0.0

    @property
    def mrr(self) -> float:
        return (sum(outcome.reciprocal_rank for outcome in self.outcomes) / len(self.outcomes)
                if self.outcomes else 0.0)

    @property
    def zero_result_rate(self) -> float:
        return (sum(1 for outcome in self.outcomes if outcome.total == 0) / len(self.outcomes)
                if self.outcomes else 0.0)


def dcg(grades: list[int]) -> float:
    return sum((2 ** grade - 1) / math.log2(position + 2) for position, grade in enumerate(grades))


def ndcg_at(found: list[str], relevant: dict[str, int], cutoff: int = CUTOFF) -> float:
    ideal = dcg(sorted(relevant.values(), reverse=True)[:cutoff])
    if ideal == 0:
        return 0.0
    return dcg([relevant.get(key, 0) for key in found[:cutoff]]) / ideal


def reciprocal_rank(found: list[str], relevant: dict[str, int]) -> float:
    for position, key in enumerate(found, 1):
        if relevant.get(key, 0) > 0:
            return 1 / position
    return 0.0


def load_judgments(path: Path | str = DEFAULT_JUDGMENTS) -> list[dict]:
    return json.loads(Path(path).read_text(encoding="utf-8"))["queries"]


class EngineMismatch(Exception):
    pass


def evaluate(judgments: list[dict], *, engine: str) -> QualityReport:
    """Run every judged query through the API's code path on the given engine."""
    urls = settings.ELASTICSEARCH_URLS if engine == "elasticsearch" else []
    if engine == "elasticsearch" and not urls:
        raise EngineMismatch("ELASTICSEARCH_URL is not set")
    outcomes = []
    with override_settings(ELASTICSEARCH_URLS=urls):
        for judgment in judgments:
            params = {"q": judgment["q"], "lang": judgment.get("lang", "id"), "per_page": str(CUTOFF),
                      **judgment.get("params", {})}
            body = search_results(request=parse_search_params(params))
            if body["engine"] != engine:
                raise EngineMismatch(f"{engine} was asked but {body['engine']} answered {judgment['q']!r}")
            found = [f"{result['type']}:{result['slug']}" for result in body["results"]]
            relevant = judgment["relevant"]
            outcomes.append(QueryOutcome(
                query=judgment["q"], language=params["lang"], ndcg=ndcg_at(found, relevant),
                reciprocal_rank=reciprocal_rank(found, relevant), total=body["total"], found=found,
                missing=[key for key, grade in relevant.items() if grade >= 2 and key not in found]))
    return QualityReport(engine=engine, outcomes=outcomes)
