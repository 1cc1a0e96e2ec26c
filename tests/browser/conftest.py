"""Browser fixtures: one headless Chromium per test module, a fresh context per test."""

from __future__ import annotations

import pytest

from tests.browser.support import AVAILABLE, CHROMIUM, REQUIRED

if not AVAILABLE and REQUIRED:
    raise RuntimeError(
        "browser tests required but Chromium or axe-core is missing (apt-get install chromium)"
    )


def pytest_collection_modifyitems(config, items):
    if AVAILABLE:
        return
    skip = pytest.mark.skip(reason="Debian's chromium is not installed (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="module")
def _allow_orm_beside_playwright():
    # Playwright's sync API runs an event loop in this thread while the browser is open; the ORM calls
    # made by the test and its database fixtures are ordinary synchronous ones, so Django's async-safety
    # guard is lifted for as long as the browser runs: one module at a time, never for the whole session
    # (`check --deploy` in other tests rightly refuses the variable).
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="module")
def browser(_allow_orm_beside_playwright):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    # Every journey doubles as a check of the Content-Security-Policy in a real browser: nothing it blocks.
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None,
    )
    yield page
    context.close()
    assert not blocked, blocked
