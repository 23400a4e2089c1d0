"""What the W3C Nu HTML checker sees (issue 14): no error on any kind of page.

A crawl of the live site with the demo slice, as the server sends each page (no JavaScript run):
every URL of the sitemap (home, destinations, events, campaigns, the marketplace's index,
shops, products, motifs, in both languages), search results and an empty search, a page that
does not exist, the cart with a cloth in it, the checkout, the buyer's sign-in and sign-up, and
an artisan's dashboard (home, products, a product's form, orders, earnings, reviews, profile)
and sign-in. The pages go to the Nu checker (`vnu-jar` from npm, run with Java) in one call;
any error fails the test with the page's address, line and the checker's message.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import requests

from tests.conftest import require_service
from tests.e2e.conftest import E2E_DB
from tests.e2e.content import PASSWORD

pytestmark = E2E_DB

ROOT = Path(__file__).resolve().parents[2]
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
ARTISAN_EMAIL = "norhayati@galuhbanjar.example"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_of(html: str) -> str:
    return CSRF.search(html).group(1)


def sitemap_paths(base: str) -> list[str]:
    sitemap = requests.get(f"{base}/sitemap.xml", timeout=30)
    assert sitemap.ok
    return sorted({re.sub(r"^https?://[^/]+", "", url) for url in re.findall(r"<loc>([^<]+)</loc>", sitemap.text)})


def nu_errors(folder: Path, addresses: dict[str, str]) -> list[str]:
    checked = subprocess.run(["java", "-jar", str(VNU), "--format", "json", "--errors-only", str(folder)],
                             capture_output=True, text=True, timeout=600)
    report = json.loads(checked.stderr or '{"messages": []}')
    return [f"{addresses[Path(message['url']).name]} line {message.get('lastLine')}: {message['message']}"
            for message in report["messages"] if message["type"] == "error"]


def test_every_kind_of_page_has_no_nu_error(site, tmp_path):
    require_service(VNU.exists(), "vnu-jar", "it is in package.json: run `npm ci`")
    require_service(shutil.which("java") is not None, "Java", "apt-get install -y default-jre-headless")
    pages: dict[str, str] = {}  # file name -> address
    folder = tmp_path / "pages"  # a folder of their own: the test's media files are in tmp_path
    folder.mkdir()

    def keep(session: requests.Session, path: str, *, status: int = 200) -> str:
        response = session.get(site.url + path, timeout=60)
        assert response.status_code == status, f"{path} answered {response.status_code}"
        name = f"page-{len(pages):03d}.html"
        (folder / name).write_text(response.text, encoding="utf-8")
        pages[name] = path
        return response.text

    visitor = requests.Session()
    paths = [path for path in sitemap_paths(site.url) if path.startswith(("/id/", "/en/"))]
    assert len(paths) > 20, paths
    for path in paths:
        keep(visitor, path)
    keep(visitor, "/id/cari/?q=sasirangan")
    keep(visitor, "/en/cari/?q=floating+market")
    keep(visitor, "/id/cari/")
    keep(visitor, "/id/tidak-ada-halaman-ini/", status=404)
    keep(visitor, "/id/kampung-sasirangan/akun/masuk/")
    keep(visitor, "/id/kampung-sasirangan/akun/daftar/")

    # A cloth in the cart, then the cart and the checkout.
    product = next(record for record in site.content.products if not record.get("sizes"))
    page = keep(visitor, f"/id/kampung-sasirangan/produk/{product['slug']}/")
    product_id = re.search(r'name="product" value="(\d+)"', page).group(1)
    added = visitor.post(f"{site.url}/id/kampung-sasirangan/keranjang/tambah/", timeout=60,
                         data={"csrfmiddlewaretoken": csrf_of(page), "product": product_id, "quantity": "1"})
    assert added.ok
    keep(visitor, "/id/kampung-sasirangan/keranjang/")
    keep(visitor, "/id/kampung-sasirangan/checkout/")
    keep(visitor, "/en/kampung-sasirangan/checkout/")

    # The artisan's side.
    artisan = requests.Session()
    sign_in = keep(artisan, "/toko/masuk/")
    signed = artisan.post(f"{site.url}/toko/masuk/", timeout=60, data={
        "csrfmiddlewaretoken": csrf_of(sign_in), "username": ARTISAN_EMAIL, "password": PASSWORD})
    assert signed.ok and "/toko/masuk/" not in signed.url, "the artisan could not sign in"
    for path in ("/toko/", "/toko/produk/", "/toko/produk/baru/", "/toko/pesanan/", "/toko/pendapatan/",
                 "/toko/ulasan/", "/toko/profil/"):
        keep(artisan, path)
    listing = artisan.get(f"{site.url}/toko/produk/", timeout=60).text
    edit = re.search(r'href="(/toko/produk/\d+/)"', listing)
    assert edit, "no product to edit on the dashboard"
    keep(artisan, edit.group(1))

    errors = nu_errors(folder, pages)
    assert errors == [], f"{len(errors)} Nu errors on {len(pages)} pages:\n" + "\n".join(errors[:60])
