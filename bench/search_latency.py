"""Search API latency (p50/p95) per engine at 1k and 10k documents, and bulk
indexing throughput.

Generates documents from the demo catalogues' vocabulary (destinations, events,
products, artisans in the real proportions of words, districts, motifs, colours,
prices, places), indexes them into a throwaway SQLite database (the database
engine) and, when ELASTICSEARCH_URL is set, into a throwaway Elasticsearch alias;
then times GET /api/search through Django's full request path with a mix of
queries: words, phrases, typos, English, filters, facets, geo sort, pages.

    ELASTICSEARCH_URL=http://127.0.0.1:9200 .venv/bin/python bench/search_latency.py [--sizes 1000,10000]

Prints a table and writes bench/results/search_latency.json. A script, not a
test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DISTRICTS = ["Martapura", "Martapura Timur", "Martapura Barat", "Astambul", "Aranio", "Karang Intan", "Sungai Tabuk",
             "Gambut", "Pengaron", "Kertak Hanyar", "Simpang Empat", "Mataraman"]
CATEGORIES = ["nature", "religious", "culture", "culinary", "shopping", "recreation"]
MOTIFS = ["Gigi Haruan", "Kulat Karikit", "Kambang Kacang", "Hiris Pudak", "Naga Balimbur", "Bayam Raja",
          "Turun Dayang", "Ramak Sahang", "Iris Gagatas", "Ombak Sinapur Karang"]
COLORS = ["merah", "biru", "hijau", "kuning", "hitam", "putih", "ungu", "coklat", "jingga", "tosca", "nila", "emas"]
KINDS = ["kain", "kemeja", "selendang", "kerudung", "tas", "dompet", "blus", "sarung"]
QUERIES = [
    {"q": "pasar terapung"}, {"q": "sasirangan merah"}, {"q": "selendang sutra", "type": "product"},
    {"q": "masjid"}, {"q": "ziarah makam ulama"}, {"q": "floating market", "lang": "en"},
    {"q": "sasirngan"}, {"q": "kemeja", "color": "biru", "price_max": "300000"}, {"q": "waduk", "near": "-3.41,114.85"},
    {"q": "festival", "type": "event"}, {"q": "berwisata alam"}, {"q": "kain", "page": "3"},
    {"type": "product", "motif": "Gigi Haruan"}, {"district": "Martapura", "category": "religious"},
    {"q": "silk scarf", "lang": "en"}, {"q": "kulat karikit", "in_stock": "1"},
]


def vocabulary() -> list[str]:
    from search.analysis import tokenise

    words = []
    for path in (ROOT / "demo" / "data" / "tourism" / "catalog.json", ROOT / "demo" / "data" / "marketplace" / "catalog.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        for records in data.values():
            for record in records:
                for value in record.values():
                    if isinstance(value, dict):
                        words += tokenise(" ".join(str(text) for text in value.values()))
    return words


def generated_records(count: int, seed: int = 7):
    from search.documents import SearchRecord

    rng = random.Random(seed)
    # Events' dates from their own generator, so the rest of the corpus is as before;
    # around today, so some have ended (ranked lower) and some are to come.
    dates = random.Random(seed + 1)
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    words = vocabulary()

    def sentence(low, high):
        return " ".join(rng.choice(words) for _ in range(rng.randint(low, high))).capitalize() + "."

    kinds = ["destination"] * 20 + ["event"] * 10 + ["product"] * 60 + ["artisan"] * 10
    for number in range(count):
        type_name = rng.choice(kinds)
        title_words = [rng.choice(words).capitalize() for _ in range(rng.randint(2, 5))]
        record = SearchRecord(
            key=f"{type_name}:bench-{number}", type=type_name, slug=f"bench-{number}",
            title={"id": " ".join(title_words), "en": " ".join(reversed(title_words))},
            summary={"id": sentence(10, 25), "en": sentence(10, 25)},
            body={"id": "\n\n".join(sentence(15, 40) for _ in range(rng.randint(1, 4)))},
            url={"id": f"/id/bench/{number}/", "en": f"/en/bench/{number}/"},
            languages=("id", "en") if rng.random() < 0.7 else ("id",),
            district=rng.choice(DISTRICTS), popularity=rng.uniform(0.5, 3.0),
            latitude=rng.uniform(-3.6, -3.2), longitude=rng.uniform(114.6, 115.2),
        )
        if type_name == "destination":
            record.category = rng.choice(CATEGORIES)
        if type_name == "event":
            starts = today + timedelta(days=dates.randint(-365, 365), hours=dates.randint(7, 20))
            record.date_start = starts.isoformat()
            record.date_end = (starts + timedelta(hours=dates.choice([2, 4, 8, 48]))).isoformat()
        if type_name == "product":
            record.motif = rng.choice(MOTIFS)
            record.colors = rng.sample(COLORS, rng.randint(1, 3))
            record.kind = rng.choice(KINDS)
            record.fabric = rng.choice(["katun", "sutra", "rayon"])
            record.dye = rng.choice(["natural", "synthetic"])
            record.price_idr = rng.randrange(25_000, 900_000, 5_000)
            record.in_stock = rng.random() < 0.8
            record.extra = {"id": f"{record.motif} {record.kind} {' '.join(record.colors)} sasirangan",
                            "en": f"{record.motif} {record.kind} sasirangan"}
        yield record


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def time_requests(client, rounds: int, before_each=None) -> dict:
    durations = []
    for _ in range(rounds):
        for params in QUERIES:
            if before_each is not None:
                before_each()
            started = time.perf_counter()
            response = client.get("/api/search", params)
            durations.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.content
    return {"requests": len(durations), "p50_ms": round(statistics.median(durations), 1),
            "p95_ms": round(percentile(durations, 0.95), 1), "max_ms": round(max(durations), 1)}


# Where a served search's Python time goes, by the functions that own a phase (cumulative).
PHASES = {
    "engine_elasticsearch.search (all of it)": ("search/engine_elasticsearch.py", "search"),
    "building the query": ("search/engine_elasticsearch.py", "build_search"),
    "highlighting (snippets)": ("search/highlight.py", "snippet"),
    "highlighting (the matcher)": ("search/highlight.py", "__init__"),
    "the view's JSON": ("django/http/response.py", "__init__"),
}


def profile_requests(client, rounds: int) -> dict:
    """cProfile the query mix; returns total ms per request and each phase's share of it."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    time_requests(client, rounds)
    profiler.disable()
    stats = pstats.Stats(profiler)
    requests = rounds * len(QUERIES)
    total = sum(row[3] for key, row in stats.stats.items() if key[2] == "get" and key[0].endswith("django/test/client.py"))
    phases = {}
    for name, (path, function) in PHASES.items():
        phases[name] = round(sum(row[3] for key, row in stats.stats.items()
                                 if key[0].endswith(path) and key[2] == function) / requests * 1000, 2)
    stats.sort_stats("tottime").print_stats(15)
    return {"ms_per_request": round(total / requests * 1000, 2), "phases_ms": phases}


def forget_answers() -> None:
    from django.conf import settings

    from search import engine_database, engine_elasticsearch, highlight

    engine_elasticsearch.client().indices.clear_cache(index=settings.ELASTICSEARCH_INDEX, request=True)
    # The typo variants looked up in the vocabulary (search/engine_database.py), for words not asked before.
    engine_database._vocabulary_cache.get("similar", {}).clear()
    # The highlighter's remembered words and snippets, the request bodies built (those that exist).
    for module, name in ((highlight, "_shown_word"), (highlight, "_deletions"), (highlight, "_snippets"),
                         (engine_elasticsearch, "_bodies")):
        if hasattr(module, name):
            getattr(module, name).cache_clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--rounds", type=int, default=10, help="times each query of the mix is asked")
    parser.add_argument("--profile", action="store_true",
                        help="also profile (cProfile) the served Elasticsearch requests at each size and print "
                             "where their Python time goes")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="gebrak-bench-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings

    from search import engine_database
    from search.documents import index_fields

    call_command("migrate", verbosity=0)
    urls = settings.ELASTICSEARCH_URLS
    alias = f"gebrak-bench-{uuid.uuid4().hex[:6]}"
    results = {"machine": {"cpus": os.cpu_count()}, "sizes": {}}
    client = Client()
    try:
        for size in [int(value) for value in args.sizes.split(",")]:
            engine_database.clear()
            started = time.perf_counter()
            documents = {record.key: index_fields(record) for record in generated_records(size)}
            analysed = time.perf_counter() - started
            started = time.perf_counter()
            keys = list(documents)
            for start in range(0, size, 500):
                engine_database.store({key: documents[key] for key in keys[start:start + 500]})
            stored = time.perf_counter() - started
            row = {"documents": size,
                   "analysis_docs_per_second": round(size / analysed),
                   "database_index_docs_per_second": round(size / stored),
                   # The whole SQLite file: documents (with their shown text), FTS5 tables, vocabulary.
                   "database_file_mb": round((scratch / "bench.sqlite3").stat().st_size / 2**20, 1)}
            with override_settings(ELASTICSEARCH_URLS=[]):
                row["database"] = time_requests(client, args.rounds)
            if urls:
                from search import engine_elasticsearch

                with override_settings(ELASTICSEARCH_URLS=urls, ELASTICSEARCH_INDEX=alias):
                    for name in engine_elasticsearch.indices_behind_alias():
                        engine_elasticsearch.delete_index(name)
                    index = engine_elasticsearch.create_index()
                    started = time.perf_counter()
                    for start in range(0, size, 500):
                        failed = engine_elasticsearch.write({key: documents[key] for key in keys[start:start + 500]},
                                                            index=index)
                        assert not failed, failed
                    engine_elasticsearch.refresh(index)
                    row["elasticsearch_index_docs_per_second"] = round(size / (time.perf_counter() - started))
                    stats = engine_elasticsearch.client().indices.stats(index=index, metric="store")
                    row["elasticsearch_store_mb"] = round(
                        stats["_all"]["primaries"]["store"]["size_in_bytes"] / 2**20, 1)
                    engine_elasticsearch.swap_alias(index)
                    time_requests(client, 1)  # warm the node's caches as a live site's are
                    row["elasticsearch"] = time_requests(client, args.rounds)
                    # Every request as if asked for the first time since the index changed: the
                    # shard request cache and the highlighter's remembered words emptied before each one
                    # (outside the timing).
                    row["elasticsearch_cold"] = time_requests(client, args.rounds, before_each=forget_answers)
                    if args.profile:
                        row["elasticsearch_profile"] = profile_requests(client, args.rounds)
            results["sizes"][str(size)] = row
            print(json.dumps(row))
    finally:
        if urls:
            from search import engine_elasticsearch

            with override_settings(ELASTICSEARCH_URLS=urls, ELASTICSEARCH_INDEX=alias):
                for name in engine_elasticsearch.indices_behind_alias():
                    engine_elasticsearch.delete_index(name)
        import shutil

        shutil.rmtree(scratch, ignore_errors=True)

    out = ROOT / "bench" / "results" / "search_latency.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1))
    print(f"\n{'docs':>6} {'engine':<18} {'p50 ms':>7} {'p95 ms':>7}   indexing docs/s")
    for size, row in results["sizes"].items():
        for engine in ("database", "elasticsearch", "elasticsearch_cold"):
            if engine in row:
                rate = row.get(f"{engine}_index_docs_per_second")
                print(f"{size:>6} {engine:<18} {row[engine]['p50_ms']:>7} {row[engine]['p95_ms']:>7}   "
                      + (f"{rate:,}" if rate else ""))
    print(f"(analysis in Python: {results['sizes'][size]['analysis_docs_per_second']:,} docs/s; "
          f"{len(QUERIES)} query shapes x {args.rounds} rounds; written to {out.relative_to(ROOT)})")


if __name__ == "__main__":
    main()
