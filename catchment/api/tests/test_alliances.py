"""Learning alliances through the API: the public tree, secret platforms masked, and the stakeholder
register for facilitators only."""

from __future__ import annotations

from catchment.alliances import services
from catchment.alliances.models import OrgType
from catchment.alliances.services import StakeholderData
from catchment.alliances.tests.factories import alliance_world

from .conftest import bearer, token_for


def test_a_public_alliance_shows_its_platform_tree_to_everyone(api, db):
    world = alliance_world()
    listed = api.get("/api/v1/alliances/").json()["results"]
    assert [alliance["slug"] for alliance in listed] == [world.alliance.slug]
    tree = api.get(f"/api/v1/alliances/{world.alliance.slug}/").json()["platforms"]
    assert [platform["level"] for platform in tree] == ["national", "intermediate", "community"]
    assert tree[1]["parent"] == tree[0]["id"] and tree[2]["parent"] == tree[1]["id"]


def test_a_secret_platform_keeps_its_place_but_not_its_address(api, db):
    world = alliance_world()
    world.village.community.visibility = "secret"
    world.village.community.save()
    tree = api.get(f"/api/v1/alliances/{world.alliance.slug}/").json()["platforms"]
    assert tree[2]["community"] is None
    assert world.village.community.name not in str(tree)


def test_the_stakeholder_register_is_for_facilitators(api, hub):
    world = alliance_world()
    services.stakeholder_save(
        actor=world.initiator,
        alliance=world.alliance,
        data=StakeholderData(name="Basin authority", org_type=OrgType.GOV, level="national", influence=5),
    )
    url = f"/api/v1/alliances/{world.alliance.slug}/stakeholders/"
    rows = bearer(token_for(world.initiator, "read")).get(url).json()["results"]
    assert [(row["name"], row["influence"]) for row in rows] == [("Basin authority", 5)]
    assert api.get(url).status_code == 404
    assert bearer(token_for(hub.outsider, "read")).get(url).status_code == 404


def test_a_secret_platform_does_not_say_where_it_works(api, db):
    world = alliance_world()
    world.village.area = "Upper Tana basin"
    world.village.save()
    world.village.community.visibility = "secret"
    world.village.community.save()
    tree = api.get(f"/api/v1/alliances/{world.alliance.slug}/").json()["platforms"]
    assert (tree[2]["area"], tree[2]["country"]) == ("", "")
