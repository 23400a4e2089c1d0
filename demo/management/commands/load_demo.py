"""Load the Banjar demo content: destinations, events, the home page, demo logins."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.loading import DEMO_PASSWORD, demo_logins_banner, load_demo
from tourism.catalog import CatalogError


class Command(BaseCommand):
    help = ("Load the demo content (real Kabupaten Banjar places and events, in Indonesian and English, "
            "with drawn illustrations) and the demo logins admin, editor and moderator.")

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true",
                            help="do nothing when destinations already exist (what `make run` uses)")
        parser.add_argument("--allow-without-debug", action="store_true",
                            help="load even though DEBUG is off, e.g. on a staging server")

    def handle(self, *args, **options):
        # The demo logins have a published password: never on a production site by accident.
        if not settings.DEBUG and not options["allow_without_debug"]:
            raise CommandError(f"DEBUG is off, so this looks like a production site: the demo creates logins "
                               f"whose password ({DEMO_PASSWORD}) is published. Nothing was loaded. "
                               "Pass --allow-without-debug to load it anyway.")
        started = time.monotonic()
        try:
            loaded = load_demo(stdout=self.stdout, if_empty=options["if_empty"])
        except CatalogError as error:
            raise CommandError(f"The demo catalogue did not import, nothing was loaded: {error}") from None
        if loaded:
            self.stdout.write(self.style.SUCCESS(f"Demo content loaded in {time.monotonic() - started:.1f} s."))
        # Every run, loaded now or before: a returning developer needs the logins as much as a new one.
        for line in demo_logins_banner():
            self.stdout.write(line)
