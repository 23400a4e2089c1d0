"""Compile the gettext catalogues (locale/**/*.po -> .mo) with polib.

Django's `compilemessages` needs GNU gettext's msgfmt, which a fresh machine may
not have; polib is pure Python and comes with the project's dependencies.
The .mo files are build products and are not committed.
"""

from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent

if __name__ == "__main__":
    for po_path in sorted((ROOT / "locale").glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            print(f"compiled {mo_path.relative_to(ROOT)}")
