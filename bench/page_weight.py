"""Page weight of the home, a destination and a product page on a production-like server
(bench/production_site.py: whitenoise's compressed static files, the full demo), first visit
(empty cache) on a 375 px wide phone screen, measured in Debian's chromium through Playwright.

Budget: <= 500 KB transferred. Bytes are what chromium received (DevTools' encodedDataLength:
headers and body as sent), for everything the page loads by itself until the network is
quiet; pictures further down are lazy and not part of a first view. Measured at pixel
densities 1, 2 and 3 (srcset picks bigger pictures on denser screens); the budget is checked
at 2, a common phone. OpenStreetMap's tiles are blocked (no network here) and listed.

    .venv/bin/python bench/page_weight.py [--reuse] [--url http://127.0.0.1:8000]

tests/e2e/test_page_weight.py checks the same budget in the test suite, on the live server.
Writes bench/results/page-weight-<time>.json and .md (and page-weight-latest.*).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import production_site  # noqa: E402

RESULTS = production_site.ROOT / "bench" / "results"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
BUDGET_KB = 500
DENSITIES = [1, 2, 3]
CHECKED_DENSITY = 2


def first_load(browser, url: str, density: float) -> dict:
    context = browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=density,
                                  is_mobile=True, has_touch=True, locale="id-ID")
    blocked: list[str] = []

    def route(request_route):
        if urlsplit(request_route.request.url).hostname in {"127.0.0.1", "localhost"}:
            request_route.continue_()
        else:
            blocked.append(request_route.request.url)
            request_route.abort("blockedbyclient")

    context.route("**/*", route)
    page = context.new_page()
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    responses: dict[str, tuple[str, str, str]] = {}
    received: list[tuple[int, str, str, str]] = []
    session.on("Network.responseReceived", lambda event: responses.__setitem__(
        event["requestId"], (event["type"].lower(), event["response"]["url"],
                             event["response"]["headers"].get("content-encoding", "")
                             or event["response"]["headers"].get("Content-Encoding", ""))))
    session.on("Network.loadingFinished", lambda event: received.append(
        (int(event["encodedDataLength"]), *responses.get(event["requestId"], ("other", "?", "")))))
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    context.close()
    by_type: dict[str, int] = defaultdict(int)
    for size, kind, _, _ in received:
        by_type[kind] += size
    largest = sorted(received, reverse=True)[:8]
    return {
        "total_kb": round(sum(size for size, *_ in received) / 1024, 1),
        "requests": len(received),
        "by_type_kb": {kind: round(size / 1024, 1) for kind, size in sorted(by_type.items())},
        "largest": [{"kb": round(size / 1024, 1), "url": urlsplit(address).path, "encoding": encoding}
                    for size, _, address, encoding in largest],
        "blocked_outside": len(blocked),
    }


def measure(base: str, server: str) -> dict:
    from playwright.sync_api import sync_playwright

    pages = {}
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, path in production_site.PAGES.items():
            pages[name] = {"url": path, **{f"dpr{density}": first_load(browser, base + path, density)
                                           for density in DENSITIES}}
            print(name, {key: value["total_kb"] for key, value in pages[name].items() if key.startswith("dpr")},
                  flush=True)
        browser.close()
    checked = f"dpr{CHECKED_DENSITY}"
    return {"when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "server": server, "viewport": "375x812",
            "budget_kb": BUDGET_KB, "checked_at": checked, "pages": pages,
            "met": all(page[checked]["total_kb"] <= BUDGET_KB for page in pages.values())}


def markdown(result: dict) -> str:
    lines = [f"# Page weight, first visit at 375 px, {result['when']}", "", f"Server: {result['server']}.", "",
             "| page | 1x | 2x (budget) | 3x | requests (2x) |", "|---|---|---|---|---|"]
    for name, page in result["pages"].items():
        checked = page[result["checked_at"]]
        mark = "" if checked["total_kb"] <= result["budget_kb"] else " ✗"
        lines.append(f"| {name} | {page['dpr1']['total_kb']} KB | {checked['total_kb']} KB{mark} | "
                     f"{page['dpr3']['total_kb']} KB | {checked['requests']} |")
    lines += ["", f"Budget: <= {result['budget_kb']} KB at 2x.", ""]
    for name, page in result["pages"].items():
        checked = page[result["checked_at"]]
        lines.append(f"- {name} ({page['url']}) at 2x, by type: "
                     + ", ".join(f"{kind} {size} KB" for kind, size in checked["by_type_kb"].items()))
        lines += [f"  - {item['kb']} KB {item['url']} {item['encoding']}".rstrip() for item in checked["largest"][:5]]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reuse", action="store_true", help="keep var/browser-bench/ if it is prepared")
    parser.add_argument("--url", help="measure this running site instead of preparing one (it needs the demo)")
    args = parser.parse_args()
    if args.url:
        result = measure(args.url.rstrip("/"), server=args.url)
    else:
        with production_site.running(reuse=args.reuse) as base:
            result = measure(base, server="gunicorn, config.settings.production (DEBUG off, whitenoise "
                                          "compressed static files), page cache on, demo content")
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for name in (f"page-weight-{stamp}", "page-weight-latest"):
        (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2))
        (RESULTS / f"{name}.md").write_text(markdown(result))
    print(markdown(result))
    sys.exit(0 if result["met"] else 1)


if __name__ == "__main__":
    main()
