"""manage.py backup <dir>: the database and the stored files, consistent with each other."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sagsbro.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Tag en sikkerhedskopi af databasen og fillageret (dokumenterne) i en ny, tom mappe: "
        "pg_dump eller SQLite-kopi, filerne og manifest.json med rækketal og SHA-256."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="en ny eller tom mappe")
        parser.add_argument("--database", default="default", help="databasens alias")

    def handle(self, *args, **options):
        try:
            summary = backup(options["directory"], alias=options["database"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Sikkerhedskopi ({summary.vendor}) i {options['directory']}: "
            f"{len(summary.tables)} tabeller, {summary.rows} rækker, "
            f"{summary.files} filer ({summary.file_bytes} bytes)."
        )
