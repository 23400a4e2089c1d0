"""Lighthouse (npm, 12.x: the last to run on Node 20), mobile, with Debian's chromium, on the home,
a destination and a product page of a production-like server (bench/production_site.py).

Targets: performance >= 90, accessibility >= 95, best practices >= 95, SEO >= 95. Each page
is audited --runs times (default 3) in a fresh chromium; the report keeps the run with the
median performance score, as Lighthouse's own guidance suggests for its variance, and lists
every run. Lighthouse's defaults otherwise: mobile form factor, simulated slow 4G and a 4x
slower CPU. OpenStreetMap's tiles are blocked (no network here); the pages are built to
stay usable without them.

    .venv/bin/python bench/lighthouse.py [--runs 3] [--reuse] [--url http://127.0.0.1:8000]

Writes bench/results/lighthouse-<time>.json and .md (and lighthouse-latest.*), and every
run's full Lighthouse report (JSON) to var/browser-bench/lighthouse/.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import production_site  # noqa: E402

ROOT = production_site.ROOT
RESULTS = ROOT / "bench" / "results"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROME_PATH") or os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
                "--disable-background-networking --disable-component-update --disable-sync")
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
TARGETS = {"performance": 90, "accessibility": 95, "best-practices": 95, "seo": 95}
ATTEMPTS = 3  # Lighthouse sometimes loses the trace (NO_NAVSTART); such a run is repeated


def audit(url: str, out: Path) -> dict:
    """One Lighthouse run; the parsed report."""
    command = [str(LIGHTHOUSE), url, "--quiet", f"--chrome-flags={CHROME_FLAGS}",
               f"--only-categories={','.join(CATEGORIES)}", "--blocked-url-patterns=*tile.openstreetmap.org*",
               "--output=json", f"--output-path={out}"]
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    for _ in range(ATTEMPTS):
        out.unlink(missing_ok=True)
        subprocess.run(command, cwd=ROOT, env=env, check=False, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=300)
        if out.exists():
            report = json.loads(out.read_text())
            if not report.get("runtimeError") and all(
                    report["categories"][name]["score"] is not None for name in CATEGORIES):
                return report
    raise SystemExit(f"Lighthouse could not audit {url}: see {out}")


def summary(report: dict) -> dict:
    scores = {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}
    audits = report["audits"]
    metrics = {key: audits[key].get("displayValue", "") for key in
               ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time",
                "cumulative-layout-shift", "speed-index", "total-byte-weight")}
    weak = []
    for name in CATEGORIES:
        for ref in report["categories"][name]["auditRefs"]:
            found = audits[ref["id"]]
            if ref["weight"] and found.get("score") is not None and found["score"] < 0.9:
                weak.append({"category": name, "audit": ref["id"], "score": found["score"],
                             "title": found["title"], "value": found.get("displayValue", "")})
    return {"scores": scores, "metrics": metrics, "below_0.9": weak}


def markdown(result: dict) -> str:
    lines = [f"# Lighthouse {result['lighthouse']} (mobile), {result['when']}", "",
             f"Server: {result['server']}. Chromium: {result['chromium']}. "
             f"{result['runs']} runs per page; the run with the median performance is shown.", "",
             "| page | performance | accessibility | best practices | SEO | LCP | TBT | CLS | bytes |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name, page in result["pages"].items():
        scores, metrics = page["median"]["scores"], page["median"]["metrics"]
        marks = {key: f"{scores[key]}{'' if scores[key] >= TARGETS[key] else ' ✗'}" for key in CATEGORIES}
        lines.append(f"| {name} | {marks['performance']} | {marks['accessibility']} | {marks['best-practices']} | "
                     f"{marks['seo']} | {metrics['largest-contentful-paint']} | {metrics['total-blocking-time']} | "
                     f"{metrics['cumulative-layout-shift']} | {metrics['total-byte-weight']} |")
    lines += ["", "Targets: " + ", ".join(f"{key} >= {value}" for key, value in TARGETS.items()) + ".", ""]
    for name, page in result["pages"].items():
        lines.append(f"- {name} ({page['url']}): performance per run {page['performance_runs']}")
        for weak in page["median"]["below_0.9"]:
            lines.append(f"  - {weak['category']}: {weak['audit']} {weak['score']} {weak['value']}")
    return "\n".join(lines) + "\n"


def measure(base: str, runs: int, server: str) -> dict:
    folder = production_site.WORK / "lighthouse"
    folder.mkdir(parents=True, exist_ok=True)
    pages = {}
    version = ""
    for name, path in production_site.PAGES.items():
        reports = []
        for run in range(runs):
            # Interleaving pages would not help here: each run is its own fresh chromium.
            report = audit(base + path, folder / f"{name}-{run + 1}.json")
            version = report["lighthouseVersion"]
            reports.append(summary(report))
            print(f"{name} run {run + 1}: {reports[-1]['scores']}", flush=True)
        performance = [report["scores"]["performance"] for report in reports]
        median = statistics.median_low(performance)
        pages[name] = {"url": path, "performance_runs": performance,
                       "median": next(report for report in reports if report["scores"]["performance"] == median),
                       "runs": reports}
    chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip()
    return {"lighthouse": version, "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "server": server, "chromium": chromium, "runs": runs, "targets": TARGETS, "pages": pages,
            "met": all(page["median"]["scores"][key] >= TARGETS[key]
                       for page in pages.values() for key in CATEGORIES)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="keep var/browser-bench/ if it is prepared")
    parser.add_argument("--url", help="audit this running site instead of preparing one (it needs the demo)")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is not installed: run `npm ci` in the project folder")
    if args.url:
        result = measure(args.url.rstrip("/"), args.runs, server=args.url)
    else:
        with production_site.running(reuse=args.reuse) as base:
            result = measure(base, args.runs, server="gunicorn, config.settings.production (DEBUG off, "
                                                     "whitenoise), SQLite, page cache on, demo content")
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for name in (f"lighthouse-{stamp}", "lighthouse-latest"):
        (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2))
        (RESULTS / f"{name}.md").write_text(markdown(result))
    print(markdown(result))
    sys.exit(0 if result["met"] else 1)


if __name__ == "__main__":
    main()
