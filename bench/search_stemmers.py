"""Which Indonesian stemmer search should use: Sastrawi or Snowball's Indonesian.

Measured on our own content (the demo catalogues), three ways:
  1. speed: words per second over every Indonesian word of the demo, cold and cached;
  2. roots: agreement with a hand-made list of demo words and their roots;
  3. ranking: nDCG@10 / MRR of the database engine on tests/search/judgments.json with
     the index rebuilt using each stemmer (on a throwaway copy of a database that
     holds the demo: DATABASE_URL, e.g. after `make demo`).

    DATABASE_URL=sqlite:///var/search-dev.sqlite3 .venv/bin/python bench/search_stemmers.py

Writes bench/results/search_stemmers.json and prints a table.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Roots as a Banjar reader would give them, for words that occur in the demo content.
GOLD = {
    "berwisata": "wisata", "pedagang": "dagang", "berjualan": "jual", "perajin": "rajin", "kerajinan": "rajin",
    "pemandangan": "pandang", "perkemahan": "kemah", "berkemah": "kemah", "peringatan": "ingat",
    "menjelujur": "jelujur", "dijelujur": "jelujur", "mencelup": "celup", "dicelup": "celup",
    "pewarna": "warna", "diwarnai": "warna", "berwarna": "warna", "menabuh": "tabuh", "perhiasan": "hias",
    "hias": "hias", "dimakamkan": "makam", "makamnya": "makam", "pengajaran": "ajar", "mengajar": "ajar",
    "pengajian": "kaji", "ziarah": "ziarah", "berziarah": "ziarah", "peziarah": "ziarah", "keturunan": "turun",
    "perdagangan": "dagang", "bangunan": "bangun", "membangun": "bangun", "perbukitan": "bukit",
    "pendakian": "daki", "kesenian": "seni", "kegiatan": "giat", "menyambut": "sambut", "penguasa": "kuasa",
    "menetapkan": "tetap", "pengarang": "karang", "dihuni": "huni", "meletus": "letus", "dijelajahi": "jelajah",
    "terapung": "apung", "pantai": "pantai", "perahu": "perahu", "kemeja": "kemeja", "selendang": "selendang",
    "sasirangan": "sasirangan", "alami": "alami", "lapisan": "lapis", "dijahit": "jahit", "jahitan": "jahit",
    "sepanjang": "panjang", "lengan": "lengan", "celana": "celana", "kerudung": "kerudung", "keluarga": "keluarga",
    "perayaan": "raya", "pertunjukan": "tunjuk", "menikmati": "nikmat", "permata": "permata", "sungai": "sungai",
}


def demo_words() -> list[str]:
    from search.analysis import STOP_WORDS, tokenise

    texts = []
    for path in (ROOT / "tourism" / "demo" / "catalog.json", ROOT / "marketplace" / "demo" / "catalog.json"):
        if not path.exists():
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        for records in data.values():
            for record in records:
                for value in record.values():
                    if isinstance(value, dict) and "id" in value:
                        texts.append(value["id"])
    return [token for text in texts for token in tokenise(text) if token not in STOP_WORDS["id"]]


def stemmers():
    import snowballstemmer
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    sastrawi = StemmerFactory().create_stemmer()
    snowball = snowballstemmer.stemmer("indonesian")
    return {"sastrawi": sastrawi.stem, "snowball": snowball.stemWord}


def speed(stem, words: list[str]) -> dict:
    from functools import lru_cache

    started = time.perf_counter()
    for word in words:
        stem(word)
    cold = time.perf_counter() - started
    cached_stem = lru_cache(maxsize=None)(stem)
    for word in words:
        cached_stem(word)
    started = time.perf_counter()
    for _ in range(5):
        for word in words:
            cached_stem(word)
    cached = (time.perf_counter() - started) / 5
    return {"words": len(words), "distinct": len(set(words)),
            "words_per_second_uncached": round(len(words) / cold), "words_per_second_cached": round(len(words) / cached)}


def roots(stem) -> dict:
    wrong = {word: stem(word) for word, root in GOLD.items() if stem(word) != root}
    return {"gold_words": len(GOLD), "correct": len(GOLD) - len(wrong), "accuracy": round(1 - len(wrong) / len(GOLD), 3),
            "wrong": wrong}


def ranking(name: str, stem) -> dict | None:
    """Rebuild the database engine with this stemmer (on a copy of the database) and evaluate."""
    from search import analysis
    from search.indexing import rebuild
    from search.quality import evaluate, load_judgments

    original = analysis._sastrawi

    class Stemmer:
        def stem(self, word):
            return stem(word)

    analysis._sastrawi = lambda: Stemmer()
    analysis.stem.cache_clear()
    try:
        rebuild(elasticsearch=False)
        report = evaluate(load_judgments(), engine="database")
    finally:
        analysis._sastrawi = original
        analysis.stem.cache_clear()
    return {"ndcg_at_10": round(report.ndcg, 3), "mrr": round(report.mrr, 3),
            "zero_result_rate": round(report.zero_result_rate, 3)}


def main() -> None:
    database_url = os.environ.get("DATABASE_URL", "")
    scratch = None
    if database_url.startswith("sqlite:///"):
        # Rebuilding rewrites the search tables: work on a copy, never the real file.
        source = Path(database_url.removeprefix("sqlite:///"))
        scratch = Path(tempfile.mkdtemp()) / "stemmers.sqlite3"
        shutil.copy(source, scratch)
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ["ELASTICSEARCH_URL"] = ""
    import django

    django.setup()
    words = demo_words()
    results = {}
    for name, stem in stemmers().items():
        results[name] = {"speed": speed(stem, words), "roots": roots(stem)}
        if scratch is not None:
            results[name]["ranking"] = ranking(name, stem)
    out = ROOT / "bench" / "results" / "search_stemmers.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    print(f"{'stemmer':<10} {'words/s cold':>13} {'words/s cached':>15} {'roots right':>12} {'nDCG@10':>8} {'MRR':>6}")
    for name, result in results.items():
        rank = result.get("ranking") or {}
        print(f"{name:<10} {result['speed']['words_per_second_uncached']:>13,} {result['speed']['words_per_second_cached']:>15,} "
              f"{result['roots']['correct']:>5}/{result['roots']['gold_words']:<6} {rank.get('ndcg_at_10', '-'):>8} "
              f"{rank.get('mrr', '-'):>6}")
        print(f"           wrong roots: {result['roots']['wrong']}")
    print(f"({len(words)} Indonesian words of the demo, {len(set(words))} distinct; written to {out.relative_to(ROOT)})")
    if scratch is not None:
        shutil.rmtree(scratch.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
