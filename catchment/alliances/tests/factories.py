"""A small learning alliance for tests: national → district → community platforms, built with the services."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import cast

from catchment.accounts.models import User
from catchment.accounts.tests.factories import UserFactory
from catchment.alliances import services
from catchment.alliances.models import LearningAlliance, Platform
from catchment.communities.models import Community, Role
from catchment.communities.tests.factories import CommunityFactory, MembershipFactory

NUMBERS = itertools.count(1)


@dataclass
class World:
    initiator: User
    alliance: LearningAlliance
    national: Platform
    district: Platform
    village: Platform


def platform_for(
    initiator: User, alliance: LearningAlliance, level: str, parent: Platform | None, **community: object
) -> Platform:
    place = cast(Community, CommunityFactory(**community))
    MembershipFactory(community=place, user=initiator, role=Role.CONVENOR)
    return services.platform_add(
        actor=initiator,
        alliance=alliance,
        community=place,
        changes=services.PlatformChanges(level=level, parent=parent, facilitator=initiator),
    )


def alliance_world(visibility: str = "public", community_visibility: str = "public") -> World:
    initiator = cast(User, UserFactory(display_name="Initiator"))
    alliance = services.alliance_create(
        actor=initiator,
        changes=services.AllianceChanges(
            name="MUS alliance",
            theme="Multiple-use water services",
            visibility=visibility,
            slug=f"mus-alliance-{next(NUMBERS)}",
        ),
    )
    national = platform_for(initiator, alliance, "national", None, visibility=community_visibility)
    district = platform_for(initiator, alliance, "intermediate", national, visibility=community_visibility)
    village = platform_for(initiator, alliance, "community", district, visibility=community_visibility)
    return World(initiator, alliance, national, district, village)
