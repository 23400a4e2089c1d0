"""The site's page tree on a new database: what a first deploy runs before any content exists."""

from django.core.management.base import BaseCommand

from tourism.site_structure import ensure_site_structure


class Command(BaseCommand):
    help = ("Create what is missing of the home page and the destinations' and events' index pages, in "
            "Indonesian and English, and make the home the site's root; changes nothing that exists.")

    def handle(self, *args, **options):
        home = ensure_site_structure()
        self.stdout.write(self.style.SUCCESS(
            f"The site's home is “{home.title}” (/id/, /en/), with /destinasi/ and /acara/ below it."))
