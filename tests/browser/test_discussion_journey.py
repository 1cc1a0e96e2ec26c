"""A question's life in a real browser, in each of the four languages: asked, answered (the asker is told),
accepted, a reply flagged and hidden by a moderator from the review queue, found by search only by members
of the private community, and the weekly digest in the outbox. Every label the test reads comes from the
catalogue of the language under test, so an untranslated step fails."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.utils import timezone, translation

from tests.browser.support import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def in_language(language):
    """gettext for the language under test: `t("Title")`, `t("Accepted answer by %(name)s", name="Bruno")`."""

    def t(message, **values):
        with translation.override(language):
            text = translation.gettext(message)
        return text % values if values else text

    return t


def shows(page, text):
    """Whether the page shows this text to a reader (non-breaking spaces and all)."""
    return text in page.inner_text("body")


def required(t, label):
    return f"{t(label)} ({t('required')})"


@pytest.mark.parametrize("language", ["en", "es", "fr", "ru"])
def test_question_answer_flag_hide_and_digest(browser, page, live_server, language):
    t = in_language(language)
    from catchment.communities.models import Role
    from catchment.communities.tests.factories import (
        CharterVersionFactory,
        CommunityFactory,
        MembershipFactory,
    )
    from catchment.discussions.models import Post, Topic
    from catchment.notifications.digests import send_digests

    base = live_server.url
    community = CommunityFactory(slug="wash", name="WASH in Schools", visibility="private")
    CharterVersionFactory(community=community)
    for name, role in (
        ("Amina", Role.MEMBER),
        ("Bruno", Role.MEMBER),
        ("Chen", Role.MEMBER),
        ("Dana", Role.MODERATOR),
    ):
        MembershipFactory(
            community=community,
            role=role,
            user__display_name=name,
            user__email=f"{name.lower()}@example.org",
            user__language=language,
        )
    community.memberships.update(conduct_accepted_at=timezone.now())

    # Amina asks.
    sign_in(page, base, "amina@example.org")
    page.goto(base + "/communities/wash/topics/")
    assert_accessible(page)
    page.get_by_role("link", name=t("Start a topic")).click()
    page.get_by_label(t("Question"), exact=True).check()
    page.get_by_label(required(t, "Title")).fill("How do you keep school latrines clean?")
    page.get_by_label(required(t, "Message")).fill(
        "Our pupils share **six** latrines. Any routines that work?"
    )
    assert_accessible(page)
    page.get_by_role("button", name=t("Publish the topic")).click()
    page.wait_for_url(re.compile(r".*/communities/wash/topics/\d+/$"))
    topic = Topic.objects.get()
    assert shows(page, t("Unanswered"))

    # Bruno answers; Amina is told on the site and by email.
    bruno = browser.new_context(locale="en-GB").new_page()
    sign_in(bruno, base, "bruno@example.org")
    bruno.goto(base + f"/communities/wash/topics/{topic.pk}/")
    bruno.get_by_label(required(t, "Your reply")).fill(
        "A weekly rota with the pupils themselves, checked by a teacher."
    )
    bruno.get_by_role("button", name=t("Post the reply")).click()
    bruno.wait_for_url(re.compile(r".*#post-2$"))
    told = t("%(name)s wrote in “%(title)s”", name="Bruno", title="How do you keep school latrines clean?")
    told = " ".join(told.split())  # mail subjects are folded onto one line, non-breaking spaces included
    assert any(message.to == ["amina@example.org"] and told in message.subject for message in mail.outbox)
    page.reload()
    unread = f"{t('Notifications')} 1 {t('unread')}"
    assert page.get_by_role("link", name=unread).count() == 1

    # Amina accepts the answer.
    page.get_by_role("button", name=t("Accept this answer")).click()
    page.wait_for_load_state()
    assert shows(page, t("Accepted answer by %(name)s", name="Bruno"))
    assert_accessible(page)

    # Bruno adds an advert; Chen flags it.
    bruno.goto(base + f"/communities/wash/topics/{topic.pk}/")
    bruno.get_by_label(required(t, "Your reply")).fill("Buy our SUPER-CLEAN spray at a discount!")
    bruno.get_by_role("button", name=t("Post the reply")).click()
    bruno.wait_for_url(re.compile(r".*#post-3$"))
    bruno.context.close()
    advert = Post.objects.get(number=3)
    chen = browser.new_context(locale="en-GB").new_page()
    sign_in(chen, base, "chen@example.org")
    chen.goto(base + f"/communities/wash/topics/{topic.pk}/")
    chen.locator("#post-3").get_by_role("link", name=t("Flag")).click()
    chen.wait_for_load_state()
    assert "SUPER-CLEAN" in chen.content()
    assert_accessible(chen)
    chen.get_by_label(t("Spam or advertising")).check()
    chen.get_by_label(t("Note for the moderators (optional)")).fill("Advertising")
    chen.get_by_role("button", name=t("Send to the moderators")).click()
    chen.wait_for_load_state()
    assert shows(chen, t("Thank you: the moderators will look at this message."))

    # Dana hides it from the review queue.
    dana = browser.new_context(locale="en-GB").new_page()
    sign_in(dana, base, "dana@example.org")
    dana.goto(base + "/communities/wash/moderation/queue/")
    assert "SUPER-CLEAN" in dana.content()
    assert_accessible(dana)
    dana.get_by_label(t("Reason (shown in the moderation log)")).fill("Advertising")
    dana.get_by_role("button", name=t("Hide the message")).click()
    dana.wait_for_load_state()
    assert shows(dana, t("Nothing waits for review."))
    dana.context.close()
    advert.refresh_from_db()
    assert advert.status == "hidden"
    chen.reload()
    assert "SUPER-CLEAN" not in chen.content()
    chen.context.close()

    # Search finds the topic for members of this private community, and not for outsiders.
    chen = browser.new_context(locale="en-GB").new_page()
    sign_in(chen, base, "chen@example.org")
    chen.goto(base + "/")
    chen.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("Search")).click()
    chen.get_by_label(t("Search the hub")).fill("latrines")
    chen.get_by_role("button", name=t("Search"), exact=True).click()
    chen.wait_for_load_state()
    assert chen.get_by_role("link", name="How do you keep school latrines clean?").count() >= 1
    assert_accessible(chen)
    chen.context.close()
    MembershipFactory(
        community=CommunityFactory(slug="elsewhere"), user__email="olga@example.org", user__language=language
    )
    outsider = browser.new_context(locale="en-GB").new_page()
    sign_in(outsider, base, "olga@example.org")
    outsider.goto(base + "/search/?q=latrines")
    assert "school latrines" not in outsider.content()
    with translation.override(language):
        none_found = translation.ngettext("%(count)s result", "%(count)s results", 0) % {"count": 0}
    assert none_found in outsider.content()
    outsider.context.close()

    # The weekly digest reaches the members who were not writing, in the outbox.
    mail.outbox.clear()
    assert send_digests("weekly") >= 1
    digest = next(message for message in mail.outbox if message.to == ["chen@example.org"])
    assert "How do you keep school latrines clean?" in digest.body
    assert t("This week in your communities") in digest.subject
    assert "SUPER-CLEAN" not in digest.body
