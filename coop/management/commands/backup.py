"""`manage.py backup [--dir backups]`: the database and MEDIA_ROOT in one checked archive."""

from django.core.management.base import BaseCommand

from coop.backups import backup_create


class Command(BaseCommand):
    help = "Writes a backup archive of the database and MEDIA_ROOT, with row counts and file hashes."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default="backups", help="Folder for the archive (default: backups/).")

    def handle(self, *args, **options):
        archive, manifest = backup_create(directory=options["dir"])
        rows = sum(manifest["rows"].values())
        self.stdout.write(f"{archive}: {len(manifest['rows'])} tables, {rows} rows, {len(manifest['files'])} files")
