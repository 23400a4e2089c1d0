"""Import destinations, events, artisans and products from a catalogue JSON file."""

from django.core.management.base import BaseCommand, CommandError

from tourism.catalog import CatalogError, import_catalog


class Command(BaseCommand):
    help = "Import a catalogue file (shared/contracts/catalog-schema.md): all of it, or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to the catalogue JSON file")

    def handle(self, *args, **options):
        try:
            report = import_catalog(options["file"])
        except CatalogError as error:
            raise CommandError(f"Nothing was imported. {error}") from None
        self.stdout.write(self.style.SUCCESS(f"Imported {options['file']}: {report.summary()}"))
