"""The scale-out shape, run for real (issue 8, docs/scaling.md): the web tier (gunicorn) and a Celery worker
as separate processes against one PostgreSQL and one Redis. A convenor asks the web tier to recompute a
community's insights and the worker computes them; the digest job is queued as the scheduler (celery beat)
would queue it and the worker sends the mail. The check passes when both jobs complete through the worker.

    python -m bench.scaleout              # DATABASE_URL=postgres://… and REDIS_URL=redis://… required

`make bench` runs it after the load measurements when both are set; `make bench-scaleout` runs it on a
tiny hub in its own PostgreSQL database.
"""

from __future__ import annotations

import datetime
import http.cookiejar
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from bench.load import OUT, ROOT, _free_port, _serve, _server_environment, _stop

DEADLINE_S = 600


def _worker(environment: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "celery",
        "--app=config",
        "worker",
        "--concurrency=1",
        "--pool=solo",
        "--loglevel=warning",
        "--without-gossip",
        "--without-mingle",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=environment, start_new_session=True)  # noqa: S603


def _wait(what: str, done: Any, started: float) -> float:
    while time.monotonic() - started < DEADLINE_S:
        if done():
            return round(time.monotonic() - started, 1)
        time.sleep(0.5)
    raise SystemExit(f"scale-out check: {what} did not complete through the worker within {DEADLINE_S} s")


def _recompute_through_the_web(base: str, session_cookie: tuple[str, str], slug: str) -> int:
    """Sign in with the convenor's session, take a CSRF token from the dashboard, press "Recompute now"."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    name, value = session_cookie
    opener.addheaders = [("Cookie", f"{name}={value}")]
    with opener.open(f"{base}/communities/{slug}/insights/", timeout=60) as page:
        html = page.read().decode()
        token_cookie = page.headers.get_all("Set-Cookie") or []
    marker = 'name="csrfmiddlewaretoken" value="'
    token = html.split(marker, 1)[1].split('"', 1)[0]
    csrf = next(
        (part.split(";", 1)[0].split("=", 1)[1] for part in token_cookie if part.startswith("csrftoken=")), ""
    )
    opener.addheaders = [("Cookie", f"{name}={value}; csrftoken={csrf}"), ("Referer", base + "/")]
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token}).encode()
    address = f"{base}/communities/{slug}/insights/recompute/"
    request = urllib.request.Request(address, data=data, method="POST")  # noqa: S310 - our own 127.0.0.1
    no_redirects = urllib.request.build_opener(_NoRedirect)
    no_redirects.addheaders = opener.addheaders
    try:
        with no_redirects.open(request, timeout=60) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as redirected:
        return int(redirected.code)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def check(environment: dict[str, str], slug: str) -> dict[str, Any]:
    """Run the check against the database and Redis of `environment` (Django is set up already)."""
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from catchment.accounts.models import User
    from catchment.communities.models import Community, Membership, MembershipStatus, Role
    from catchment.discussions import services as discussions
    from catchment.insights.models import Snapshot
    from catchment.notifications.digests import send_digests
    from catchment.notifications.models import DigestLog, DigestSetting

    if connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL:
        raise SystemExit("the scale-out check needs DATABASE_URL=postgres://… and REDIS_URL=redis://…")
    community = Community.objects.get(slug=slug)
    convenor = (
        Membership.objects.filter(community=community, role=Role.CONVENOR).select_related("user").first()
    )
    readers = list(
        Membership.objects.filter(community=community, role=Role.MEMBER, status=MembershipStatus.ACTIVE)
        .exclude(user__email="")
        .order_by("pk")
        .values_list("user_id", flat=True)[:3]
    )
    if convenor is None or not readers:
        raise SystemExit(f"community {slug} has no convenor or members to check with")
    client = Client()
    client.force_login(convenor.user)
    session = (settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value)
    # something new to put in the digest, written as a member would
    discussions.topic_create(
        actor=convenor.user,
        community=community,
        kind="discussion",
        title=f"Scale-out check {timezone.now():%Y-%m-%d %H:%M:%S}",
        body="What changed in your basin this week?",
        language="en",
    )
    for reader in readers:  # generated members have unconfirmed addresses, and nobody mails those
        address = User.objects.get(pk=reader).email
        EmailAddress.objects.update_or_create(
            user_id=reader, email=address, defaults={"verified": True, "primary": True}
        )
        DigestSetting.objects.update_or_create(user_id=reader, defaults={"frequency": "daily"})
    DigestLog.objects.filter(user_id__in=readers).delete()
    before = Snapshot.objects.filter(community=community).count()
    connection.close()

    mail_dir = OUT / f"mail-{int(time.time())}"
    worker_environment = {
        **environment,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    worker = _worker(worker_environment)
    web = None
    try:
        port = _free_port()
        web = _serve(port, environment)
        started = time.monotonic()
        status = _recompute_through_the_web(f"http://127.0.0.1:{port}", session, slug)
        if status != 302:
            raise SystemExit(f"the web tier answered {status} to the convenor's recompute request")
        analytics_s = _wait(
            "the insights recomputation",
            lambda: Snapshot.objects.filter(community=community).count() >= before + 3,
            started,
        )
        started = time.monotonic()
        send_digests.enqueue("daily")  # as celery beat does each morning
        digest_s = _wait(
            "the daily digest",
            lambda: (
                DigestLog.objects.filter(user_id__in=readers, period__startswith="daily:").count()
                == len(readers)
            ),
            started,
        )
        mails = sum(1 for _file in mail_dir.glob("*.log")) if mail_dir.exists() else 0
    finally:
        if web is not None:
            _stop(web)
        _stop(worker)
    return {
        "web_tier": "gunicorn, 2 workers",
        "worker": "celery, 1 process",
        "broker": "redis",
        "analytics_job_s": analytics_s,
        "digest_job_s": digest_s,
        "digests_sent": len(readers),
        "mail_files": mails,
        "checked_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }


def _ensure_database(url: str) -> None:
    """Create the PostgreSQL database named in `url` when the server does not have it yet."""
    import psycopg
    from psycopg import sql

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    server = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=["xs", "s", "l"], default="xs")
    options = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get("REDIS_URL"):
        raise SystemExit("the scale-out check needs DATABASE_URL=postgres://… and REDIS_URL=redis://…")
    _ensure_database(os.environ["DATABASE_URL"])
    environment = _server_environment(os.environ["DATABASE_URL"])
    os.environ.update({key: environment[key] for key in ("DJANGO_SETTINGS_MODULE", "SECRET_KEY")})
    os.environ.update({key: environment[key] for key in ("SECURE_SSL_REDIRECT", "ALLOWED_HOSTS")})
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    from bench import hub

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    hub.generate(options.scale)
    setup_test_environment()
    result = check(environment, f"{hub.PREFIX}0")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "scaleout.json").write_text(json.dumps(result, indent=2))
    print(
        f"scale-out: insights recomputed through the worker in {result['analytics_job_s']} s, "
        f"{result['digests_sent']} digests sent in {result['digest_job_s']} s; written to var/bench/scaleout.json"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
