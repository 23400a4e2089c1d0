"""Text analysis for search, in Python, the same for both engines.

The Elasticsearch that CI can run (the bare integ-test-zip) has no language
analyzers, stemmers or synonym filters, so every text is analysed here: the
index receives space-separated stems (indexed with the `whitespace` analyzer)
and queries are analysed by the same functions, then expanded with synonyms.
The database engine stores and searches the very same stems.

Pipeline: normalise (NFKC, lowercase, fold accents) -> tokenise (letters and
digits) -> drop stop words -> stem (Indonesian: Sastrawi, English: Snowball's
Porter2 after irregular plurals and past forms are brought to their base). Why Sastrawi: see docs/decisions.md "Search" (measured on the demo
catalogue by bench/search_stemmers.py).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

import snowballstemmer
from rapidfuzz.distance import OSA
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

LANGUAGES = ("id", "en")
HERE = Path(__file__).resolve().parent
SYNONYMS_FILE = HERE / "synonyms.txt"

# Function words only. Longer published lists (Tala's 758 words) also drop words
# a tourist searches for, such as "baru", "air" (air terjun) or "besar".
STOP_WORDS = {
    "id": frozenset("""
        yang dan di ke dari untuk dengan ini itu atau pada adalah dalam akan juga oleh
        sebagai bagi tidak ada bisa dapat telah sudah serta para saat karena agar hingga
        sampai antara tersebut lebih sangat secara setiap namun tetapi tapi jika kalau
        maka pun lagi nya si sang kami kita mereka anda kamu ia dia saya aku yaitu yakni
        bahwa seperti tentang setelah sebelum sambil ketika selama masih belum hanya
        pula demikian begitu apa siapa mana bagaimana mengapa kapan dimana kemana
        sini situ sana lah kah tah dong deh kok
    """.split()),
    "en": frozenset("""
        a an and are as at be but by for if in into is it its no not of on or such that
        the their then there these they this to was will with from what which who whom
        where when how why can do does did has have had i you we he she me my our your
        us them am been being so than too very just about
    """.split()),
}

# Proper names the Indonesian stemmer would cut into unrelated words
# ("Sekumpul" -> "kumpul", "Pengaron" -> "aron"). Kept whole in every language.
KEEP_WORDS = frozenset("""
    sekumpul pengaron martapura sasirangan banjar banjarmasin banjarbaru kalimantan
    baintan aranio astambul cempaka gambut mataraman simpang sambung paramasan
    karang intan riam kanan kiwa tabuk telaga bauntung beruntung jaya kertak hanyar
    pematang mandiangin peramasan
""".split())

TOKEN_PATTERN = re.compile(r"[0-9a-z]+")
MAX_TOKEN_LENGTH = 40


def normalise(text: str) -> str:
    """NFKC, lowercase, accents folded ("café" -> "cafe"), apostrophes joined."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = text.replace("'", "").replace("\u2019", "")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def tokenise(text: str) -> list[str]:
    """Normalised words: runs of letters and digits (hyphens split "kain-kain")."""
    return [token for token in TOKEN_PATTERN.findall(normalise(text)) if len(token) <= MAX_TOKEN_LENGTH]


@lru_cache(maxsize=1)
def _sastrawi():
    # The bare stemmer, not Sastrawi's CachedStemmer: our lru_cache below is faster.
    return StemmerFactory().create_stemmer()


# A snowball stemmer keeps the word it works on in the object: one per thread (a gthread
# worker stemming two words at once in one object gave wrong stems and IndexErrors, 500s).
_english = threading.local()


def _english_stemmer():
    stemmer = getattr(_english, "stemmer", None)
    if stemmer is None:
        stemmer = _english.stemmer = snowballstemmer.stemmer("english")
    return stemmer

# English forms Porter2 cannot bring back to their base, because no suffix rule
# does: irregular plurals ("children", "feet") and past forms ("sold", "woven").
# Both are closed classes of the language, so a table covers them; each word
# here is the plural or past form only, never also another word a visitor
# would mean ("found", "left", "felt", "saw", "rose", "lives" are left out).
ENGLISH_IRREGULAR = {
    "children": "child", "men": "man", "women": "woman", "feet": "foot", "teeth": "tooth",
    "geese": "goose", "mice": "mouse", "oxen": "ox",
    "dyed": "dye", "bought": "buy", "sold": "sell", "made": "make", "built": "build",
    "wove": "weave", "woven": "weave", "sewn": "sew", "taught": "teach", "brought": "bring",
    "caught": "catch", "ate": "eat", "eaten": "eat", "drank": "drink", "drunk": "drink",
    "swam": "swim", "swum": "swim", "rode": "ride", "ridden": "ride", "flew": "fly", "flown": "fly",
    "ran": "run", "sang": "sing", "sung": "sing", "began": "begin", "begun": "begin",
    "wrote": "write", "written": "write", "grew": "grow", "grown": "grow", "held": "hold",
    "knew": "know", "known": "know", "seen": "see", "gave": "give", "given": "give",
    "took": "take", "taken": "take", "went": "go", "gone": "go", "came": "come", "sat": "sit",
    "slept": "sleep", "stood": "stand", "told": "tell", "thought": "think", "fought": "fight",
    "met": "meet", "paid": "pay", "kept": "keep", "spent": "spend", "hung": "hang", "spun": "spin",
    "dug": "dig", "hid": "hide", "hidden": "hide", "broke": "break", "broken": "break",
    "chose": "choose", "chosen": "choose", "drove": "drive", "driven": "drive", "fallen": "fall",
    "risen": "rise", "shook": "shake", "shaken": "shake", "stolen": "steal",
    "threw": "throw", "thrown": "throw", "tore": "tear", "torn": "tear", "wore": "wear",
    "worn": "wear", "burnt": "burn", "learnt": "learn",
}
# Nouns in -f/-fe whose plural is -ves (also at the end of compounds: "headscarves").
# Other -ves words ("olives", "caves", "gloves") are plurals of -ve and keep Porter2's stem.
ENGLISH_VES_NOUNS = ("calf", "elf", "half", "hoof", "knife", "leaf", "loaf", "scarf", "self", "sheaf",
                     "shelf", "thief", "wife", "wolf", "dwarf", "wharf")
# Compounds of -man take -men ("craftsmen", "fishermen", "boatmen"); words that merely
# end in "men" ("omen", "specimen", "abdomen") do not end in these.
ENGLISH_MEN_ENDINGS = ("women", "smen", "ermen", "tmen")


def english_base(token: str) -> str:
    """The base form of an English plural or past form Porter2 leaves apart
    ("scarves" -> "scarf", "children's" -> "child", "sold" -> "sell"); other words unchanged."""
    base = ENGLISH_IRREGULAR.get(token)
    if base:
        return base
    if token.endswith("s") and token[:-1] in ENGLISH_IRREGULAR:  # "children's", apostrophe folded
        return ENGLISH_IRREGULAR[token[:-1]]
    if token.endswith("ves"):
        for ending in ("f", "fe"):
            candidate = token[:-3] + ending
            if candidate.endswith(ENGLISH_VES_NOUNS):
                return candidate
    for word in (token, token[:-1] if token.endswith("s") else ""):
        if len(word) > 5 and word.endswith(ENGLISH_MEN_ENDINGS):
            return word[:-3] + "man"
    return token


@lru_cache(maxsize=200_000)
def stem(token: str, language: str) -> str:
    """The stem of one normalised token in a language."""
    if token in KEEP_WORDS or token.isdigit() or len(token) < 3:
        return token
    if language == "id":
        return _sastrawi().stem(token) or token
    return _english_stemmer().stemWord(english_base(token))


def analyse(text: str, language: str) -> list[str]:
    """Text -> stems, stop words removed, in order (repeats kept for term frequency)."""
    stops = STOP_WORDS[language]
    return [stem(token, language) for token in tokenise(text) if token not in stops]


def analyse_tokens(tokens: list[str], language: str, *, keep_stop_words: bool = False) -> list[str]:
    stops = () if keep_stop_words else STOP_WORDS[language]
    return [stem(token, language) for token in tokens if token not in stops]


def words(text: str) -> list[str]:
    """Normalised surface words without stop words of either language: the
    vocabulary that "did you mean" corrects towards."""
    return [token for token in tokenise(text)
            if token not in STOP_WORDS["id"] and token not in STOP_WORDS["en"] and not token.isdigit()]


# --- Synonyms --------------------------------------------------------------------
@dataclass(frozen=True)
class SynonymRule:
    """`a, b, c` (equivalent) or `a b => c, d` (a b is searched as c or d)."""

    left: tuple[tuple[str, ...], ...]
    right: tuple[tuple[str, ...], ...]
    equivalent: bool


def parse_synonym_line(line: str) -> SynonymRule | None:
    """One rule in the Solr synonyms format; None for blanks and comments."""
    line = line.split("#", 1)[0].strip()
    if not line:
        return None

    def phrases(part: str) -> tuple[tuple[str, ...], ...]:
        return tuple(tuple(tokenise(phrase)) for phrase in part.split(",") if tokenise(phrase))

    if "=>" in line:
        left, right = line.split("=>", 1)
        left_phrases, right_phrases = phrases(left), phrases(right)
        if not left_phrases or not right_phrases:
            raise ValueError(f"synonym rule {line!r}: both sides of => need words")
        return SynonymRule(left=left_phrases, right=right_phrases, equivalent=False)
    group = phrases(line)
    if len(group) < 2:
        raise ValueError(f"synonym rule {line!r}: list at least two words or phrases, separated by commas")
    return SynonymRule(left=group, right=group, equivalent=True)


def parse_synonyms(text: str) -> list[SynonymRule]:
    rules = []
    for line in text.splitlines():
        rule = parse_synonym_line(line)
        if rule is not None:
            rules.append(rule)
    return rules


@lru_cache(maxsize=1)
def file_synonyms() -> tuple[SynonymRule, ...]:
    return tuple(parse_synonyms(SYNONYMS_FILE.read_text(encoding="utf-8")))


def _token_keys(token: str) -> tuple[str, ...]:
    """A query word matches a rule word when the words or either stem agree
    ("selendangnya" matches "selendang", "scarves" matches "scarf"): the word
    first, then its stems, so the word as typed decides between two rules
    ("parking" is the parking rule's, not the park rule's through its stem)."""
    return tuple(dict.fromkeys((token, stem(token, "id"), stem(token, "en"))))


@dataclass(frozen=True)
class SynonymTable:
    """Rules indexed by the keys of their first word, for greedy longest matching. Immutable (a
    tuple, a read-only mapping of tuples): search.synonyms keeps one for every thread."""

    rules: tuple[SynonymRule, ...]
    by_first_key: Mapping[str, tuple[tuple[tuple[str, ...], SynonymRule], ...]] = field(
        default_factory=lambda: MappingProxyType({}))

    def __post_init__(self):
        by_first_key: dict[str, list[tuple[tuple[str, ...], SynonymRule]]] = {}
        for rule in self.rules:
            for phrase in rule.left:
                for key in _token_keys(phrase[0]):
                    by_first_key.setdefault(key, []).append((phrase, rule))
        # frozen: the dataclass's own way to set fields in __post_init__
        object.__setattr__(self, "rules", tuple(self.rules))
        object.__setattr__(self, "by_first_key", MappingProxyType({
            key: tuple(sorted(candidates, key=lambda entry: -len(entry[0])))
            for key, candidates in by_first_key.items()}))

    def match_at(self, tokens: list[str], position: int):
        """The longest rule phrase starting at `position`: (length, rule) or None;
        between phrases of one length, the one met through the word as typed."""
        seen = set()
        best = None
        for key in _token_keys(tokens[position]):
            for phrase, rule in self.by_first_key.get(key, ()):
                if (phrase, id(rule)) in seen:
                    continue
                seen.add((phrase, id(rule)))
                end = position + len(phrase)
                if end > len(tokens) or (best is not None and len(phrase) <= best[0]):
                    continue
                if all(set(_token_keys(tokens[position + offset])) & set(_token_keys(word))
                       for offset, word in enumerate(phrase)):
                    best = (len(phrase), rule)
        return best


# --- Queries -----------------------------------------------------------------------
@dataclass
class Alternative:
    """One way of saying a clause: its words, and their stems in each language."""

    tokens: tuple[str, ...]
    stems: dict[str, tuple[str, ...]]
    weight: float  # 1.0 for what was typed, lower for synonyms

    @property
    def surface_words(self) -> tuple[str, ...]:
        """The words as typed, without stop words: matched against indexed words."""
        return tuple(token for token in self.tokens
                     if token not in STOP_WORDS["id"] and token not in STOP_WORDS["en"] and not token.isdigit())


@dataclass
class Clause:
    """A word (or a phrase a synonym rule covers) of the query; matching any
    alternative in any language satisfies it."""

    text: str
    alternatives: list[Alternative]
    # The word as typed, also matched as the beginning of longer indexed words ("sasir" finds
    # "sasirangan", as the suggestions do): the query's last word, when it is long enough.
    prefix: str = ""


@dataclass
class QueryPlan:
    text: str
    clauses: list[Clause]
    # Any one clause is enough: the search page's second try when no document matched enough of them.
    any_word: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.clauses

    @property
    def prefix(self) -> str:
        """The last word, as typed so far, that may be the beginning of a longer word ("" if none)."""
        return self.clauses[-1].prefix if self.clauses else ""

    def minimum_should_match(self) -> int:
        """All clauses for one or two words; three in four beyond that, so that
        one stray word of a long query does not empty the results."""
        if self.any_word:
            return 1
        count = len(self.clauses)
        return count if count <= 2 else max(2, (count * 3) // 4)

    def all_stems(self) -> set[str]:
        return {stem_ for clause in self.clauses for alternative in clause.alternatives
                for stems in alternative.stems.values() for stem_ in stems}


SYNONYM_WEIGHT = 0.8
# The last word of a query is also searched as the beginning of longer words (as-you-type: what
# the suggestions found, Enter finds too) from this many letters: fewer begin too many words.
PREFIX_MIN_LENGTH = 3
# How many alternatives a query's synonyms may add in all. Each costs Elasticsearch a
# typo-tolerant query per field and language: a 170-character query of words with
# synonyms (270 alternatives) asked it for over 300 MB and tripped its circuit breaker,
# which sent every search to the database for 5 s. Past the budget, a word is searched
# as typed (with typos forgiven) and a replacement rule gives its first replacement only.
SYNONYM_BUDGET = 24


def _alternative(tokens: tuple[str, ...], weight: float, keep_stop_words: bool) -> Alternative | None:
    stems = {language: tuple(analyse_tokens(list(tokens), language, keep_stop_words=keep_stop_words))
             for language in LANGUAGES}
    if not any(stems.values()):
        return None
    return Alternative(tokens=tokens, stems=stems, weight=weight)


def plan_query(text: str, synonyms: SynonymTable | None = None) -> QueryPlan:
    """What to look for: one clause per word or synonym phrase of the query."""
    if synonyms is None:
        synonyms = SynonymTable(list(file_synonyms()))
    tokens = tokenise(text)
    # A query of nothing but stop words ("the", "di mana") still searches for them.
    everything_stops = all(token in STOP_WORDS["id"] or token in STOP_WORDS["en"] for token in tokens)
    clauses: list[Clause] = []
    position = 0
    budget = SYNONYM_BUDGET
    while position < len(tokens):
        matched = synonyms.match_at(tokens, position)
        if matched:
            length, rule = matched
            typed = tuple(tokens[position:position + length])
            alternatives = []
            seen = set()
            candidates = [(typed, 1.0)] if rule.equivalent else []
            replacements = [(phrase, SYNONYM_WEIGHT) for phrase in rule.right]
            if len(replacements) > budget:
                replacements = [] if rule.equivalent else replacements[:1]
            budget -= len(replacements)
            candidates += replacements
            for phrase, weight in candidates:
                if phrase in seen:
                    continue
                seen.add(phrase)
                alternative = _alternative(phrase, weight, everything_stops)
                if alternative:
                    alternatives.append(alternative)
            if alternatives:
                clauses.append(Clause(text=" ".join(typed), alternatives=alternatives))
            position += length
            continue
        token = tokens[position]
        alternative = _alternative((token,), 1.0, everything_stops)
        if alternative:
            clauses.append(Clause(text=token, alternatives=[alternative]))
        position += 1
    if clauses and tokens and clauses[-1].text == tokens[-1] and _may_be_begun(tokens[-1]):
        clauses[-1].prefix = tokens[-1]
    return QueryPlan(text=text, clauses=clauses)


def _may_be_begun(token: str) -> bool:
    """Whether a query's last word may be the beginning of a longer word: long enough, not a
    number, not a stop word (kept only when the query is nothing but stop words)."""
    return (len(token) >= PREFIX_MIN_LENGTH and not token.isdigit()
            and token not in STOP_WORDS["id"] and token not in STOP_WORDS["en"])


# --- Fuzzy matching (shared by the database engine and highlighting) ----------------
def auto_fuzziness(term: str) -> int:
    """Elasticsearch's AUTO: 0 edits up to 2 characters, 1 up to 5, else 2."""
    if len(term) <= 2:
        return 0
    if len(term) <= 5:
        return 1
    return 2


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a transposition is one edit, as in
    Elasticsearch's fuzzy queries), limit + 1 past `limit`."""
    return OSA.distance(a, b, score_cutoff=limit)


def fuzzy_equal(query_term: str, term: str) -> bool:
    if query_term == term:
        return True
    limit = auto_fuzziness(query_term)
    return limit > 0 and edit_distance(query_term, term, limit) <= limit
