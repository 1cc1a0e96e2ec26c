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


def test_before_launch_a_convenor_maps_how_the_audience_is_connected(browser, page, live_server, tmp_path):
    import networkx as nx

    from catchment.accounts.tests.factories import OrganisationFactory, ProfileFactory
    from catchment.communities.models import Role
    from catchment.communities.tests.factories import CommunityFactory, MembershipFactory
    from catchment.insights import surveys

    base = live_server.url
    community = CommunityFactory(slug="drought", name="Drought Resilience", stage="design")
    convenor = ProfileFactory(user__email="convenor@example.org", user__display_name="Carla Convenor").user
    MembershipFactory(community=community, user=convenor, role=Role.CONVENOR)
    ministry = OrganisationFactory(name="Ministry of Water")
    amina = ProfileFactory(
        user__email="amina@example.org", user__display_name="Amina Diallo", organisation=ministry
    ).user
    bongani = ProfileFactory(user__display_name="Bongani Dube", organisation=OrganisationFactory()).user
    for person in (amina, bongani):
        MembershipFactory(community=community, user=person)

    sign_in(page, base, "convenor@example.org")
    page.goto(base + "/communities/drought/")
    page.get_by_role("link", name="Map how your audience is already connected").click()
    page.get_by_role("link", name="Design a survey").click()
    page.get_by_label("Whom do people turn to for advice on…").fill("drought early warning")
    page.get_by_role("button", name="Save the survey").click()
    assert "This is a preview" in page.inner_text("main")
    page.get_by_role("button", name="Open for answers").click()
    assert "The survey is open for answers." in page.inner_text("main")

    member = browser.new_context(locale="en-GB").new_page()
    sign_in(member, base, "amina@example.org")
    member.goto(base + "/communities/drought/")
    member.get_by_role("link", name="Answer the survey").click()
    first = member.get_by_role("group", name="Person 1", exact=True)
    first.get_by_label("Name").fill("Bongani Dube")
    first.get_by_role("checkbox", name="Email").check()
    first.get_by_role("checkbox", name="WhatsApp or another messaging app").check()
    first.get_by_label("How often").select_option(label="About once a week")
    member.get_by_role("button", name="More lines").click()
    assert member.get_by_role("group", name="Person 10", exact=True).count() == 1
    assert member.get_by_role("group", name="Person 1", exact=True).get_by_label("Name").input_value() == (
        "Bongani Dube"
    )
    second = member.get_by_role("group", name="Person 2", exact=True)
    second.get_by_label("Name").fill("Kofi Mensah")
    second.get_by_label("Organisation").fill("Volta Basin Authority")
    second.get_by_role("checkbox", name="Meetings, face to face").check()
    second.get_by_label("How often").select_option(label="A few times a year")
    member.get_by_label("I agree that my answers are used").check()
    member.get_by_label("The moderators may see my name on the map").check()
    assert_accessible(member)
    member.get_by_role("button", name="Send my answers").click()
    assert "your answers are saved" in member.inner_text("main")
    member.context.close()
    surveys.answer_save(
        actor=bongani,
        survey=community.connection_surveys.get(),
        data=surveys.AnswerData(
            contacts=[
                surveys.ContactData("Kofi Mensah", ["email"], "Volta Basin Authority", 3),
                surveys.ContactData("Amina Diallo", ["messaging"], "", 4),
            ],
            consent=True,
        ),
    )

    page.reload()
    page.get_by_role("button", name="Close and analyse").click()
    page.get_by_role("link", name="The analysis").click()
    text = page.inner_text("main")
    assert "To reach this audience, start with:" in text
    assert "Volta Basin Authority" in text  # Kofi, whom both turn to, is a go-to person: by pseudonym
    html = page.content()  # the map names Amina, who allowed it, and nobody else
    assert "Amina Diallo" in html and "Bongani Dube" not in html and "Kofi" not in html
    assert page.locator("#network circle").count() == 3
    assert page.get_by_role("img", name="Reach of each channel").count() == 1
    assert_accessible(page)
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download as GraphML").click()
    target = tmp_path / "survey.graphml"
    downloading.value.save_as(target)
    graph = nx.read_graphml(target)
    assert graph.number_of_nodes() == 3 and graph.number_of_edges() == 5


def test_in_the_demo_hub_a_convenor_reads_every_insight_and_the_hub_team_compares(
    browser, page, live_server, tmp_path
):
    """The issue's "done when", on the demo hub itself: the bulb, the network, the health charts and the
    value matrix of a demo community, the network as GraphML, and every community compared. The demo
    convenor reads the hub in Spanish, so the names are looked up in her language."""
    import networkx as nx
    from django.core.management import call_command
    from django.utils.translation import gettext, override

    from catchment.accounts.models import User

    call_command("load_demo", verbosity=0)
    convenor = User.objects.get(email="convenor@demo.catchment.example")
    with override(convenor.language):
        words = {
            text: gettext(text)
            for text in (
                "The participation bulb",
                "Active members each week",
                "Actions each week",
                "Download as GraphML",
                "See the network",
                "Value creation",
            )
        }
        matrix = gettext("The value-creation matrix (%(counter)s story)").split("(")[0].strip()
    base = live_server.url
    sign_in(page, base, convenor.email, password="catchment-demo")
    page.goto(base + "/communities/transboundary-water-management/insights/")
    assert page.get_by_role("img", name=words["The participation bulb"]).count() == 1
    assert page.get_by_role("img", name=words["Active members each week"]).count() == 1
    assert page.get_by_role("img", name=words["Actions each week"]).count() == 1
    assert_accessible(page)
    with page.expect_download() as downloading:
        page.get_by_role("link", name=words["Download as GraphML"]).first.click()
    target = tmp_path / "demo.graphml"
    downloading.value.save_as(target)
    assert nx.read_graphml(target).number_of_nodes() >= 50
    page.get_by_role("link", name=words["See the network"]).click()
    assert page.locator("#network circle").count() >= 50
    page.goto(base + "/communities/transboundary-water-management/insights/")
    page.get_by_role("link", name=words["Value creation"], exact=True).click()
    assert page.get_by_role("table", name=matrix).count() == 1
    assert_accessible(page)

    team = browser.new_context(locale="en-GB").new_page()
    admin = User.objects.get(email="admin@demo.catchment.example")
    sign_in(team, base, admin.email, password="catchment-demo")
    team.goto(base + "/insights/")
    for name in ("Transboundary Water Management", "River Restoration", "Urban Water"):
        assert team.get_by_role("link", name=name).count() >= 1, name
    team.context.close()
