"""Shared pieces of the browser tests: where Chromium and axe-core are, and the accessibility check."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
REQUIRED = os.environ.get("CATCHMENT_REQUIRE_BROWSER") == "1"
AVAILABLE = Path(CHROMIUM).exists() and AXE.exists()


def assert_accessible(page) -> None:
    # Evaluated through the DevTools protocol rather than added as a <script>: the page's Content-Security-Policy
    # (rightly) refuses an inline script without its nonce, and the test must not loosen it.
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
    )
    assert violations == []


def sign_in(page, base, email, password="correct-horse-battery"):  # noqa: S107 - the factories' test password
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email:").fill(email)
    page.get_by_label("Password:").fill(password)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()
