"""Snippets with the matched words in <mark>, made in Python for both engines.

Elasticsearch's highlighter would mark the stems it indexed ("wisata" for
"berwisata"), not the words the reader sees, so both engines' results are
highlighted here: each word of the shown text is analysed like the index was
and marked when its stem (or a typo-tolerant match of it) is in the query.
"""

from __future__ import annotations

import re
from functools import lru_cache

from django.utils.html import escape

from search.analysis import STOP_WORDS, QueryPlan, auto_fuzziness, fuzzy_equal, normalise, stem

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


@lru_cache(maxsize=8192)
def _deletions(word: str, depth: int) -> frozenset[str]:
    """`word` with up to `depth` characters taken out, anywhere (remembered: the
    words results show recur from page to page)."""
    found = frontier = {word}
    for _ in range(depth):
        frontier = {variant[:index] + variant[index + 1:] for variant in frontier for index in range(len(variant))}
        found = found | frontier
    return frozenset(found)


class _Matcher:
    """Whether a shown word matches the query; remembers each word's answer,
    since snippets of one results page repeat the same words.

    Typo matches are looked up, not tried one by one: two words within k edits
    (optimal string alignment, as fuzzy_equal) become equal once at most k
    characters are taken out of each (an edit takes out at most one from each
    side), so only query stems sharing such a shortened form with the word are
    compared with fuzzy_equal. The answers are fuzzy_equal's; most words never
    reach it."""

    def __init__(self, plan: QueryPlan):
        self.stems = _query_stems(plan)
        self.seen: dict[str, bool] = {}
        # Per language: shortened form -> the long query stems (4+ letters) it comes from.
        self.shortened: dict[str, dict[str, set[str]]] = {}
        self.depth: dict[str, int] = {}
        for language, stems in self.stems.items():
            table: dict[str, set[str]] = {}
            for query in stems:
                if len(query) >= 4:
                    for form in _deletions(query, auto_fuzziness(query)):
                        table.setdefault(form, set()).add(query)
            self.shortened[language] = table
            self.depth[language] = max((auto_fuzziness(query) for query in stems if len(query) >= 4), default=0)

    def __call__(self, word: str) -> bool:
        answer = self.seen.get(word)
        if answer is None:
            answer = self.seen[word] = self._decide(normalise(word))
        return answer

    def _decide(self, token: str) -> bool:
        if not token or token in STOP_WORDS["id"] or token in STOP_WORDS["en"]:
            return False
        for language, query_stems in self.stems.items():
            if not query_stems:
                continue
            word_stem = stem(token, language)
            if word_stem in query_stems:
                return True
            if len(word_stem) >= 4 and self.shortened[language] and self._typo_match(word_stem, language):
                return True
        return False

    def _typo_match(self, word_stem: str, language: str) -> bool:
        table = self.shortened[language]
        shared = _deletions(word_stem, self.depth[language]) & table.keys()
        return any(fuzzy_equal(query, word_stem) for form in shared for query in table[form])


def match_spans(text: str, plan: QueryPlan, matcher: _Matcher | None = None) -> list[tuple[int, int]]:
    matcher = matcher or _Matcher(plan)
    if not any(matcher.stems.values()):
        return []
    return [match.span() for match in WORD.finditer(text) if matcher(match.group())]


def _first_match(text: str, matcher: _Matcher) -> int | None:
    for match in WORD.finditer(text):
        if matcher(match.group()):
            return match.start()
    return None


def _cut(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen to word boundaries."""
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return start, end


def snippet(texts: list[str], plan: QueryPlan | None, *, length: int = SNIPPET_CHARS,
            matcher: _Matcher | None = None) -> str:
    """HTML-escaped text around the first match (in the first text that has one),
    with matched words in <mark>; the first text's opening when nothing matches."""
    texts = [" ".join(text.split()) for text in texts if text and text.strip()]
    if not texts:
        return ""
    chosen, first = texts[0], None
    if plan is not None and not plan.is_empty:
        matcher = matcher or _Matcher(plan)
        for text in texts:
            first = _first_match(text, matcher)
            if first is not None:
                chosen = text
                break
    start = max(first - LEAD_CHARS, 0) if first is not None else 0
    end = min(start + length, len(chosen))
    if start > 0 or end < len(chosen):
        start, end = _cut(chosen, start, end) if start > 0 else (0, _cut(chosen, 0, end)[1])
    window = chosen[start:end]
    spans = match_spans(window, plan, matcher) if first is not None else []
    pieces = ["\u2026 " if start > 0 else ""]
    position = 0
    for span_start, span_end in spans:
        pieces.append(escape(window[position:span_start]))
        pieces.append(f"<mark>{escape(window[span_start:span_end])}</mark>")
        position = span_end
    pieces.append(escape(window[position:]))
    if end < len(chosen):
        pieces.append(" \u2026")
    return "".join(pieces)


def snippet_maker(plan: QueryPlan | None):
    """One matcher for all the snippets of a results page."""
    matcher = _Matcher(plan) if plan is not None and not plan.is_empty else None
    return lambda texts: snippet(texts, plan, matcher=matcher)
