"""Backups that can be restored: the database (SQLite through its online backup API, PostgreSQL through
pg_dump's custom format) and, when uploads are kept on local disk, the uploaded files as a tar archive.

Both database copies are consistent snapshots taken while the hub keeps running. `restore` replaces the
target database's contents with the backup's; `row_counts` is how the tests (and an operator) check that a
restore brought everything back.
"""

from __future__ import annotations

import datetime
import os
import sqlite3

# pg_dump and pg_restore run with fixed arguments, never through a shell.
import subprocess  # nosec B404
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connections


class BackupError(RuntimeError):
    """A backup or restore that could not be made; the message says why."""


@dataclass(frozen=True)
class Made:
    database: Path
    media: Path | None


def _stamp() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _pg_environment(database: dict[str, Any]) -> dict[str, str]:
    environment = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if database.get(key):
            environment[name] = str(database[key])
    return environment


def _run(command: list[str], environment: dict[str, str]) -> None:
    try:
        subprocess.run(command, env=environment, check=True, capture_output=True, timeout=3600)  # noqa: S603  # nosec B603
    except FileNotFoundError as error:
        raise BackupError(f"{command[0]} is not installed (apt-get install postgresql-client)") from error
    except subprocess.CalledProcessError as error:
        raise BackupError(f"{command[0]} failed: {error.stderr.decode(errors='replace').strip()}") from error


def backup_database(alias: str, destination: Path) -> Path:
    """Copy the database `alias` into `destination` (a directory); returns the file written."""
    connection = connections[alias]
    destination.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "sqlite":
        if connection.in_atomic_block:
            # SQLite would wait forever for this connection's own open transaction to end.
            raise BackupError("back up outside a transaction")
        target = destination / f"catchment-{_stamp()}.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()
        return target
    if connection.vendor == "postgresql":
        target = destination / f"catchment-{_stamp()}.dump"
        settings = connection.settings_dict
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={target}",
                settings["NAME"],
            ],
            _pg_environment(settings),
        )
        return target
    raise BackupError(f"no backup method for {connection.vendor}")


def restore_sqlite(source: Path, target: sqlite3.Connection) -> None:
    """Copy a SQLite backup, checked intact first, over the database open in `target`."""
    try:
        backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        intact = backup.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{source} is not a SQLite database") from error
    try:
        if not intact:
            raise BackupError(f"{source} is not an intact SQLite database")
        backup.backup(target)
    finally:
        backup.close()


def restore_postgres(source: Path, settings: dict[str, Any]) -> None:
    """Replace the contents of the PostgreSQL database in `settings` with a pg_dump backup, in one
    transaction (a failed restore leaves the database as it was)."""
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            f"--dbname={settings['NAME']}",
            str(source),
        ],
        _pg_environment(settings),
    )


def restore_database(source: Path, alias: str) -> None:
    """Replace the contents of the database `alias` with the backup in `source`."""
    connection = connections[alias]
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        restore_sqlite(source, connection.connection)
        return
    if connection.vendor == "postgresql":
        connection.close()
        restore_postgres(source, connection.settings_dict)
        return
    raise BackupError(f"no restore method for {connection.vendor}")


def backup_media(media_root: Path, destination: Path) -> Path | None:
    """The uploaded files as a .tar.gz, when they are on local disk; None when there are none."""
    if not media_root.is_dir():
        return None
    target = destination / f"media-{_stamp()}.tar.gz"
    with tarfile.open(target, "w:gz") as archive:
        archive.add(media_root, arcname="media")
    return target


def restore_media(source: Path, media_root: Path) -> int:
    """Unpack a media archive over `media_root`; returns the number of files. Refuses paths that would
    land outside it."""
    with tarfile.open(source, "r:gz") as archive:
        members = [member for member in archive.getmembers() if member.isfile() or member.isdir()]
        for member in members:
            relative = Path(member.name)
            if relative.is_absolute() or ".." in relative.parts or relative.parts[:1] != ("media",):
                raise BackupError(f"{source} holds a path outside the media folder: {member.name}")
        media_root.mkdir(parents=True, exist_ok=True)
        # Every path was checked above, and the "data" filter refuses links and special files too.
        archive.extractall(media_root.parent, members=members, filter="data")
    return sum(1 for member in members if member.isfile())


def row_counts(alias: str) -> dict[str, int]:
    """Rows per table of the database `alias` (Django's tables, in name order)."""
    connection = connections[alias]
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608  # nosec B608
            counts[table] = int(cursor.fetchone()[0])
    return counts
