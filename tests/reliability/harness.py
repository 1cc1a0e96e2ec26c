"""Crash and connection-loss runs against real processes (reliability rows 25 and 26).

gunicorn serves the production settings (tests/reliability/settings.py) from a scratch database: PostgreSQL
(`catchment_rel_<pid>`, created and dropped here) or a SQLite file in a temporary folder. Client threads,
each with its own member and API token, join communities, start topics and reply through the API. Every write
carries a client-made marker in its text and the same marker as its Idempotency-Key, and is sent again (same
key) until it is answered 2xx; each 2xx is logged. Meanwhile a chaos thread `kill -9`s a random gunicorn
worker every 1-2 s, once kills the master and its whole process group and starts gunicorn again, and on
PostgreSQL ends the workers' database connections with pg_terminate_backend every few seconds and once
closes the database to connections for three seconds (`ALTER DATABASE … ALLOW_CONNECTIONS false`), checking
that /healthz says 503 and pages answer the friendly 503 meanwhile. Afterwards the database is checked: every
acknowledged write is there exactly once, no topic lacks its opening post, every reply count and member count
equals its COUNT(*), every post has its interaction row, and SQLite passes `PRAGMA integrity_check`.

The steps that need Django run as subprocesses of this module (`prepare`, `verify`), so the test process
itself never touches the scratch database through the ORM.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "var" / "reliability"
PG_SERVER = os.environ.get("RELIABILITY_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
MARKER = re.compile(r"rel-[0-9a-f]{32}")
TRACEBACK_MARKERS = ("Traceback", 'File "/', "OperationalError", "InterfaceError")
OPEN_COMMUNITIES = 3
WRITE_DEADLINE_S = 90.0


# Scratch databases -----------------------------------------------------------------------------------------


def pg_url(name: str) -> str:
    parts = urllib.parse.urlsplit(PG_SERVER)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def pg_admin() -> Any:
    import psycopg

    return psycopg.connect(PG_SERVER, autocommit=True)


def pg_create(name: str) -> str:
    from psycopg import sql

    pg_drop(name)
    with pg_admin() as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return pg_url(name)


def pg_drop(name: str) -> None:
    from psycopg import sql

    with pg_admin() as admin:
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            return
        admin.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS true").format(sql.Identifier(name)))
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def pg_terminate(name: str) -> int:
    """End every connection to the database `name` (the gunicorn workers'); how many were ended."""
    with pg_admin() as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        ).fetchall()
    return sum(1 for (ended,) in rows if ended)


def pg_allow_connections(name: str, allowed: bool) -> None:
    from psycopg import sql

    with pg_admin() as admin:
        admin.execute(
            sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS {}").format(
                sql.Identifier(name), sql.SQL("true" if allowed else "false")
            )
        )


def environment(database_url: str, var_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.reliability.settings",
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "60",
        "CATCHMENT_VAR_DIR": str(var_dir),
        "SECRET_KEY": secrets.token_urlsafe(64),
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # The clients write as fast as they can; the per-account API limits are not what is tested here.
        "API_RATE_WRITE": "1000000/min",
        "API_RATE_MEMBER": "1000000/min",
        "PAGE_CACHE_SECONDS": "0",
        "LOG_LEVEL": "CRITICAL",
        "PYTHONUNBUFFERED": "1",
    }


def start_prepare(env: dict[str, str], clients: int, step: str = "prepare") -> subprocess.Popen[str]:
    """Migrate the scratch database and seed it, in a subprocess (several can run side by side). `step` is
    `prepare` (the crash runs' bare hub) or `prepare-soak` (a small demo hub as well, for test_soak.py)."""
    command = [sys.executable, "-m", "tests.reliability.harness", step, str(clients)]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def finish(process: subprocess.Popen[str], what: str, timeout: float = 300) -> dict[str, Any]:
    out, err = process.communicate(timeout=timeout)
    if process.returncode != 0:
        raise RuntimeError(f"{what} failed ({process.returncode}):\n{err[-4000:]}")
    return dict(json.loads(out.strip().splitlines()[-1]))


# gunicorn --------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    port: int
    env: dict[str, str]
    workers: int = 3
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None

    def start(self) -> float:
        """Start gunicorn and wait until /healthz answers 200; the seconds that took."""
        started = time.monotonic()
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "tests.reliability.wsgi:application",
            "--preload",
            f"--workers={self.workers}",
            f"--bind=127.0.0.1:{self.port}",
            "--log-level=warning",
            "--timeout=30",
            "--graceful-timeout=5",
        ]
        handle = self.log.open("ab") if self.log else subprocess.DEVNULL
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, start_new_session=True, stdout=handle, stderr=handle
        )
        deadline = started + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn stopped while starting")
            with contextlib.suppress(OSError, http.client.HTTPException):
                if request(self.port, "GET", "/healthz", timeout=2)[0] == 200:
                    return time.monotonic() - started
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        pid = self.process.pid
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            return []
        return [int(child) for child in children]

    def crash(self) -> None:
        """kill -9 the master, then whatever of its process group is left (the whole server dies)."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def request(
    port: int,
    method: str,
    path: str,
    body: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 15,
) -> tuple[int, dict[str, str], str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        payload = json.dumps(body).encode() if body is not None else None
        sent = {"Content-Type": "application/json", **(headers or {})} if payload else dict(headers or {})
        connection.request(method, path, body=payload, headers=sent)
        answer = connection.getresponse()
        text = answer.read().decode("utf-8", "replace")
        return answer.status, {key.lower(): value for key, value in answer.getheaders()}, text
    finally:
        connection.close()


# The clients -----------------------------------------------------------------------------------------------


@dataclass
class Log:
    """What every client did, shared by the threads (under `lock`)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    acked: list[dict[str, Any]] = field(default_factory=list)
    given_up: list[dict[str, Any]] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    tracebacks: int = 0
    server_errors_without_retry_after: int = 0

    def answer(self, status: int | str, headers: dict[str, str], text: str) -> None:
        with self.lock:
            self.statuses[str(status)] += 1
            if isinstance(status, int) and status >= 500:
                if any(marker in text for marker in TRACEBACK_MARKERS):
                    self.tracebacks += 1
                if status in (503, 507) and "retry-after" not in headers:
                    self.server_errors_without_retry_after += 1

    def ack(self, entry: dict[str, Any]) -> None:
        with self.lock:
            self.acked.append(entry)


def write(
    port: int, token: str, path: str, body: dict[str, Any], marker: str, log: Log
) -> dict[str, Any] | None:
    """Send one write until it is answered 2xx (same Idempotency-Key each time); the answer, or None."""
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": marker}
    deadline = time.monotonic() + WRITE_DEADLINE_S
    attempts = 0
    while time.monotonic() < deadline:
        attempts += 1
        sent_at = time.time()
        try:
            status, answer_headers, text = request(port, "POST", path, body, headers)
        except (OSError, http.client.HTTPException) as error:
            log.answer(type(error).__name__, {}, "")
            time.sleep(0.1)
            continue
        log.answer(status, answer_headers, text)
        if 200 <= status < 300:
            data = json.loads(text)
            return {"sent_at": sent_at, "acked_at": time.time(), "attempts": attempts, "data": data}
        if status in (409, 429, 502, 503, 504, 507):
            time.sleep(0.2)
            continue
        log.given_up.append({"path": path, "status": status, "text": text[:300], "marker": marker})
        return None
    log.given_up.append({"path": path, "status": "deadline", "marker": marker})
    return None


def client(
    port_of: Any, who: dict[str, str], slug: str, joins: list[str], writes: int, seed: int, log: Log
) -> None:
    chooser = random.Random(seed)
    token = who["token"]
    for community in joins:
        marker = f"rel-{uuid.uuid4().hex}"
        done = write(
            port_of(), token, f"/api/v1/communities/{community}/join/", {"accept_conduct": True}, marker, log
        )
        if done:
            log.ack(
                {
                    "kind": "join",
                    "marker": marker,
                    "community": community,
                    "username": who["username"],
                    **_times(done),
                }
            )
    topics: list[int] = []
    for number in range(writes):
        marker = f"rel-{uuid.uuid4().hex}"
        if not topics or number % 4 == 0:
            path = f"/api/v1/communities/{slug}/topics/"
            body = {
                "kind": "discussion",
                "title": f"Crash run {marker[-8:]}",
                "body": f"Opening {marker}",
                "language": "en",
            }
            done = write(port_of(), token, path, body, marker, log)
            if done:
                topics.append(int(done["data"]["id"]))
                log.ack({"kind": "topic", "marker": marker, "id": done["data"]["id"], **_times(done)})
        else:
            topic = chooser.choice(topics)
            path = f"/api/v1/communities/{slug}/topics/{topic}/posts/"
            done = write(port_of(), token, path, {"body": f"Reply {marker}"}, marker, log)
            if done:
                log.ack(
                    {
                        "kind": "reply",
                        "marker": marker,
                        "id": done["data"]["id"],
                        "topic": topic,
                        **_times(done),
                    }
                )


def _times(done: dict[str, Any]) -> dict[str, Any]:
    return {"sent_at": done["sent_at"], "acked_at": done["acked_at"], "attempts": done["attempts"]}


# Chaos -----------------------------------------------------------------------------------------------------


@dataclass
class Chaos:
    server: Server
    total: int
    log: Log
    database: str | None = None  # a PostgreSQL database name: its connections are terminated too
    stop: threading.Event = field(default_factory=threading.Event)
    worker_kills: int = 0
    master_kills: int = 0
    restart_s: float = 0.0
    terminations: list[float] = field(default_factory=list)
    backends_ended: int = 0
    outage: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def progress(self) -> float:
        with self.log.lock:
            return len(self.log.acked) / max(1, self.total)

    def run(self) -> None:
        chooser = random.Random(25)
        next_kill = time.monotonic() + chooser.uniform(1, 2)
        next_termination = time.monotonic() + 3
        next_report = time.monotonic() + 10
        try:
            while not self.stop.wait(0.1):
                now = time.monotonic()
                if now >= next_report:
                    print(
                        f"  {self.progress():.0%} acknowledged, {self.worker_kills} workers killed",
                        flush=True,
                    )
                    next_report = now + 10
                if not self.master_kills and self.progress() >= 0.4:
                    self.server.crash()
                    self.master_kills += 1
                    self.restart_s = round(self.server.start(), 2)
                    continue
                if self.database and not self.outage and self.progress() >= 0.7:
                    self.outage = self.close_database(3.0)
                    continue
                if now >= next_kill:
                    workers = self.server.worker_pids()
                    if workers:
                        with contextlib.suppress(ProcessLookupError):
                            os.kill(chooser.choice(workers), signal.SIGKILL)
                            self.worker_kills += 1
                    next_kill = now + chooser.uniform(1, 2)
                if self.database and now >= next_termination:
                    self.backends_ended += pg_terminate(self.database)
                    self.terminations.append(time.time())
                    next_termination = now + chooser.uniform(2.5, 3.5)
        except Exception as error:  # reported with the figures; the clients keep going
            self.errors.append(repr(error))

    def close_database(self, seconds: float) -> dict[str, Any]:
        """The database refuses connections for `seconds`: /healthz and a page must answer 503 meanwhile."""
        assert self.database
        pg_allow_connections(self.database, False)
        closed_at = time.time()
        try:
            pg_terminate(self.database)
            time.sleep(0.5)
            health = request(self.server.port, "GET", "/healthz", timeout=10)
            page = request(
                self.server.port, "GET", "/communities/", headers={"Accept-Language": "fr"}, timeout=10
            )
            time.sleep(max(0.0, seconds - (time.time() - closed_at)))
        finally:
            pg_allow_connections(self.database, True)
        reopened_at = time.time()
        return {
            "closed_s": round(reopened_at - closed_at, 1),
            "reopened_at": reopened_at,
            "healthz_status": health[0],
            "healthz_database": json.loads(health[2]).get("database") if health[0] in (200, 503) else None,
            "page_status": page[0],
            "page_retry_after": page[1].get("retry-after"),
            "page_no_store": "no-store" in page[1].get("cache-control", ""),
            "page_translated": 'lang="fr"' in page[2],
            "page_traceback": any(marker in page[2] for marker in TRACEBACK_MARKERS),
        }


def recovery_s(acked: list[dict[str, Any]], since: float) -> float | None:
    """Seconds from `since` until the first write sent after it was acknowledged."""
    after = [entry["acked_at"] for entry in acked if entry["sent_at"] >= since]
    return round(min(after) - since, 2) if after else None


# One run ---------------------------------------------------------------------------------------------------


def run(
    engine: str, env: dict[str, str], seed: dict[str, Any], writes: int, database: str | None
) -> dict[str, Any]:
    """Serve, write under chaos, verify; the figures."""
    started = time.monotonic()
    var_dir = Path(env["CATCHMENT_VAR_DIR"])
    server = Server(port=free_port(), env=env, workers=3, log=var_dir / "gunicorn.log")
    server.start()
    log = Log()
    clients = seed["clients"]
    per_client = [
        writes // len(clients) + (1 if index < writes % len(clients) else 0) for index in range(len(clients))
    ]
    total = sum(per_client) + len(clients) * len(seed["open"])
    chaos = Chaos(server=server, total=total, log=log, database=database)
    threads = [
        threading.Thread(
            target=client,
            args=(lambda: server.port, entry, seed["slug"], seed["open"], count, index, log),
            daemon=True,
        )
        for index, (entry, count) in enumerate(zip(clients, per_client, strict=True))
    ]
    chaos_thread = threading.Thread(target=chaos.run, daemon=True)
    try:
        chaos_thread.start()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        chaos.stop.set()
        chaos_thread.join(timeout=60)
        server.stop()
    write_s = time.monotonic() - started
    acked_file = var_dir / "acked.json"
    acked_file.write_text(json.dumps(log.acked))
    checked = finish(
        subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.harness", "verify", str(acked_file), seed["slug"]],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ),
        "verify",
    )
    recoveries = [
        value for value in (recovery_s(log.acked, since) for since in chaos.terminations) if value is not None
    ]
    outage = dict(chaos.outage)
    if outage:
        outage["recovery_s"] = recovery_s(log.acked, outage.pop("reopened_at"))
    figures = {
        "engine": engine,
        "workers": server.workers,
        "clients": len(clients),
        "writes_attempted": total,
        "writes_acked": len(log.acked),
        "writes_given_up": len(log.given_up),
        "given_up_examples": log.given_up[:3],
        "requests": sum(log.statuses.values()),
        "answers": dict(sorted(log.statuses.items())),
        "worker_kills": chaos.worker_kills,
        "master_kills": chaos.master_kills,
        "restart_s": chaos.restart_s,
        "backend_terminations": len(chaos.terminations),
        "backends_ended": chaos.backends_ended,
        "recovery_after_termination_max_s": max(recoveries) if recoveries else None,
        "database_closed": outage,
        "responses_with_traceback": log.tracebacks,
        "outage_answers_without_retry_after": log.server_errors_without_retry_after,
        "chaos_errors": chaos.errors,
        "write_phase_s": round(write_s, 1),
        **checked,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{engine}.json").write_text(json.dumps(figures, indent=2))
    return figures


# A full disk (row 27) ----------------------------------------------------------------------------------------


def _mount_tmpfs(folder: Path, size: str) -> str | None:
    """Mount a tmpfs of `size` on `folder`; the reason when that is impossible (not root, no mount)."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        return "not root: no tmpfs"
    done = subprocess.run(
        ["/usr/bin/mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    return None if done.returncode == 0 else f"mount failed: {done.stderr.strip()}"


def _unmount(folder: Path) -> None:
    subprocess.run(["/usr/bin/umount", "-l", str(folder)], capture_output=True, check=False)


def _fill(folder: Path) -> Path:
    """Write a file until the filesystem says ENOSPC; the file, to be removed to free the space again."""
    filler = folder / "filler"
    with contextlib.suppress(OSError), filler.open("wb") as handle:
        while True:
            handle.write(b"\0" * 65536)
            handle.flush()
    return filler


def _multipart(fields: dict[str, str], name: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def media_full(env: dict[str, str], seed: dict[str, Any], uploads: int = 12) -> dict[str, Any]:
    """MEDIA_ROOT on a 4 MB tmpfs; 600 KB library files uploaded until it is full, then a text topic. No row
    may lack its file (or hold a different one), no file may lack its row, and text must still post."""
    var_dir = Path(env["CATCHMENT_VAR_DIR"])
    media = var_dir / "media"
    reason = _mount_tmpfs(media, "4m")
    if reason:
        return {"skipped": reason}
    server = Server(port=free_port(), env=env, workers=2, log=var_dir / "gunicorn-disk.log")
    token = seed["clients"][0]["token"]
    answers: Counter[str] = Counter()
    friendly = tracebacks = 0
    try:
        server.start()
        for number in range(uploads):
            body, content_type = _multipart(
                {"kind": "document", "title": f"Full disk {number}", "language": "en"},
                f"report-{number}.pdf",
                b"%PDF-1.4\n" + os.urandom(600 * 1024),
            )
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            connection.request(
                "POST",
                "/api/v1/resources/",
                body=body,
                headers={"Authorization": f"Bearer {token}", "Content-Type": content_type},
            )
            answer = connection.getresponse()
            text = answer.read().decode("utf-8", "replace")
            connection.close()
            answers[str(answer.status)] += 1
            tracebacks += any(marker in text for marker in TRACEBACK_MARKERS)
            if answer.status == 507 and answer.getheader("Retry-After") and "nothing was saved" in text:
                friendly += 1
        topic = request(
            server.port,
            "POST",
            f"/api/v1/communities/{seed['slug']}/topics/",
            {"kind": "discussion", "title": "Text still works", "body": "No file here.", "language": "en"},
            {"Authorization": f"Bearer {token}"},
        )
    finally:
        server.stop()
    try:
        checked = finish(
            subprocess.Popen(
                [sys.executable, "-m", "tests.reliability.harness", "verify-files"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            ),
            "verify-files",
        )
    finally:
        _unmount(media)
    return {
        "uploads": uploads,
        "answers": dict(answers),
        "refused_with_friendly_message": friendly,
        "responses_with_traceback": tracebacks,
        "text_topic_status": topic[0],
        **checked,
    }


def sqlite_full(env: dict[str, str], seed: dict[str, Any]) -> dict[str, Any]:
    """The SQLite file on a tmpfs with no room left: a write answers 503 (no traceback); once space is freed
    writes work again and `PRAGMA integrity_check` is ok."""
    import sqlite3

    source = Path(env["DATABASE_URL"].removeprefix("sqlite:///"))
    volume = Path(env["CATCHMENT_VAR_DIR"]) / "small-volume"
    size_kb = source.stat().st_size // 1024 + 2048
    reason = _mount_tmpfs(volume, f"{size_kb}k")
    if reason:
        return {"skipped": reason}
    target = volume / "catchment.sqlite3"
    try:
        with sqlite3.connect(source) as original, sqlite3.connect(target) as copy:
            original.backup(copy)
        keeper = sqlite3.connect(target)  # keeps the -wal and -shm files in place while the disk is full
        keeper.execute("PRAGMA journal_mode=WAL")
        keeper.execute("SELECT count(*) FROM discussions_post").fetchone()
        server = Server(
            port=free_port(),
            env={**env, "DATABASE_URL": f"sqlite:///{target}"},
            workers=2,
            log=Path(env["CATCHMENT_VAR_DIR"]) / "gunicorn-sqlite-full.log",
        )
        server.start()
        token = seed["clients"][1]["token"]
        headers = {"Authorization": f"Bearer {token}"}
        path = f"/api/v1/communities/{seed['slug']}/topics/"
        try:
            filler = _fill(volume)
            full = [
                request(
                    server.port,
                    "POST",
                    path,
                    {"kind": "discussion", "title": f"Full {n}", "body": "x" * 5000, "language": "en"},
                    headers,
                )
                for n in range(3)
            ]
            filler.unlink()
            after = request(
                server.port,
                "POST",
                path,
                {
                    "kind": "discussion",
                    "title": "Room again",
                    "body": "Written after space was freed.",
                    "language": "en",
                },
                headers,
            )
        finally:
            server.stop()
        keeper.close()
        with sqlite3.connect(target) as check:
            integrity = ", ".join(row[0] for row in check.execute("PRAGMA integrity_check").fetchall())
            room_again = check.execute(
                "SELECT count(*) FROM discussions_topic WHERE title = 'Room again'"
            ).fetchone()[0]
    finally:
        _unmount(volume)
    return {
        "answers_while_full": [status for status, _headers, _text in full],
        "retry_after_while_full": [headers.get("retry-after") for _status, headers, _text in full],
        "tracebacks_while_full": sum(
            any(marker in text for marker in TRACEBACK_MARKERS) for _status, _headers, text in full
        ),
        "answer_after_space_freed": after[0],
        "written_after_space_freed": room_again,
        "integrity_check": integrity,
    }


def _verify_files() -> dict[str, Any]:
    import hashlib

    from django.conf import settings

    from catchment.library.models import Resource

    media = Path(settings.MEDIA_ROOT)
    on_disk = {str(path.relative_to(media)) for path in media.rglob("*") if path.is_file()}
    rows = list(Resource.objects.exclude(file="").values_list("file", "size", "sha256"))
    rows_without_file = wrong = 0
    for name, size, sha256 in rows:
        path = media / name
        if not path.exists():
            rows_without_file += 1
        elif path.stat().st_size != size or hashlib.sha256(path.read_bytes()).hexdigest() != sha256:
            wrong += 1
    named = {name for name, _size, _sha in rows}
    return {
        "resources_stored": len(rows),
        "rows_without_file": rows_without_file,
        "rows_with_damaged_file": wrong,
        "files_without_row": len(on_disk - named),
    }


# The subprocess steps --------------------------------------------------------------------------------------


def _prepare(clients: int) -> dict[str, Any]:
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    from catchment.accounts.models import User
    from catchment.accounts.tests.factories import ProfileFactory
    from catchment.api import services as api_services
    from catchment.communities.models import Role
    from catchment.communities.tests.factories import CommunityFactory, MembershipFactory

    call_command("migrate", verbosity=0, interactive=False)
    joined = timezone.now() - datetime.timedelta(days=60)  # past the new-account posting limits
    home = CommunityFactory(slug="crash-run", name="Crash run", visibility="public")
    open_ones = [CommunityFactory(slug=f"open-{n}", visibility="public") for n in range(OPEN_COMMUNITIES)]
    seeded = []
    for n in range(clients):
        user: User = ProfileFactory(user__username=f"writer-{n}", user__date_joined=joined).user  # type: ignore[assignment]
        MembershipFactory(community=home, user=user, role=Role.MEMBER)
        _token, raw = api_services.token_create(actor=user, name="crash run", scope="write")
        seeded.append({"username": user.username, "token": raw})
    return {"slug": home.slug, "open": [c.slug for c in open_ones], "clients": seeded}


def _prepare_soak(clients: int) -> dict[str, Any]:
    """The crash runs' seed plus a small demo hub (60 members, its communities, topics, library and events,
    without the demo's months of activity): the writers are members of the public launched communities that
    have topics, and what the soak's clients read and write is listed for them."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from catchment.accounts.demo import load_demo_hub
    from catchment.accounts.models import User
    from catchment.communities.demo import load_demo_communities
    from catchment.communities.models import Community, Membership, MembershipStatus, Role
    from catchment.discussions.demo import load_demo_discussions
    from catchment.discussions.models import Post, Topic
    from catchment.events import permissions as event_permissions
    from catchment.events.demo import load_demo_events
    from catchment.events.models import Event, Registration, RegistrationStatus
    from catchment.library.demo import load_demo_library
    from catchment.library.models import Resource

    seed = _prepare(clients)
    load_demo_hub(member_count=60)
    load_demo_communities()
    load_demo_discussions()
    load_demo_library()
    load_demo_events()
    readable = list(
        Community.objects.filter(visibility="public", stage="launched")
        .annotate(visible_topics=Count("topics", filter=Q(topics__status="visible")))
        .filter(visible_topics__gt=0)
        .order_by("-visible_topics", "slug")
        .values_list("slug", flat=True)[:6]
    )
    writers = list(User.objects.filter(username__startswith="writer-").order_by("pk"))
    for slug in readable:
        community = Community.objects.get(slug=slug)
        for user in writers:
            Membership.objects.get_or_create(
                community=community,
                user=user,
                defaults={"role": Role.MEMBER, "status": MembershipStatus.ACTIVE},
            )
        community.member_count = community.memberships.filter(status=MembershipStatus.ACTIVE).count()
        community.save(update_fields=["member_count"])
    topics = list(
        Topic.objects.filter(community__slug__in=readable, status="visible").values_list(
            "community__slug", "pk"
        )
    )
    posts = list(  # not the writers' own (the crash seed's community is among them): no one reacts to their own
        Post.objects.filter(topic__community__slug__in=readable, topic__status="visible", status="visible")
        .exclude(author__in=writers)
        .order_by("pk")
        .values_list("topic__community__slug", "topic_id", "pk")[:200]
    )
    now = timezone.now()
    events = []
    for event in Event.objects.prefetch_related("languages").order_by("starts_at"):
        membership = Membership.objects.filter(community=event.community_id, user=writers[0]).first()
        if event_permissions.can_register(writers[0], event, membership, now):
            events.append({"id": event.pk, "language": event.languages.all()[0].code})
    held = Registration.objects.filter(user__in=writers).exclude(status=RegistrationStatus.CANCELLED)
    registered: dict[str, list[int]] = {user.username: [] for user in writers}
    for username, event_id in held.values_list("user__username", "event_id"):
        registered[username].append(event_id)  # the demo registers a launched community's first members
    seed.update(
        registered=registered,
        communities=readable,
        topics=[[slug, pk] for slug, pk in topics],
        posts=[[slug, topic, pk] for slug, topic, pk in posts],
        events=events,
        all_events=list(Event.objects.values_list("pk", flat=True)[:30]),
        resources=list(Resource.objects.values_list("pk", flat=True)[:30]),
        people=list(
            User.objects.filter(email__endswith="@demo.catchment.example", profile__visibility="public")
            .order_by("pk")
            .values_list("username", flat=True)[:30]
        ),
    )
    return seed


def _verify(acked_path: str, slug: str) -> dict[str, Any]:
    from django.db import connection
    from django.db.models import Count, Q

    from catchment.communities.models import Community, Membership, MembershipStatus
    from catchment.core.models import Interaction
    from catchment.discussions.models import Post, Topic, Visibility

    acked = json.loads(Path(acked_path).read_text())
    found: dict[str, list[tuple[int, int, int]]] = {}
    posts = list(
        Post.objects.filter(topic__community__slug=slug).values_list("pk", "topic_id", "number", "body")
    )
    for pk, topic_id, number, body in posts:
        for marker in set(MARKER.findall(body)):
            found.setdefault(marker, []).append((pk, topic_id, number))
    missing = wrong = 0
    for entry in acked:
        if entry["kind"] == "join":
            if not Membership.objects.filter(
                community__slug=entry["community"],
                user__username=entry["username"],
                status=MembershipStatus.ACTIVE,
            ).exists():
                missing += 1
            continue
        rows = found.get(entry["marker"], [])
        if not rows:
            missing += 1
            continue
        pk, topic_id, number = rows[0]
        expected = (topic_id, 1) if entry["kind"] == "topic" else (pk, number)
        if int(entry["id"]) != expected[0] or (entry["kind"] == "topic" and number != 1):
            wrong += 1
    acked_markers = {entry["marker"] for entry in acked}
    topics = Topic.objects.filter(community__slug=slug)
    interactions = set(
        Interaction.objects.filter(source__startswith="post:").values_list("source", flat=True)
    )
    reply_counts = topics.annotate(
        counted=Count("posts", filter=Q(posts__number__gt=1, posts__status=Visibility.VISIBLE))
    ).values_list("reply_count", "counted")
    numbers = Post.objects.values("topic_id", "number").annotate(n=Count("pk")).filter(n__gt=1).count()
    member_counts = [
        (community.member_count, community.memberships.filter(status=MembershipStatus.ACTIVE).count())
        for community in Community.objects.all()
    ]
    figures: dict[str, Any] = {
        "acked_but_missing": missing,
        "acked_with_wrong_id": wrong,
        "duplicates": sum(1 for rows in found.values() if len(rows) > 1),
        "written_but_never_acked": sum(1 for marker in found if marker not in acked_markers),
        "topics": topics.count(),
        "posts": len(posts),
        "topics_without_opening_post": topics.exclude(posts__number=1).count(),
        "posts_without_topic": Post.objects.filter(topic__isnull=True).count(),
        "posts_without_interaction": sum(1 for pk, *_rest in posts if f"post:{pk}" not in interactions),
        "reply_counts_wrong": sum(1 for stored, counted in reply_counts if stored != counted),
        "duplicate_post_numbers": numbers,
        "member_counts_wrong": sum(1 for stored, counted in member_counts if stored != counted),
    }
    figures["orphans"] = (
        figures["topics_without_opening_post"]
        + figures["posts_without_topic"]
        + figures["posts_without_interaction"]
    )
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA integrity_check")
            figures["integrity_check"] = ", ".join(row[0] for row in cursor.fetchall())
            cursor.execute("PRAGMA foreign_key_check")
            figures["foreign_key_violations"] = len(cursor.fetchall())
    else:
        figures["integrity_check"] = "n/a (PostgreSQL)"
    return figures


def main(argv: list[str]) -> int:
    import django

    django.setup()
    if argv[0] == "prepare":
        result = _prepare(int(argv[1]))
    elif argv[0] == "prepare-soak":
        result = _prepare_soak(int(argv[1]))
    elif argv[0] == "verify":
        result = _verify(argv[1], argv[2])
    elif argv[0] == "verify-files":
        result = _verify_files()
    else:
        raise SystemExit(f"unknown step {argv[0]}")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
