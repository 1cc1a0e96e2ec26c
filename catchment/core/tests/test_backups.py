"""Backups restore: a backup of a hub with data, restored into a scratch database, holds the same number of
rows in every table (reliability.md #29), on SQLite and on PostgreSQL; uploads come back too."""

from __future__ import annotations

import io
import sqlite3
import tarfile
import uuid

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
    scratch = sqlite3.connect(scratch_path)
    backups.restore_sqlite(made, scratch)
    scratch.close()
    expected = backups.row_counts("default")
    restored = scratch_counts_sqlite(scratch_path)
    assert {t: restored.get(t) for t in expected} == expected
    assert expected["discussions_topic"] == 5 and expected["discussions_post"] == 5


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
        backups.restore_postgres(made, {**settings, "NAME": scratch})
        expected = backups.row_counts("default")
        with psycopg.connect(dbname=scratch, **{k.lower(): v for k, v in server.items()}) as restored:
            counts = {t: restored.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in expected}  # noqa: S608
        assert counts == expected
        assert expected["discussions_topic"] == 5
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
