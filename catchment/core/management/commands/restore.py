from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from catchment.core import backups


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup`: the database file (replacing everything in the "
        "configured database) and, with --media, the uploaded files. Needs --yes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("database", type=Path, help="A .sqlite3 or .dump file written by `backup`.")
        parser.add_argument("--media", type=Path, help="The media-….tar.gz written by the same backup.")
        parser.add_argument("--yes", action="store_true", help="Yes, replace the current data.")

    def handle(self, *args: object, **options: object) -> None:
        if not options["yes"]:
            raise CommandError("This replaces every row of the configured database. Run again with --yes.")
        database, media = options["database"], options["media"]
        assert isinstance(database, Path)
        try:
            before = sum(backups.row_counts("default").values())
            backups.restore_database(database, "default")
            after = backups.row_counts("default")
            self.stdout.write(
                f"database restored: {sum(after.values())} rows in {len(after)} tables (was {before})"
            )
            if isinstance(media, Path):
                count = backups.restore_media(media, Path(settings.MEDIA_ROOT))
                self.stdout.write(f"files restored: {count}")
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
