"""Issue 7 in a real browser: a facilitator builds the alliance tree, scores stakeholders and sees the
power-interest grid, moves a stakeholder through mobilisation, logs a process entry and draws a systems
map whose loops are detected. Every page passes axe."""

from __future__ import annotations

import pytest

from tests.browser.support import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_facilitator_builds_an_alliance_and_maps_its_system(browser, page, live_server):
    from catchment.accounts.tests.factories import ProfileFactory

    base = live_server.url
    ProfileFactory(
        user__email="fatma@example.org", user__display_name="Fatma Facilitator", user__username="fatma"
    )
    sign_in(page, base, "fatma@example.org")

    # the alliance and its tree: a national platform, a district platform under it
    page.goto(base + "/alliances/")
    page.get_by_role("link", name="Start a learning alliance").click()
    page.get_by_label("Name").first.fill("MUS learning alliance")
    page.get_by_label("Theme").fill("Multiple-use water services")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/alliances/mus-learning-alliance/")
    page.get_by_role("link", name="Add a platform").click()
    page.get_by_label("Or start a new community with this name").fill("National MUS platform")
    page.get_by_label("Level").select_option("national")
    page.get_by_label("Facilitator").fill("fatma")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/alliances/mus-learning-alliance/")
    page.get_by_role("link", name="Add a platform").click()
    page.get_by_label("Or start a new community with this name").fill("Kongwa district platform")
    page.get_by_label("Level").select_option("intermediate")
    page.get_by_label("Part of").select_option(label="National MUS platform (National)")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/alliances/mus-learning-alliance/")
    assert page.get_by_role("img", name="The platform tree").count() == 1
    tree = page.locator(".platform-tree").inner_text()
    assert tree.index("National MUS platform") < tree.index("Kongwa district platform")
    assert_accessible(page)

    # two stakeholders, scored; the grid draws them and lists the blocker
    for name, level, power, interest, current in (
        ("Ministry of Water", "national", "5", "2", "resistant"),
        ("Kongwa water user association", "intermediate", "2", "5", "supportive"),
    ):
        page.goto(base + "/alliances/mus-learning-alliance/stakeholders/new/")
        page.get_by_label("Name").fill(name)
        page.locator("#id_org_type").select_option("gov" if level == "national" else "cbo")
        page.get_by_label("Level").select_option(level)
        page.get_by_label("Influence (power)").select_option(power)
        page.get_by_label("Interest").select_option(interest)
        page.get_by_label("Current engagement").select_option(current)
        page.get_by_label("Desired engagement").select_option("leading")
        page.get_by_role("button", name="Save").click()
        page.wait_for_selector("h1:has-text('" + name + "')")
    page.get_by_role("navigation", name="Alliance sections").get_by_role(
        "link", name="Power and interest"
    ).click()
    assert page.get_by_role("img", name="Power and interest (Mendelow)").count() == 1
    assert page.locator("svg.stakeholder-grid circle").count() == 2
    blockers = page.locator("#blockers-heading + p + ol").inner_text()
    assert "Ministry of Water" in blockers
    actions = page.locator("section[aria-labelledby=actions-heading] tbody").inner_text()
    assert actions.index("Ministry of Water") < actions.index(
        "Kongwa water user association"
    )  # gap 3 x power 5 before gap 1 x power 2
    assert_accessible(page)

    # mobilisation: a jump is refused, one step at a time works
    page.get_by_role("navigation", name="Alliance sections").get_by_role("link", name="Mobilisation").click()
    page.get_by_role("button", name="→ Contacted (Ministry of Water)").click()
    page.wait_for_selector("text=Ministry of Water: Contacted.")
    page.get_by_role("button", name="→ Briefed (Ministry of Water)").click()
    page.wait_for_selector("text=Ministry of Water: Briefed.")
    assert "Ministry of Water" in page.locator("section[aria-labelledby=col-briefed]").inner_text()
    page.get_by_role("link", name="Ministry of Water").first.click()
    page.get_by_label("Move to").select_option("active_member")
    page.get_by_role("button", name="Move").click()
    assert "cannot go straight to Active member" in page.locator(".messages").inner_text()
    assert_accessible(page)

    # the process log
    page.get_by_role("navigation", name="Alliance sections").get_by_role("link", name="Process log").click()
    page.get_by_role("link", name="Log what happened").click()
    page.get_by_label("Platform").select_option(label="Kongwa district platform")
    page.get_by_label("Date").fill("2026-03-14")
    page.get_by_label("What happened").fill("First district platform meeting")
    page.get_by_label("What changed").fill("The water office agreed to share borehole data.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("text=The process log is updated.")
    assert page.get_by_role("img", name="Timeline of the process log").count() == 1
    assert "First district platform meeting" in page.inner_text("main")
    assert_accessible(page)

    # a systems map on the national platform's community: three loops detected, two balancing
    page.goto(base + "/communities/national-mus-platform/maps/")
    page.get_by_label("Title").fill("Groundwater and livelihoods")
    page.get_by_role("button", name="Start the map").click()
    page.wait_for_selector("h1:has-text('Groundwater and livelihoods')")
    variables = [
        ("Irrigated area", "economic"),
        ("Groundwater abstraction", "hydrological"),
        ("Groundwater level", "hydrological"),
        ("Pumping cost", "economic"),
        ("Farm income", "economic"),
        ("Investment in wells", "economic"),
        ("Awareness of scarcity", "social"),
        ("Regulation enforcement", "governance"),
    ]
    for label, domain in variables:
        form = page.locator("#add-variable form")
        form.get_by_label("Label").fill(label)
        form.get_by_label("Domain").select_option(domain)
        form.get_by_role("button", name="Add the variable").click()
        page.wait_for_load_state()
    links = [
        ("Irrigated area", "Groundwater abstraction", "1"),
        ("Groundwater abstraction", "Groundwater level", "-1"),
        ("Groundwater level", "Pumping cost", "-1"),
        ("Pumping cost", "Irrigated area", "-1"),
        ("Irrigated area", "Farm income", "1"),
        ("Farm income", "Investment in wells", "1"),
        ("Investment in wells", "Irrigated area", "1"),
        ("Groundwater level", "Awareness of scarcity", "-1"),
        ("Awareness of scarcity", "Regulation enforcement", "1"),
        ("Regulation enforcement", "Groundwater abstraction", "-1"),
    ]
    form = page.locator("#add-link form")
    # a link with no polarity is refused, naming the field, and nothing is drawn
    form.get_by_label("From (the cause)").select_option(label="Irrigated area")
    form.get_by_label("To (the effect)").select_option(label="Groundwater abstraction")
    form.get_by_role("button", name="Add the link").click()
    assert "Choose the link's polarity" in page.locator("#add-link").inner_text()
    for source, target, polarity in links:
        form = page.locator("#add-link form")
        form.get_by_label("From (the cause)").select_option(label=source)
        form.get_by_label("To (the effect)").select_option(label=target)
        form.locator(f"input[name=polarity][value='{polarity}']").check()
        form.get_by_role("button", name="Add the link").click()
        page.wait_for_load_state()
    loops = page.locator(".loop-list > li")
    assert loops.count() == 3
    assert page.locator(".loop-list > li.loop-B").count() == 2
    assert page.locator(".loop-list > li.loop-R").count() == 1
    assert page.locator("#systems-map .node").count() == 8
    loops.first.hover()
    assert page.locator("#systems-map .link.on").count() >= 3
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download for Kumu (JSON)").click()
    assert download.value.suggested_filename.endswith(".json")
