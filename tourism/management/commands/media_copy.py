"""Copy media/ into the buckets (or back), so a running site can switch without losing a photo."""

from django.core.management.base import BaseCommand, CommandError

from config.media import MediaUnavailable
from tourism.media_copy import DIRECTIONS, MediaCopyError, media_copy


class Command(BaseCommand):
    help = ("Copy MEDIA_ROOT and PRIVATE_MEDIA_ROOT into the buckets (--to bucket) or the buckets into them "
            "(--to folder): what is missing or differs in size; safe to run again.")

    def add_arguments(self, parser):
        parser.add_argument("--to", choices=DIRECTIONS, required=True, help="where the media go")
        parser.add_argument("--delete-source", action="store_true",
                            help="delete each source file once its copy is in place (default: keep them)")
        parser.add_argument("--dry-run", action="store_true", help="only say what would be copied")

    def handle(self, *args, **options):
        progress = self.stdout.write if options["verbosity"] > 1 else None
        try:
            reports = media_copy(direction=options["to"], delete_source=options["delete_source"],
                                 dry_run=options["dry_run"], progress=progress)
        except (MediaCopyError, MediaUnavailable) as error:
            raise CommandError(f"{error} Files copied so far stay; run the command again to continue.") from None
        for report in reports:
            self.stdout.write(("(dry run) " if options["dry_run"] else "") + report.summary())
        self.stdout.write(self.style.SUCCESS(f"Media copied to the {options['to']}."))
