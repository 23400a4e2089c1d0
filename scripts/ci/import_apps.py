"""Import every module of the site's packages under the production settings.

CI runs this in an environment built from the runtime lock alone: a module that needs a
development package (pytest, localstripe, polib, ...) fails here with the module's name,
before a production server would fail on it; and a test or emulator package found installed
means the runtime lock is no longer lean. Exit status 1 after naming what went wrong.
"""

import importlib
import importlib.util
import os
import pkgutil
import sys
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["config", "tourism", "marketplace", "search", "demo"]
# Import names of what requirements/dev.lock adds: none belongs in a production install.
DEVELOPMENT_ONLY = ["pytest", "pytest_django", "factory", "hypothesis", "ruff", "schemathesis",
                    "pip_audit", "playwright", "localstripe", "polib", "uv", "importlinter"]


def main() -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    import django

    django.setup()
    failed = []
    count = 0
    present = [name for name in DEVELOPMENT_ONLY if importlib.util.find_spec(name)]
    if present:
        failed += present
        print(f"development packages installed: {', '.join(present)}", file=sys.stderr)
    for name in PACKAGES:
        package = importlib.import_module(name)
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{name}."):
            count += 1
            try:
                importlib.import_module(module.name)
            except Exception:
                failed.append(module.name)
                print(f"{module.name} does not import:", file=sys.stderr)
                traceback.print_exc()
    print(f"imported {count - len(failed) + len(present)} of {count} modules of "
          f"{', '.join(PACKAGES)}; development packages installed: {len(present)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
