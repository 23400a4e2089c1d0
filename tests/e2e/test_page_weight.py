"""Page weight: the home, a destination and a product page, first visit (empty cache) on a
375 px phone screen at twice its pixel density, each <= 500 KB transferred.

Bytes are counted as chromium received them (DevTools' encodedDataLength: headers and body
as sent, compressed or not), for everything the page loads by itself before the network goes
quiet: HTML, CSS, fonts, scripts, the pictures of the first screen (the rest are lazy), and
Stripe or map resources if any. OpenStreetMap's tiles are the only outside requests; they are
blocked here (no network), and would add about 4 x 20 KB on a real phone.

The live server sends CSS and JavaScript uncompressed; production (whitenoise) sends them
compressed, so these figures are an upper bound. bench/page_weight.py measures the
production-like server.
"""

import json
from collections import defaultdict

from tests.e2e.conftest import E2E_DB, SCREENSHOTS

pytestmark = E2E_DB

BUDGET = 500 * 1024
PHONE_375 = {"viewport": {"width": 375, "height": 812}, "device_scale_factor": 2, "is_mobile": True,
             "has_touch": True}


def first_load_bytes(journey, url: str) -> dict:
    """Bytes received for a first visit to `url`, by resource type."""
    page = journey.page
    session = journey.context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.setCacheDisabled", {"cacheDisabled": True})
    types: dict[str, str] = {}
    received: dict[str, int] = defaultdict(int)

    def on_response(event):
        types[event["requestId"]] = event["type"].lower()

    def on_finished(event):
        received[types.get(event["requestId"], "other")] += int(event["encodedDataLength"])

    session.on("Network.responseReceived", on_response)
    session.on("Network.loadingFinished", on_finished)
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    session.detach()
    return {"total": sum(received.values()), **dict(sorted(received.items()))}


def test_home_destination_and_product_weigh_at_most_500_kb(site, journey_factory):
    product = site.content.products_of("sasirangan-galuh-banjar")[0]
    pages = {
        "home": "/id/",
        "destination": "/id/destinasi/pasar-intan-cbs-martapura/",
        "product": f"/id/kampung-sasirangan/produk/{product['slug']}/",
    }
    weights = {}
    for name, path in pages.items():
        visitor = journey_factory(name, locale="id-ID", **PHONE_375)  # a fresh browser: empty cache
        weights[name] = first_load_bytes(visitor, f"{site.url}{path}")
        visitor.shot(name, full_page=False)
        assert visitor.errors == [] and visitor.failed_responses == []

    report = {name: {kind: round(size / 1024, 1) for kind, size in sizes.items()} for name, sizes in weights.items()}
    SCREENSHOTS.mkdir(exist_ok=True)
    (SCREENSHOTS / "page-weight.json").write_text(json.dumps(report, indent=2))
    print("page weight, KB:", json.dumps(report))
    heavy = {name: report[name] for name, sizes in weights.items() if sizes["total"] > BUDGET}
    assert not heavy, f"over {BUDGET // 1024} KB: {heavy}"
