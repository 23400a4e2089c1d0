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
