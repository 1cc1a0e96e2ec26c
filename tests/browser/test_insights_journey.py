"""Insights in a real browser: a convenor of a lively community sees the participation bulb, the health
charts and the network, downloads the network as GraphML; the hub team compares all communities."""

from __future__ import annotations

import datetime

import pytest

from tests.browser.support import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_convenor_reads_the_insights_and_the_hub_team_compares(browser, page, live_server, tmp_path):
    import networkx as nx
    from django.utils import timezone

    from catchment.accounts.tests.factories import ProfileFactory
    from catchment.communities.models import Role
    from catchment.communities.tests.factories import CommunityFactory, MembershipFactory
    from catchment.discussions import services as discussions
    from catchment.insights import services

    base = live_server.url
    community = CommunityFactory(slug="rivers", name="River Restoration")
    convenor = ProfileFactory(user__email="convenor@example.org", user__display_name="Carla Convenor").user
    MembershipFactory(community=community, user=convenor, role=Role.CONVENOR)
    people = [ProfileFactory(user__display_name=f"Member {n}").user for n in range(12)]
    for person in people:
        MembershipFactory(community=community, user=person)
    old = timezone.now() - datetime.timedelta(days=60)
    for person in [convenor, *people]:
        type(person).objects.filter(pk=person.pk).update(date_joined=old)
    topic = discussions.topic_create(
        actor=people[0],
        community=community,
        kind="question",
        title="Fish passes?",
        body="Which work?",
        language="en",
    )
    for n in range(1, 8):
        discussions.post_reply(actor=people[n], topic=topic, body=f"Idea {n}")
    services.compute_community(community)
    services.compute_hub()

    sign_in(page, base, "convenor@example.org")
    page.goto(base + "/communities/rivers/")
    page.get_by_role("navigation", name="Community sections").get_by_role("link", name="Insights").click()
    page.wait_for_url("**/communities/rivers/insights/")
    assert page.get_by_role("img", name="The participation bulb").count() == 1
    assert page.get_by_role("img", name="Active members each week").count() == 1
    assert "Median time to a first reply" in page.inner_text("main")
    assert_accessible(page)
    page.get_by_role("link", name="See the network").click()
    page.wait_for_url("**/insights/network/")
    assert page.locator("#network circle").count() == 13
    page.get_by_label("Colour by").select_option("country")
    page.get_by_role("button", name="Arrange again").click()
    assert_accessible(page)
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download as GraphML").click()
    target = tmp_path / "network.graphml"
    downloading.value.save_as(target)
    graph = nx.read_graphml(target)
    assert graph.number_of_nodes() == 13 and graph.number_of_edges() >= 7

    team = browser.new_context(locale="en-GB").new_page()
    ProfileFactory(user__email="team@example.org", user__is_staff=True)
    sign_in(team, base, "team@example.org")
    team.goto(base + "/insights/")
    assert team.get_by_role("link", name="River Restoration").count() >= 1
    assert_accessible(team)
    team.context.close()
