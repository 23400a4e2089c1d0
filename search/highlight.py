"""Snippets with the matched words in <mark>, made in Python for both engines.

Elasticsearch's highlighter would mark the stems it indexed ("wisata" for
"berwisata"), not the words the reader sees, so both engines' results are
highlighted here: each word of the shown text is analysed like the index was
and marked when its stem (or a typo-tolerant match of it) is in the query, or
when it begins with the query's last word as typed so far ("sasir": Sasirangan).
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from django.utils.html import escape

from search.analysis import STOP_WORDS, QueryPlan, auto_fuzziness, fuzzy_equal, normalise, stem
from search.results import Remembered

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


@lru_cache(maxsize=50_000)
def _shown_word(word: str) -> tuple[str, str, str] | None:
    """A shown word's stems (Indonesian, English), None for a stop word: the same for every
    query, and the words results show recur, so remembered (immutable tuples)."""
    token = normalise(word)
    if not token or token in STOP_WORDS["id"] or token in STOP_WORDS["en"]:
        return None
    return token, stem(token, "id"), stem(token, "en")


class _Matcher:
    """Whether a shown word matches the query; remembers each word's answer,
    since snippets of one results page repeat the same words.

    A typo match is fuzzy_equal's answer, asked only of the long query stems (4+ letters)
    that pass two cheap tests every word within k edits of them passes: lengths at most k
    apart, and at most k letters of either word missing from the other (an edit brings in at
    most one letter). Most shown words share letters with no query stem that closely and
    never reach fuzzy_equal; nothing is built per shown word."""

    def __init__(self, plan: QueryPlan):
        self.stems = _query_stems(plan)
        self.prefix = plan.prefix  # a shown word beginning with it was found through it
        self.seen: dict[str, bool] = {}
        # Per language and shown stem length: the long query stems (4+ letters) that length
        # allows, with their edits allowed and their letters.
        self.by_length: dict[str, dict[int, tuple[tuple[str, int, frozenset[str]], ...]]] = {}
        for language, stems in self.stems.items():
            long = [(query, auto_fuzziness(query), frozenset(query)) for query in sorted(stems) if len(query) >= 4]
            lengths = range(4, max((len(query) for query, _edits, _letters in long), default=0) + 3)
            self.by_length[language] = {
                length: tuple(entry for entry in long if abs(len(entry[0]) - length) <= entry[1])
                for length in lengths}

    def __call__(self, word: str) -> bool:
        answer = self.seen.get(word)
        if answer is None:
            answer = self.seen[word] = self._decide(_shown_word(word))
        return answer

    def _decide(self, shown: tuple[str, str, str] | None) -> bool:
        if shown is None:
            return False
        if self.prefix and shown[0].startswith(self.prefix):
            return True
        for language, word_stem in (("id", shown[1]), ("en", shown[2])):
            query_stems = self.stems[language]
            if not query_stems:
                continue
            if word_stem in query_stems:
                return True
            if len(word_stem) >= 4 and self._typo_match(word_stem, language):
                return True
        return False

    def _typo_match(self, word_stem: str, language: str) -> bool:
        candidates = self.by_length[language].get(len(word_stem))
        if not candidates:
            return False
        letters = frozenset(word_stem)
        for query, edits, query_letters in candidates:
            if (len(letters - query_letters) <= edits and len(query_letters - letters) <= edits
                    and fuzzy_equal(query, word_stem)):
                return True
        return False


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


# Snippets made, by the query's stems and the texts' digest: the same query shows the same texts
# again (page after page, visitor after visitor), and a snippet was most of a results
# page's Python. A snippet is a string (immutable); a changed text is a new key.
_snippets = Remembered(8192)


def snippet_maker(plan: QueryPlan | None):
    """One matcher for all the snippets of a results page; snippets made before reused."""
    if plan is None or plan.is_empty:
        return lambda texts: snippet(texts, plan)
    matcher = _Matcher(plan)
    stems = (tuple(sorted(matcher.stems["id"])), tuple(sorted(matcher.stems["en"])), matcher.prefix)
    return lambda texts: _snippets.get((stems, _digest(texts)), lambda: snippet(texts, plan, matcher=matcher))


def _digest(texts: list[str]) -> bytes:
    """The texts' key: a digest, so that what is remembered is the snippets, not whole bodies."""
    digest = hashlib.blake2b(digest_size=16)
    for text in texts:
        digest.update(text.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.digest()
