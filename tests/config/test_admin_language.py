"""The regency's editors and moderators work in Indonesian in the Wagtail admin, emails included.

Wagtail's own Indonesian catalogue covers a few hundred of its strings; the rest come from
locale/id (English msgids, Indonesian msgstrs). Each screen is rendered as a real editor
(group "Editor") or moderator (group "Moderator"), never a superuser, and its visible text
(text nodes, labels read aloud, tooltips, the sidebar's JSON) must hold no English: neither
the phrases found by crawling the admin (docs/decisions.md) nor any Wagtail string that
the Indonesian catalogues leave untranslated.
"""

import json
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core import mail
from django.urls import reverse
from django.utils import translation
from wagtail.models import Collection, Page, Workflow
from wagtail.users.models import UserProfile

from tests.marketplace.factories import ImageFactory, ShopFactory
from tests.tourism import factories
from tourism.roles import EDITORS, MODERATORS

pytestmark = pytest.mark.django_db

# Found by crawling every admin screen as editor, moderator and admin (docs/decisions.md,
# "Editors work in Indonesian"): the phrases first, then the crawl's.
ENGLISH_PHRASES = [
    "Approve with comment", "Request changes", "Moderators approval", "Submit to", "Pengajuan ke",
    "Pages created in", "created in Gebrak Banjar", "Exploring", "Root", "Apa kabar", "Hello",
    "Toggle sidebar", "Search all pages", "Keyboard shortcuts", "Reports", "Workflows",
    "Workflow tasks", "Site history", "Aging pages", "Page types usage", "Editor Guide",
    "What's new in Wagtail", "Help", "Actions", "Bulk actions", "Show filters", "Filter by",
    "Select all", "Select row", "Pagination", "Breadcrumb", "Visit the live page",
    "Current page status", "More options for", "Sort by", "Sort the order of child pages",
    "Your pages and snippets in a workflow", "Task started", "Changes requested",
    "Compare with previous version", "Preview in mobile size", "Content metrics", "Checks",
    "Set schedule", "For search engines", "Comment notifications", "Side panels", "Minimap",
    "Status: ", "Locale", "Date updated", "Has child pages", "Page type", "Edited by",
    "Owner", "Last published", "Requested by", "Needs changes", "In progress", "Task",
    "Timeline", "Workflow history", "Home featured destination", "Destination gallery image",
    "Import fingerprint", "A comma-separated list of tags", "Focal point", "Profile picture",
    "Theme preferences", "Use server language", "Collapse all", "Copied for translation",
    "Editors", "Moderators",  # Wagtail's group names (tourism 0009 renames them)
]

# Text a person reads: the labels screen readers announce and the tooltips, too.
READ_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "aria-description",
                   "data-w-tooltip-content-value"}


class VisibleText(HTMLParser):
    """Text nodes and read attributes, plus the strings of the JSON the admin's scripts render
    (the sidebar menu comes as JSON)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts, self.skipping, self.json = [], 0, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("type") == "application/json":
            self.json = True
        elif tag in {"script", "style", "template"}:
            self.skipping += 1
        self.texts += [value for name, value in attrs.items() if name in READ_ATTRIBUTES and value]

    def handle_endtag(self, tag):
        if tag == "script" and self.json:
            self.json = False
        elif tag in {"script", "style", "template"} and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if self.json:
            self.texts += list(json_strings(json.loads(data)))
        elif not self.skipping and data.strip():
            self.texts.append(" ".join(data.split()))


def json_strings(value):
    if isinstance(value, str):
        if not value.startswith(("/", "http", "#")):
            yield value
    elif isinstance(value, list):
        for item in value:
            yield from json_strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from json_strings(item)


def visible_text(response) -> list[str]:
    body = response.content.decode()
    if response["Content-Type"].startswith("application/json"):  # a modal: its HTML inside JSON
        body = json.loads(body).get("html", "")
    parser = VisibleText()
    parser.feed(body)
    return parser.texts


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


@cache
def untranslated_wagtail_strings() -> tuple[re.Pattern, ...]:
    """Wagtail's strings (two words or more) that the Indonesian admin would still show in English."""
    own = {entry.msgid for entry in polib.pofile(str(Path(settings.BASE_DIR) / "locale/id/LC_MESSAGES/django.po"))}
    site_packages = Path(polib.__file__).parent
    patterns = []
    with translation.override("id"):
        for path in sorted((site_packages / "wagtail").glob("**/locale/en/LC_MESSAGES/django.po")):
            for entry in polib.pofile(str(path)):
                if entry.obsolete or entry.msgid in own or len(re.findall(r"[A-Za-z]{2,}", entry.msgid)) < 2:
                    continue
                shown = (translation.pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt
                         else translation.gettext(entry.msgid))
                if shown == entry.msgid:
                    words = " ".join(re.sub(r"<[^>]+>", " ", entry.msgid).split())
                    body = ".*?".join(re.escape(part.strip()) for part in PLACEHOLDER.split(words) if part.strip())
                    patterns.append(re.compile(rf"(?<!\w){body}(?!\w)"))
    return tuple(patterns)


def english_in(texts: list[str]) -> list[str]:
    found = []
    for text in texts:
        found += [f"{phrase!r} in {text!r}" for phrase in ENGLISH_PHRASES
                  if re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text)]
        found += [f"untranslated Wagtail string in {text!r}" for pattern in untranslated_wagtail_strings()
                  if pattern.search(text)]
    return found


def staff(username, group, **profile):
    user = User.objects.create_user(username, f"{username}@banjarkab.go.id", "pw")
    user.groups.add(Group.objects.get(name=group))
    if profile:
        UserProfile.objects.filter(pk=UserProfile.get_for_user(user).pk).update(**profile)
    return user


@pytest.fixture
def moderation(home_page):
    """An editor's destination waiting for the moderators, another sent back with changes
    requested, an image, a shop waiting for a decision."""
    editor = staff("penyunting", EDITORS)
    # What a moderator picked in Akun > Bahasa before it offered the site's two languages only
    # ("id-id", Wagtail's code for Indonesian; kept by Wagtail once saved).
    moderator = staff("moderator1", MODERATORS, preferred_language="id-id")
    waiting = factories.destination(slug="air-terjun-menunggu", title="Air Terjun Menunggu")
    sent_back = factories.destination(slug="danau-dikembalikan", title="Danau Dikembalikan")
    for page in (waiting, sent_back):
        page.title += " (diubah)"
        page.save_revision(user=editor)
        page.get_workflow().start(page, editor)
    task_state = sent_back.current_workflow_task_state
    task_state.task.specific.on_action(task_state, moderator, "reject", comment="Ringkasannya terlalu pendek.")
    return {"editor": editor, "moderator": moderator, "waiting": waiting, "sent_back": sent_back,
            "image": ImageFactory(), "shop": ShopFactory(status="pending")}


def screens_of_editor(moderation, home_page):
    waiting, image, shop = moderation["waiting"], moderation["image"], moderation["shop"]
    index = waiting.get_parent()
    return [
        "/admin/", "/admin/pages/", f"/admin/pages/{Page.get_first_root_node().pk}/",
        f"/admin/pages/{home_page.pk}/", f"/admin/pages/{index.pk}/",
        f"/admin/pages/{moderation['sent_back'].pk}/edit/", f"/admin/pages/{waiting.pk}/history/",
        f"/admin/pages/{moderation['sent_back'].pk}/workflow_history/",
        f"/admin/pages/{index.pk}/add_subpage/", f"/admin/pages/add/tourism/destinationpage/{index.pk}/",
        "/admin/pages/search/?q=air", "/admin/images/", f"/admin/images/{image.pk}/",
        f"/admin/images/usage/{image.pk}/", "/admin/images/multiple/add/", "/admin/documents/",
        "/admin/snippets/marketplace/shop/", f"/admin/snippets/marketplace/shop/edit/{shop.pk}/",
        f"/admin/snippets/marketplace/shop/inspect/{shop.pk}/", f"/admin/snippets/marketplace/shop/decide/{shop.pk}/",
        "/admin/orders/", "/admin/settlements/", reverse("tourism_visitor_photos"),
        reverse("tourism_share_dashboard"), "/admin/reports/site-history/", "/admin/reports/workflow/",
        "/admin/reports/workflow_tasks/", "/admin/reports/aging-pages/", "/admin/reports/page-types-usage/",
        "/admin/account/",
    ]


def test_editor_sees_only_indonesian(client, moderation, home_page):
    problems = {}
    for url in ("/admin/login/", "/admin/password_reset/"):  # before signing in
        if english := english_in(visible_text(client.get(url))):
            problems[url] = english
    client.force_login(moderation["editor"])
    for url in screens_of_editor(moderation, home_page):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        if english := english_in(visible_text(response)):
            problems[url] = english
    assert problems == {}


def test_moderator_reviews_in_indonesian(client, moderation):
    waiting = moderation["waiting"]
    task_state = waiting.current_workflow_task_state
    client.force_login(moderation["moderator"])
    screens = ["/admin/", f"/admin/pages/{waiting.pk}/edit/", f"/admin/pages/{waiting.pk}/workflow_history/",
               reverse("wagtailadmin_pages:workflow_action", args=[waiting.pk, "approve", task_state.pk]),
               reverse("wagtailadmin_pages:workflow_action", args=[waiting.pk, "reject", task_state.pk]),
               reverse("wagtailadmin_pages:workflow_preview", args=[waiting.pk, task_state.task_id]),
               "/admin/reports/workflow/", "/admin/orders/", reverse("tourism_visitor_photos")]
    problems = {}
    texts = {}
    for url in screens:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        texts[url] = visible_text(response)
        if english := english_in(texts[url]):
            problems[url] = english
    assert problems == {}
    # The footer's action menu, as the issue saw it.
    edit_texts = texts[f"/admin/pages/{waiting.pk}/edit/"]
    assert "Setujui dengan komentar dan publikasikan" in edit_texts
    assert "Minta perubahan" in edit_texts


def test_editor_submits_to_an_indonesian_workflow(client, moderation):
    """The footer reads "Ajukan ke Moderasi konten", and "Ajukan ulang ke Persetujuan moderator"
    once changes were requested (Wagtail prints the stored names; migration tourism 0006)."""
    client.force_login(moderation["editor"])
    fresh = factories.destination(slug="bukit-baru", title="Bukit Baru")
    assert "Ajukan ke Moderasi konten" in visible_text(client.get(f"/admin/pages/{fresh.pk}/edit/"))
    sent_back = moderation["sent_back"]
    assert "Ajukan ulang ke Persetujuan moderator" in visible_text(client.get(f"/admin/pages/{sent_back.pk}/edit/"))
    assert Page.get_first_root_node().title == "Akar"
    assert Collection.get_first_root_node().name == "Koleksi utama"
    assert not Workflow.objects.filter(name="Moderators approval").exists()


def test_superuser_reads_group_names_of_both_languages(client, moderation):
    """The superuser's Users and Groups screens print group names as stored (no gettext):
    "Editor" and "Moderator", words of Indonesian and English alike, never Wagtail's
    "Editors" and "Moderators" (tourism 0009). Only the group names are checked here: these
    screens also show Django's permission names, stored in English (docs/decisions.md)."""
    client.force_login(User.objects.create_superuser("kepala", "kepala@banjarkab.go.id", "pw"))
    editors, moderators = Group.objects.get(name=EDITORS), Group.objects.get(name=MODERATORS)
    screens = {url: visible_text(client.get(url)) for url in (
        reverse("wagtailusers_groups:index"), reverse("wagtailusers_groups:edit", args=[editors.pk]),
        reverse("wagtailusers_users:index"), reverse("wagtailusers_users:edit", args=[moderation["editor"].pk]),
        reverse("wagtailusers_users:edit", args=[moderation["moderator"].pk]))}
    english = {url: found for url, texts in screens.items()
               if (found := [text for text in texts if re.search(r"\b(Editors|Moderators)\b", text)])}
    assert english == {}
    assert {EDITORS, MODERATORS} <= set(screens[reverse("wagtailusers_groups:index")])
    assert not Group.objects.filter(name__in=["Editors", "Moderators"]).exists()
    # The permissions Wagtail's, the marketplace's and our own migrations gave by the old
    # names, whichever order a migration from empty ran them in.
    assert {"access_admin", "add_image", "add_document", "view_shop", "refund_order",
            "moderate_review", "moderate_visitorphoto"} <= set(editors.permissions.values_list("codename", flat=True))
    assert {"access_admin", "add_image", "view_order", "moderate_review",
            "moderate_visitorphoto"} <= set(moderators.permissions.values_list("codename", flat=True))


def test_workflow_emails_are_indonesian(moderation):
    """Submitted (to the moderators), changes requested and approved (to the editor)."""
    mail.outbox.clear()
    moderator, editor = moderation["moderator"], moderation["editor"]
    page = factories.destination(slug="pantai-baru", title="Pantai Baru")
    page.save_revision(user=editor)
    page.get_workflow().start(page, editor)
    task_state = page.current_workflow_task_state
    task_state.task.specific.on_action(task_state, moderator, "reject", comment="Tambahkan foto.")
    page.save_revision(user=editor)
    page.current_workflow_state.resume(editor)
    task_state = page.current_workflow_task_state
    task_state.task.specific.on_action(task_state, moderator, "approve")
    assert len(mail.outbox) >= 3
    for message in mail.outbox:
        texts = [message.subject, *message.body.splitlines()]
        texts += [alternative[0] for alternative in getattr(message, "alternatives", [])]
        assert english_in(texts) == [], message.subject
    bodies = "\n".join(message.body for message in mail.outbox)
    assert "Halo penyunting," in bodies and "Halo moderator1," in bodies
    assert 'alur kerja "Moderasi konten"' in bodies


def test_the_admin_script_catalogue_is_indonesian(client, moderation):
    """The React explorer, the sidebar and the editor's blocks read their strings from
    /admin/jsi18n/, which Django builds from Wagtail's djangojs catalogue and LOCALE_PATHS."""
    client.force_login(moderation["editor"])
    catalogue = client.get(reverse("wagtailadmin_javascript_catalog")).content.decode()
    site_packages = Path(polib.__file__).parent
    source = polib.pofile(str(site_packages / "wagtail/admin/locale/en/LC_MESSAGES/djangojs.po"))
    served = json.loads(re.search(r"const newcatalog = (\{.*?\});", catalogue, re.S).group(1))
    missing = [entry.msgid for entry in source if not entry.obsolete and entry.msgid not in served]
    assert missing == []
    assert served["Toggle sidebar"] == "Buka/tutup bilah samping"


def test_project_strings_stay_as_written_in_indonesian():
    """locale/id holds English msgids only: none of it may change the project's own
    Indonesian strings (the msgids of locale/en)."""
    english = polib.pofile(str(Path(settings.BASE_DIR) / "locale/en/LC_MESSAGES/django.po"))
    changed = []
    with translation.override("id"):
        for entry in english:
            if entry.obsolete or entry.msgid_plural:
                continue
            shown = (translation.pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt
                     else translation.gettext(entry.msgid))
            if shown != entry.msgid:
                changed.append((entry.msgid, shown))
    assert changed == []
