"""Private messages and newsletters in a real browser: a member writes to another from their profile, the
reply arrives, unwanted messages are reported and blocked and the hub team hides them; a convenor writes a
newsletter in two languages, previews it, confirms, and sees how many it reached."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.utils import timezone

from tests.browser.support import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def new_page(browser, base, email):
    page = browser.new_context(locale="en-GB").new_page()
    sign_in(page, base, email)
    return page


def test_private_messages_reports_and_blocks(browser, page, live_server):
    from catchment.accounts.tests.factories import ProfileFactory
    from catchment.conversations.models import Conversation, Message

    base = live_server.url
    for handle, name, staff in (
        ("amina", "Amina", False),
        ("bruno", "Bruno", False),
        ("chen", "Chen", False),
        ("hubteam", "Hub Team", True),
    ):
        ProfileFactory(
            user__username=handle,
            user__display_name=name,
            user__email=f"{handle}@example.org",
            user__is_staff=staff,
            user__date_joined=timezone.now() - timezone.timedelta(days=60),
        )

    # Amina writes to Bruno from his profile.
    sign_in(page, base, "amina@example.org")
    page.goto(base + "/members/bruno/")
    page.get_by_role("link", name="Send a message").click()
    assert page.get_by_label("To (required)").input_value() == "bruno"
    page.get_by_label("Subject (required)").fill("Rainwater tanks in Kisumu")
    page.get_by_label("Message (required)").fill("Which **tank size** works for a school of 400?")
    assert_accessible(page)
    page.get_by_role("button", name="Send").click()
    page.wait_for_url(re.compile(r".*/messages/\d+/$"))
    conversation = Conversation.objects.get()
    assert any(m.to == ["bruno@example.org"] and "Amina" in m.subject for m in mail.outbox)

    # Bruno sees it in his notifications, opens it and answers.
    bruno = new_page(browser, base, "bruno@example.org")
    bruno.goto(base + "/notifications/")
    bruno.get_by_role("link", name=re.compile("Amina sent you a private message")).click()
    bruno.wait_for_url(re.compile(rf".*/messages/{conversation.pk}/"))
    assert "tank size" in bruno.inner_text("main")
    assert_accessible(bruno)
    bruno.get_by_label("Message (required)").fill("A 10 m³ tank, filled from the roof.")
    bruno.get_by_role("button", name="Send").click()
    bruno.wait_for_url(re.compile(r".*#message-\d+$"))
    bruno.goto(base + "/messages/")
    assert_accessible(bruno)

    # Chen sends Bruno an advert; Bruno reports it and blocks Chen.
    chen = new_page(browser, base, "chen@example.org")
    chen.goto(base + "/messages/new/?to=bruno")
    chen.get_by_label("Subject (required)").fill("Special offer")
    chen.get_by_label("Message (required)").fill("Buy CHEAP-PUMPS today!")
    chen.get_by_role("button", name="Send").click()
    chen.wait_for_url(re.compile(r".*/messages/\d+/$"))
    advert = Message.objects.get(body="Buy CHEAP-PUMPS today!")
    bruno.goto(base + f"/messages/{advert.conversation_id}/")
    report = bruno.locator(f"#message-{advert.pk} details.flag")
    report.locator("summary").click()
    report.get_by_label("Spam or advertising").check()
    report.get_by_role("button", name="Send the report").click()
    bruno.wait_for_load_state()
    assert "the hub team will look at this message" in bruno.inner_text("main")
    bruno.get_by_role("button", name="Block Chen").click()
    bruno.wait_for_load_state()
    assert "You blocked this person" in bruno.inner_text("main")
    assert "CHEAP-PUMPS" not in bruno.content()
    chen.goto(base + "/messages/new/?to=bruno")
    chen.get_by_label("Subject (required)").fill("Again")
    chen.get_by_label("Message (required)").fill("Still cheap")
    chen.get_by_role("button", name="Send").click()
    assert "You cannot send a private message to: Bruno." in chen.inner_text("main")
    chen.context.close()

    # The hub team hides the reported message.
    team = new_page(browser, base, "hubteam@example.org")
    team.goto(base + "/messages/reports/")
    assert "CHEAP-PUMPS" in team.content() and "Rainwater tanks" not in team.content()
    assert_accessible(team)
    team.get_by_role("button", name="Hide the message").click()
    team.wait_for_load_state()
    assert "No report waits for the hub team." in team.inner_text("main")
    advert.refresh_from_db()
    assert advert.status == "hidden"
    team.context.close()
    bruno.context.close()


def test_a_convenor_sends_a_newsletter_in_two_languages(browser, page, live_server):
    from catchment.communities.models import Role
    from catchment.communities.tests.factories import (
        CharterVersionFactory,
        CommunityFactory,
        MembershipFactory,
    )
    from catchment.newsletters.models import Newsletter

    base = live_server.url
    community = CommunityFactory(slug="drought", name="Drought Management CoP")
    CharterVersionFactory(community=community)
    MembershipFactory(
        community=community,
        role=Role.CONVENOR,
        user__email="convenor@example.org",
        user__display_name="Carla",
    )
    readers = [
        MembershipFactory(community=community, user__email=f"reader{n}@example.org", user__language=language)
        for n, language in enumerate(["es", "es", "en", "fr"])
    ]
    community.memberships.update(conduct_accepted_at=timezone.now())

    sign_in(page, base, "convenor@example.org")
    page.goto(base + "/communities/drought/")
    page.get_by_role("navigation", name="Community sections").get_by_role("link", name="Newsletters").click()
    page.get_by_role("link", name="Write a newsletter").click()
    page.get_by_label("Language for everyone else").select_option("en")
    page.get_by_label("Subject (English)").fill("Drought webinar on Tuesday")
    page.get_by_label("Text (English)").fill("Join us on **Tuesday 30 May** at 14:00 CEST.")
    page.get_by_label("Subject (Spanish)").fill("Seminario web sobre sequía el martes")
    page.get_by_label("Text (Spanish)").fill("Únase el **martes 30 de mayo** a las 14:00 CEST.")
    assert_accessible(page)
    page.get_by_role("button", name="Save the draft").click()
    page.wait_for_url(re.compile(r".*/newsletters/\d+/$"))
    newsletter = Newsletter.objects.get()
    assert "It would go to 5 members now." in page.inner_text("main")
    page.get_by_role("link", name="Spanish").click()
    assert page.locator(".newsletter-preview strong").inner_text() == "martes 30 de mayo"
    assert_accessible(page)
    mail.outbox.clear()
    page.get_by_role("button", name="Send me a test of this version").click()
    page.wait_for_load_state()
    assert [m.to for m in mail.outbox] == [["convenor@example.org"]]
    page.get_by_label("I have checked the preview: send it now").check()
    page.get_by_role("button", name="Send the newsletter").click()
    page.wait_for_load_state()
    assert "The newsletter is going out to 5 members." in page.inner_text("main")
    page.reload()
    reach = page.get_by_role("region", name="How many it reached")
    assert "5" in reach.inner_text()
    assert_accessible(page)
    newsletter.refresh_from_db()
    assert newsletter.status == "sent"
    subjects = {m.to[0]: m.subject for m in mail.outbox[1:]}
    assert subjects[readers[0].user.email] == "Seminario web sobre sequía el martes"
    assert subjects[readers[2].user.email] == "Drought webinar on Tuesday"
    assert subjects[readers[3].user.email] == "Drought webinar on Tuesday"  # no French version: the default
