"""Reliability rows 25 and 26 with real processes: gunicorn workers (and once the master) killed with
SIGKILL while members write, on PostgreSQL also their database connections ended and the database closed for
three seconds; then every acknowledged write must be there, once, with nothing half-written. See harness.py.

RELIABILITY_WRITES (default 2000) sets the writes per engine, RELIABILITY_CLIENTS (default 4) the clients;
CI runs 300. The figures are written to var/reliability/<engine>.json and printed."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.reliability import harness

pytestmark = pytest.mark.reliability

WRITES = int(os.environ.get("RELIABILITY_WRITES", "2000"))
CLIENTS = int(os.environ.get("RELIABILITY_CLIENTS", "4"))


@pytest.fixture(scope="module")
def scratch():
    """Both scratch databases, migrated and seeded side by side (a migration takes ~25 s of one core)."""
    folders = {
        engine: Path(tempfile.mkdtemp(prefix=f"catchment-rel-{engine}-"))
        for engine in ("postgresql", "sqlite")
    }
    name = f"catchment_rel_{os.getpid()}"
    environments = {
        "postgresql": harness.environment(harness.pg_create(name), folders["postgresql"]),
        "sqlite": harness.environment(
            f"sqlite:///{folders['sqlite'] / 'catchment.sqlite3'}", folders["sqlite"]
        ),
    }
    try:
        running = {engine: harness.start_prepare(env, CLIENTS) for engine, env in environments.items()}
        seeds = {
            engine: harness.finish(process, f"prepare ({engine})") for engine, process in running.items()
        }
        yield {engine: (environments[engine], seeds[engine]) for engine in environments}, name
    finally:
        harness.pg_drop(name)
        for folder in folders.values():
            shutil.rmtree(folder, ignore_errors=True)


def check(figures):
    print(json.dumps(figures, indent=2))
    assert figures["chaos_errors"] == []
    assert figures["writes_given_up"] == 0, figures["given_up_examples"]
    assert figures["writes_acked"] == figures["writes_attempted"]
    assert figures["acked_but_missing"] == 0
    assert figures["acked_with_wrong_id"] == 0
    assert figures["duplicates"] == 0
    assert figures["written_but_never_acked"] == 0
    assert figures["orphans"] == 0
    assert figures["reply_counts_wrong"] == 0
    assert figures["member_counts_wrong"] == 0
    assert figures["duplicate_post_numbers"] == 0
    assert figures["responses_with_traceback"] == 0
    assert figures["outage_answers_without_retry_after"] == 0
    assert figures["worker_kills"] > 0 and figures["master_kills"] == 1


def test_postgresql_survives_killed_workers_master_and_connections(scratch):
    engines, name = scratch
    env, seed = engines["postgresql"]
    figures = harness.run("postgresql", env, seed, WRITES, database=name)
    check(figures)
    assert figures["backend_terminations"] > 0
    assert figures["recovery_after_termination_max_s"] is not None
    assert figures["recovery_after_termination_max_s"] <= 10
    closed = figures["database_closed"]
    assert closed["healthz_status"] == 503 and closed["healthz_database"] == "error"
    assert closed["page_status"] == 503 and closed["page_retry_after"] == "30" and closed["page_no_store"]
    assert closed["page_translated"] and not closed["page_traceback"]
    assert closed["recovery_s"] is not None and closed["recovery_s"] <= 10


def test_sqlite_survives_killed_workers_and_master_and_stays_intact(scratch):
    engines, _name = scratch
    env, seed = engines["sqlite"]
    figures = harness.run("sqlite", env, seed, WRITES, database=None)
    check(figures)
    assert figures["integrity_check"] == "ok"
    assert figures["foreign_key_violations"] == 0


def test_a_full_media_disk_keeps_rows_and_files_in_step_and_text_still_posts(scratch):
    """Row 27 on a real filesystem: MEDIA_ROOT on a 4 MB tmpfs (root only; skipped otherwise)."""
    engines, _name = scratch
    env, seed = engines["postgresql"]
    figures = harness.media_full(env, seed)
    print(json.dumps(figures, indent=2))
    if "skipped" in figures:
        pytest.skip(figures["skipped"])
    assert figures["answers"].get("201", 0) > 0  # some fitted
    assert figures["refused_with_friendly_message"] == figures["uploads"] - figures["answers"].get("201", 0)
    assert figures["responses_with_traceback"] == 0
    assert figures["rows_without_file"] == 0 and figures["rows_with_damaged_file"] == 0
    assert figures["files_without_row"] == 0
    assert figures["text_topic_status"] == 201


def test_sqlite_on_a_full_disk_answers_503_and_stays_intact(scratch):
    engines, _name = scratch
    env, seed = engines["sqlite"]
    figures = harness.sqlite_full(env, seed)
    print(json.dumps(figures, indent=2))
    if "skipped" in figures:
        pytest.skip(figures["skipped"])
    assert set(figures["answers_while_full"]) == {503}
    assert set(figures["retry_after_while_full"]) == {"30"}
    assert figures["tracebacks_while_full"] == 0
    assert figures["answer_after_space_freed"] == 201 and figures["written_after_space_freed"] == 1
    assert figures["integrity_check"] == "ok"
