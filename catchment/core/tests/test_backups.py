"""Backups restore: a backup of a hub with data, restored into a scratch database, holds the same number of
rows in every table and the same rows (a digest of each table), needs no migration (`migrate --check`), and
takes the printed time to restore (reliability.md #29), on SQLite and on PostgreSQL; uploads come back too."""

from __future__ import annotations

import hashlib
import io
import os
import sqlite3
import subprocess
import sys
import tarfile
import time
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from catchment.accounts.tests.factories import ProfileFactory
from catchment.communities.tests.factories import CommunityFactory, MembershipFactory
from catchment.core import backups
from catchment.discussions import services as discussions


def fill():
    community = CommunityFactory()
    for number in range(5):
        member = ProfileFactory().user
        MembershipFactory(community=community, user=member)
        discussions.topic_create(
            actor=member,
            community=community,
            kind="discussion",
            title=f"Topic {number}",
            body="Body",
            language="en",
        )


ROOT = Path(__file__).resolve().parents[3]


def digests(execute, tables):
    """A digest of each table's rows as the database writes them as text, sorted, from a function running SQL on
    one database (so no driver's conversions differ between the two sides): on PostgreSQL each row's text (the
    caller sets the same time zone on both sides), on SQLite each value's quote()."""
    found = {}
    for table in tables:
        if connection.vendor == "postgresql":
            sql = f"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM \"{table}\" AS t"  # noqa: S608
        else:
            columns = [row[1] for row in execute(f'PRAGMA table_info("{table}")')]
            values = " || '|' || ".join(f'quote("{column}")' for column in columns)
            sql = f'SELECT {values} AS r FROM "{table}" ORDER BY r'  # noqa: S608 - our own table and column names
        found[table] = hashlib.sha256(repr(execute(sql)).encode()).hexdigest()
    return found


def source_digests(tables):
    with connection.cursor() as cursor:

        def execute(sql):
            cursor.execute(sql)
            return cursor.fetchall()

        return digests(execute, tables)


def migrations_pending(database_url):
    """`manage.py migrate --check` against the restored database: exit 0 when nothing is left to apply."""
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    environment.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="config.settings.test")
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
    )
    return result.returncode, result.stdout + result.stderr


def scratch_counts_sqlite(path):
    with sqlite3.connect(path) as scratch:
        tables = [row[0] for row in scratch.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: scratch.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite path")
@pytest.mark.django_db(transaction=True)
def test_a_sqlite_backup_restores_into_a_scratch_database_with_every_row(tmp_path):
    fill()
    made = backups.backup_database("default", tmp_path)
    scratch_path = tmp_path / "scratch.sqlite3"
    started = time.monotonic()
    scratch = sqlite3.connect(scratch_path)
    backups.restore_sqlite(made, scratch)
    scratch.close()
    took = time.monotonic() - started
    expected = backups.row_counts("default")
    restored = scratch_counts_sqlite(scratch_path)
    assert {t: restored.get(t) for t in expected} == expected
    assert expected["discussions_topic"] == 5 and expected["discussions_post"] == 5
    with sqlite3.connect(scratch_path) as scratch:
        assert digests(lambda sql: scratch.execute(sql).fetchall(), expected) == source_digests(expected)
    code, output = migrations_pending(f"sqlite:///{scratch_path}")
    assert code == 0, output
    print(
        f"SQLite restore: {len(expected)} tables, {sum(expected.values())} rows in {took:.2f} s, 0 mismatches"
    )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite path")
def test_a_backup_inside_an_open_transaction_is_refused_not_left_waiting(db, tmp_path):
    with pytest.raises(backups.BackupError, match="outside a transaction"):
        backups.backup_database("default", tmp_path)


@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_is_refused_and_the_database_is_untouched(tmp_path):
    fill()
    before = backups.row_counts("default")
    damaged = tmp_path / "catchment-broken.sqlite3"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    with pytest.raises(backups.BackupError):
        backups.restore_database(damaged, "default")
    assert backups.row_counts("default") == before


def test_restore_asks_for_yes(db, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(tmp_path / "x.sqlite3"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL path")
@pytest.mark.django_db(transaction=True)
def test_a_postgres_backup_restores_into_a_scratch_database_with_every_row(tmp_path):
    import psycopg

    fill()
    made = backups.backup_database("default", tmp_path)
    settings = dict(connection.settings_dict)
    scratch = f"catchment_restore_{uuid.uuid4().hex[:10]}"
    server = {k: settings[k] for k in ("HOST", "PORT", "USER", "PASSWORD") if settings.get(k)}
    admin = psycopg.connect(dbname="postgres", autocommit=True, **{k.lower(): v for k, v in server.items()})
    admin.execute(f'CREATE DATABASE "{scratch}"')
    try:
        started = time.monotonic()
        backups.restore_postgres(made, {**settings, "NAME": scratch})
        took = time.monotonic() - started
        expected = backups.row_counts("default")
        with psycopg.connect(dbname=scratch, **{k.lower(): v for k, v in server.items()}) as restored:
            restored.execute("SET TIME ZONE 'UTC'")  # as Django's own connection
            counts = {t: restored.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in expected}  # noqa: S608
            restored_digests = digests(lambda sql: restored.execute(sql).fetchall(), expected)
        assert counts == expected
        assert expected["discussions_topic"] == 5
        assert restored_digests == source_digests(expected)
        user = f"{server['USER']}@" if server.get("USER") else ""
        address = f"{server.get('HOST', '127.0.0.1')}:{server.get('PORT') or 5432}"
        code, output = migrations_pending(f"postgres://{user}{address}/{scratch}")
        assert code == 0, output
        print(f"PostgreSQL restore: {len(expected)} tables, {sum(expected.values())} rows in {took:.2f} s")
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        admin.close()


def test_uploaded_files_come_back_and_a_hostile_archive_is_refused(tmp_path):
    media = tmp_path / "media"
    (media / "library").mkdir(parents=True)
    (media / "library" / "report.pdf").write_bytes(b"%PDF-1.4 report")
    archive = backups.backup_media(media, tmp_path)
    restored = tmp_path / "restored" / "media"
    assert backups.restore_media(archive, restored) == 1
    assert (restored / "library" / "report.pdf").read_bytes() == b"%PDF-1.4 report"
    hostile = tmp_path / "hostile.tar.gz"
    with tarfile.open(hostile, "w:gz") as out:
        data = b"owned"
        info = tarfile.TarInfo("media/../../escaped.txt")
        info.size = len(data)
        out.addfile(info, io.BytesIO(data))
    with pytest.raises(backups.BackupError, match="outside"):
        backups.restore_media(hostile, tmp_path / "again" / "media")
    assert not (tmp_path / "escaped.txt").exists()
