from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser

from catchment.core import backups
from config.settings.environment import VAR_DIR


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite online backup or pg_dump) and, when uploads are on local disk, the "
        "uploaded files, into var/backups/ (or --to). Safe while the hub runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--to", type=Path, default=VAR_DIR / "backups", help="Directory to write into.")

    def handle(self, *args: object, **options: object) -> None:
        destination = options["to"]
        assert isinstance(destination, Path)
        try:
            database = backups.backup_database("default", destination)
            media = (
                backups.backup_media(Path(settings.MEDIA_ROOT), destination)
                if isinstance(default_storage, FileSystemStorage)
                else None
            )
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"database: {database}")
        self.stdout.write(
            f"files: {media}" if media else "files: none on local disk (object storage keeps its own)"
        )
