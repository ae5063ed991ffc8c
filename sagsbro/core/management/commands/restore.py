"""manage.py restore <dir>: a backup into an empty database and an empty file store."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sagsbro.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Gendan en sikkerhedskopi (fra manage.py backup) i en tom database og et tomt "
        "fillager; filerne og rækketallene kontrolleres mod manifest.json."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="mappen med sikkerhedskopien")
        parser.add_argument("--database", default="default", help="databasens alias")
        parser.add_argument(
            "--force",
            action="store_true",
            help="erstat indholdet af en database eller et fillager, der ikke er tomt",
        )

    def handle(self, *args, **options):
        try:
            summary = restore(
                options["directory"], alias=options["database"], force=options["force"]
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        skipped = summary.skipped_files
        self.stdout.write(
            f"Gendannet ({summary.vendor}): {len(summary.tables)} tabeller, "
            f"{summary.rows} rækker som i manifestet; {summary.files} filer "
            f"({summary.file_bytes} bytes) med kontrolleret SHA-256"
            + (f", {skipped} fandtes allerede uændret" if skipped else "")
            + "."
        )
