"""axe-core (npm, injected into each page) finds no serious or critical violation on the pages a
tourist and an artisan use: home, destination, search, product, cart, checkout, payment, an order's
status, and the shop dashboard (its earnings, an order, the profile). On a phone, where most
visitors are."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from marketplace.models import Product
from marketplace.orders import fulfilment
from tests.conftest import require_service
from tests.e2e.conftest import E2E_DB
from tests.e2e.content import PASSWORD
from tests.e2e.steps import checkout_fill
from tests.marketplace.orders import factories as orders

pytestmark = E2E_DB

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}
# localstripe's stand-in for Stripe's card element: unlabelled inputs that exist only in the
# emulator (with Stripe, the card fields are Stripe's own accessible iframe).
EMULATOR_ONLY = ["#ko-card-element"]


def axe_violations(page, *, exclude: list[str] | None = None) -> list[dict]:
    # The page as page.goto leaves it: after a click the new page (its styles, the rest of it) may still be loading.
    page.wait_for_load_state()
    page.add_script_tag(path=str(AXE))
    context = {"exclude": [[selector] for selector in exclude]} if exclude else None
    return page.evaluate(
        """async (context) => {
            const results = await axe.run(context || document, {resultTypes: ["violations"]});
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(" ") + " :: " + n.failureSummary.split("\\n")[1]),
            }));
        }""", context)


def describe(found: dict[str, list[dict]]) -> str:
    lines = []
    for name, violations in found.items():
        for violation in violations:
            lines.append(f"{name}: [{violation['impact']}] {violation['id']} ({violation['help']})")
            lines += [f"    {node}" for node in violation["nodes"][:5]]
    return "\n".join(lines)


@pytest.fixture
def audit(journey_factory):
    require_service(AXE.exists(), "axe-core", "it is in package.json: run `npm ci`")
    # axe is injected as an inline script, which the site's Content-Security-Policy rightly forbids.
    auditor = journey_factory(locale="en-GB", bypass_csp=True)
    found: dict[str, list[dict]] = {}

    def check(name: str, *, exclude: list[str] | None = None) -> None:
        auditor.shot(name)
        violations = axe_violations(auditor.page, exclude=exclude)
        found[name] = [v for v in violations if v["impact"] in BLOCKING]
        minor = [v for v in violations if v["impact"] not in BLOCKING]
        if minor:  # reported, not failed: moderate and minor findings are worth reading
            print(f"{name}: minor/moderate: " + ", ".join(sorted({v["id"] for v in minor})))

    auditor.check = check
    auditor.found = found
    return auditor


def test_no_serious_or_critical_violation(site, audit):
    page = audit.page
    first = site.content.products_of("sasirangan-galuh-banjar")[0]

    page.goto(f"{site.url}/en/")
    audit.check("home")
    page.goto(f"{site.url}/en/destinasi/pasar-intan-cbs-martapura/")
    audit.check("destination")
    page.goto(f"{site.url}/en/cari/?q=sasirangan")
    audit.check("search")
    page.goto(f"{site.url}/en/kampung-sasirangan/produk/{first['slug']}/")
    audit.check("product")
    page.get_by_role("button", name="Add to cart").click()
    expect(page).to_have_url(f"{site.url}/en/kampung-sasirangan/keranjang/")
    audit.check("cart")
    page.goto(f"{site.url}/en/kampung-sasirangan/checkout/")
    audit.check("checkout")
    page.get_by_role("button", name="Continue to payment").click()  # empty: every field's error
    expect(page.locator(".ko-errors").first).to_be_visible()
    audit.check("checkout-with-errors")
    checkout_fill(page)
    page.get_by_role("button", name="Continue to payment").click()
    expect(page.locator("#ko-card-element input").first).to_be_visible()
    audit.check("payment", exclude=EMULATOR_ONLY)

    # The shop dashboard, as a demo artisan (Indonesian, whatever the browser says).
    page.goto(f"{site.url}/toko/masuk/")
    audit.check("dashboard-sign-in")
    page.get_by_label("Alamat email").fill("norhayati@galuhbanjar.example")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page).to_have_url(f"{site.url}/toko/")
    audit.check("dashboard-home")
    page.goto(f"{site.url}/toko/produk/")
    audit.check("dashboard-products")
    page.goto(f"{site.url}/toko/produk/baru/")
    audit.check("dashboard-new-product")
    page.goto(f"{site.url}/toko/pesanan/")
    audit.check("dashboard-orders")
    # Earnings with a row per order (cards on a phone), an order to ship, the shop's profile, and
    # the buyer's page of an order that was shipped.
    with site.database():
        order = orders.paid_order((Product.objects.get(slug=first["slug"]), 2), language="en")
        sub_order = order.sub_orders.get()
        fulfilment.suborder_mark_shipped(sub_order=sub_order, courier="JNE", tracking_number="JNE0123456789")
        to_ship = orders.paid_order((Product.objects.get(slug=first["slug"]), 1)).sub_orders.get()
        # A pickup at the workshop, as checkout will record it, paid: it has its code.
        pickup = orders.order_start((Product.objects.get(slug=first["slug"]), 1))
        pickup.sub_orders.update(delivery_kind="pickup")
        pickup.stripe_payment_intent_id = f"pi_test_pickup_{pickup.pk}"
        pickup.save(update_fields=["stripe_payment_intent_id"])
        pickup = orders.checkout.order_mark_paid(order=pickup, intent=orders.intent_for(pickup))
        to_collect = fulfilment.suborder_mark_ready(sub_order=pickup.sub_orders.get())
    for name, path in [("dashboard-earnings", "/toko/pendapatan/"), ("dashboard-order", f"/toko/pesanan/{to_ship.pk}/"),
                       ("dashboard-pickup", f"/toko/pesanan/{to_collect.pk}/"),
                       ("packing-slip", f"/toko/pesanan/{to_ship.pk}/slip/"),
                       ("dashboard-profile", "/toko/profil/"),
                       ("order-shipped", f"/en/kampung-sasirangan/pesanan/{order.token}/"),
                       ("order-pickup", f"/id/kampung-sasirangan/pesanan/{pickup.token}/")]:
        page.goto(f"{site.url}{path}")
        audit.check(name)

    # The same public pages on a desktop screen, where the menu and the layout differ.
    page.set_viewport_size({"width": 1280, "height": 900})
    for name, path in [("home", "/en/"), ("destination", "/en/destinasi/pasar-intan-cbs-martapura/"),
                       ("search", "/en/cari/?q=sasirangan"), ("product", f"/id/kampung-sasirangan/produk/{first['slug']}/")]:
        page.goto(f"{site.url}{path}")
        audit.check(f"desktop-{name}")

    assert not any(audit.found.values()), "axe-core found:\n" + describe(audit.found)
