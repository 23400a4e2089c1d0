"""Issue 12's proof: a campaign spike. Readers at 32 connections, alone and then while 8 buyers
loop through add to cart, checkout and paying, with every Stripe request 1 s slow.

What it does (bench/README.md, "Campaign spike", says why each choice):
1. prepares a production-like site in var/bench-spike/ with make bench's own preparation
   (bench/run.py: production settings, demo content, collected static files, the search
   documents), PostgreSQL when --database-url / DATABASE_URL is given (a throwaway one!), else
   SQLite; then raises the stock of the demo's products in this copy of the database only, so
   that a minute of buying cannot empty a shelf;
2. starts the Stripe emulator (localstripe, scripts/stripe_emulator.py, with its webhook registered
   as `make run` registers it) behind a small asyncio proxy of this script that holds every request
   1 s before passing it on; the site talks to Stripe only through the proxy (STRIPE_API_BASE);
3. starts gunicorn (2 workers x 4 threads, gthread, the page cache on) and the task queue's worker
   (`manage.py tasks_worker`, the database backend) pinned to the first CPU; the load generator,
   the proxy and the emulator run on the other;
4. (a) readers alone for --seconds; (b) the same readers while 8 buyers loop: product page, add to
   cart, checkout form, shipping quote, place the order (pickup or a courier), pay page, prepare
   the payment (the site creates the PaymentIntent: 1 s at Stripe), confirm the card at the emulator
   as Stripe.js would (1 s), and wait until the webhook, handled by the worker, has marked it paid;
5. waits for the task queue to empty, checks stock + reserved + sold per product against the start,
   and writes bench/results/spike-<time>.json and .md (and spike-latest.*).

    .venv/bin/python bench/campaign_spike.py [--seconds 60] [--database-url postgres://...] [--reuse]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as make_bench  # noqa: E402 - bench/run.py: make bench's preparation and server

ROOT = make_bench.ROOT
WORK = ROOT / "var" / "bench-spike"
# Every function of run.py that names its folder reads this module global: the spike's site lives
# apart from make bench's var/bench/, so neither run undoes the other.
make_bench.WORK = WORK
PYTHON = sys.executable
STRIPE_DELAY_SECONDS = 1.0
WEBHOOK_SECRET = "whsec_bench_spike"
READERS = 32
BUYERS = 8
# The share of readers' requests made with a cart in the session (never served by the page cache).
UNCACHED_SHARE = 0.25
STOCK_FOR_THE_BENCH = 100_000
PAID_WAIT_SECONDS = 30
# How often a waiting buyer's page asks again whether the order is paid (as a page refreshing each second).
PAID_POLL_SECONDS = 1.0
TARGETS = {"readers (b) / (a)": 0.7, "5xx": 0}


# --- Inside the site's Django (a subprocess with the site's environment) ------------------------

def inside(mode: str, out: Path) -> None:
    import django

    django.setup()
    from django.db.models import Q, Sum

    from marketplace.models import Product, ProductSize
    from marketplace.orders.models import OrderLine, StockState
    from tourism.models import DestinationPage

    buyable = Product.objects.public().filter(~Q(pk__in=ProductSize.objects.values("product_id"))).order_by("pk")
    if mode == "setup":
        # Only in the bench's own copy: a minute of 8 buyers must not empty a shelf.
        raised = Product.objects.filter(pk__in=buyable.values("pk")).update(stock=STOCK_FOR_THE_BENCH)
        destinations = DestinationPage.objects.live().filter(locale__language_code="id").order_by("path")[:6]
        products = list(buyable.select_related("shop")[:12])
        out.write_text(json.dumps({
            "raised_stock_of": raised,
            "pages": ["/id/", "/en/", *[page.url for page in destinations],
                      *[f"/id/kampung-sasirangan/produk/{product.slug}/" for product in products],
                      "/id/kampung-sasirangan/", "/id/kampung-sasirangan/?price_max=300000"],
            "products": [{"id": product.pk, "path": f"/id/kampung-sasirangan/produk/{product.slug}/"}
                         for product in products],
        }))
        return
    # mode == "ledger": per product, stock + reserved + sold (released and returned units are in stock).
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    def units(state):
        return dict(OrderLine.objects.filter(stock_state=state).values("product_id")
                    .annotate(units=Sum("quantity")).values_list("product_id", "units"))

    reserved, sold = units(StockState.RESERVED), units(StockState.CONSUMED)
    ledger = {str(pk): {"stock": stock, "reserved": reserved.get(pk, 0), "sold": sold.get(pk, 0)}
              for pk, stock in buyable.values_list("pk", "stock")}
    tasks = dict(DBTaskResult.objects.values("status").annotate(n=Count("id")).values_list("status", "n"))
    tasks["READY and due"] = DBTaskResult.objects.ready().count()
    by_path = dict(DBTaskResult.objects.values("task_path").annotate(n=Count("id")).values_list("task_path", "n"))
    out.write_text(json.dumps({"ledger": ledger, "tasks": tasks, "by_path": by_path}))


def inside_run(env: dict, mode: str) -> dict:
    out = WORK / f"{mode}.json"
    make_bench.run([PYTHON, __file__, "--inside", mode, str(out)], env)
    return json.loads(out.read_text())


# --- A keep-alive HTTP/1.1 client with cookies (asyncio) ---------------------------------------

class Browser:
    """One connection and one cookie jar: a phone. `cookies=False`: a first visit every time."""

    def __init__(self, host: str, port: int, *, cookies: bool = True):
        self.host, self.port, self.keep_cookies = host, port, cookies
        self.jar: dict[str, str] = {}
        self.reader = self.writer = None

    async def request(self, method: str, path: str, *, body: bytes = b"", headers: dict | None = None):
        for attempt in range(2):  # a keep-alive connection the server closed meanwhile: once more
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            try:
                return await self._exchange(method, path, body, headers or {})
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    async def _exchange(self, method, path, body, headers):
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}", "User-Agent: gebrak-spike"]
        if self.jar:
            lines.append("Cookie: " + "; ".join(f"{name}={value}" for name, value in self.jar.items()))
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        lines += [f"{name}: {value}" for name, value in headers.items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionResetError("closed")
        status = int(status_line.split()[1])
        response_headers: dict[str, str] = {}
        length, close = 0, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie" and self.keep_cookies:
                for morsel in SimpleCookie(value).values():
                    self.jar[morsel.key] = morsel.value
            elif name == "content-length":
                length = int(value)
            elif name == "connection" and value.lower() == "close":
                close = True
            response_headers.setdefault(name, value)
        content = await self.reader.readexactly(length)
        if close:
            self.close()
        return status, response_headers, content

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def form_value(html: bytes, name: str) -> str:
    found = re.search(rb'name="%s"[^>]*value="([^"]*)"' % re.escape(name.encode()), html) or \
        re.search(rb'value="([^"]*)"[^>]*name="%s"' % re.escape(name.encode()), html)
    if not found:
        raise LookupError(f"no {name} in the page")
    return found.group(1).decode()


# --- Stripe, 1 s away --------------------------------------------------------------------------

async def delaying_proxy(listen_port: int, target_port: int, delay: float, counter: dict):
    """Every HTTP request to Stripe (the emulator) waits `delay` s before it is passed on; answers flow back
    at once. Requests are told apart by their Content-Length (stripe-python sends no chunked bodies)."""

    async def pipe_back(upstream: asyncio.StreamReader, client: asyncio.StreamWriter):
        try:
            while data := await upstream.read(65536):
                client.write(data)
                await client.drain()
        except ConnectionError:
            pass
        finally:
            client.close()

    async def handle(client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter):
        upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", target_port)
        back = asyncio.create_task(pipe_back(upstream_reader, client_writer))
        try:
            while head := await client_reader.readuntil(b"\r\n\r\n"):
                found = re.search(rb"(?im)^content-length:\s*(\d+)", head)
                body = await client_reader.readexactly(int(found.group(1))) if found else b""
                counter["requests"] = counter.get("requests", 0) + 1
                await asyncio.sleep(delay)
                upstream_writer.write(head + body)
                await upstream_writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass  # the client went away, or the proxy is closing at the end of the run
        finally:
            upstream_writer.close()
            back.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await back

    return await asyncio.start_server(handle, "127.0.0.1", listen_port)


def emulator_start(port: int, site: str, env: dict, cpu: str) -> subprocess.Popen:
    log = open(WORK / "localstripe.log", "w")  # noqa: SIM115 - lives as long as the process
    process = subprocess.Popen(
        ["taskset", "-c", cpu, PYTHON, str(ROOT / "scripts" / "stripe_emulator.py"), "--port", str(port),
         "--state", str(WORK / "localstripe" / "state.pickle"), "--from-scratch"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 30
    while True:
        try:
            data = urllib.parse.urlencode({"url": f"{site}/payments/stripe/webhook/", "secret": WEBHOOK_SECRET})
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_config/webhooks/gebrak", data=data.encode(), timeout=5)
            return process
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"localstripe did not start; see {log.name}") from None
            time.sleep(0.3)


# --- The load ----------------------------------------------------------------------------------

class Tally:
    def __init__(self):
        self.requests = 0
        self.hits = self.misses = 0
        self.server_errors: list[str] = []
        self.failures: list[str] = []
        self.steps: dict[str, list[float]] = {}
        self.orders = 0
        self.reads: dict[str, list[float]] = {"anonymous": [], "with a cart": []}

    def seen(self, what: str, status: int, headers: dict) -> None:
        if status >= 500:
            self.server_errors.append(f"{status} {what}")
        cache = headers.get("x-page-cache")
        self.hits += cache == "hit"
        self.misses += cache == "miss"


async def reader(browser: Browser, anonymous: Browser, pages: list[str], deadline: float, tally: Tally, seed: int):
    rng = random.Random(seed)
    while time.monotonic() < deadline:
        path = rng.choice(pages)
        kind = "with a cart" if rng.random() < UNCACHED_SHARE else "anonymous"
        started = time.perf_counter()
        try:
            status, headers, _ = await (browser if kind == "with a cart" else anonymous).request("GET", path)
        except (OSError, asyncio.IncompleteReadError) as error:
            tally.failures.append(f"reader {path}: {error!r}")
            await asyncio.sleep(0.1)
            continue
        tally.requests += 1
        tally.reads[kind].append(time.perf_counter() - started)
        tally.seen(f"GET {path}", status, headers)


async def cart_session(host: str, port: int, product: dict) -> Browser:
    """A reader with a cart: product page (CSRF cookie and token), then add to cart (the session)."""
    browser = Browser(host, port)
    _, _, page = await browser.request("GET", product["path"])
    await post_form(browser, "/id/kampung-sasirangan/keranjang/tambah/", {
        "csrfmiddlewaretoken": form_value(page, "csrfmiddlewaretoken"), "product": product["id"], "quantity": 1})
    if "sessionid" not in browser.jar:
        raise SystemExit("adding to the cart gave no session")
    return browser


async def post_form(browser: Browser, path: str, data: dict, headers: dict | None = None):
    return await browser.request("POST", path, body=urllib.parse.urlencode(data).encode(), headers={
        "Content-Type": "application/x-www-form-urlencoded", **(headers or {})})


class StepFailed(Exception):
    pass


async def buyer(number: int, host: str, port: int, stripe: Browser, products: list[dict], deadline: float,
                tally: Tally):
    rng = random.Random(1000 + number)
    iteration = 0
    while time.monotonic() < deadline:
        iteration += 1
        browser = Browser(host, port)  # a new phone each time: no cookies yet
        product = rng.choice(products)

        async def step(name, method, path, *, expect, form=None, body=b"", headers=None, browser=browser):
            started = time.perf_counter()
            if form is not None:
                status, response_headers, content = await post_form(browser, path, form, headers)
            else:
                status, response_headers, content = await browser.request(method, path, body=body,
                                                                          headers=headers)
            tally.steps.setdefault(name, []).append(time.perf_counter() - started)
            tally.seen(f"{method} {path} ({name})", status, response_headers)
            if status != expect:
                raise StepFailed(f"{name}: {status} {content[:300]!r}")
            return response_headers, content

        try:
            _, page = await step("product page", "GET", product["path"], expect=200)
            csrf = form_value(page, "csrfmiddlewaretoken")
            await step("add to cart", "POST", "/id/kampung-sasirangan/keranjang/tambah/", expect=302,
                       form={"csrfmiddlewaretoken": csrf, "product": product["id"], "quantity": 1})
            _, page = await step("checkout form", "GET", "/id/kampung-sasirangan/checkout/", expect=200)
            form = {"csrfmiddlewaretoken": form_value(page, "csrfmiddlewaretoken"),
                    "checkout_key": form_value(page, "checkout_key"),
                    "name": f"Pembeli {number}", "email": f"pembeli{number}@contoh.id", "phone": "0812-3456-7890",
                    "country": "ID", "province": "Kalimantan Selatan", "regency": "Kota Banjarmasin",
                    "district": "Banjarmasin Tengah", "postal_code": "70111", "street": f"Jl. Lambung Mangkurat {iteration}"}
            _, page = await step("shipping quote", "POST", "/id/kampung-sasirangan/checkout/", expect=200,
                                 form={**form, "action": "quote"})
            # Half the buyers pick up at the workshop (where the shop offers it), half take a courier.
            choices: dict[str, list[tuple[str, bool]]] = {}
            for radio in re.finditer(rb"<input[^>]*type=\"radio\"[^>]*>", page):
                tag = radio.group(0).decode()
                name = re.search(r'name="(shipping-[^"]+)"', tag)
                value = re.search(r'value="([^"]+)"', tag)
                if name and value:
                    choices.setdefault(name.group(1), []).append((value.group(1), " checked" in tag))
            for field, offered in choices.items():
                pickup = [value for value, _ in offered if "pickup" in value or "ambil" in value]
                checked = [value for value, is_checked in offered if is_checked] or [offered[0][0]]
                form[field] = pickup[0] if pickup and number % 2 == 0 else checked[0]
            headers, _ = await step("place order", "POST", "/id/kampung-sasirangan/checkout/", expect=302, form=form)
            pay_path = urllib.parse.urlsplit(headers["location"]).path
            _, page = await step("pay page", "GET", pay_path, expect=200)
            config = json.loads(re.search(rb'id="ko-payments"[^>]*>(.*?)</script>', page, re.S).group(1))
            _, answer = await step("prepare payment (Stripe 1 s)", "POST", config["prepareUrl"], expect=200,
                                   body=b'{"method": "card"}',
                                   headers={"Content-Type": "application/json",
                                            "X-CSRFToken": browser.jar.get("csrftoken", "")})
            intent = json.loads(answer)["client_secret"].split("_secret_")[0]
            started = time.perf_counter()
            await stripe_card_confirm(stripe, intent)
            tally.steps.setdefault("confirm card at Stripe (1 s)", []).append(time.perf_counter() - started)
            started = time.perf_counter()
            while True:  # the pay page turns into the order's page once the webhook marked it paid
                status, response_headers, _ = await browser.request("GET", pay_path)
                tally.seen(f"GET {pay_path} (waiting for paid)", status, response_headers)
                if status == 302:
                    break
                if time.perf_counter() - started > PAID_WAIT_SECONDS:
                    raise StepFailed(f"not paid after {PAID_WAIT_SECONDS} s")
                await asyncio.sleep(PAID_POLL_SECONDS)
            tally.steps.setdefault("until paid (webhook + worker)", []).append(time.perf_counter() - started)
            tally.orders += 1
        except (StepFailed, LookupError, KeyError, AttributeError, ValueError, OSError,
                asyncio.IncompleteReadError) as error:
            tally.failures.append(f"buyer {number}: {error!r}"[:400])
            await asyncio.sleep(0.5)
        finally:
            browser.close()


async def stripe_card_confirm(stripe: Browser, intent: str) -> None:
    """What Stripe.js's confirmCardPayment does, the way localstripe takes it (a card, attached, then
    confirmed: stripe_client.payment_intent_confirm_with); only the confirmation pays the 1 s, as
    Stripe.js makes one request. `stripe` is a connection to the emulator itself."""
    auth = {"Authorization": "Bearer sk_test_localstripe", "Content-Type": "application/x-www-form-urlencoded"}
    card = urllib.parse.urlencode({"type": "card", "card[number]": "4242424242424242", "card[exp_month]": "12",
                                   "card[exp_year]": "2031", "card[cvc]": "123"}).encode()
    status, _, method = await stripe.request("POST", "/v1/payment_methods", body=card, headers=auth)
    assert status == 200, method
    status, _, content = await stripe.request(
        "POST", f"/v1/payment_intents/{intent}",
        body=urllib.parse.urlencode({"payment_method": json.loads(method)["id"]}).encode(), headers=auth)
    if status != 200:
        raise StepFailed(f"Stripe update {status} {content[:200]!r}")
    await asyncio.sleep(STRIPE_DELAY_SECONDS)
    status, _, content = await stripe.request("POST", f"/v1/payment_intents/{intent}/confirm", headers=auth)
    if status != 200 or json.loads(content).get("status") != "succeeded":
        raise StepFailed(f"Stripe confirm {status} {content[:200]!r}")


async def phase(server_port: int, pages: list[str], products: list[dict], seconds: float, *,
                buyers: int, emulator_port: int) -> dict:
    host = "127.0.0.1"
    carts = [await cart_session(host, server_port, products[index % len(products)]) for index in range(READERS)]
    anonymous = [Browser(host, server_port, cookies=False) for _ in range(READERS)]
    stripe_connections = [Browser(host, emulator_port) for _ in range(buyers)]
    tally = Tally()
    started = time.monotonic()
    deadline = started + seconds
    readers = [asyncio.create_task(reader(carts[index], anonymous[index], pages, deadline, tally, index))
               for index in range(READERS)]
    buying = [asyncio.create_task(buyer(index, host, server_port, stripe_connections[index], products, deadline,
                                        tally)) for index in range(buyers)]
    await asyncio.gather(*readers)
    readers_seconds = time.monotonic() - started
    await asyncio.gather(*buying)
    for browser in (*carts, *anonymous, *stripe_connections):
        browser.close()
    cacheable = tally.hits + tally.misses
    return {
        "seconds": round(readers_seconds, 1), "reader_requests": tally.requests,
        "readers_rps": round(tally.requests / readers_seconds, 1),
        "page_cache_hits": tally.hits, "page_cache_misses": tally.misses,
        "page_cache_hit_ratio": round(tally.hits / cacheable, 3) if cacheable else None,
        "server_errors": len(tally.server_errors), "server_error_list": sorted(set(tally.server_errors))[:30],
        "completed_orders": tally.orders, "failures": len(tally.failures), "failure_list": tally.failures[:30],
        "readers": {kind: {"rps": round(len(times) / readers_seconds, 1), **percentiles(times)}
                    for kind, times in tally.reads.items() if times},
        "buyer_steps": {name: percentiles(times) for name, times in tally.steps.items()},
    }


def percentiles(times: list[float]) -> dict:
    ordered = sorted(times)
    return {"count": len(ordered), "p50_ms": round(statistics.median(ordered) * 1000),
            "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000)}


def cpu_seconds(root_pid: int) -> float:
    """User + system CPU of a process and all its descendants (gunicorn's workers), from /proc."""
    children: dict[int, list[int]] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = (Path("/proc") / entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # it ended while we looked
        children.setdefault(int(fields[1]), []).append(int(entry))
        times[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
    total, todo = 0.0, [root_pid]
    while todo:
        pid = todo.pop()
        total += times.get(pid, 0.0)
        todo += children.get(pid, [])
    return total


class CpuMeter:
    """Where the server's CPU went during a phase: the web server, and the task worker."""

    def __init__(self, processes: dict[str, int]):
        self.processes = processes

    def start(self) -> dict:
        return {name: cpu_seconds(pid) for name, pid in self.processes.items()}

    def since(self, started: dict) -> dict:
        return {name: round(cpu_seconds(pid) - started[name], 1) for name, pid in self.processes.items()}


async def scenarios(args, server: make_bench.Server, site: dict, emulator_port: int, proxy_port: int,
                    cpu: CpuMeter) -> dict:
    counter: dict = {}
    proxy = await delaying_proxy(proxy_port, emulator_port, STRIPE_DELAY_SECONDS, counter)
    try:
        # Warm-up: every page once anonymously (stored in the page cache), then a few seconds of reading.
        await phase(server.port, site["pages"], site["products"], 5, buyers=0, emulator_port=emulator_port)
        started = cpu.start()
        alone = await phase(server.port, site["pages"], site["products"], args.seconds, buyers=0,
                            emulator_port=emulator_port)
        alone["cpu_seconds"] = cpu.since(started)
        print(f"(a) readers alone: {alone['readers_rps']} req/s", flush=True)
        started = cpu.start()
        spike = await phase(server.port, site["pages"], site["products"], args.seconds, buyers=BUYERS,
                            emulator_port=emulator_port)
        spike["cpu_seconds"] = cpu.since(started)
        print(f"(b) readers with buyers: {spike['readers_rps']} req/s, {spike['completed_orders']} orders", flush=True)
    finally:
        proxy.close()
    return {"readers alone": alone, "readers and buyers": spike, "stripe_requests_through_proxy": counter.get("requests", 0)}


# --- Report -------------------------------------------------------------------------------------

def markdown(report: dict) -> str:
    alone, spike = report["phases"]["readers alone"], report["phases"]["readers and buyers"]
    lines = [f"# Campaign spike {report['started']}", "",
             f"Database: {report['database']}. Server: gunicorn 2 workers x 4 threads (gthread) and the task worker on "
             f"CPU {report['server_cpu']}; readers ({READERS} connections, {int(UNCACHED_SHARE * 100)} % of requests "
             f"with a cart session), {BUYERS} buyers, the Stripe proxy (+{STRIPE_DELAY_SECONDS:.0f} s a request) and "
             f"localstripe on CPU {report['load_cpu']}; {report['seconds']} s a phase. Load before: "
             f"{report['load_before']}; after: {report['load_after']}.", "",
             "| phase | readers req/s | page cache hits | hit ratio | 5xx | orders paid | buyer failures |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for name, row in report["phases"].items():
        lines.append(f"| {name} | {row['readers_rps']} | {row['page_cache_hits']} | {row['page_cache_hit_ratio']} | "
                     f"{row['server_errors']} | {row['completed_orders']} | {row['failures']} |")
    lines += ["", "| phase | CPU s, gunicorn | CPU s, task worker |", "|---|---:|---:|"]
    for name, row in report["phases"].items():
        used = row.get("cpu_seconds", {})
        lines.append(f"| {name} | {used.get('gunicorn', '')} | {used.get('task worker', '')} |")
    lines += ["", "| readers' requests | phase | req/s | p50 ms | p95 ms |", "|---|---|---:|---:|---:|"]
    for name, row in report["phases"].items():
        for kind, figures in row.get("readers", {}).items():
            lines.append(f"| {kind} | {name} | {figures['rps']} | {figures['p50_ms']} | {figures['p95_ms']} |")
    lines += ["", "| buyer step | count | p50 ms | p95 ms |", "|---|---:|---:|---:|"]
    for name, row in spike["buyer_steps"].items():
        lines.append(f"| {name} | {row['count']} | {row['p50_ms']} | {row['p95_ms']} |")
    ratio = spike["readers_rps"] / alone["readers_rps"] if alone["readers_rps"] else 0
    errors = alone["server_errors"] + spike["server_errors"]
    lines += ["", "| target | value | wanted | met |", "|---|---:|---|---|",
              f"| readers' requests/s, (b) / (a) | {ratio:.2f} | >= {TARGETS['readers (b) / (a)']}x | "
              f"{'yes' if ratio >= TARGETS['readers (b) / (a)'] else 'NO'} |",
              f"| 5xx answers | {errors} | 0 | {'yes' if errors == 0 else 'NO'} |",
              f"| stock + reserved + sold constant ({report['ledger']['products_bought']} products bought, "
              f"{report['ledger']['units_start']} units) | {report['ledger']['units_end']} | "
              f"{report['ledger']['units_start']} | {'yes' if report['ledger']['constant'] else 'NO'} |"]
    listed = [*alone["server_error_list"], *spike["server_error_list"]]
    if listed:
        lines += ["", "5xx answers:", *[f"- {line}" for line in listed]]
    if spike["failure_list"]:
        lines += ["", "Buyers' failures (first ones):", *[f"- {line}" for line in spike["failure_list"][:10]]]
    lines += ["", f"Task queue at the end: {report['tasks_end']}",
              f"Tasks made during the run: {report['tasks_made_during_the_run']}"]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""),
                        help="a throwaway PostgreSQL database (it is emptied and filled); else SQLite")
    parser.add_argument("--documents", type=int, default=10_000, help="generated search documents, as make bench")
    parser.add_argument("--reuse", action="store_true", help="keep var/bench-spike/ from the last run")
    parser.add_argument("--inside", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:
        inside(args.inside[0], Path(args.inside[1]))
        return
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    cpus = sorted(os.sched_getaffinity(0))
    server_cpu, load_cpu = (str(cpus[0]), str(cpus[1])) if len(cpus) > 1 else (str(cpus[0]), str(cpus[0]))
    started = datetime.now(UTC)
    env = make_bench.base_env()
    if args.reuse and (WORK / "targets.json").exists():
        env["SECRET_KEY"] = (WORK / "secret").read_text()
        make_bench.migrate_kept(env)
    else:
        make_bench.prepare(env, args.documents)
        (WORK / "secret").write_text(env["SECRET_KEY"])
    emulator_port, proxy_port = make_bench.free_port(), make_bench.free_port()
    env.update({"PAGE_CACHE_DIR": str(WORK / "page-cache"), "PAGE_CACHE_SECONDS": "300",
                "STRIPE_SECRET_KEY": "sk_test_localstripe", "STRIPE_PUBLISHABLE_KEY": "pk_test_localstripe",
                "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET, "STRIPE_API_BASE": f"http://127.0.0.1:{proxy_port}"})
    site = inside_run(env, "setup")
    start = inside_run(env, "ledger")
    ledger_start = start["ledger"]
    subprocess.run(["rm", "-rf", str(WORK / "page-cache"), str(WORK / "localstripe")], check=True)
    load_before = os.getloadavg()
    server = make_bench.Server("spike", env, cpu=server_cpu, workers=2, threads=4)
    worker_log = open(WORK / "worker.log", "w")  # noqa: SIM115 - closed below
    worker = subprocess.Popen(["taskset", "-c", server_cpu, PYTHON, "manage.py", "tasks_worker", "--no-reload"],
                              cwd=ROOT, env=env, stdout=worker_log, stderr=subprocess.STDOUT, start_new_session=True)
    emulator = None
    try:
        server.wait()
        emulator = emulator_start(emulator_port, server.url, env, load_cpu)
        os.sched_setaffinity(0, {int(load_cpu)})
        cpu = CpuMeter({"gunicorn": server.process.pid, "task worker": worker.pid})
        phases = asyncio.run(scenarios(args, server, site, emulator_port, proxy_port, cpu))
        load_after = os.getloadavg()
        # What the buyers left to the worker (emails, indexing, webhooks) is done before the count.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            tasks = inside_run(env, "ledger")["tasks"]
            if not tasks["READY and due"] and not tasks.get("RUNNING"):
                break
            time.sleep(2)
    finally:
        server.stop()
        for process in (worker, emulator):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, 15)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, 9)
        worker_log.close()
    end = inside_run(env, "ledger")
    bought = [pk for pk in ledger_start if ledger_start[pk]["reserved"] + ledger_start[pk]["sold"]
              != end["ledger"][pk]["reserved"] + end["ledger"][pk]["sold"]]

    def units(ledger, pks):
        return sum(ledger[pk]["stock"] + ledger[pk]["reserved"] + ledger[pk]["sold"] for pk in pks)

    report = {
        "started": started.isoformat(timespec="seconds"), "database": env["DATABASE_URL"].split(":", 1)[0],
        "seconds": args.seconds, "server_cpu": server_cpu, "load_cpu": load_cpu,
        "load_before": " ".join(f"{value:.2f}" for value in load_before),
        "load_after": " ".join(f"{value:.2f}" for value in load_after),
        "phases": {name: phases[name] for name in ("readers alone", "readers and buyers")},
        "stripe_requests_through_proxy": phases["stripe_requests_through_proxy"],
        "ledger": {"products_bought": len(bought), "units_start": units(ledger_start, bought),
                   "units_end": units(end["ledger"], bought),
                   "constant": units(ledger_start, list(ledger_start)) == units(end["ledger"], list(ledger_start)),
                   "per_product_end": {pk: end["ledger"][pk] for pk in bought}},
        "tasks_end": end["tasks"],
        "tasks_made_during_the_run": {path: count - start["by_path"].get(path, 0)
                                      for path, count in sorted(end["by_path"].items())
                                      if count != start["by_path"].get(path, 0)},
    }
    make_bench.RESULTS.mkdir(exist_ok=True)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    text = markdown(report)
    for name in (f"spike-{stamp}-{report['database']}", f"spike-latest-{report['database']}"):
        (make_bench.RESULTS / f"{name}.json").write_text(json.dumps(report, indent=1) + "\n")
        (make_bench.RESULTS / f"{name}.md").write_text(text)
    print()
    print(text)


if __name__ == "__main__":
    main()
