"""The audit log (reliability.md #32): security events are written as structured lines, and no secret ever
reaches any log, whatever logger writes it."""

from __future__ import annotations

import json
import logging
import re

import pytest
from django.core import mail
from django.test import Client

from catchment.accounts.tests.factories import ProfileFactory
from catchment.api import services as token_services
from catchment.communities import services as community_services
from catchment.communities.models import Role
from catchment.communities.tests.factories import CommunityFactory, MembershipFactory

PASSWORD = "correct-horse-battery"  # the factories' password
NEW_PASSWORD = "a-new-Passphrase-for-2026"


def _audit_events(records: list[logging.LogRecord]) -> list[dict]:
    return [json.loads(r.getMessage()) for r in records if r.name == "catchment.audit"]


def test_security_events_are_logged_and_no_secret_reaches_any_log(
    db, caplog, django_capture_on_commit_callbacks, monkeypatch
):
    caplog.set_level(logging.DEBUG)
    # "django.request" writes to its own handler (with the request id) and does not pass its lines up to the
    # root logger that caplog listens on; hand them to caplog too, so they are searched for secrets as well.
    monkeypatch.setattr(logging.getLogger("django.request"), "handlers", [caplog.handler])
    community = CommunityFactory(slug="basins")
    person = ProfileFactory(user__email="ana@example.org").user
    other = ProfileFactory().user
    MembershipFactory(community=community, user=person, role=Role.CONVENOR)
    MembershipFactory(community=community, user=other)
    secrets: list[str] = [PASSWORD, NEW_PASSWORD]

    client = Client()
    client.get("/accounts/login/")
    secrets.append(client.cookies["csrftoken"].value)
    client.post("/accounts/login/", {"login": "ana@example.org", "password": "wrong-guess-1234"})
    secrets.append("wrong-guess-1234")
    client.post("/accounts/login/", {"login": "evil\nINFO forged line", "password": "x-secret-guess"})
    secrets.append("x-secret-guess")
    client.post("/accounts/login/", {"login": "ana@example.org", "password": PASSWORD})
    secrets.append(client.cookies["sessionid"].value)
    with django_capture_on_commit_callbacks(execute=True):
        changed = client.post(
            "/accounts/password/change/",
            {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
    assert changed.status_code == 302
    secrets.append(client.cookies["sessionid"].value)

    with django_capture_on_commit_callbacks(execute=True):
        _token, secret = token_services.token_create(actor=person, name="Site", scope="write")
    secrets.append(secret)
    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION="Bearer cat_not-a-real-token").status_code == 401
    with django_capture_on_commit_callbacks(execute=True):
        token_services.token_revoke(actor=person, token=_token)
        community_services.membership_change_role(
            actor=person, community=community, user=other, role=Role.MODERATOR
        )

    stranger = Client()
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            stranger.post("/accounts/password/reset/", {"email": "ana@example.org"})
    keys = re.findall(r"/accounts/password/reset/key/([^/\s]+)/", "".join(m.body for m in mail.outbox))
    assert keys
    secrets += keys
    stranger.get(f"/accounts/password/reset/key/{keys[0]}/")
    stranger.get(f"/accounts/password/reset/key/{keys[0][:-3]}zzz/")  # a damaged link

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(other)
    assert strict.post("/communities/basins/leave/").status_code == 403

    assert client.post("/me/data/").status_code == 200
    client.post("/accounts/logout/")

    events = _audit_events(caplog.records)
    seen = {(e["event"], e["outcome"]) for e in events}
    for wanted in [
        ("auth.login", "failure"),
        ("auth.login", "success"),
        ("auth.logout", "success"),
        ("auth.password_changed", "success"),
        ("token.created", "success"),
        ("token.revoked", "success"),
        ("token.revoked_all", "success"),
        ("access.denied", "refused"),
        ("ratelimit.hit", "refused"),
        ("community.role_changed", "success"),
        ("account.exported", "success"),
    ]:
        assert wanted in seen, wanted
    for entry in events:
        assert {"event", "outcome", "user", "ip", "request_id"} <= set(entry)
    login = next(e for e in events if e["event"] == "auth.login" and e["outcome"] == "success")
    assert login["user"] == person.pk and login["ip"] == "127.0.0.1" and len(login["request_id"]) == 32

    # No secret in any line of any logger; a typed newline cannot forge a line.
    # (factory_boy's own debug lines, which echo the test password it sets, are test tooling, not the app's.)
    text = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("factory"))
    leaked = [secret for secret in secrets if secret in text]
    assert leaked == []
    assert all("\n" not in r.getMessage() for r in caplog.records if r.name == "catchment.audit")
    assert "ana@example.org" not in "".join(
        r.getMessage() for r in caplog.records if r.name == "catchment.audit"
    )


def test_every_answer_carries_a_request_id_and_a_proxy_id_is_kept_only_when_well_formed(client, db):
    assert re.fullmatch(r"[0-9a-f]{32}", client.get("/")["X-Request-ID"])
    assert client.get("/", HTTP_X_REQUEST_ID="edge-1234-abcd")["X-Request-ID"] == "edge-1234-abcd"
    forged = client.get("/", HTTP_X_REQUEST_ID="bad\r\nid")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", forged)


@pytest.mark.parametrize("path", ["/accounts/login/", "/api/v1/me/"])
def test_denied_requests_are_logged_with_their_request_id(client, db, caplog, path):
    caplog.set_level(logging.INFO, logger="catchment.audit")
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(path, {})
    assert response.status_code in {401, 403}
    events = _audit_events(caplog.records)
    assert events and events[-1]["event"] == "access.denied"
    assert events[-1]["request_id"] == response["X-Request-ID"]


def test_a_success_line_is_written_only_when_its_change_commits(
    db, caplog, django_capture_on_commit_callbacks
):
    """A role change whose transaction rolls back leaves no "success" line; one that commits leaves one."""
    from django.db import transaction

    caplog.set_level(logging.INFO, logger="catchment.audit")
    community = CommunityFactory(slug="rolled")
    convenor, member = ProfileFactory().user, ProfileFactory().user
    MembershipFactory(community=community, user=convenor, role=Role.CONVENOR)
    MembershipFactory(community=community, user=member)

    class Abandon(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Abandon), transaction.atomic():
        community_services.membership_change_role(
            actor=convenor, community=community, user=member, role=Role.MODERATOR
        )
        raise Abandon
    assert [e for e in _audit_events(caplog.records) if e["event"] == "community.role_changed"] == []

    with django_capture_on_commit_callbacks(execute=True):
        community_services.membership_change_role(
            actor=convenor, community=community, user=member, role=Role.MODERATOR
        )
    changed = [e for e in _audit_events(caplog.records) if e["event"] == "community.role_changed"]
    assert [(e["outcome"], e["target"], e["user"]) for e in changed] == [("success", member.pk, convenor.pk)]


def test_erasure_is_logged_by_the_service_once_committed_and_refusals_at_once(
    db, caplog, django_capture_on_commit_callbacks
):
    from catchment.accounts import erasure

    caplog.set_level(logging.INFO, logger="catchment.audit")
    sole = ProfileFactory().user
    led = CommunityFactory()
    MembershipFactory(community=led, user=sole, role=Role.CONVENOR)
    MembershipFactory(community=led)
    with pytest.raises(erasure.StillConvening):
        erasure.account_erase(actor=sole, user=sole)
    leaving = ProfileFactory().user
    with django_capture_on_commit_callbacks(execute=True):
        erasure.account_erase(actor=leaving, user=leaving)
    erased = [e for e in _audit_events(caplog.records) if e["event"] == "account.erased"]
    assert [(e["outcome"], e["target"] if "target" in e else e["user"]) for e in erased] == [
        ("refused", sole.pk),
        ("success", leaving.pk),
    ]
    assert erased[0]["reason"] == "StillConvening"
