"""`make bench SCALE=s|l`: the hub's main pages under load, side by side with their floor (issue 8).

1. Generate (once) the synthetic hub of the scale (bench/hub.py) in its own database: var/bench/hub-<scale>.sqlite3,
   or DATABASE_URL when it is set (PostgreSQL for the large scale).
2. Serve the app with the production settings under gunicorn (2 workers) on 127.0.0.1, next to a bare Django
   view, the floor.
3. Load each page with wrk (16 connections, bounded in time), anonymous and signed in, and read requests/s,
   p50/p95/p99 latency and bytes per response; count the SQL queries of one uncached request in-process.
4. Print a table with each page's throughput as a ratio to the floor and pass/fail against the targets, and
   write it all as JSON to var/bench/load-<scale>-<database>.json, so two runs can be compared.

    python -m bench.load [--scale s] [--duration 10] [--connections 16] [--smoke]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "var" / "bench"
WORKERS = 2
TARGETS = {
    "p99_ms": 150.0,  # every page
    "search_p95_ms": 100.0,
    "anonymous_cached_ratio": 0.40,  # of the floor's throughput
    "member_uncached_ratio": 0.04,  # topic page and topic list, signed in
    "page_bytes": 100 * 1024,
}


@dataclass
class Page:
    name: str
    path: str
    anonymous: bool = True
    member: bool = True
    convenor_only: bool = False
    cached: bool = False  # anonymous responses come from the page cache
    search: bool = False
    member_target: bool = False  # the uncached signed-in target applies


@dataclass
class Measure:
    page: str
    who: str
    path: str
    requests_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    bytes_per_response: int
    queries: int
    ratio_to_floor: float = 0.0
    bad_responses: int = 0
    checks: dict[str, bool] = field(default_factory=dict)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _server_environment(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.production",
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "600",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(64),
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }


def _serve(port: int, environment: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        f"--workers={WORKERS}",
        f"--bind=127.0.0.1:{port}",
        "--log-level=warning",
        "--timeout=60",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=environment, start_new_session=True)  # noqa: S603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped while starting; see the lines above")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/bare/", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    _stop(server)
    raise SystemExit("gunicorn did not answer within 60 s")


def _stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _wrk(url: str, cookie: str, seconds: float, connections: int) -> dict[str, Any]:
    command = [
        "wrk",
        "--threads=2",
        f"--connections={connections}",
        f"--duration={max(1, round(seconds))}s",
        "--timeout=10s",
        f"--script={ROOT / 'bench' / 'wrk_report.lua'}",
        url,
    ]
    done = subprocess.run(  # noqa: S603
        command, env={**os.environ, "BENCH_COOKIE": cookie}, capture_output=True, text=True, check=False
    )
    for line in done.stdout.splitlines():
        if line.startswith("BENCH-JSON "):
            return dict(json.loads(line.removeprefix("BENCH-JSON ")))
    raise SystemExit(f"wrk gave no report for {url}:\n{done.stdout}\n{done.stderr}")


def _settle(base: str) -> None:
    """Wait until the workers have finished what a slow page left queued, so it does not weigh on the next."""
    quick = 0
    deadline = time.monotonic() + 180
    while quick < 2 and time.monotonic() < deadline:
        started = time.monotonic()
        try:
            with urllib.request.urlopen(base + "/bench/bare/", timeout=30) as answer:  # noqa: S310
                answer.read()
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            quick = 0
            continue
        quick = quick + 1 if time.monotonic() - started < 0.1 else 0


def _measure(
    page: Page, who: str, base: str, cookie: str, queries: int, seconds: float, connections: int
) -> Measure:
    _settle(base)
    _wrk(base + page.path, cookie, 1, connections)  # warm the workers, their connections and the caches
    _settle(base)
    report = _wrk(base + page.path, cookie, seconds, connections)
    requests = max(1, report["requests"])
    return Measure(
        page=page.name,
        who=who,
        path=page.path,
        requests_per_s=round(report["requests"] / (report["duration_us"] / 1e6), 1),
        p50_ms=round(report["p50_us"] / 1000, 1),
        p95_ms=round(report["p95_us"] / 1000, 1),
        p99_ms=round(report["p99_us"] / 1000, 1),
        bytes_per_response=round(report["bytes"] / requests),
        queries=queries,
        bad_responses=report["bad_status"] + report["socket_errors"],
    )


def _check(measure: Measure, page: Page, floor: float) -> None:
    measure.ratio_to_floor = round(measure.requests_per_s / floor, 3) if floor else 0.0
    checks = {
        "p99": measure.p99_ms < TARGETS["p99_ms"],
        "bytes": measure.bytes_per_response < TARGETS["page_bytes"],
        "answers": measure.bad_responses == 0 and measure.requests_per_s > 0,
    }
    if page.search:
        checks["search p95"] = measure.p95_ms < TARGETS["search_p95_ms"]
    if page.cached and measure.who == "anonymous":
        checks["cached ratio"] = measure.ratio_to_floor >= TARGETS["anonymous_cached_ratio"]
    if page.member_target and measure.who == "member":
        checks["uncached ratio"] = measure.ratio_to_floor >= TARGETS["member_uncached_ratio"]
    measure.checks = checks


def _pages() -> tuple[list[Page], Any, Any]:
    """The pages measured, on the largest community of the generated hub, and the member and convenor who
    sign in."""
    from bench.hub import PREFIX
    from catchment.communities.models import Community, Membership, Role, Visibility
    from catchment.discussions.models import Topic
    from catchment.events.models import Event

    community = Community.objects.get(slug=f"{PREFIX}0")
    topic = (
        Topic.objects.filter(community=community, reply_count__gte=19)
        .order_by("reply_count", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    events = Event.objects.order_by("pk").values_list("pk", flat=True)
    event = (
        events.filter(community=community).first()
        or events.filter(community__slug__startswith=PREFIX, community__visibility=Visibility.PUBLIC).first()
    )
    convenor = (
        Membership.objects.filter(community=community, role=Role.CONVENOR).select_related("user").first()
    )
    member = (
        Membership.objects.filter(community=community, role=Role.MEMBER, user__is_staff=False)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if topic is None or event is None or convenor is None or member is None:
        raise SystemExit("the generated hub lacks a long topic, a public event or members; regenerate it")
    slug = community.slug
    pages = [
        Page("hub home", "/", cached=True),
        Page("community catalogue", "/communities/", cached=True),
        Page("community home", f"/communities/{slug}/", cached=True),
        Page("topic list", f"/communities/{slug}/topics/", cached=True, member_target=True),
        Page("topic, 20 posts", f"/communities/{slug}/topics/{topic}/", cached=True, member_target=True),
        Page("directory search", "/members/?q=member+42", search=True),
        Page("full-text search", "/search/?q=groundwater+recharge", search=True),
        Page("event page", f"/events/{event}/", cached=True),
        Page("library list", "/library/", cached=True),
        Page("analytics dashboard", f"/communities/{slug}/insights/", anonymous=False, convenor_only=True),
    ]
    return pages, member.user, convenor.user


def _session_cookie(client: Any, user: Any) -> str:
    from django.conf import settings

    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _queries(client: Any, path: str) -> int:
    """SQL queries of one request with an empty cache: the work a page costs when nothing is cached."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code} in-process")
    return len(captured.captured_queries)


def _insights_ready(community_slug: str) -> float:
    """The analytics dashboard reads stored snapshots: compute them once for the largest community."""
    from catchment.communities.models import Community
    from catchment.insights import services
    from catchment.insights.models import Snapshot

    community = Community.objects.get(slug=community_slug)
    if Snapshot.objects.filter(community=community).exists():
        return 0.0
    started = time.perf_counter()
    services.compute_community(community)
    return time.perf_counter() - started


def _compare(results: dict[str, Any], scale: str, vendor: str) -> dict[str, Any]:
    """Queries per request must not grow with the data: compare with the other scale's last run."""
    others = [name for name in ("s", "l") if name != scale]
    for other in others:
        earlier = OUT / f"load-{other}-{vendor}.json"
        if not earlier.exists():
            continue
        before = {
            (row["page"], row["who"]): row["queries"] for row in json.loads(earlier.read_text())["pages"]
        }
        differ = [
            f"{row['page']} ({row['who']}): {before[(row['page'], row['who'])]} at {other}, {row['queries']} here"
            for row in results["pages"]
            if (row["page"], row["who"]) in before and before[(row["page"], row["who"])] != row["queries"]
        ]
        return {"compared_with": other, "identical": not differ, "differences": differ}
    return {"compared_with": None, "identical": None, "differences": []}


def _print(results: dict[str, Any]) -> None:
    floor = results["floor"]
    print(
        f"\nfloor (bare Django view): {floor['requests_per_s']:.0f} req/s, p50 {floor['p50_ms']} ms, "
        f"p99 {floor['p99_ms']} ms"
    )
    header = f"{'page':<22}{'who':<10}{'req/s':>8}{'x floor':>9}{'p50':>7}{'p95':>7}{'p99':>7}{'KB':>7}{'SQL':>5}  "
    print(header + "targets")
    for row in results["pages"]:
        failed = [name for name, ok in row["checks"].items() if not ok]
        verdict = "pass" if not failed else "FAIL " + ", ".join(failed)
        print(
            f"{row['page']:<22}{row['who']:<10}{row['requests_per_s']:>8.0f}{row['ratio_to_floor']:>9.3f}"
            f"{row['p50_ms']:>7.1f}{row['p95_ms']:>7.1f}{row['p99_ms']:>7.1f}"
            f"{row['bytes_per_response'] / 1024:>7.1f}{row['queries']:>5}  {verdict}"
        )
    same = results["queries_across_scales"]
    if same["compared_with"]:
        state = "identical" if same["identical"] else "DIFFERENT: " + "; ".join(same["differences"])
        print(f"queries per request against scale {same['compared_with']}: {state}")
    passed = sum(all(row["checks"].values()) for row in results["pages"])
    print(f"{passed} of {len(results['pages'])} measurements meet every target (ms; KB per response)")
    scale_out = results["scale_out"]
    if isinstance(scale_out, dict):
        print(
            f"scale-out: insights recomputed through the Celery worker in {scale_out['analytics_job_s']} s, "
            f"{scale_out['digests_sent']} digests sent in {scale_out['digest_job_s']} s"
        )
    else:
        print(f"scale-out check {scale_out}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=["xs", "s", "l"], default="s")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of load per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--smoke", action="store_true", help="the tiny hub, 1 s per page: checks the harness")
    parser.add_argument("--only", default="", help="measure only the pages whose name contains this text")
    options = parser.parse_args(argv)
    if options.smoke:
        options.scale, options.duration = "xs", 1.0
    if shutil.which("wrk") is None:
        raise SystemExit("make bench needs the load generator wrk: apt-get install wrk")
    OUT.mkdir(parents=True, exist_ok=True)
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{OUT / f'hub-{options.scale}.sqlite3'}"
    environment = _server_environment(database_url)
    os.environ.update(
        {key: environment[key] for key in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "SECRET_KEY")}
    )
    os.environ.update({key: environment[key] for key in ("SECURE_SSL_REDIRECT", "ALLOWED_HOSTS")})

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from bench import hub

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    started = time.perf_counter()
    data = hub.generate(options.scale)
    generation_s = time.perf_counter() - started
    started = time.perf_counter()
    documents = hub.index()
    indexing_s = time.perf_counter() - started
    if documents:
        print(f"search index: {documents} documents in {indexing_s:.0f} s", flush=True)
    started = time.perf_counter()
    entries = hub.log_interactions()
    logging_s = time.perf_counter() - started
    if entries:
        print(f"interaction log: {entries} entries in {logging_s:.0f} s", flush=True)
    print(
        f"hub {options.scale}: {data.members} members, {data.communities} communities, {data.posts} posts, "
        f"{data.events} events, {data.resources} resources ({connection.vendor}; ready in {generation_s:.0f} s)",
        flush=True,
    )
    pages, member, convenor = _pages()
    insights_s = _insights_ready(f"{hub.PREFIX}0")
    setup_test_environment()
    member_client, convenor_client = Client(), Client()
    cookies = {
        "member": _session_cookie(member_client, member),
        "convenor": _session_cookie(convenor_client, convenor),
    }
    clients = {"anonymous": Client(), "member": member_client, "convenor": convenor_client}
    connection.close()

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = _serve(port, environment)
    measures: list[Measure] = []
    try:
        bare = Page("bare Django view", "/bench/bare/")
        floor = _measure(bare, "anonymous", base, "", 0, options.duration, options.connections)
        for page in pages:
            if options.only and options.only not in page.name:
                continue
            runs = []
            if page.anonymous:
                runs.append("anonymous")
            if page.convenor_only:
                runs.append("convenor")
            elif page.member:
                runs.append("member")
            for who in runs:
                queries = _queries(clients[who], page.path)
                measure = _measure(
                    page, who, base, cookies.get(who, ""), queries, options.duration, options.connections
                )
                _check(measure, page, floor.requests_per_s)
                measures.append(measure)
                print(
                    f"  {page.name:<22}{who:<10}{measure.requests_per_s:>8.0f} req/s  p99 {measure.p99_ms} ms",
                    flush=True,
                )
    finally:
        _stop(server)

    results: dict[str, Any] = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "scale": options.scale,
        "database": connection.vendor,
        "cache": "redis" if os.environ.get("REDIS_URL") else "local memory (per worker)",
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "load": {
            "generator": "wrk",
            "connections": options.connections,
            "seconds_per_page": options.duration,
        },
        "server": {"gunicorn_workers": WORKERS, "settings": "bench.production (config.settings.production)"},
        "hub": asdict(data),
        "generation_s": round(generation_s, 1),
        "indexing_s": round(indexing_s, 1),
        "interaction_log_s": round(logging_s, 1),
        "insights_s": round(insights_s, 1),
        "targets": TARGETS,
        "floor": asdict(floor),
        "pages": [asdict(measure) for measure in measures],
    }
    results["queries_across_scales"] = _compare(results, options.scale, connection.vendor)
    if connection.vendor == "postgresql" and os.environ.get("REDIS_URL"):
        from bench import scaleout

        results["scale_out"] = scaleout.check(environment, f"{hub.PREFIX}0")
    else:
        results["scale_out"] = "skipped: needs DATABASE_URL=postgres://… and REDIS_URL=redis://…"
    name = f"load-{options.scale}-{connection.vendor}.json"
    (OUT / name).write_text(json.dumps(results, indent=2, ensure_ascii=False))
    _print(results)
    print(f"written to var/bench/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
