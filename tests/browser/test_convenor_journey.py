"""The convenor's journey in a real browser: design a community, write its charter and activity plan,
launch it, invite a colleague by email; the colleague signs up from the link, accepts the code of conduct
and is a member. Every page on the way passes an axe-core check."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tests.browser.support import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHARTER = {
    "Purpose": "Help basin officers restore rivers faster by learning from each other.",
    "Objectives": "- Four webinars a year\n- Ten documented cases",
    "Scope": "Rivers of the Danube and Sava basins.",
    "Processes and practices": "Monthly discussion, quarterly webinar.",
    "Formats and tools": "Webinars, World Café, field visits.",
    "Organisational structure": "A convenor, a moderator, a core group.",
    "Code of conduct": "Respect each other and cite your sources.",
}


def test_convenor_designs_launches_and_invites_and_the_colleague_joins(browser, page, live_server):
    from catchment.accounts.tests.factories import UserFactory
    from catchment.communities.models import Community, Membership

    base = live_server.url
    convenor = UserFactory(email="ana@example.org", display_name="Ana Petrović")
    designer = UserFactory(email="marko@example.org", display_name="Marko Horvat")
    sign_in(page, base, convenor.email, "correct-horse-battery")

    # 1. Start a community: it is in design.
    page.goto(base + "/communities/new/")
    assert_accessible(page)
    page.get_by_label("Name (required)", exact=True).fill("Danube River Restoration")
    page.get_by_label("Summary (required)", exact=True).fill("Basin officers restoring floodplains together.")
    page.get_by_label("By invitation only").check()
    page.get_by_role("button", name="Create the community").click()
    page.wait_for_url(re.compile(r".*/communities/danube-river-restoration/$"))
    assert "In design" in page.content()
    assert_accessible(page)
    community = Community.objects.get(slug="danube-river-restoration")
    Membership.objects.create(community=community, user=designer)  # a colleague helping with the design

    # 2. The charter, element by element, with the guiding questions beside each field.
    page.get_by_role("link", name="Edit the charter").first.click()
    for label, text in CHARTER.items():
        page.get_by_label(label, exact=True).fill(text)
    assert_accessible(page)
    page.get_by_role("button", name="Save as a new version").click()
    page.wait_for_url(re.compile(r".*/charter/$"))
    assert "100% complete" in page.content()

    # 3. The activity plan, drawn as a timeline.
    page.get_by_role("navigation", name="Community sections").get_by_role(
        "link", name="Activity plan"
    ).click()
    page.get_by_label("Activity (required)").fill("Quarterly webinar")
    page.get_by_label("Kind").select_option("webinar")
    page.get_by_label("Cadence").select_option("quarterly")
    page.get_by_label("Start").fill("2027-01-20")
    page.get_by_label("End", exact=True).fill("2027-12-20")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r".*/activities/$"))
    assert page.locator("svg.timeline circle").count() == 4
    assert_accessible(page)

    # 4. Name a moderator, then launch.
    page.get_by_role("navigation", name="Community sections").get_by_role("link", name="Home").click()
    page.get_by_label("Role of Marko Horvat").select_option("moderator")
    page.get_by_role("button", name="Change role").click()
    page.get_by_label("Move the community to").select_option("launched")
    page.get_by_role("button", name="Change stage").click()
    page.wait_for_load_state()
    assert "The community is now: Launched." in page.content()
    community.refresh_from_db()
    assert community.stage == "launched"

    # 5. Invite a colleague who has no account yet.
    mail.outbox.clear()
    page.get_by_role("navigation", name="Community sections").get_by_role("link", name="Invitations").click()
    page.get_by_label("Email addresses").fill("jelena@example.org")
    page.get_by_label("Personal message (optional)").fill("Come and share the Sava work!")
    assert_accessible(page)
    page.get_by_role("button", name="Send the invitations").click()
    page.wait_for_load_state()
    assert "Invitation sent to jelena@example.org." in page.content()
    invitation_mail = next(message for message in mail.outbox if message.to == ["jelena@example.org"])
    link = re.search(r"https?://[^/\s]+(/communities/invitations/\S+/)", invitation_mail.body).group(1)

    # 6. The colleague opens the link in their own browser, signs up and accepts the code of conduct.
    colleague = browser.new_context(locale="en-GB").new_page()
    colleague.goto(base + link)
    assert "Come and share the Sava work!" in colleague.content()
    assert_accessible(colleague)
    colleague.get_by_role("link", name="Create an account").click()
    colleague.get_by_label("Email:").fill("jelena@example.org")
    colleague.get_by_label("Your name:").fill("Jelena Kovač")
    colleague.get_by_label("Password:", exact=True).fill("floodplains-and-willows-7")
    colleague.get_by_label("Password (again):").fill("floodplains-and-willows-7")
    colleague.get_by_role("button", name="Sign Up").click()
    colleague.wait_for_url(base + link)
    assert "Respect each other and cite your sources." in colleague.content()
    assert_accessible(colleague)
    colleague.get_by_label("I have read and accept the code of conduct").check()
    colleague.get_by_role("button", name="Accept the invitation").click()
    colleague.wait_for_url(re.compile(r".*/communities/danube-river-restoration/$"))
    assert "You are a member of this community (Member)." in colleague.content()
    membership = Membership.objects.get(community=community, user__email="jelena@example.org")
    assert membership.conduct_accepted_at is not None
    colleague.context.close()

    # The convenor was told.
    assert any(
        message.to == ["ana@example.org"] and "accepted your invitation" in message.subject
        for message in mail.outbox
    )
