"""Every learning-alliance and systems-map URL, requested by every role, on a public alliance of public
platforms and on a members-only alliance of private platforms. The stakeholder register (scores,
"resistant" labels, rationales) must never reach anyone but the alliance's facilitators and the hub team;
platform work follows the platform community's read rule; only facilitators change things."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from catchment.accounts.tests.factories import UserFactory
from catchment.alliances import map_services, services
from catchment.alliances.services import StakeholderData
from catchment.alliances.tests.factories import alliance_world
from catchment.communities.models import Role
from catchment.communities.tests.factories import MembershipFactory
from tests.sweep import body_of
from tests.test_permission_matrix import all_patterns

ROLES = ["anonymous", "non_member", "platform_member", "facilitator", "initiator", "staff"]
SETTINGS = ["public", "members"]
REGISTER_SECRET = "RATIONALE-7f3e-SECRET"
PLATFORM_SECRET = "PROCESS-LOG-91ab-SECRET"

POSTS_ONLY = {
    "alliances:platform_remove",
    "alliances:stakeholder_move",
    "alliances:relation_add",
    "alliances:relation_remove",
    "alliances:process_delete",
    "alliances:output_delete",
    "alliances:variable_add",
    "alliances:variable_delete",
    "alliances:link_add",
    "alliances:link_delete",
    "alliances:loop_note",
}
RUNNERS = {"initiator", "staff"}
FACILITATORS = {"facilitator", "initiator", "staff"}
REGISTER = {
    "alliances:stakeholders",
    "alliances:stakeholders_csv",
    "alliances:stakeholders_import",
    "alliances:stakeholder_new",
    "alliances:grid",
    "alliances:grid_csv",
    "alliances:stakeholder",
    "alliances:stakeholder_edit",
    "alliances:pipeline",
}
LOGIN_FIRST = REGISTER | {
    "alliances:new",
    "alliances:edit",
    "alliances:platform_new",
    "alliances:platform_edit",
    "alliances:direction_edit",
    "alliances:cycle_new",
    "alliances:process_new",
    "alliances:process_edit",
}
ALLIANCE_READ = {
    "alliances:detail",
    "alliances:direction",
    "alliances:direction_version",
    "alliances:cycles",
    "alliances:process",
    "alliances:process_csv",
    "alliances:outputs",
}
PLATFORM_READ = {"alliances:platform", "alliances:cycle"}
MAP_READ = {"alliances:maps", "alliances:map", "alliances:map_json", "alliances:map_csv"}
MAP_EDIT = {"alliances:map_edit", "alliances:variable_edit", "alliances:map_import"}


def expected(name: str, role: str, setting: str) -> int:
    """The oracle, written from the issue's rules, independently of permissions.py."""
    public = setting == "public"
    insiders = {"platform_member", *FACILITATORS}
    if name in POSTS_ONLY:
        return 302 if role == "anonymous" else 405
    if name == "alliances:list":
        return 200
    if role == "anonymous" and (name in LOGIN_FIRST or name in MAP_EDIT):
        return 302
    if name == "alliances:new":
        return 200
    if name in ALLIANCE_READ:
        return 200 if public or role in insiders else 404
    if name in PLATFORM_READ | MAP_READ:
        return 200 if public or role in insiders else 404
    if name in {"alliances:edit", "alliances:platform_new", "alliances:direction_edit"}:
        return 200 if role in RUNNERS else 404
    if name in REGISTER | {
        "alliances:platform_edit",
        "alliances:cycle_new",
        "alliances:process_new",
        "alliances:process_edit",
    }:
        return 200 if role in FACILITATORS else 404
    if name in MAP_EDIT:
        return 200 if role in FACILITATORS else 404
    raise AssertionError(f"{name} is not in the alliance permission matrix")


NAMES = sorted(name for name, _route, _entry in all_patterns() if name.startswith("alliances:"))


def test_every_alliance_url_is_in_the_matrix():
    assert len(NAMES) > 40
    for name in NAMES:
        expected(name, "non_member", "public")


def _world(setting: str):
    world = alliance_world(
        visibility=setting, community_visibility="public" if setting == "public" else "private"
    )
    village = world.village.community
    people: dict[str, Any] = {
        "non_member": UserFactory(),
        "platform_member": MembershipFactory(community=village).user,
        "facilitator": MembershipFactory(community=village, role=Role.MEMBER).user,
        "initiator": world.initiator,
        "staff": UserFactory(is_staff=True),
    }
    services.platform_update(
        actor=world.initiator,
        platform=world.village,
        changes=services.PlatformChanges(
            level="community", parent=world.district, facilitator=people["facilitator"]
        ),
    )
    stakeholder = services.stakeholder_save(
        actor=world.initiator,
        alliance=world.alliance,
        data=StakeholderData(
            name="Ministry",
            org_type="gov",
            level="national",
            platforms=[world.village],
            rationale=REGISTER_SECRET,
        ),
    )
    other = services.stakeholder_save(
        actor=world.initiator,
        alliance=world.alliance,
        data=StakeholderData(name="Village committee", org_type="cbo", level="community"),
    )
    relation = services.relation_add(
        actor=world.initiator, source=stakeholder, target=other, kind="information", strength=3
    )
    services.direction_save(
        actor=world.initiator, alliance=world.alliance, values={"vision": "All uses"}, based_on=None
    )
    cycle = services.cycle_save(actor=world.initiator, platform=world.village, values={"question": "Pumps?"})
    entry = services.process_entry_save(
        actor=world.initiator,
        platform=world.village,
        values={"title": PLATFORM_SECRET, "happened_on": datetime.date(2026, 5, 1)},
    )
    output = services.output_save(
        actor=world.initiator,
        platform=world.village,
        values={
            "kind": "brief",
            "title": "Brief",
            "audience": "national",
            "channel": "print",
            "published_on": datetime.date(2026, 6, 1),
        },
    )
    system_map = map_services.map_save(
        actor=world.initiator, community=village, values={"title": "Groundwater"}
    )
    rain = map_services.variable_save(actor=world.initiator, system_map=system_map, values={"label": "Rain"})
    recharge = map_services.variable_save(
        actor=world.initiator, system_map=system_map, values={"label": "Recharge"}
    )
    link = map_services.link_save(
        actor=world.initiator, system_map=system_map, source=rain, target=recharge, polarity=1
    )
    ids = {
        "platform": world.village.pk,
        "stakeholder": stakeholder.pk,
        "relation": relation.pk,
        "cycle": cycle.pk,
        "process": entry.pk,
        "output": output.pk,
        "map": system_map.pk,
        "variable": rain.pk,
        "link": link.pk,
    }
    return world, people, ids


def _kwargs(name: str, entry, world, ids) -> dict[str, object]:
    wanted = entry.pattern.regex.groupindex
    values: dict[str, object] = {"slug": world.alliance.slug, "number": 1}
    if name in MAP_READ | MAP_EDIT | {
        n for n in POSTS_ONLY if n.split(":")[1].startswith(("variable", "link", "loop"))
    }:
        values["slug"] = world.village.community.slug
        values["pk"] = ids["map"]
    elif "stakeholder" in name or name == "alliances:relation_add":
        values["pk"] = ids["stakeholder"]
    elif "relation" in name:
        values["pk"] = ids["relation"]
    elif name == "alliances:cycle":
        values["pk"] = ids["cycle"]
    elif name.startswith("alliances:process_"):
        values["pk"] = ids["process"]
    elif name == "alliances:output_delete":
        values["pk"] = ids["output"]
    else:
        values["pk"] = ids["platform"]
    values["variable"] = ids["variable"]
    values["link"] = ids["link"]
    return {key: values[key] for key in wanted}


@pytest.mark.parametrize("setting", SETTINGS)
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_what_it_may_and_no_register_otherwise(db, role, setting):
    world, people, ids = _world(setting)
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(people[role])
    problems = []
    for name in NAMES:
        entry = next(entry for pattern, _route, entry in all_patterns() if pattern == name)
        response = client.get(reverse(name, kwargs=_kwargs(name, entry, world, ids)))
        want = expected(name, role, setting)
        if response.status_code != want:
            problems.append(f"{name}: {response.status_code}, expected {want}")
        text = body_of(response)  # the text and every header, a redirect's Location among them
        if role not in FACILITATORS and REGISTER_SECRET in text:
            problems.append(f"{name}: the stakeholder register shown to {role}")
        if want != 200 and PLATFORM_SECRET in text:
            problems.append(f"{name}: platform work shown to {role}")
    assert problems == []


WRITES = {
    # name: (data, who may)
    "alliances:stakeholder_move": ({"target": "contacted"}, FACILITATORS),
    "alliances:relation_remove": ({}, FACILITATORS),
    "alliances:process_delete": ({}, FACILITATORS),
    "alliances:output_delete": ({}, FACILITATORS),
    "alliances:platform_remove": ({}, RUNNERS),
    "alliances:direction_edit": ({"vision": "Changed", "based_on": "1"}, RUNNERS),
    "alliances:link_delete": ({}, FACILITATORS),  # before the variable, whose deletion takes its links
    "alliances:variable_delete": ({}, FACILITATORS),
}


@pytest.mark.parametrize("role", ["non_member", "platform_member", "facilitator", "staff"])
def test_writes_are_refused_to_those_who_may_not_and_change_nothing(db, role):
    world, people, ids = _world("public")
    client = Client(raise_request_exception=False)
    client.force_login(people[role])
    problems = []
    for name, (data, allowed) in WRITES.items():
        entry = next(entry for pattern, _route, entry in all_patterns() if pattern == name)
        response = client.post(reverse(name, kwargs=_kwargs(name, entry, world, ids)), data)
        if role in allowed and response.status_code not in (200, 302):
            problems.append(f"{name}: {response.status_code} for {role}, who may")
        if role not in allowed and response.status_code != 404:
            problems.append(f"{name}: {response.status_code} for {role}, who may not")
    assert problems == []
