"""Every insights URL, as each community role, on public, private and secret communities: levels and
networks describe people, so only a community's moderators and convenors (and the hub team) see them;
members see their own level; the comparison of communities is the hub team's."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from catchment.communities.models import Role
from catchment.communities.tests.factories import CommunityFactory, MembershipFactory, person_in_role
from catchment.discussions import services as discussions
from catchment.insights import services
from tests.sweep import body_of
from tests.test_community_permission_matrix import EDITORS, MANAGERS, ROLES, VISIBILITIES
from tests.test_permission_matrix import all_patterns

SECRET = "PRIVATE-93ef-PERSON"
ACTIVE_MEMBERS = {"member", "moderator", "co_convenor", "convenor"}
POSTS_ONLY = {
    "insights:recompute",
    "insights:hub_recompute",
    "insights:map_opt_out",
    "insights:indicators_seed",
    "insights:observe",
    "insights:survey_status",
    "insights:survey_withdraw",
    "insights:survey_recompute",
}
READERS = {"member", "moderator", "co_convenor", "convenor", "staff"}


def expected(name, role, visibility):
    """The oracle, written from the issue's rules, independently of permissions.py."""
    if role == "anonymous":
        return 302
    if name in POSTS_ONLY:
        return 405
    if name == "insights:my_answers":
        return 200  # one's own answers, in any community
    if name in {"insights:hub", "insights:hub_csv"}:
        return 200 if role == "staff" else 404
    if name in {
        "insights:dashboard",
        "insights:network",
        "insights:network_graphml",
        "insights:network_csv",
        "insights:value",
        "insights:value_csv",
        "insights:indicators",
    }:
        return 200 if role in MANAGERS else 404
    if name == "insights:stories":
        return 200 if visibility == "public" or role in READERS else 404
    if name == "insights:story_new":
        return 200 if role in ACTIVE_MEMBERS else 404
    if name == "insights:story":
        # the published story: readable by whoever reads the community
        return 200 if visibility == "public" or role in READERS else 404
    if name == "insights:story_edit":
        return 200 if role in MANAGERS else 404
    if name == "insights:me":
        return 200 if role in ACTIVE_MEMBERS else 404
    if name == "insights:settings":
        return 200 if role in EDITORS else 404
    if name in {"insights:surveys", "insights:survey"}:
        # an open survey is for any signed-in reader: a community's audience is often not in it yet
        return 200 if visibility == "public" or role in READERS else 404
    if name in {
        "insights:survey_new",
        "insights:survey_edit",
        "insights:survey_results",
        "insights:survey_csv",
        "insights:survey_graphml",
    }:
        return 200 if role in MANAGERS else 404
    raise AssertionError(f"{name} is not in the insights permission matrix")


NAMES = sorted(name for name, _route, _entry in all_patterns() if name.startswith("insights:"))


def test_every_insights_url_is_in_the_matrix():
    assert NAMES
    for name in NAMES:
        expected(name, "member", "public")


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_what_it_may_and_no_names_otherwise(db, role, visibility):
    community = CommunityFactory(slug=f"in-{visibility}", visibility=visibility)
    talker = MembershipFactory(community=community, user__display_name=SECRET).user
    other = MembershipFactory(community=community, role=Role.MODERATOR).user
    topic = discussions.topic_create(
        actor=talker, community=community, kind="discussion", title="Hello", body="Hi", language="en"
    )
    discussions.post_reply(actor=other, topic=topic, body="Welcome")
    services.compute_community(community)
    services.compute_hub()
    from catchment.insights import stories

    story, _warnings = stories.story_save(
        actor=talker,
        community=community,
        data=stories.StoryData(
            title="Told",
            status="published",
            consent_publish=True,
            steps={1: stories.StepData(f"{SECRET} webinar")},
        ),
    )
    indicator = stories.indicator_save(
        actor=other, community=community, cycle=1, name="Participants", definition="", data_source="manual"
    )
    from catchment.insights import surveys

    survey = surveys.survey_save(
        actor=other, community=community, data=surveys.SurveyData(topic="drought", channels=["email"])
    )
    surveys.survey_set_status(actor=other, survey=survey, status="open")
    surveys.answer_save(
        actor=talker,
        survey=survey,
        data=surveys.AnswerData(
            contacts=[surveys.ContactData(f"{SECRET} contact", ["email"])], named=True, consent=True
        ),
    )
    surveys.compute_survey(survey)
    person = person_in_role(role, community)
    client = Client()
    if role != "anonymous":
        client.force_login(person)
    problems = []
    for name in NAMES:
        entry = next(entry for pattern, _route, entry in all_patterns() if pattern == name)
        pk = story.pk if "story" in name else survey.pk if "survey" in name else indicator.pk
        values = {"slug": community.slug, "pk": pk}
        kwargs = {key: values[key] for key in entry.pattern.regex.groupindex}
        response = client.get(reverse(name, kwargs=kwargs))
        want = expected(name, role, visibility)
        if response.status_code != want:
            problems.append(f"{name}: {response.status_code}, expected {want}")
        readable_story = name in {"insights:story", "insights:stories"} and want == 200  # told with consent
        # The answer form suggests the community's members by name, as its members list shows them.
        suggestions = name == "insights:survey" and want == 200
        if (
            role not in MANAGERS
            and not readable_story
            and not suggestions
            and SECRET in body_of(response)  # text, headers, Location
        ):
            problems.append(f"{name}: a member's name shown to {role}")
        if f"{SECRET} contact" in body_of(response):
            problems.append(f"{name}: a name typed in someone's survey answer shown to {role}")
    assert problems == []
