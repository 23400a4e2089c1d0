"""A tourist on a phone keeps a trip plan: saves two places with one tap each (the buttons turn to
"Tersimpan" in place), orders them into two days without dragging, and opens the plan again offline
(its service worker). Real chromium against the live site; map tiles are blocked, as everywhere here."""

from playwright.sync_api import expect

from tests.e2e.conftest import E2E_DB

pytestmark = E2E_DB


def test_tourist_saves_places_orders_them_into_days_and_reads_the_plan_offline(site, journey_factory):
    tourist = journey_factory(locale="id-ID")
    page = tourist.page

    page.goto(f"{site.url}/id/destinasi/masjid-agung-al-karomah/")
    save = page.locator(".detail__facts").get_by_role("button", name="Simpan ke rencana")
    save.click()
    expect(page.locator(".detail__facts [data-trip-save]")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".detail__facts [data-trip-save]")).to_contain_text("Tersimpan di rencana")
    expect(page.get_by_role("status").filter(has_text="Disimpan ke rencana perjalanan.")).to_be_visible()
    tourist.shot("saved")

    # A card of the listing: the same in place, and the saved one shows as saved on arrival.
    page.goto(f"{site.url}/id/destinasi/")
    card = page.locator(".card").filter(has_text="Pasar Intan Cahaya Bumi Selamat")
    card.get_by_role("button", name="Simpan ke rencana").click()
    expect(card.locator("[data-trip-save]")).to_have_attribute("aria-pressed", "true")
    mosque_card = page.locator(".card").filter(has_text="Masjid Agung Al-Karomah")
    expect(mosque_card.locator("[data-trip-save]")).to_have_attribute("aria-pressed", "true")

    page.goto(f"{site.url}/id/rencana/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rencana perjalanan")
    expect(page.locator(".trip-stop__title")).to_have_text(["Masjid Agung Al-Karomah Martapura",
                                                           "Pasar Intan Cahaya Bumi Selamat (CBS) Martapura"])
    expect(page.locator(".trip-leg")).to_contain_text("garis lurus")
    page.get_by_role("button", name="Tambah hari").click()
    expect(page.get_by_role("heading", name="Hari 2")).to_be_visible()  # a form: the plan comes back with it
    page.locator(".trip-stop").nth(1).get_by_role("button", name="Turun").click()
    expect(page.locator("#day-2 .trip-stop__title")).to_have_text("Pasar Intan Cahaya Bumi Selamat (CBS) Martapura")
    expect(page.locator("#day-1 .trip-stop__title")).to_have_text("Masjid Agung Al-Karomah Martapura")
    tourist.shot("two-days", full_page=True)

    # The worker controls the plan once it is active; a visit through it keeps the page.
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=20_000)
    page.reload()
    expect(page.locator("#day-2 .trip-stop__title")).to_have_count(1)
    tourist.context.set_offline(True)
    page.reload()
    expect(page.locator("#day-2 .trip-stop__title")).to_have_text("Pasar Intan Cahaya Bumi Selamat (CBS) Martapura")
    tourist.shot("offline")
    tourist.context.set_offline(False)
    assert not tourist.errors, tourist.errors


def test_tourist_plans_two_days_buys_for_pickup_shares_the_plan_and_reads_it_offline(site, journey_factory):
    """Issue 16's journey: on a phone, four places and a product saved with one tap each, ordered into
    two days; a cloth bought for pickup (QRIS) joins the plan as the workshop's stop with its code; the
    plan shared as a read-only link and through WhatsApp; the plan read again offline."""
    import re
    from urllib.parse import unquote

    from tests.e2e.steps import checkout_in_martapura
    from tests.e2e.test_delivery import GALUH_BANJAR, PHONE_360, add_to_cart

    tourist = journey_factory("planner", locale="id-ID", viewport=PHONE_360)
    page = tourist.page
    places = ["masjid-agung-al-karomah", "pasar-intan-cbs-martapura", "kuliner-banjar-martapura", "kubah-guru-sekumpul"]
    for slug in places:
        page.goto(f"{site.url}/id/destinasi/{slug}/")
        page.locator(".detail__facts").get_by_role("button", name="Simpan ke rencana").click()
        expect(page.locator(".detail__facts [data-trip-save]")).to_have_attribute("aria-pressed", "true")
    cloth = site.content.products_of(GALUH_BANJAR)[0]
    page.goto(f"{site.url}/id/kampung-sasirangan/perajin/{GALUH_BANJAR}/")
    page.get_by_role("link", name=cloth["title"]["id"]).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(cloth["title"]["id"])
    saving = page.locator(".ks-product__info [data-trip-save]")
    # Tapped before trips.js ran, the button opens the page without JavaScript (by design); the
    # script marks each button it takes over as not pressed, so the tap waits for that.
    expect(saving).to_have_attribute("aria-pressed", "false")
    saving.click()
    expect(saving).to_have_attribute("aria-pressed", "true")

    page.goto(f"{site.url}/id/rencana/")
    expect(page.locator(".trip-stop")).to_have_count(5)
    page.get_by_role("button", name="Tambah hari").click()
    expect(page.get_by_role("heading", name="Hari 2")).to_be_visible()  # a form: the plan comes back with it
    for moved in (1, 2):  # the last two stops of day 1 go down into day 2
        page.locator("#day-1 .trip-stop").last.get_by_role("button", name="Turun").click()
        expect(page.locator("#day-2 .trip-stop")).to_have_count(moved)
    expect(page.locator("#day-1 .trip-stop")).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_360["width"]
    tourist.shot("five-stops-two-days")

    # The cloth bought for pickup, paid with QRIS: the workshop joins the plan with the code.
    add_to_cart(site, page, language="id", shop=GALUH_BANJAR, product=cloth)
    checkout_in_martapura(page)
    page.get_by_label(re.compile(r"^Ambil sendiri")).check()
    page.get_by_role("button", name=re.compile(r"^Lanjut ke pembayaran")).click()
    page.get_by_role("link", name="QRIS").click()
    page.get_by_role("button", name=re.compile(r"^Tampilkan kode QRIS untuk Rp")).click()
    page.get_by_role("region", name="Bayar dengan QRIS").get_by_role("button", name="Simulasikan pemindaian").click()
    expect(page.get_by_role("heading", name="Terima kasih! Pembayaran diterima.")).to_be_visible(timeout=30_000)
    code = page.get_by_text(re.compile(r"Kode pengambilan: [A-Z0-9]{6}$")).text_content().split(":")[-1].strip()
    page.goto(f"{site.url}/id/rencana/")
    joined = page.locator(".trip-stop--joined")
    expect(joined).to_have_count(1)
    expect(joined).to_contain_text("Ambil pesanan di")
    expect(joined).to_contain_text(code)
    tourist.shot("workshop-joined")

    # Shared: a read-only link, also through WhatsApp; the friend sees the stops, never the code.
    share_url = page.locator("#trip-share-url").input_value()
    whatsapp = page.get_by_role("link", name="Bagikan lewat WhatsApp").get_attribute("href")
    assert whatsapp.startswith("https://wa.me/") and share_url in unquote(whatsapp)
    friend = journey_factory("friend", locale="id-ID", viewport=PHONE_360)
    friend.page.goto(share_url)
    expect(friend.page.locator(".trip-stop")).to_have_count(5)
    expect(friend.page.locator("main")).not_to_contain_text(code)
    expect(friend.page.locator("main form")).to_have_count(0)

    # Offline, the plan still opens on the tourist's phone.
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=20_000)
    page.reload()
    tourist.context.set_offline(True)
    page.reload()
    expect(page.locator(".trip-stop")).to_have_count(6)  # the five saved and the workshop's
    expect(page.locator(".trip-stop--joined")).to_contain_text(code)
    tourist.shot("offline-with-pickup")
    tourist.context.set_offline(False)
    assert not tourist.errors and not friend.errors, (tourist.errors, friend.errors)
