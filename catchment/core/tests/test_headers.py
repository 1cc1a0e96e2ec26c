"""Production answers carry the security headers (reliability.md #22): the home page, the sign-in page, an
API answer and a static file, under the production settings' own values; no server banner; and the 500
page shows a reference and nothing of the error, while the log line of its traceback carries that reference."""

from __future__ import annotations

import importlib.util
import io
import logging
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import path, reverse

ROOT = Path(__file__).resolve().parents[3]
HSTS_FLOOR = 31_536_000  # a year; ASVS's example of half a year is the floor of the floor


def boom(request):
    raise RuntimeError("secret-detail-7f3c: the database password is hunter2")


# This module is also the URL configuration of the 500 test (pytest.mark.urls below).
urlpatterns = [path("boom/", boom)]
handler500 = "catchment.core.views.server_error"


@pytest.fixture
def production_security(settings, monkeypatch):
    """The security settings exactly as config/settings/production.py sets them (loaded apart, not imported
    as the running settings), applied before the test's client builds its middleware."""
    monkeypatch.setenv("SECRET_KEY", "p" * 60)
    spec = importlib.util.spec_from_file_location("production_values", ROOT / "config/settings/production.py")
    assert spec is not None and spec.loader is not None
    production = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(production)
    prefixes = ("SECURE_", "SESSION_COOKIE_", "CSRF_COOKIE_", "LANGUAGE_COOKIE_", "X_FRAME_OPTIONS")
    copied = [name for name in dir(production) if name.startswith(prefixes)]
    for name in copied:
        setattr(settings, name, getattr(production, name))
    settings.DEBUG = production.DEBUG
    return production


def problems(response, *, html: bool) -> list[str]:
    found = []
    hsts = response.get("Strict-Transport-Security", "")
    age = re.search(r"max-age=(\d+)", hsts)
    if not age or int(age.group(1)) < HSTS_FLOOR or "includeSubDomains" not in hsts:
        found.append(f"Strict-Transport-Security: {hsts!r}")
    if response.get("X-Content-Type-Options") != "nosniff":
        found.append("X-Content-Type-Options")
    if response.get("Referrer-Policy") not in (
        "same-origin",
        "strict-origin-when-cross-origin",
        "no-referrer",
    ):
        found.append(f"Referrer-Policy: {response.get('Referrer-Policy')!r}")
    if response.get("Cross-Origin-Opener-Policy") != "same-origin":
        found.append(f"Cross-Origin-Opener-Policy: {response.get('Cross-Origin-Opener-Policy')!r}")
    if "Server" in response or "X-Powered-By" in response:
        found.append("a server banner")
    if html:
        policy = response.get("Content-Security-Policy", "")
        if response.get("X-Frame-Options") != "DENY" and "frame-ancestors 'none'" not in policy:
            found.append("framing allowed")
        if "frame-ancestors 'none'" not in policy or "'unsafe-inline'" in policy:
            found.append(f"Content-Security-Policy: {policy!r}")
    return found


def test_every_kind_of_answer_carries_the_security_headers(db, production_security):
    client = Client()
    answers = {
        "home page": (client.get("/", secure=True), True),
        "sign-in page": (client.get(reverse("account_login"), secure=True), True),
        "API": (client.get("/api/v1/communities/", secure=True), False),
        "static file": (client.get("/static/css/catchment.css", secure=True), False),
    }
    missing = []
    for name, (response, html) in answers.items():
        assert response.status_code == 200, (name, response.status_code)
        missing += [f"{name}: {problem}" for problem in problems(response, html=html)]
    print(f"security headers: {len(answers)} kinds of answer, {len(missing)} missing")
    assert missing == []


def test_plain_http_is_sent_to_https(db, production_security):
    response = Client().get("/communities/?page=2")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/communities/?page=2"


@pytest.mark.urls("catchment.core.tests.test_headers")
def test_a_server_error_shows_a_reference_and_nothing_of_the_error(db, production_security):
    handler = next(h for h in logging.getLogger("django.request").handlers if h.get_name() == "requests")
    assert isinstance(handler, logging.StreamHandler)
    log = io.StringIO()
    previous = handler.setStream(log)
    try:
        response = Client(raise_request_exception=False).get("/boom/", secure=True)
    finally:
        handler.setStream(previous)
    page = response.content.decode()
    reference = response["X-Request-ID"]
    assert response.status_code == 500
    assert f"<code>{reference}</code>" in page
    for detail in ("secret-detail-7f3c", "hunter2", "RuntimeError", "Traceback", "boom"):
        assert detail not in page
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    logged = log.getvalue()
    assert f"request_id={reference} Internal Server Error: /boom/" in logged
    assert "RuntimeError: secret-detail-7f3c" in logged  # the cause is in the log, for whoever runs the hub
