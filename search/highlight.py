"""Snippets with the matched words in <mark>, made in Python for both engines.

Elasticsearch's highlighter would mark the stems it indexed ("wisata" for
"berwisata"), not the words the reader sees, so both engines' results are
highlighted here: each word of the shown text is analysed like the index was
and marked when its stem (or a typo-tolerant match of it) is in the query.
"""

from __future__ import annotations

import re

from django.utils.html import escape

from search.analysis import STOP_WORDS, QueryPlan, fuzzy_equal, normalise, stem

WORD = re.compile(r"\w+", re.UNICODE)
SNIPPET_CHARS = 220
LEAD_CHARS = 60


def _query_stems(plan: QueryPlan) -> dict[str, set[str]]:
    stems = {"id": set(), "en": set()}
    for clause in plan.clauses:
        for alternative in clause.alternatives:
            for language, values in alternative.stems.items():
                stems[language].update(values)
    return stems


def _matches(word: str, stems: dict[str, set[str]]) -> bool:
    token = normalise(word)
    if not token or token in STOP_WORDS["id"] or token in STOP_WORDS["en"]:
        return False
    for language, query_stems in stems.items():
        if not query_stems:
            continue
        word_stem = stem(token, language)
        if word_stem in query_stems:
            return True
        if len(word_stem) >= 4 and any(len(query) >= 4 and fuzzy_equal(query, word_stem) for query in query_stems):
            return True
    return False


def match_spans(text: str, plan: QueryPlan) -> list[tuple[int, int]]:
    stems = _query_stems(plan)
    if not any(stems.values()):
        return []
    return [match.span() for match in WORD.finditer(text) if _matches(match.group(), stems)]


def _cut(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen to word boundaries."""
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return start, end


def snippet(texts: list[str], plan: QueryPlan | None, *, length: int = SNIPPET_CHARS) -> str:
    """HTML-escaped text around the first match (in the first text that has one),
    with matched words in <mark>; the first text's opening when nothing matches."""
    texts = [" ".join(text.split()) for text in texts if text and text.strip()]
    if not texts:
        return ""
    chosen, spans = texts[0], []
    if plan is not None and not plan.is_empty:
        for text in texts:
            found = match_spans(text, plan)
            if found:
                chosen, spans = text, found
                break
    start = max(spans[0][0] - LEAD_CHARS, 0) if spans else 0
    end = min(start + length, len(chosen))
    if start > 0 or end < len(chosen):
        start, end = _cut(chosen, start, end) if start > 0 else (0, _cut(chosen, 0, end)[1])
    pieces = ["\u2026 " if start > 0 else ""]
    position = start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        pieces.append(escape(chosen[position:span_start]))
        pieces.append(f"<mark>{escape(chosen[span_start:span_end])}</mark>")
        position = span_end
    pieces.append(escape(chosen[position:end]))
    if end < len(chosen):
        pieces.append(" \u2026")
    return "".join(pieces)
