import datetime
from decimal import Decimal

import factory

from catchment.accounts.tests.factories import UserFactory
from catchment.communities.models import (
    Activity,
    CharterVersion,
    Community,
    Membership,
    Milestone,
    ResourceCommitment,
    Role,
)


class CommunityFactory(factory.django.DjangoModelFactory[Community]):
    class Meta:
        model = Community

    name = factory.Sequence(lambda n: f"River Restoration CoP {n}")
    slug = factory.Sequence(lambda n: f"river-restoration-{n}")
    summary = "Practitioners restoring rivers share what works."
    stage = "launched"


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    community = factory.SubFactory(CommunityFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER


FULL_CHARTER = {
    "purpose": "Restore rivers together.",
    "objectives": "Share methods; train 50 practitioners.",
    "scope": "Rivers in the Danube basin.",
    "processes": "Monthly calls, yearly field visit.",
    "formats_tools": "Webinars, discussion forum, World Café.",
    "structure": "A convenor, two moderators, a core group.",
    "code_of_conduct": "Be respectful; share sources; keep confidences.",
}


class CharterVersionFactory(factory.django.DjangoModelFactory[CharterVersion]):
    class Meta:
        model = CharterVersion

    community = factory.SubFactory(CommunityFactory)
    number = factory.Sequence(lambda n: n + 1)
    purpose = FULL_CHARTER["purpose"]
    objectives = FULL_CHARTER["objectives"]
    scope = FULL_CHARTER["scope"]
    processes = FULL_CHARTER["processes"]
    formats_tools = FULL_CHARTER["formats_tools"]
    structure = FULL_CHARTER["structure"]
    code_of_conduct = FULL_CHARTER["code_of_conduct"]


def person_in_role(role, community):
    """A viewer holding `role` towards `community`: anonymous, non_member, applicant, staff or a Role value."""
    from django.contrib.auth.models import AnonymousUser

    from catchment.communities.models import JoinRequest

    if role == "anonymous":
        return AnonymousUser()
    if role == "staff":
        return UserFactory(is_staff=True)
    user = UserFactory()
    if role == "applicant":
        JoinRequest.objects.create(community=community, user=user)
    elif role != "non_member":
        MembershipFactory(community=community, user=user, role=Role(role))
    return user


class ActivityFactory(factory.django.DjangoModelFactory[Activity]):
    class Meta:
        model = Activity

    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"Monthly webinar {n}")
    kind = "webinar"
    cadence = "monthly"
    starts_on = datetime.date(2026, 1, 15)
    ends_on = datetime.date(2026, 6, 15)


class MilestoneFactory(factory.django.DjangoModelFactory[Milestone]):
    class Meta:
        model = Milestone

    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    due_on = datetime.date(2026, 3, 1)


class ResourceCommitmentFactory(factory.django.DjangoModelFactory[ResourceCommitment]):
    class Meta:
        model = ResourceCommitment

    community = factory.SubFactory(CommunityFactory)
    responsibility = "Moderator"
    person_name = "A. Sponsor"
    hours_per_month = Decimal("8.0")


def jpeg_bytes(size=(40, 20), colour=(20, 90, 140)):
    """A small, valid JPEG picture."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="JPEG")
    return buffer.getvalue()
