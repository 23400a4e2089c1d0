"""`make bench`: requests/s and latency of the site on a production-like server.

What it does, in one run on one machine (bench/README.md says why each choice):
1. prepares a throwaway site in var/bench/: production settings (DEBUG off), the
   demo content (`load_demo --allow-without-debug`), collected static files, and
   10 000 generated search documents on top of the demo's (both engines);
   PostgreSQL when DATABASE_URL is given (give it a throwaway database), else SQLite;
2. starts two gunicorn servers pinned to CPU 0 (`taskset`), one with the page
   cache on (and Elasticsearch, when ELASTICSEARCH_URL is set), one with it off and
   the database search engine;
3. runs the load generator pinned to CPU 1 (wrk when installed, else a small
   asyncio client), each scenario for --seconds, interleaved round by round, and
   keeps the median of --rounds (at least 5);
4. writes bench/results/load-<time>.json and .md (and load-latest.*), with the
   ratios to the bare view and the targets met or not.

    .venv/bin/python bench/run.py [--rounds 5] [--seconds 5] [--connections 8]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench"
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
SEARCH_QUERIES = [
    "q=pasar+terapung", "q=sasirangan+merah", "q=selendang+sutra&type=product", "q=masjid",
    "q=ziarah+makam+ulama", "q=floating+market&lang=en", "q=sasirngan", "q=kemeja&color=biru&price_max=300000",
    "q=waduk&near=-3.41,114.85", "q=festival&type=event", "q=berwisata+alam", "q=kain&page=3",
    "type=product&motif=Gigi+Haruan", "district=Martapura&category=religious", "q=silk+scarf&lang=en",
    "q=kulat+karikit&in_stock=1",
]
TARGETS = {
    "cached page / bare": 0.5,
    "uncached page / bare": 0.1,
    "cold page / bare": 0.05,  # issue 12: "nothing cached" (the first render) at >= 0.05x the bare view
    "search elasticsearch p95 ms": 50.0,
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def base_env() -> dict:
    env = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": env.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain HTTP on loopback: no redirect to https (a proxy would terminate TLS in production).
        "SECURE_SSL_REDIRECT": "0",
        "MEDIA_ROOT": str(WORK / "media"),
        "BENCH": "1",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    })
    env.setdefault("DATABASE_URL", f"sqlite:///{WORK / 'db.sqlite3'}")
    if env.get("ELASTICSEARCH_URL"):
        env.setdefault("ELASTICSEARCH_INDEX", "gebrak-bench")
    return env


def run(command: list[str], env: dict, **kwargs) -> None:
    print("$", " ".join(command), flush=True)
    subprocess.run(command, cwd=ROOT, env=env, check=True, **kwargs)


# --- 1. Prepare ---------------------------------------------------------------------------------

def migrate_kept(env: dict) -> None:
    """--reuse: the code may have moved on since the preparation; its migrations, applied to the
    kept database (a new column unapplied made the product page answer 500)."""
    run([PYTHON, "manage.py", "migrate", "--no-input", "-v0"], env)


def prepare(env: dict, documents: int) -> dict:
    if WORK.exists():
        shutil.rmtree(WORK)
    (WORK / "media").mkdir(parents=True)
    manage = [PYTHON, "manage.py"]
    run([*manage, "collectstatic", "--no-input", "-v0"], env)
    run([*manage, "migrate", "--no-input", "-v0"], env)
    started = time.monotonic()
    run([*manage, "load_demo", "--allow-without-debug"], env, stdout=subprocess.DEVNULL)
    # The renditions (and whatever else the load enqueued) are the worker's: run it until the queue is empty.
    run([*manage, "tasks_worker", "--batch", "--no-schedule", "--no-reload", "--no-startup-delay"], env,
        stdout=subprocess.DEVNULL)
    print(f"demo content loaded in {time.monotonic() - started:.0f} s", flush=True)
    out = WORK / "targets.json"
    run([PYTHON, __file__, "--inside-prepare", str(out), "--documents", str(documents)], env)
    return json.loads(out.read_text())


def inside_prepare(out: Path, documents: int) -> None:
    """Runs inside the bench's Django (production settings): the search documents and the URLs."""
    import django

    django.setup()
    from django.conf import settings

    from marketplace.models import Product
    from search import engine_database, indexing
    from search.documents import index_fields
    from tourism.models import DestinationPage

    indexing.rebuild()  # the demo, in every configured engine (a fresh alias in Elasticsearch)
    spec = importlib.util.spec_from_file_location("search_latency", ROOT / "bench" / "search_latency.py")
    search_latency = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(search_latency)
    generated = {record.key: index_fields(record) for record in search_latency.generated_records(documents)}
    keys = list(generated)
    for start in range(0, len(keys), 500):
        batch = {key: generated[key] for key in keys[start:start + 500]}
        engine_database.store(batch)
        if settings.ELASTICSEARCH_URLS:
            from search import engine_elasticsearch

            failed = engine_elasticsearch.write(batch)
            assert not failed, failed
    if settings.ELASTICSEARCH_URLS:
        from search import engine_elasticsearch

        engine_elasticsearch.refresh()
    destination = DestinationPage.objects.live().filter(locale__language_code="id").order_by("path").first()
    product = Product.objects.public().order_by("pk").first()
    out.write_text(json.dumps({
        "home": "/id/",
        "destination": destination.url,
        "product": f"/id/kampung-sasirangan/produk/{product.slug}/",
        "search_documents": engine_database_count(),
        "elasticsearch": bool(settings.ELASTICSEARCH_URLS),
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
    }))


def engine_database_count() -> int:
    from search.models import SearchDocument

    return SearchDocument.objects.count()


# --- 2. Servers ---------------------------------------------------------------------------------

class Server:
    def __init__(self, name: str, env: dict, *, cpu: str, workers: int, threads: int):
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # Production's gunicorn.conf.py (gunicorn would read it from the working folder anyway:
        # worker replacement, access log), its workers, threads and address set here.
        command = ["taskset", "-c", cpu, PYTHON, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
                   "config.wsgi:application",
                   "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers), "--worker-class", "gthread",
                   "--threads", str(threads), "--log-level", "warning", "--keep-alive", "5"]
        self.log = open(WORK / f"gunicorn-{name}.log", "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                        start_new_session=True)

    def wait(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn {self.name} stopped; see {self.log.name}")
            try:
                with urllib.request.urlopen(self.url + "/bench/bare", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise SystemExit(f"gunicorn {self.name} did not answer in {timeout} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()


def fetch(url: str) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers={"User-Agent": "gebrak-bench"})
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()
        return response.status, dict(response.headers)


# --- 3. Load ------------------------------------------------------------------------------------

WRK_REPORT = """
local paths = {%s}
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout
  io.write(string.format('BENCH {"requests": %%d, "seconds": %%.3f, "errors": %%d, "p50_ms": %%.3f, "p95_ms": %%.3f, "p99_ms": %%.3f}\\n',
    summary.requests, summary.duration / 1e6, errors,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def load_with_wrk(base: str, paths: list[str], *, seconds: float, connections: int, cpu: str) -> dict:
    script = WORK / f"wrk-{abs(hash(tuple(paths)))}.lua"
    script.write_text(WRK_REPORT % ", ".join(json.dumps(path) for path in paths))
    command = ["taskset", "-c", cpu, "wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
               "-s", str(script), base]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    result = json.loads(line[6:])
    result["rps"] = result["requests"] / result["seconds"]
    return result


async def _client(host: str, port: int, paths: list[str], deadline: float, latencies: list, errors: list, seed: int):
    import random

    rng = random.Random(seed)
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.monotonic() < deadline:
            path = rng.choice(paths)
            started = time.perf_counter()
            writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: gebrak-bench\r\n\r\n".encode())
            status_line = await reader.readline()
            if not status_line:
                # The server closed this keep-alive connection (as wrk does, open another and ask
                # again); writing on to a closed socket would count thousands of empty answers.
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
                continue
            length, closes = None, False
            while (header := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = header.decode("latin-1").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
                elif name.lower() == "connection" and value.strip().lower() == "close":
                    closes = True
            if length is None:
                await reader.read()  # no length: the body runs to the end of the connection
                closes = True
            else:
                await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            if not status_line.startswith(b"HTTP/1.1 2"):
                errors.append(status_line)
            if closes:
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
    except (OSError, asyncio.IncompleteReadError) as error:
        errors.append(repr(error))
    finally:
        writer.close()


def load_with_python(base: str, paths: list[str], *, seconds: float, connections: int, cpu: str) -> dict:
    """The fallback generator: keep-alive connections from one asyncio loop pinned to `cpu`."""
    os.sched_setaffinity(0, {int(cpu)})
    host, port = base.removeprefix("http://").split(":")
    latencies: list[float] = []
    errors: list = []

    async def main():
        deadline = time.monotonic() + seconds
        await asyncio.gather(*(_client(host, int(port), paths, deadline, latencies, errors, seed)
                               for seed in range(connections)))

    started = time.monotonic()
    asyncio.run(main())
    elapsed = time.monotonic() - started
    latencies.sort()

    def percentile(share):
        return latencies[min(len(latencies) - 1, int(share * len(latencies)))] * 1000 if latencies else 0.0

    return {"requests": len(latencies), "seconds": elapsed, "errors": len(errors), "rps": len(latencies) / elapsed,
            "p50_ms": percentile(0.50), "p95_ms": percentile(0.95), "p99_ms": percentile(0.99)}


# --- 4. Report ----------------------------------------------------------------------------------

def summarise(runs: dict[str, list[dict]]) -> dict[str, dict]:
    summary = {}
    for name, results in runs.items():
        summary[name] = {metric: round(statistics.median(result[metric] for result in results), 2)
                         for metric in ("rps", "p50_ms", "p95_ms", "p99_ms")}
        summary[name]["errors"] = sum(result["errors"] for result in results)
        summary[name]["rounds"] = len(results)
        summary[name]["rps_each_round"] = [round(result["rps"], 1) for result in results]
    return summary


def verdicts(summary: dict, scenarios: dict) -> list[dict]:
    bare = summary["bare view"]["rps"]
    rows = []
    for name, (_server, _paths, kind) in scenarios.items():
        if kind in ("cached page", "uncached page", "cold page"):
            target = TARGETS[f"{kind} / bare"]
            ratio = summary[name]["rps"] / bare if bare else 0
            rows.append({"what": f"{name}: requests/s vs bare", "value": round(ratio, 3), "target": f">= {target}x",
                         "met": ratio >= target})
    for name in ("search API, elasticsearch, 1 connection", "search API, elasticsearch"):
        if name in summary:
            p95 = summary[name]["p95_ms"]
            target = TARGETS["search elasticsearch p95 ms"]
            rows.append({"what": f"{name}: p95", "value": p95, "target": f"< {target} ms", "met": p95 < target})
    return rows


def markdown(report: dict) -> str:
    lines = [f"# Load benchmark {report['started']}", "",
             f"Server: gunicorn {report['server']['workers']} workers x {report['server']['threads']} threads "
             f"(gthread) on CPU {report['server']['cpu']}; load: {report['generator']} on CPU "
             f"{report['load_cpu']}, {report['connections']} connections; {report['rounds']} interleaved rounds of "
             f"{report['seconds']} s, medians. Database: {report['site']['database']}; search documents: "
             f"{report['site']['search_documents']}; Elasticsearch: {'yes' if report['site']['elasticsearch'] else 'no'}.",
             "", "| scenario | requests/s | x bare | p50 ms | p95 ms | p99 ms | errors | page cache |",
             "|---|---:|---:|---:|---:|---:|---:|---|"]
    bare = report["summary"]["bare view"]["rps"]
    for name, row in report["summary"].items():
        lines.append(f"| {name} | {row['rps']:.0f} | {row['rps'] / bare:.3f} | {row['p50_ms']:.1f} | "
                     f"{row['p95_ms']:.1f} | {row['p99_ms']:.1f} | {row['errors']} | "
                     f"{report['cache_state'].get(name, '')} |")
    lines += ["", "| target | value | wanted | met |", "|---|---:|---|---|"]
    for row in report["verdicts"]:
        lines.append(f"| {row['what']} | {row['value']} | {row['target']} | {'yes' if row['met'] else 'NO'} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--generator", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--reuse", action="store_true",
                        help="keep var/bench/ from the last run instead of preparing it again")
    parser.add_argument("--only", nargs="+", metavar="SCENARIO",
                        help='run only these scenarios and the bare view, e.g. --only "home, nothing cached"')
    parser.add_argument("--inside-prepare", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside_prepare:
        inside_prepare(args.inside_prepare, args.documents)
        return
    if args.rounds < 5:
        parser.error("the medians need at least 5 rounds")
    cpus = sorted(os.sched_getaffinity(0))
    server_cpu, load_cpu = (str(cpus[0]), str(cpus[1])) if len(cpus) > 1 else (str(cpus[0]), str(cpus[0]))
    generator = args.generator
    if generator == "auto":
        generator = "wrk" if shutil.which("wrk") else "python"
    load = load_with_wrk if generator == "wrk" else load_with_python

    env = base_env()
    started = datetime.now(UTC)
    if args.reuse and (WORK / "targets.json").exists():
        site = json.loads((WORK / "targets.json").read_text())
        if (WORK / "secret").exists():
            env["SECRET_KEY"] = (WORK / "secret").read_text()
        migrate_kept(env)
    else:
        site = prepare(env, args.documents)
        (WORK / "secret").write_text(env["SECRET_KEY"])
    # Every server reads the content generation from the bench's own folder, never the project's
    # var/page-cache/, where a test run or `make run` elsewhere on the machine would move it on.
    env["PAGE_CACHE_DIR"] = str(WORK / "page-cache")
    cached_env = {**env, "PAGE_CACHE_SECONDS": "300"}
    # Uncached: no page cache, as for a visitor with a cart or signed in; the rendered fragments
    # (config/fragment_cache.py) still serve. Cold: neither, as for the first visitor after a publish.
    uncached_env = {**env, "PAGE_CACHE_SECONDS": "0", "ELASTICSEARCH_URL": ""}
    cold_env = {**uncached_env, "FRAGMENT_CACHE_SECONDS": "0"}
    servers = {
        "cached": Server("cached", cached_env, cpu=server_cpu, workers=args.workers, threads=args.threads),
        "uncached": Server("uncached", uncached_env, cpu=server_cpu, workers=args.workers, threads=args.threads),
        "cold": Server("cold", cold_env, cpu=server_cpu, workers=args.workers, threads=args.threads),
    }
    searches = [f"/api/search?{query}" for query in SEARCH_QUERIES]
    scenarios = {
        "bare view": ("uncached", ["/bench/bare"], "ceiling"),
        "home, cached": ("cached", [site["home"]], "cached page"),
        "destination, cached": ("cached", [site["destination"]], "cached page"),
        "product, cached": ("cached", [site["product"]], "cached page"),
        "home, uncached": ("uncached", [site["home"]], "uncached page"),
        "destination, uncached": ("uncached", [site["destination"]], "uncached page"),
        "product, uncached": ("uncached", [site["product"]], "uncached page"),
        "home, nothing cached": ("cold", [site["home"]], "cold page"),
        "destination, nothing cached": ("cold", [site["destination"]], "cold page"),
        "product, nothing cached": ("cold", [site["product"]], "cold page"),
        "search API, database": ("uncached", searches, "search"),
    }
    if site["elasticsearch"]:
        scenarios["search API, elasticsearch"] = ("cached", searches, "search")
    # Latency of one visitor at a time (no queueing behind other requests): what a person typing feels.
    scenarios["search API, database, 1 connection"] = ("uncached", searches, "search latency")
    if site["elasticsearch"]:
        scenarios["search API, elasticsearch, 1 connection"] = ("cached", searches, "search latency")
    if args.only:
        wanted = {"bare view", *args.only}
        unknown = wanted - set(scenarios)
        if unknown:
            parser.error(f"unknown scenarios {sorted(unknown)}; known: {list(scenarios)}")
        scenarios = {name: scenario for name, scenario in scenarios.items() if name in wanted}
    runs: dict[str, list[dict]] = {name: [] for name in scenarios}
    cache_state = {}
    try:
        for server in servers.values():
            server.wait()
        for name, (server, paths, _kind) in scenarios.items():  # warm-up, and what the cache does
            for path in paths:
                status, headers = fetch(servers[server].url + path)
                assert status == 200, (name, path, status)
            if server == "cached" and _kind == "cached page":
                cache_state[name] = fetch(servers[server].url + paths[0])[1].get("X-Page-Cache", "not stored")
            if name.startswith("search API"):
                engine = json.loads(urllib.request.urlopen(servers[server].url + paths[0]).read())["engine"]
                assert engine in name, f"{name} answered by {engine}"
            load(servers[server].url, paths, seconds=2, connections=args.connections, cpu=load_cpu)
        names = list(scenarios)
        for round_number in range(args.rounds):
            # Interleaved, and in a rotated order each round, so drift (heat, other processes) spreads evenly.
            order = names[round_number % len(names):] + names[:round_number % len(names)]
            for name in order:
                server, paths, kind = scenarios[name]
                result = load(servers[server].url, paths, seconds=args.seconds,
                              connections=1 if kind == "search latency" else args.connections, cpu=load_cpu)
                runs[name].append(result)
                print(f"round {round_number + 1}/{args.rounds} {name:28} {result['rps']:8.0f} req/s  "
                      f"p95 {result['p95_ms']:7.1f} ms  errors {result['errors']}", flush=True)
    finally:
        for server in servers.values():
            server.stop()

    summary = summarise(runs)
    report = {
        "started": started.isoformat(timespec="seconds"), "machine": {"cpus": os.cpu_count()},
        "server": {"software": "gunicorn", "workers": args.workers, "threads": args.threads, "cpu": server_cpu,
                   "settings": "config.settings.production (DEBUG off)"},
        "generator": generator, "load_cpu": load_cpu, "connections": args.connections, "rounds": args.rounds,
        "seconds": args.seconds, "site": site, "cache_state": cache_state, "summary": summary,
        "verdicts": verdicts(summary, scenarios),
    }
    RESULTS.mkdir(exist_ok=True)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    text = markdown(report)
    for name in (f"load-{stamp}", "load-latest"):
        (RESULTS / f"{name}.json").write_text(json.dumps(report, indent=1) + "\n")
        (RESULTS / f"{name}.md").write_text(text)
    print()
    print(text)
    print(f"written to {RESULTS / f'load-{stamp}.md'}")


if __name__ == "__main__":
    main()
