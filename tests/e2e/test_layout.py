"""Every page type fits a 360 px phone and a 1366 px laptop (issue 18).

One visitor (with something in the cart, so the header carries its badge), one artisan with
orders to ship, shipped and paid out, and one applicant for a shop walk through every kind of
page: the public pages in both languages, search, cart, checkout, payment, order status, the
buyer's account pages, every page of the shop dashboard (/toko/) and the shop application.
Each page is looked at 360 px wide, then 1366 px wide, and fails when

- the page is wider than the screen (`document.documentElement.scrollWidth > innerWidth`: the
  whole page would scroll sideways), or
- two items of the header (brand, tagline, menu links, search, cart and its badge, language
  switch; the dashboard's title, sign-out button and tabs) overlap, or
- a tab bar (the dashboard's menu, the order filter, the marketplace's section links) hides a
  tab beyond the screen's edge, or
- on a phone, the home's title starts more than 40% down the screen, or the product page's
  quantity field is smaller than a finger (ON_A_PHONE).

Screenshots of every page at both widths are kept (git-ignored) in
tests/e2e/screenshots/every_page_fits_a_phone_and_a_laptop-<who>/, who being visitor, artisan or
applicant, named <page>-<width>.png (id-home-360.png, earnings-1366.png), to look at after a run.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import E2E_DB
from tests.e2e.content import PASSWORD
from tests.e2e.steps import checkout_fill
from tests.e2e.test_reviews import delivered_order_review_path

pytestmark = E2E_DB

LONG_WORD_TITLE = "#SasiranganAsliBanjarMotifKambangKacangPewarnaAlamiTenunTangan"
WIDTHS = {"360": {"width": 360, "height": 780}, "1366": {"width": 1366, "height": 768}}
ARTISAN = "sasirangan-galuh-banjar"
ARTISAN_EMAIL = "norhayati@galuhbanjar.example"
# What must never overlap in a header, and the tab bars whose every tab must stay on screen.
HEADER_ITEMS = [
    ".topbar__note", ".language-switch a", ".brand__mark", ".brand__name", ".brand__tagline",
    ".menu-toggle", ".site-nav a", ".header-search", ".header-cart", ".header-cart__count",
    ".db-brand", ".db-logout button", ".db-nav a",
]
TAB_BARS = ".db-nav a, .db-filter a, .ks-subnav a, .breadcrumb a"
# What else a phone must show, by page: (script giving a number, the least or most it may be, the
# problem in words). The home's title used to start under 40% of dim sky; the product page's
# quantity was a tiny unstyled box.
ON_A_PHONE = {
    "home": ("document.querySelector('.hero__title').getBoundingClientRect().top / innerHeight", "most", 0.4,
             "the hero's title starts {:.0%} down the screen"),
    "product": ("document.querySelector('#ko-add-quantity').getBoundingClientRect().height", "least", 44,
                "the quantity field is {:.0f} px tall"),
}

MEASURE = """(args) => {
    const [headerItems, tabBars] = args;
    const width = window.innerWidth;
    const found = {overflow: document.documentElement.scrollWidth - width, wide: [], overlaps: [], hidden_tabs: []};
    const name = (element) => {
        const text = (element.innerText || element.getAttribute("aria-label") || "").trim().replace(/\\s+/g, " ");
        const classes = typeof element.className === "string" && element.className ? "." + element.className.trim().split(/\\s+/).join(".") : "";
        return `${element.tagName.toLowerCase()}${classes} "${text.slice(0, 40)}"`;
    };
    const shown = (element) => {
        const box = element.getBoundingClientRect();
        const style = getComputedStyle(element);
        return box.width >= 2 && box.height >= 2 && style.visibility !== "hidden" && style.display !== "none";
    };
    if (found.overflow > 0) {
        // The outermost elements that stick out on the right: where to look first.
        for (const element of document.body.querySelectorAll("*")) {
            const box = element.getBoundingClientRect();
            const parent = element.parentElement.getBoundingClientRect();
            if (box.right > width + 1 && parent.right <= width + 1 && shown(element)) {
                found.wide.push(`${name(element)} reaches ${Math.round(box.right)} px`);
            }
        }
    }
    const items = [];
    for (const selector of headerItems) {
        for (const element of document.querySelectorAll(selector)) {
            if (shown(element)) items.push(element);
        }
    }
    for (let i = 0; i < items.length; i++) {
        for (let j = i + 1; j < items.length; j++) {
            const [a, b] = [items[i], items[j]];
            if (a.contains(b) || b.contains(a)) continue;
            const [p, q] = [a.getBoundingClientRect(), b.getBoundingClientRect()];
            const across = Math.min(p.right, q.right) - Math.max(p.left, q.left);
            const down = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
            if (across > 1 && down > 1) found.overlaps.push(`${name(a)} and ${name(b)}`);
        }
    }
    for (const tab of document.querySelectorAll(tabBars)) {
        const box = tab.getBoundingClientRect();
        if (shown(tab) && (box.left < -1 || box.right > width + 1)) {
            found.hidden_tabs.push(`${name(tab)} at ${Math.round(box.left)}-${Math.round(box.right)} px`);
        }
    }
    return found;
}"""


class Sweep:
    """Looks at pages at each width, screenshots them, and keeps what did not fit."""

    def __init__(self, journey):
        self.journey = journey
        self.page = journey.page
        self.problems: list[str] = []

    def look(self, label: str) -> None:
        page = self.page
        # As page.goto leaves a page: after a click the new page (its styles, fonts) may still be loading.
        page.wait_for_load_state()
        for width, viewport in WIDTHS.items():
            page.set_viewport_size(viewport)
            page.wait_for_timeout(50)  # one frame for the layout at the new width
            found = page.evaluate(MEASURE, [HEADER_ITEMS, TAB_BARS])
            self._shoot(f"{label}-{width}")
            where = f"{label} at {width} px ({page.url})"
            if found["overflow"] > 0:
                self.problems.append(f"{where}: {found['overflow']} px wider than the screen; "
                                     + "; ".join(found["wide"][:6]))
            self.problems += [f"{where}: header items overlap: {pair}" for pair in found["overlaps"]]
            self.problems += [f"{where}: tab off screen: {tab}" for tab in found["hidden_tabs"]]
            check = ON_A_PHONE.get(label[3:]) if label[:3] in ("id-", "en-") else None
            if check and width == "360":
                script, bound, limit, problem = check
                value = page.evaluate(script)
                if (value > limit) if bound == "most" else (value < limit):
                    self.problems.append(f"{where}: {problem.format(value)}")
        page.set_viewport_size(WIDTHS["360"])

    def visit(self, label: str, url: str) -> None:
        response = self.page.goto(url)
        assert response is not None and response.ok, f"{label}: {url} answered {response and response.status}"
        self.look(label)

    def _shoot(self, label: str) -> None:
        path = self.journey.shot(label)
        # journey.shot numbers the files; one name per page and width is easier to find.
        path.rename(path.with_name(f"{label}.png"))


def orders_for_the_artisan(site):
    """Three orders from one shop: paid out, shipped and still to ship. The shipped one is the
    buyer's order whose status page is looked at."""
    from marketplace.models import Product
    from marketplace.orders import fulfilment, payouts
    from tests.marketplace.orders import factories as orders

    with site.database():
        products = list(Product.objects.filter(shop__slug=ARTISAN).order_by("pk"))
        settled = orders.paid_order((products[0], 3), (products[1], 1))
        fulfilment.suborder_mark_shipped(sub_order=settled.sub_orders.get(), courier="JNE",
                                         tracking_number="JNE0123456789")
        today = timezone.localdate()
        payouts.settlements_create(period_start=today - timedelta(days=30), period_end=today)
        shipped = orders.paid_order((products[1], 2), language="en")
        fulfilment.suborder_mark_shipped(sub_order=shipped.sub_orders.get(), courier="J&T Express",
                                         tracking_number="JT8800123456789012")
        to_ship = orders.paid_order((products[0], 1))
        return shipped, to_ship.sub_orders.get()


def test_every_page_fits_a_phone_and_a_laptop(site, journey_factory):
    from marketplace.models import Motif
    from tourism.campaigns import DEMO_CAMPAIGN_SLUG, demo_campaign_ensure
    from tourism.models import DestinationPage

    with site.database():
        demo_campaign_ensure()
        destination_pk = DestinationPage.objects.get(slug="pasar-intan-cbs-martapura", locale__language_code="id").pk
        motif = Motif.objects.order_by("pk").first()
    shipped_order, to_ship = orders_for_the_artisan(site)
    product = site.content.products_of(ARTISAN)[0]["slug"]
    with site.database():
        from marketplace.models import Product

        # A title typed as a hashtag, one long word: it pushed the product page and the shop's
        # product list sideways on a phone.
        Product.objects.filter(slug=product).update(title_id=LONG_WORD_TITLE, title_en=LONG_WORD_TITLE)
    event = site.content.events[0]["slug"]

    # A visitor with something in the cart, so every header shows the cart's badge.
    sweep = Sweep(journey_factory("visitor", locale="id-ID"))
    page = sweep.page
    page.goto(f"{site.url}/id/kampung-sasirangan/produk/{product}/")
    page.get_by_role("button", name="Tambah ke keranjang").click()
    expect(page.locator(".header-cart__count")).to_be_visible()
    public = [
        ("home", "/"), ("destinations", "/destinasi/"), ("destination", "/destinasi/pasar-intan-cbs-martapura/"),
        ("events", "/acara/"), ("event", f"/acara/{event}/"), ("campaigns", "/kampanye/"),
        ("campaign", f"/kampanye/{DEMO_CAMPAIGN_SLUG}/"), ("products", "/kampung-sasirangan/"),
        ("product", f"/kampung-sasirangan/produk/{product}/"), ("artisans", "/kampung-sasirangan/perajin/"),
        ("artisan", f"/kampung-sasirangan/perajin/{ARTISAN}/"), ("motifs", "/kampung-sasirangan/motif/"),
        ("search", "/cari/?q=sasirangan"), ("search-empty", "/cari/"),
        ("search-long-word", "/cari/?q=https://www.tokopedia.com/sasiranganbanjar/kain-sasirangan-motif-gigi-haruan"),
        ("visitor-photo", f"/foto-pengunjung/{destination_pk}/"), ("cart", "/kampung-sasirangan/keranjang/"),
        ("checkout", "/kampung-sasirangan/checkout/"), ("buyer-sign-in", "/kampung-sasirangan/akun/masuk/"),
        ("buyer-sign-up", "/kampung-sasirangan/akun/daftar/"),
        ("order-shipped", f"/kampung-sasirangan/pesanan/{shipped_order.token}/"),
        ("review-form", delivered_order_review_path(site)),  # a delivered order's review link
    ]
    if motif is not None:
        public.append(("motif", f"/kampung-sasirangan/motif/{motif.slug}/"))
    for language in ("id", "en"):
        for label, path in public:
            sweep.visit(f"{language}-{label}", f"{site.url}/{language}{path}")
    response = page.goto(f"{site.url}/id/tidak-ada-halaman-ini/")
    assert response.status == 404
    sweep.look("id-not-found")
    # The card payment page: the real checkout, in English.
    page.goto(f"{site.url}/en/kampung-sasirangan/checkout/")
    checkout_fill(page)
    page.get_by_role("button", name="Continue to payment").click()
    expect(page.locator("#ko-card-element input").first).to_be_visible()
    sweep.look("en-pay")

    # The artisan's dashboard, every page of it.
    artisan = Sweep(journey_factory("artisan", locale="id-ID"))
    page = artisan.page
    artisan.visit("sign-in", f"{site.url}/toko/masuk/")
    artisan.visit("forgotten-password", f"{site.url}/toko/lupa-sandi/")
    page.goto(f"{site.url}/toko/masuk/")
    page.get_by_label("Alamat email").fill(ARTISAN_EMAIL)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page).to_have_url(f"{site.url}/toko/")
    artisan.look("home")
    with site.database():
        from marketplace.models import Product

        product_pk = Product.objects.filter(shop__slug=ARTISAN).order_by("pk").values_list("pk", flat=True)[0]
    for label, path in [("products", "produk/"), ("product-new", "produk/baru/"), ("product-edit", f"produk/{product_pk}/"),
                        ("orders", "pesanan/"), ("orders-to-ship", "pesanan/?status=paid"),
                        ("order-to-ship", f"pesanan/{to_ship.pk}/"),
                        ("order-shipped", f"pesanan/{shipped_order.sub_orders.get().pk}/"),
                        ("earnings", "pendapatan/"), ("profile", "profil/")]:
        artisan.visit(label, f"{site.url}/toko/{path}")

    # Someone applying for a shop: signs up, then fills in the application.
    applicant = Sweep(journey_factory("applicant", locale="id-ID"))
    page = applicant.page
    applicant.visit("sign-up", f"{site.url}/toko/daftar/")
    page.get_by_label("Alamat email").fill("aluh@contoh.id")
    page.get_by_label("Kata sandi", exact=True).fill("kain-kuning-pucuk-88")
    page.get_by_label("Ulangi kata sandi").fill("kain-kuning-pucuk-88")
    page.get_by_role("button", name="Buat akun").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ajukan toko")
    applicant.look("apply")

    problems = sweep.problems + artisan.problems + applicant.problems
    assert not problems, f"{len(problems)} layout problems:\n" + "\n".join(problems)
