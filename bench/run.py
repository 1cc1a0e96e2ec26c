"""`make bench`: generate (once) a community of 10,000 members with 500,000 interactions, then measure
a full insights recomputation (levels, network with sampled betweenness, health, on one core) and the
latency of the insights pages rendered from the cached snapshots, as ratios to a bare Django view.

    python -m bench.run [--members N] [--interactions N] [--repeat N] [--smoke]

The data lives in its own database (var/bench/…sqlite3 unless DATABASE_URL is set) and is reused by later
runs of the same size. Results are printed and written to var/bench/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"recompute_s": 60.0, "dashboard_ms": 200.0}


def _timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def _latency(client: Any, url: str, repeat: int) -> dict[str, float]:
    for _warm in range(2):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    samples = []
    for _n in range(repeat):
        seconds, _response = _timed(lambda: client.get(url))
        samples.append(seconds * 1000)
    samples.sort()
    return {
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[min(len(samples) - 1, int(0.95 * len(samples)))], 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--interactions", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=30, help="requests timed per page")
    parser.add_argument("--smoke", action="store_true", help="small sizes, to check the benchmark runs")
    options = parser.parse_args(argv)
    if options.smoke:
        options.members, options.interactions, options.repeat = 400, 20_000, 5
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ.setdefault(
        "DATABASE_URL", f"sqlite:///{out / f'bench-{options.members}-{options.interactions}.sqlite3'}"
    )

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from bench.generate import existing, generate
    from catchment.insights import extract, services

    call_command("migrate", verbosity=0)
    setup_test_environment()
    generation_s, data = _timed(lambda: existing(options.members, options.interactions))
    if data is None:
        generation_s, data = _timed(lambda: generate(options.members, options.interactions))
    print(
        f"data: {data.members} members, {data.interactions} interactions, {data.topics} topics, "
        f"{data.replies} replies ({connection.vendor}; ready in {generation_s:.1f} s)",
        flush=True,
    )

    community = data.community
    steps: dict[str, float] = {}
    started = time.perf_counter()
    as_of = django.utils.timezone.now()
    steps["members_s"], people = _timed(lambda: extract.members(community))
    window = services.settings_for(community).window_days
    steps["levels_s"], _snapshot = _timed(lambda: services.compute_levels(community, as_of, people))
    steps["network_s"], _snapshot = _timed(lambda: services.compute_network(community, as_of, people, window))
    steps["health_s"], _snapshot = _timed(lambda: services.compute_health(community, as_of, people))
    recompute_s = time.perf_counter() - started
    hub_s, _snapshot = _timed(services.compute_hub)

    client = Client()
    client.force_login(data.convenor)
    pages = {
        "bare Django view": "/bench/bare/",
        "insights dashboard": f"/communities/{community.slug}/insights/",
        "network": f"/communities/{community.slug}/insights/network/",
        "my participation": f"/communities/{community.slug}/insights/me/",
    }
    latency = {name: _latency(client, url, options.repeat) for name, url in pages.items()}
    bare = latency["bare Django view"]["median_ms"] or 0.001
    results: dict[str, Any] = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cores_used": 1},
        "database": connection.vendor,
        "data": {"members": data.members, "interactions": data.interactions, "topics": data.topics},
        "recompute_s": round(recompute_s, 2),
        "recompute_steps_s": {key: round(value, 2) for key, value in steps.items()},
        "hub_comparison_s": round(hub_s, 2),
        "pages": {
            name: {**values, "ratio_to_bare": round(values["median_ms"] / bare, 1)}
            for name, values in latency.items()
        },
    }
    (out / ("smoke.json" if options.smoke else "results.json")).write_text(json.dumps(results, indent=2))

    print(f"full recomputation: {recompute_s:.1f} s (target under {TARGETS['recompute_s']:.0f} s)")
    for key, value in steps.items():
        print(f"  {key[:-2]:<10} {value:7.2f} s")
    print(f"hub comparison: {hub_s:.2f} s")
    print(f"{'page':<22}{'median ms':>11}{'p95 ms':>9}{'x bare':>8}")
    for name, values in results["pages"].items():
        print(
            f"{name:<22}{values['median_ms']:>11.1f}{values['p95_ms']:>9.1f}{values['ratio_to_bare']:>8.1f}"
        )
    dashboard = results["pages"]["insights dashboard"]["median_ms"]
    print(f"dashboard from cache: {dashboard:.0f} ms (target under {TARGETS['dashboard_ms']:.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
