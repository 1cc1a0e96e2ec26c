"""Reliability row 34, load and soak: gunicorn (production settings, tests/reliability/settings.py) on a scratch
PostgreSQL database (`catchment_rel_soak_<pid>`, dropped afterwards) seeded with a small demo hub (harness
`prepare-soak`: 60 members, their communities, topics, library and events; prepared in the background from the
start of the session when other reliability runs come first, see conftest.py), then RELIABILITY_SOAK_CLIENTS
(default 8) client threads for RELIABILITY_SOAK_SECONDS (default 900; CI runs 60), each as its own member
(joined 60 days ago, so past the new-account limits; the API limits are raised by the harness environment), with
no pause between requests and this mix:

- 70 % reads: community catalogue and pages, topic lists, topic pages, event list and pages, the library and its
  pages, the member directory and profiles (anonymous pages), and the API's lists (with the member's token);
- 15 % posts through the API: replies, and every fourth one a new topic;
- 5 % event registrations and cancellations through the API (each client alternates per event, starting from
  the registrations the demo gave its member);
- 5 % library uploads through the API (a 16-48 KB PDF each);
- 5 % other API calls: /me, notifications, search, reactions on posts (toggled).

Every ~5 s (every 2 s in runs under 150 s) a sampler records the gunicorn workers' RSS (VmRSS, summed over the
workers alive at that moment), the connections to the scratch database (pg_stat_activity), the notification
mails the task threads have not sent yet, and the requests answered so far. The figures go to
var/reliability/soak.json and one line is printed. Failures are answers other than 2xx/3xx and connection
errors; 429 and 409 are counted apart. The run fails on any 5xx, on any other 4xx (the clients ask only for what
their member may do: the few 403s of the 2-hour runs of stops 19 and 20 were members reacting to their own
posts, which the seed listed among the posts to react to until it left the writers' own out), a failure ratio
above 0.1 %, RSS growth above 10 % (median of the samples in the last third against the first third, after the
first 20 % as warm-up), a 95th-percentile latency in the last third more than 1.5 times (plus 250 ms, for the
short CI runs' noise) that of the first third (answers by the time they completed), or database connections that
leak or grow: any connection left idle for IDLE_LONG_S (twice the harness's CONN_MAX_AGE, after which a worker
closes its own; a leaked one is never closed), a floor (the lowest quarter of the samples) higher in the last
third than in the first beyond each worker's two, or more than three per worker at any moment: a worker holds
one for its requests, one for its task thread (busy under this load) and one for its mail thread (mostly idle),
the last two closed when idle (the 2-hour run of stop 20 counted up to 10 on 3 workers, when each mail went from
a short-lived thread with its own connection; the median rose from 6 to 7 as the busier last third kept more of
them alive, which the old median check took for growth)."""

from __future__ import annotations

import http.client
import json
import os
import random
import shutil
import statistics
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.reliability import harness

pytestmark = pytest.mark.reliability

SECONDS = float(os.environ.get("RELIABILITY_SOAK_SECONDS", "900"))
CLIENTS = int(os.environ.get("RELIABILITY_SOAK_CLIENTS", "8"))
WORKERS = int(os.environ.get("RELIABILITY_SOAK_WORKERS", "3"))
SAMPLE_S = 5.0 if SECONDS >= 150 else 2.0
WARM_UP = 0.2
MAX_FAILURE_RATIO = 0.001
MAX_RSS_GROWTH = 0.10
MAX_P95_GROWTH = 1.5
P95_SLACK_S = 0.25
# (weight, kind): the mix of row 34.
IDLE_LONG_S = 120
MIX = [(70, "read"), (15, "post"), (5, "event"), (5, "upload"), (5, "api")]


@dataclass
class Tally:
    """What the clients got, shared by the threads (under `lock`)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: list[float] = field(default_factory=list)
    completed: list[float] = field(default_factory=list)  # time.monotonic() when each answer arrived
    labels: list[str] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    examples: list[dict[str, Any]] = field(default_factory=list)
    event_histories: list[dict[str, Any]] = field(default_factory=list)
    tracebacks: int = 0

    def record(self, kind: str, label: str, status: int | str, seconds: float, text: str) -> None:
        with self.lock:
            self.latencies.append(seconds)
            self.completed.append(time.monotonic())
            self.labels.append(label)
            self.statuses[str(status)] += 1
            self.kinds[kind] += 1
            failed = not isinstance(status, int) or not (200 <= status < 400 or status in (409, 429))
            if failed:
                self.failures[f"{label} {status}"] += 1
                if len(self.examples) < 5:
                    self.examples.append({"request": label, "status": status, "text": text[:300]})
            if any(marker in text for marker in harness.TRACEBACK_MARKERS):
                self.tracebacks += 1

    def count(self) -> int:
        with self.lock:
            return len(self.latencies)


def send(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int | str, str]:
    """One request (a new connection, as the harness's `request`); the status or the error's name, and the text."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        answer = connection.getresponse()
        return answer.status, answer.read().decode("utf-8", "replace")
    except (OSError, http.client.HTTPException) as error:
        return type(error).__name__, ""
    finally:
        connection.close()


class Client:
    """One member: a token, a random stream of the mix, and what it registered for and reacted to."""

    def __init__(self, port: int, seed: dict[str, Any], index: int, tally: Tally, deadline: float) -> None:
        self.port = port
        self.seed = seed
        self.token = seed["clients"][index]["token"]
        self.random = random.Random(index)
        self.tally = tally
        self.deadline = deadline
        self.registered: set[int] = set(seed["registered"][seed["clients"][index]["username"]])
        self.history: dict[int, list[str]] = {}
        self.started = time.monotonic()
        self.reacted: set[int] = set()
        self.writes = 0

    def auth(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **(extra or {})}

    def call(
        self,
        kind: str,
        method: str,
        path: str,
        label: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> int | str:
        started = time.monotonic()
        status, text = send(self.port, method, path, body, headers)
        self.tally.record(kind, label, status, time.monotonic() - started, text)
        return status

    def json_call(self, kind: str, method: str, path: str, label: str, data: dict[str, Any]) -> int | str:
        headers = self.auth({"Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex})
        return self.call(kind, method, path, label, json.dumps(data).encode(), headers)

    def run(self) -> None:
        weights = [weight for weight, _kind in MIX]
        kinds = [kind for _weight, kind in MIX]
        while time.monotonic() < self.deadline:
            kind = self.random.choices(kinds, weights)[0]
            getattr(self, kind)()

    def read(self) -> None:
        pick = self.random
        seed = self.seed
        slug, topic = pick.choice(seed["topics"])
        community = pick.choice(seed["communities"])
        pages = [
            ("/communities/", "page communities"),
            (f"/communities/{community}/", "page community"),
            (f"/communities/{slug}/topics/", "page topics"),
            (f"/communities/{slug}/topics/{topic}/", "page topic"),
            (f"/communities/{slug}/topics/{topic}/", "page topic"),
            ("/events/", "page events"),
            (f"/events/{pick.choice(seed['all_events'])}/", "page event"),
            ("/library/", "page library"),
            (f"/library/{pick.choice(seed['resources'])}/", "page resource"),
            ("/members/", "page members"),
            (f"/members/{pick.choice(seed['people'])}/", "page profile"),
        ]
        api = [
            ("/api/v1/communities/", "api communities"),
            (f"/api/v1/communities/{slug}/topics/", "api topics"),
            (f"/api/v1/communities/{slug}/topics/{topic}/posts/", "api posts"),
            ("/api/v1/events/", "api events"),
            ("/api/v1/resources/", "api resources"),
            ("/api/v1/people/", "api people"),
        ]
        if pick.random() < 0.7:
            path, label = pick.choice(pages)
            self.call("read", "GET", path, label)
        else:
            path, label = pick.choice(api)
            self.call("read", "GET", path, label, headers=self.auth())

    def post(self) -> None:
        self.writes += 1
        slug, topic = self.random.choice(self.seed["topics"])
        text = f"Soak {uuid.uuid4().hex[:12]}: how did the catchment committee share the costs this season?"
        if self.writes % 4 == 0:
            data = {"kind": "discussion", "title": text[:60], "body": text, "language": "en"}
            self.json_call("post", "POST", f"/api/v1/communities/{slug}/topics/", "api new topic", data)
        else:
            path = f"/api/v1/communities/{slug}/topics/{topic}/posts/"
            self.json_call("post", "POST", path, "api reply", {"body": text})

    def event(self) -> None:
        chosen = self.random.choice(self.seed["events"])
        path = f"/api/v1/events/{chosen['id']}/registration/"
        if chosen["id"] in self.registered:
            method = "DELETE"
            status = self.call("event", method, path, "api unregister", headers=self.auth())
            if status == 200:
                self.registered.discard(chosen["id"])
        else:
            method = "POST"
            status = self.json_call("event", method, path, "api register", {"language": chosen["language"]})
            if status == 201:
                self.registered.add(chosen["id"])
        history = self.history.setdefault(chosen["id"], [])
        history.append(f"{time.monotonic() - self.started:.1f} s {method} {status}")
        if status not in (
            200,
            201,
        ):  # what this member did with the event before, to tell whose state was wrong
            with self.tally.lock:
                self.tally.event_histories.append({"event": chosen["id"], "history": history[-6:]})

    def upload(self) -> None:
        number = uuid.uuid4().hex[:8]
        data = b"%PDF-1.4\n" + os.urandom(self.random.randint(16, 48) * 1024) + b"\n%%EOF\n"
        body, content_type = harness._multipart(
            {"kind": "document", "title": f"Soak report {number}", "language": "en"},
            f"soak-{number}.pdf",
            data,
        )
        headers = self.auth({"Content-Type": content_type, "Idempotency-Key": uuid.uuid4().hex})
        self.call("upload", "POST", "/api/v1/resources/", "api upload", body, headers)

    def api(self) -> None:
        choice = self.random.randrange(4)
        if choice == 0:
            self.call("api", "GET", "/api/v1/me/", "api me", headers=self.auth())
        elif choice == 1:
            self.call("api", "GET", "/api/v1/notifications/", "api notifications", headers=self.auth())
        elif choice == 2:
            word = self.random.choice(["water", "catchment", "gender", "climate", "partnership"])
            self.call("api", "GET", f"/api/v1/search/?q={word}", "api search", headers=self.auth())
        else:
            slug, topic, post = self.random.choice(self.seed["posts"])
            path = f"/api/v1/communities/{slug}/topics/{topic}/posts/{post}/reactions/"
            kind = self.random.choice(["thanks", "agree", "insightful", "celebrate"])
            self.json_call("api", "POST", path, "api reaction", {"kind": kind})


@dataclass
class Sampler:
    server: harness.Server
    database: str
    tally: Tally
    started: float
    stop: threading.Event = field(default_factory=threading.Event)
    samples: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def take(self) -> None:
        rss: dict[int, int] = {}
        for pid in self.server.worker_pids():
            kb = _vm_rss_kb(pid)
            if kb is not None:
                rss[pid] = kb
        with harness.pg_admin() as admin:
            connections, idle_long = admin.execute(
                "SELECT count(*), count(*) FILTER (WHERE state = 'idle' AND state_change < now() - %s * interval "
                "'1 second') FROM pg_stat_activity WHERE datname = %s AND backend_type = 'client backend'",
                [IDLE_LONG_S, self.database],
            ).fetchone()
        # Counted after the connections, so this one is not among them: notifications whose mail the workers'
        # task threads have not sent yet (the partial index holds only these rows).
        with psycopg.connect(harness.pg_url(self.database), autocommit=True) as scratch:
            row = scratch.execute(
                "SELECT count(*) FROM notifications_notification WHERE email_wanted AND emailed_at IS NULL"
            ).fetchone()
            waiting = row[0] if row else 0
        elapsed = time.monotonic() - self.started
        answered = self.tally.count()
        self.samples.append(
            {
                "t": round(elapsed, 1),
                "rss_kb": sum(rss.values()),
                "workers": sorted(rss),
                "db_connections": int(connections),
                "db_connections_idle_long": int(idle_long),
                "mail_waiting": int(waiting),
                "requests": answered,
                "rps": round(answered / elapsed, 1) if elapsed else 0.0,
            }
        )

    def run(self, report_every: float) -> None:
        next_report = time.monotonic() + report_every
        while not self.stop.wait(SAMPLE_S):
            try:
                self.take()
            except Exception as error:  # reported with the figures
                self.errors.append(repr(error))
                continue
            if time.monotonic() >= next_report:
                last = self.samples[-1]
                print(
                    f"  {last['t']:.0f} s: {last['requests']} requests ({last['rps']}/s), "
                    f"workers {last['rss_kb'] / 1024:.1f} MB, {last['db_connections']} DB connections, "
                    f"{last['mail_waiting']} notification mails waiting",
                    flush=True,
                )
                next_report = time.monotonic() + report_every


def _vm_rss_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def percentile(ordered: list[float], share: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def windows(
    samples: list[dict[str, Any]], seconds: float
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The samples of the first and the last third of the run after its warm-up (the first 20 %)."""
    start = seconds * WARM_UP
    third = (seconds - start) / 3
    first = [s for s in samples if start <= s["t"] < start + third]
    last = [s for s in samples if s["t"] >= seconds - third]
    return first, last


def _thirds(tally: Tally, started: float, seconds: float) -> dict[str, list[tuple[str, float]]]:
    """(label, latency) of the answers that completed in the first and in the last third after the warm-up."""
    start = seconds * WARM_UP
    third = (seconds - start) / 3
    with tally.lock:
        answers = list(zip(tally.completed, tally.labels, tally.latencies, strict=True))
    return {
        "first_third": [
            (label, latency) for at, label, latency in answers if start <= at - started < start + third
        ],
        "last_third": [(label, latency) for at, label, latency in answers if at - started >= seconds - third],
    }


def _summary(latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "p50": round(percentile(ordered, 0.50) * 1000, 1),
        "p95": round(percentile(ordered, 0.95) * 1000, 1),
    }


def latency_by_third(tally: Tally, started: float, seconds: float) -> dict[str, dict[str, float]]:
    """p50 and p95 of all answers in the first and in the last third: the degradation check."""
    return {
        name: _summary([latency for _label, latency in answers])
        for name, answers in _thirds(tally, started, seconds).items()
    }


def latency_by_request(
    tally: Tally, started: float, seconds: float
) -> dict[str, dict[str, dict[str, float]]]:
    """The same per kind of request, to tell which one slows down when the whole does."""
    thirds = _thirds(tally, started, seconds)
    labels = sorted({label for answers in thirds.values() for label, _latency in answers})
    return {
        label: {
            name: _summary([latency for other, latency in answers if other == label])
            for name, answers in thirds.items()
        }
        for label in labels
    }


def figures_of(
    tally: Tally,
    sampler: Sampler,
    seconds: float,
    elapsed: float,
    start_s: float,
    seed: dict[str, Any],
    started: float,
) -> dict[str, Any]:
    ordered = sorted(tally.latencies)
    requests = len(ordered)
    expected = tally.statuses.get("409", 0) + tally.statuses.get("429", 0)
    failures = sum(tally.failures.values())
    server_errors = sum(n for status, n in tally.statuses.items() if status.isdigit() and int(status) >= 500)
    refusals = sum(
        n
        for status, n in tally.statuses.items()
        if status.isdigit() and 400 <= int(status) < 500 and int(status) not in (409, 429)
    )
    first, last = windows(sampler.samples, seconds)
    rss_first = statistics.median(s["rss_kb"] for s in first) if first else 0
    rss_last = statistics.median(s["rss_kb"] for s in last) if last else 0
    db_first = statistics.median(s["db_connections"] for s in first) if first else 0
    db_last = statistics.median(s["db_connections"] for s in last) if last else 0
    floor_first = percentile(sorted(float(s["db_connections"]) for s in first), 0.25) if first else 0.0
    floor_last = percentile(sorted(float(s["db_connections"]) for s in last), 0.25) if last else 0.0
    workers_seen = {pid for s in sampler.samples for pid in s["workers"]}
    return {
        "seconds": seconds,
        "elapsed_s": round(elapsed, 1),
        "gunicorn_start_s": round(start_s, 2),
        "clients": CLIENTS,
        "workers": WORKERS,
        "hub": {
            "communities_read": len(seed["communities"]),
            "topics_read": len(seed["topics"]),
            "events_open_for_registration": len(seed["events"]),
        },
        "requests": requests,
        "rps": round(requests / elapsed, 1) if elapsed else 0.0,
        "latency_ms": {
            "p50": round(percentile(ordered, 0.50) * 1000, 1),
            "p95": round(percentile(ordered, 0.95) * 1000, 1),
            "p99": round(percentile(ordered, 0.99) * 1000, 1),
            "max": round(ordered[-1] * 1000, 1) if ordered else 0.0,
        },
        "latency_ms_by_third": latency_by_third(tally, started, seconds),
        "latency_ms_by_request": latency_by_request(tally, started, seconds),
        "mix": dict(tally.kinds),
        "answers": dict(sorted(tally.statuses.items())),
        "expected_409_429": expected,
        "failures": failures,
        "failure_ratio": round(failures / requests, 6) if requests else 1.0,
        "failures_by_request": dict(tally.failures),
        "failure_examples": tally.examples,
        "failed_registrations_history": tally.event_histories[:10],
        "server_errors": server_errors,
        "refusals": refusals,
        "responses_with_traceback": tally.tracebacks,
        "rss_mb": {
            "first_third_median": round(rss_first / 1024, 1),
            "last_third_median": round(rss_last / 1024, 1),
            "growth": round(rss_last / rss_first - 1, 4) if rss_first else None,
            "min": round(min((s["rss_kb"] for s in sampler.samples), default=0) / 1024, 1),
            "max": round(max((s["rss_kb"] for s in sampler.samples), default=0) / 1024, 1),
        },
        "workers_seen": len(workers_seen),
        "db_connections": {
            "first_third_median": db_first,
            "last_third_median": db_last,
            "first_third_p25": floor_first,
            "last_third_p25": floor_last,
            "max": max((s["db_connections"] for s in sampler.samples), default=0),
            "idle_long_max": max((s["db_connections_idle_long"] for s in sampler.samples), default=0),
        },
        "notification_mails_waiting": {
            "first_third_median": statistics.median(s["mail_waiting"] for s in first) if first else 0,
            "last_third_median": statistics.median(s["mail_waiting"] for s in last) if last else 0,
            "at_the_end": sampler.samples[-1]["mail_waiting"] if sampler.samples else 0,
        },
        "samples_in_windows": [len(first), len(last)],
        "sampler_errors": sampler.errors,
        "samples": sampler.samples,
    }


@dataclass
class Hub:
    name: str
    folder: Path
    env: dict[str, str]
    process: Any


_early: list[Hub] = []


def start_hub() -> Hub:
    """Create the scratch database and start migrating and seeding it (a subprocess: ~30 s of one core)."""
    folder = Path(tempfile.mkdtemp(prefix="catchment-rel-soak-"))
    name = f"catchment_rel_soak_{os.getpid()}"
    env = harness.environment(harness.pg_create(name), folder)
    return Hub(name, folder, env, harness.start_prepare(env, CLIENTS, "prepare-soak"))


def start_early() -> None:
    """Called by conftest.py when other reliability runs come first: the soak's hub is then prepared while their
    own databases migrate, on the core a migration leaves idle, instead of afterwards."""
    if not _early:
        _early.append(start_hub())


def drop(hub: Hub) -> None:
    if hub.process.poll() is None:
        hub.process.kill()
        hub.process.wait()
    harness.pg_drop(hub.name)
    shutil.rmtree(hub.folder, ignore_errors=True)


def drop_early() -> None:
    while _early:
        drop(_early.pop())


@pytest.fixture(scope="module")
def soak_hub():
    hub = _early[0] if _early else start_hub()
    try:
        seed = harness.finish(hub.process, "prepare-soak")
        yield hub.env, seed, hub.name
    finally:
        drop(hub)
        if hub in _early:
            _early.remove(hub)


def test_load_and_soak_keeps_answers_memory_and_connections_steady(soak_hub):
    env, seed, name = soak_hub
    server = harness.Server(
        port=harness.free_port(),
        env=env,
        workers=WORKERS,
        log=Path(env["CATCHMENT_VAR_DIR"]) / "gunicorn-soak.log",
    )
    start_s = server.start()
    tally = Tally()
    started = time.monotonic()
    deadline = started + SECONDS
    sampler = Sampler(server=server, database=name, tally=tally, started=started)
    clients = [Client(server.port, seed, index, tally, deadline) for index in range(CLIENTS)]
    threads = [threading.Thread(target=client.run, daemon=True) for client in clients]
    sampling = threading.Thread(target=sampler.run, args=(max(10.0, SECONDS / 20),), daemon=True)
    try:
        sampling.start()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=SECONDS + 120)
        elapsed = time.monotonic() - started
    finally:
        sampler.stop.set()
        sampling.join(timeout=30)
        server.stop()
    figures = figures_of(tally, sampler, SECONDS, elapsed, start_s, seed, started)
    harness.OUT.mkdir(parents=True, exist_ok=True)
    (harness.OUT / "soak.json").write_text(json.dumps(figures, indent=2))
    shown = {key: value for key, value in figures.items() if key != "samples"}
    print(json.dumps(shown, indent=2))
    rss = figures["rss_mb"]
    thirds = figures["latency_ms_by_third"]
    print(
        f"soak {SECONDS:.0f} s, {CLIENTS} clients, {WORKERS} workers: {figures['requests']} requests, "
        f"{figures['rps']}/s, p50/p95/p99 {figures['latency_ms']['p50']}/{figures['latency_ms']['p95']}/"
        f"{figures['latency_ms']['p99']} ms (p95 {thirds['first_third']['p95']} → {thirds['last_third']['p95']} "
        f"ms by third), failures {figures['failure_ratio']:.3%} "
        f"({figures['expected_409_429']} × 409/429), other 4xx {figures['refusals']}, "
        f"5xx {figures['server_errors']}, "
        f"RSS {rss['first_third_median']} → {rss['last_third_median']} MB ({(rss['growth'] or 0):+.1%}), "
        f"DB connections {figures['db_connections']['first_third_median']} → "
        f"{figures['db_connections']['last_third_median']} (floor {figures['db_connections']['first_third_p25']} → "
        f"{figures['db_connections']['last_third_p25']}, max {figures['db_connections']['max']}, idle past "
        f"{IDLE_LONG_S} s: {figures['db_connections']['idle_long_max']})",
        flush=True,
    )
    assert not any(thread.is_alive() for thread in threads)
    assert figures["sampler_errors"] == []
    assert all(figures["samples_in_windows"]), "too few samples for the RSS and connection windows"
    assert figures["requests"] > 0
    assert figures["server_errors"] == 0, figures["failure_examples"]
    assert figures["refusals"] == 0, figures["failure_examples"]
    assert figures["responses_with_traceback"] == 0
    assert figures["failure_ratio"] <= MAX_FAILURE_RATIO, figures["failures_by_request"]
    assert rss["growth"] is not None and rss["growth"] <= MAX_RSS_GROWTH
    assert thirds["first_third"]["requests"] and thirds["last_third"]["requests"]
    assert (
        thirds["last_third"]["p95"] <= MAX_P95_GROWTH * thirds["first_third"]["p95"] + P95_SLACK_S * 1000
    ), thirds
    connections = figures["db_connections"]
    assert connections["idle_long_max"] == 0, connections
    assert connections["last_third_p25"] <= max(connections["first_third_p25"], 2 * WORKERS), connections
    assert connections["max"] <= 3 * WORKERS, connections
