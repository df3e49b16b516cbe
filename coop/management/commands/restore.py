"""`manage.py restore ARCHIVE --yes`: puts the database and MEDIA_ROOT back from a backup and
checks rows and file hashes against its manifest."""

from django.core.management.base import BaseCommand, CommandError

from coop.backups import RestoreError, backup_restore


class Command(BaseCommand):
    help = "Restores the database and MEDIA_ROOT from a backup archive (replaces what is there)."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--yes", action="store_true", help="Confirm: the current data is replaced.")

    def handle(self, *args, **options):
        if not options["yes"]:
            raise CommandError("A restore replaces the database and MEDIA_ROOT: run it again with --yes.")
        try:
            manifest = backup_restore(archive=options["archive"])
        except RestoreError as error:
            raise CommandError(f"The restore does not match the backup: {error}") from None
        rows = sum(manifest["rows"].values())
        self.stdout.write(
            f"restored and checked: {len(manifest['rows'])} tables, {rows} rows, {len(manifest['files'])} files"
        )
