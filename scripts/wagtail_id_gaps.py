"""List the Wagtail strings the Indonesian admin would still show in English.

After a Wagtail upgrade: run it, translate what it prints and add the entries to
locale/id/LC_MESSAGES/django.po (or djangojs.po), then `scripts/compile_messages.py`.
Prints .po entries with an empty msgstr; nothing when the catalogues are complete.

    .venv/bin/python scripts/wagtail_id_gaps.py [django|djangojs]
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def gaps(domain: str) -> list:
    import polib
    from django.apps import apps
    from django.utils.translation.trans_real import DjangoTranslation, translation

    site_packages = Path(polib.__file__).parent
    wagtail = site_packages / "wagtail"
    # What the admin's language gets: every installed app's catalogue and LOCALE_PATHS ("id"
    # also finds Wagtail's id_ID); the admin's script catalogue is built from wagtail.admin only.
    catalogue = (translation("id") if domain == "django"
                 else DjangoTranslation("id", domain="djangojs", localedirs=[str(wagtail / "admin" / "locale")]))
    installed = {Path(config.path) for config in apps.get_app_configs()}
    # Ours: a word the same in both languages is there with itself as msgstr.
    own = {(entry.msgctxt, entry.msgid) for entry in polib.pofile(str(ROOT / "locale/id/LC_MESSAGES" / f"{domain}.po"))}
    found, seen = [], set(own)
    for path in sorted(wagtail.glob(f"**/locale/en/LC_MESSAGES/{domain}.po")):
        if path.parents[3] not in installed:
            continue
        for entry in polib.pofile(str(path)):
            key = (entry.msgctxt, entry.msgid)
            if entry.obsolete or key in seen:
                continue
            seen.add(key)
            if entry.msgid_plural:
                shown = (catalogue.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 1) if entry.msgctxt
                         else catalogue.ngettext(entry.msgid, entry.msgid_plural, 1))
            else:
                shown = catalogue.pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt else catalogue.gettext(entry.msgid)
            if shown in (entry.msgid, entry.msgid_plural):
                entry.occurrences = [(f"{path.relative_to(site_packages).parts[0]}/.../{name}", "")
                                     for name, _line in entry.occurrences[:1]]
                entry.msgstr, entry.msgstr_plural = "", ({0: ""} if entry.msgid_plural else {})
                found.append(entry)
    return found


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    entries = gaps(sys.argv[1] if len(sys.argv) > 1 else "django")
    # A word the same in both languages ("Status", "Minimum") is listed too: add it with
    # itself as msgstr and it is no longer listed.
    print("\n".join(str(entry) for entry in entries))
    print(f"# {len(entries)} strings", file=sys.stderr)
