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


def settings_or_exit(default_module: str, argv: list[str] | None = None) -> None:
    """Load the settings now, or exit with their refusal's one line: `--settings` and `--pythonpath`
    among `argv` (manage.py's) first, read as Django's ManagementUtility reads them, else
    DJANGO_SETTINGS_MODULE, else `default_module`."""
    from django.core.management.base import CommandError, CommandParser, handle_default_options

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", default_module)
    parser = CommandParser(add_help=False, allow_abbrev=False)
    parser.add_argument("--settings")
    parser.add_argument("--pythonpath")
    parser.add_argument("args", nargs="*")  # the command and its own arguments
    try:
        options, _ = parser.parse_known_args((argv or [])[2:])
        handle_default_options(options)
    except CommandError:
        pass  # the command's own parsing says what is wrong
    from django.conf import settings

    try:
        settings.INSTALLED_APPS  # noqa: B018 - the first setting read loads the module
    except ImproperlyConfigured as refusal:
        if "--traceback" in sys.argv:
            raise
        sys.exit(f"{os.environ['DJANGO_SETTINGS_MODULE']} refuses to start: {refusal}")


if __name__ == "__main__":  # gunicorn.conf.py: python -m config.startup <default settings module>
    settings_or_exit(sys.argv[1], [])
