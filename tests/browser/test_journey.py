"""The newcomer's journey in a real browser (Playwright driving Debian's Chromium, headless).

Sign up, confirm the email from the outbox, sign in, fill the profile, find yourself in the directory,
switch to French and see French, with an axe-core accessibility check on each page on the way.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tests.browser.support import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_newcomer_joins_fills_profile_finds_themself_and_reads_french(page, live_server):
    from catchment.accounts.tests.factories import ThemeFactory

    ThemeFactory(slug="groundwater-b", name_en="Groundwater basics", name_fr="Eaux souterraines (bases)")
    base = live_server.url

    page.goto(base + "/")
    assert_accessible(page)
    page.get_by_role("link", name="Join the hub").first.click()
    page.get_by_label("Email:").fill("nadia@example.org")
    page.get_by_label("Your name:").fill("Nadia Benali")
    page.get_by_label("Password:", exact=True).fill("rivers-and-aquifers-2026")
    page.get_by_label("Password (again):").fill("rivers-and-aquifers-2026")
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url(re.compile(r".*/accounts/confirm-email/$"))

    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", mail.outbox[0].body).group(1)
    page.goto(base + link)
    page.get_by_role("button", name="Confirm").click()

    # Sign out and in again, as someone returning the next day would.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(base + "/")
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Email:").fill("nadia@example.org")
    page.get_by_label("Password:").fill("rivers-and-aquifers-2026")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r".*/me/profile/$"))
    assert_accessible(page)

    page.get_by_label("Position").fill("Hydrogeologist")
    page.get_by_label("Country").select_option("MA")
    page.get_by_label("Stakeholder group").select_option("academia")
    page.get_by_label("Groundwater basics").check()
    page.get_by_label("Languages spoken").select_option(["ar", "fr"])
    page.get_by_label("Short bio").fill("I map **aquifers** in the Souss basin.")
    page.get_by_label("Public: anyone can see my profile").check()
    page.get_by_role("button", name="Save my profile").click()
    page.wait_for_url(re.compile(r".*/members/nadia/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Nadia Benali"
    assert page.locator("strong", has_text="aquifers").count() == 1

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Members").click()
    page.get_by_label("Search by name, organisation or expertise").fill("Nadia")
    page.get_by_label("Country", exact=True).select_option("MA")
    page.get_by_role("button", name="Search", exact=True).click()
    results = page.locator("#results")
    assert results.get_by_role("link", name="Nadia Benali").count() == 1
    assert_accessible(page)

    page.get_by_label("Language", exact=True).select_option("fr")
    page.get_by_role("button", name="Change").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", level=1).inner_text() == "Annuaire des membres"
    assert page.get_by_role("link", name="Nadia Benali").count() == 1
    assert_accessible(page)

    # The choice is remembered on the account: a fresh page in French.
    page.goto(base + "/me/profile/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_label("Eaux souterraines (bases)").is_checked()
