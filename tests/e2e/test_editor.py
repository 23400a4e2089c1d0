"""An editor of the regency's tourism office writes a new destination in the Wagtail admin and
submits it for moderation; a moderator approves it, which publishes it. Then a visitor finds it
on the site, in search and in sitemap.xml."""

import re
import time

from playwright.sync_api import expect
from wagtail.models import Locale

from tests.e2e.conftest import E2E_DB
from tests.e2e.steps import admin_sign_in, choose_snippet
from tourism.models import DestinationIndexPage, DestinationPage

pytestmark = E2E_DB

DESKTOP = {"width": 1280, "height": 900}
TITLE = "Desa Wisata Tiwingan Lama"
SLUG = "desa-wisata-tiwingan-lama"
SUMMARY = ("Kampung nelayan di tepi Waduk Riam Kanan: rumah lanting, keramba ikan, dan kelotok "
           "menuju Bukit Batas.")


def new_page_opened(site, journey_factory, index_model, page_type: str):
    """The editor, signed in, on the empty form for a new page of `page_type` under the Indonesian
    index `index_model`."""
    with site.database():
        index = index_model.objects.get(locale=Locale.objects.get(language_code="id"))
    editor = journey_factory("editor", viewport=DESKTOP, locale="id-ID")
    admin_sign_in(editor.page, site.url, "editor")
    editor.page.goto(f"{site.url}/admin/pages/add/tourism/{page_type}/{index.pk}/")
    return editor


def new_destination_started(site, journey_factory, *, title: str, summary: str):
    """The editor, signed in, on the form for a new destination with all but its longitude filled in."""
    editor = new_page_opened(site, journey_factory, DestinationIndexPage, "destinationpage")
    admin = editor.page
    admin.locator("#id_title").fill(title)
    admin.locator("#id_summary").fill(summary)
    choose_snippet(admin, "Pilih kategori", "Alam")
    choose_snippet(admin, "Pilih kecamatan", "Aranio")
    admin.locator("#id_latitude").fill("-3.5336")
    return editor


def test_editor_writes_a_destination_and_a_moderator_publishes_it(site, journey_factory):
    editor = new_destination_started(site, journey_factory, title=TITLE, summary=SUMMARY)
    admin = editor.page
    admin.locator("#id_longitude").fill("114.9905")
    editor.shot("new-destination")

    # Submit for moderation: the editor may not publish.
    admin.locator("footer .w-dropdown__toggle").click()  # "Simpan konsep" is first; the rest are behind it
    expect(admin.locator("button[name=action-publish]")).to_have_count(0)
    admin.locator("button[name=action-submit]").click()
    expect(admin.locator(".messages")).to_contain_text(f"Halaman '{TITLE}' telah dibuat dan dikirim untuk dimoderasi.")
    editor.shot("submitted-for-moderation")
    with site.database():
        draft = DestinationPage.objects.get(slug=SLUG)
        assert not draft.live and draft.workflow_in_progress

    # Not on the site yet.
    visitor = journey_factory("visitor", locale="id-ID")
    response = visitor.page.goto(f"{site.url}/id/destinasi/{SLUG}/")
    assert response.status == 404

    # The moderator approves it from the page's editor; approving the last task publishes.
    moderator = journey_factory("moderator", viewport=DESKTOP, locale="id-ID")
    review = moderator.page
    admin_sign_in(review, site.url, "moderator")
    expect(review.get_by_role("link", name=TITLE).first).to_be_visible()
    moderator.shot("awaiting-review")
    review.goto(f"{site.url}/admin/pages/{draft.pk}/edit/")
    review.locator("footer .w-dropdown__toggle").click()
    # Approve without a comment (the other approve button asks for one in a dialog).
    review.locator("button[data-workflow-action-name=approve]:not([data-workflow-action-modal-url])").click()
    expect(review.locator(".messages")).to_contain_text(TITLE)
    moderator.shot("approved-and-published")
    with site.database():
        published = DestinationPage.objects.get(slug=SLUG)
    assert published.live

    # Visible, searchable, and in the sitemap.
    page = visitor.page
    page.goto(f"{site.url}/id/destinasi/{SLUG}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator(".lead")).to_have_text(SUMMARY)
    visitor.shot("published-destination")
    page.goto(f"{site.url}/id/cari/?q=tiwingan")
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    visitor.shot("found-in-search")
    sitemap = page.request.get(f"{site.url}/sitemap.xml")
    assert sitemap.ok
    assert re.search(rf"<loc>{re.escape(site.url)}/id/destinasi/{SLUG}/</loc>", sitemap.text())
    assert editor.errors == [] and moderator.errors == [] and visitor.errors == []
    # Every request of the admin answered (no 4xx in the background), and none left the site.
    assert editor.failed_responses == [] and moderator.failed_responses == []
    assert editor.blocked == [] and moderator.blocked == []


def test_saving_a_new_page_posts_it_once(site, journey_factory):
    """Wagtail autosaves the form about a second after each change (while the new page lacks a
    required field, each try is refused and the editor is told autosave is paused). An editor
    who filled in the last field and pressed Save within that second had the page saved, and
    then the background save went out all the same: the new page posted to the create URL a
    second time, answered 400 (its slug now taken). After Save nothing more is posted, and the
    page exists once (issue 13, finding 10)."""
    editor = new_destination_started(site, journey_factory, title="Riam Kanan dari Tiwingan",
                                     summary="Waduk dan bukit di hulu Sungai Riam Kanan.")
    admin = editor.page
    admin.wait_for_timeout(4000)  # the background saves of the unfinished page come and go
    from_here = len(editor.failed_responses)

    posts = []
    admin.on("request", lambda request: posts.append(request.headers.get("accept", ""))
             if request.method == "POST" and "/admin/pages/" in request.url else None)

    def slow_save(route):
        # A slow connection (or a busy server): the editor's own save takes two seconds.
        if route.request.method == "POST" and "application/json" not in route.request.headers.get("accept", ""):
            time.sleep(2)
        route.continue_()

    admin.route(re.compile(r".*/admin/pages/(add/.*|\d+/edit/)$"), slow_save)
    # The last required field, and Save at once.
    admin.locator("#id_longitude").press_sequentially("114.9905")
    admin.get_by_role("button", name="Simpan konsep").click()
    expect(admin).to_have_url(re.compile(r"/admin/pages/\d+/edit/$"))
    expect(admin.locator(".messages")).to_contain_text("Halaman 'Riam Kanan dari Tiwingan' telah dibuat.")
    admin.wait_for_timeout(3000)  # longer than any background save waits

    assert [accept for accept in posts if "application/json" in accept] == []  # no background save after Save
    assert editor.failed_responses[from_here:] == []
    with site.database():
        assert DestinationPage.objects.filter(title="Riam Kanan dari Tiwingan").count() == 1
    assert editor.errors == []


def test_a_date_typed_the_iso_way_stays_as_typed(site, journey_factory):
    """Wagtail's picker put the current moment in place of a date it could not read when the field lost
    focus, and the event was published on today's date without a word (found by an editor's walk)."""
    from tourism.models import EventIndexPage

    editor = new_page_opened(site, journey_factory, EventIndexPage, "eventpage")
    admin = editor.page
    start = admin.locator("#id_start")
    start.fill("2030-12-28 19:00")
    admin.locator("#id_title").click()  # leave the field
    expect(start).to_have_value("2030-12-28 19:00")
    start.fill("28-12-2030 19:00")  # the picker's own format, as before
    admin.locator("#id_title").click()
    expect(start).to_have_value("28-12-2030 19:00")
    editor.shot("typed-date-kept")
