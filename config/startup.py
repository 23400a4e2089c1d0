"""Production's settings refuse to start without their secrets (config/settings/production.py raises
Django's ImproperlyConfigured while the module loads). Read through Django's lazy settings, that
refusal came out as forty lines of importlib's traceback from manage.py, and from gunicorn as every
worker's traceback and then gunicorn's own; the one line that says what to set was buried.

`settings_or_exit` loads the settings before anything else runs (manage.py; gunicorn.conf.py's
on_starting, in a process of its own) and turns that refusal into its message alone on stderr and
exit status 1. Only a refusal while the settings load: an ImproperlyConfigured raised later by code
keeps its traceback. `--traceback` among the arguments shows it anyway.
"""

import os
import sys

from django.core.exceptions import ImproperlyConfigured


def settings_or_exit(default_module: str) -> None:
    """Load DJANGO_SETTINGS_MODULE (else `default_module`) now, or exit with its refusal's one line."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", default_module)
    from django.conf import settings

    try:
        settings.INSTALLED_APPS  # noqa: B018 - the first setting read loads the module
    except ImproperlyConfigured as refusal:
        if "--traceback" in sys.argv:
            raise
        sys.exit(f"{os.environ['DJANGO_SETTINGS_MODULE']} refuses to start: {refusal}")


if __name__ == "__main__":  # gunicorn.conf.py: python -m config.startup <default settings module>
    settings_or_exit(sys.argv[1])
