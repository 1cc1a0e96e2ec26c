"""The demo hub's communities: deterministic, each with a charter and members, safe to load twice."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from catchment.accounts.models import Organisation, OrganisationType, Theme, User
from catchment.communities import selectors, services
from catchment.communities.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    Cadence,
    CharterVersion,
    Community,
    CommunityLanguage,
    Consultation,
    JoinPolicy,
    Membership,
    MembershipBasis,
    Milestone,
    MilestoneStatus,
    ResourceCommitment,
    Role,
    Stage,
    Visibility,
)

SEED = 20230530

# slug, name, summary, theme slugs, visibility, join policy, stage
COMMUNITIES = [
    (
        "transboundary-water-management",
        "Transboundary Water Management",
        "Basin organisations and ministries "
        "sharing how they negotiate, monitor and manage shared rivers, lakes and aquifers.",
        ["transboundary-waters", "water-governance"],
        "public",
        "open",
        "launched",
    ),
    (
        "river-restoration",
        "River Restoration",
        "Practitioners reconnecting floodplains, removing barriers and restoring river life.",
        ["river-restoration", "nature-based-solutions"],
        "public",
        "open",
        "launched",
    ),
    (
        "nature-based-solutions",
        "Nature-based Solutions for Water",
        "Wetlands, forests and green infrastructure that store, clean and slow water.",
        ["nature-based-solutions", "climate-adaptation"],
        "public",
        "open",
        "launched",
    ),
    (
        "drought-management",
        "Integrated Drought Management",
        "From crisis response to drought plans, early warning and risk reduction.",
        ["drought", "climate-adaptation"],
        "public",
        "approval",
        "launched",
    ),
    (
        "groundwater",
        "Groundwater Governance",
        "Managing aquifers we cannot see: monitoring, allocation and recharge.",
        ["groundwater", "water-governance"],
        "public",
        "open",
        "launched",
    ),
    (
        "urban-water",
        "Urban Water Resilience",
        "Utilities and cities preparing for floods, droughts and growth.",
        ["urban-water", "floods"],
        "public",
        "open",
        "launched",
    ),
    (
        "wash-in-communities",
        "WASH in Communities",
        "Water, sanitation and hygiene services that last.",
        ["wash", "multiple-use-services"],
        "public",
        "open",
        "launched",
    ),
    (
        "gender-and-water",
        "Gender and Water",
        "Making water management fair for women and men, and measuring it.",
        ["gender", "water-governance"],
        "public",
        "approval",
        "launched",
    ),
    (
        "youth-for-water",
        "Youth for Water and Climate",
        "Young professionals leading on water and climate.",
        ["climate-adaptation"],
        "public",
        "open",
        "launched",
    ),
    (
        "climate-resilience",
        "Climate Resilience and Water",
        "Adapting water investments and plans to a changing climate.",
        ["climate-adaptation", "water-finance"],
        "public",
        "open",
        "launched",
    ),
    (
        "source-to-sea",
        "Source-to-Sea Management",
        "Linking land, rivers, coasts and seas in one plan.",
        ["source-to-sea", "iwrm-planning"],
        "public",
        "open",
        "launched",
    ),
    (
        "flood-risk",
        "Flood Risk Management",
        "Forecasting, warning and living with floods.",
        ["floods"],
        "public",
        "open",
        "dormant",
    ),
    (
        "iwrm-planning",
        "IWRM Planning Practitioners",
        "Preparing and implementing national IWRM plans.",
        ["iwrm-planning", "water-governance"],
        "public",
        "approval",
        "launched",
    ),
    (
        "water-quality",
        "Water Quality Monitoring",
        "Sampling, laboratories and citizen science for clean water.",
        ["water-quality"],
        "public",
        "open",
        "launched",
    ),
    (
        "water-for-agriculture",
        "Water for Food",
        "Irrigation, water productivity and farmers' water rights.",
        ["water-for-agriculture"],
        "public",
        "open",
        "launched",
    ),
    (
        "water-finance",
        "Financing Water Security",
        "Blended finance, tariffs and investment planning.",
        ["water-finance"],
        "private",
        "approval",
        "launched",
    ),
    (
        "mus-learning",
        "Multiple-use Water Services",
        "Services designed for drinking, gardens, livestock and small enterprise at once.",
        ["multiple-use-services"],
        "public",
        "open",
        "archived",
    ),
    (
        "aral-basin-dialogue",
        "Aral Basin Dialogue",
        "A closed group of basin negotiators preparing joint positions.",
        ["transboundary-waters"],
        "private",
        "invitation",
        "launched",
    ),
    (
        "mekong-delta-salinity",
        "Mekong Delta Salinity Working Group",
        "Designing a community on salinity intrusion and delta livelihoods.",
        ["climate-adaptation", "water-quality"],
        "public",
        "approval",
        "design",
    ),
    (
        "sahel-early-warning",
        "Sahel Early Warning Network",
        "Designing a community of drought early-warning officers.",
        ["drought"],
        "private",
        "invitation",
        "design",
    ),
    (
        "board-reflection",
        "Steering Committee Reflection Space",
        "A confidential space for the hub's steering committee.",
        ["water-governance"],
        "secret",
        "invitation",
        "launched",
    ),
]

CHARTER = {
    "purpose": "Bring together people working on {topic} to learn from each other's practice, faster than any of "
    "us could alone.",
    "objectives": "- Hold a webinar every quarter and a World Café every year\n- Document five cases of practice "
    "a year\n- Connect newcomers with experienced peers within their first month",
    "scope": "In: {topic} in all regions, at national, basin and local level. Out: promotion of products or "
    "services.",
    "processes": "Monthly online discussion prompts, quarterly webinars in the working languages, a yearly "
    "reflection on the value the community created.",
    "formats_tools": "Webinars with interpretation, online discussions, World Café sessions, the shared library "
    "and a monthly digest.",
    "structure": "A convenor and co-convenor, two moderators, and a core group of active members who host "
    "activities in turn.",
    "code_of_conduct": "Be respectful and constructive. Credit your sources. Keep what is shared in confidence "
    "confidential. No advertising. Moderators may hide content that breaks these rules.",
}


def _charter(community: Community, topic: str, author: User | None, complete: bool) -> None:
    if community.charter_versions.exists():
        return
    sections = {name: text.format(topic=topic.lower()) for name, text in CHARTER.items()}
    if not complete:
        sections["code_of_conduct"] = ""
        sections["structure"] = ""
    CharterVersion.objects.create(
        community=community, number=1, author=author, note="First draft", **sections
    )


CONSULTATION = {
    "motivation": "People working on {topic} kept meeting the same questions in different countries, and "
    "answers stayed in email threads. Several partners asked for a space to compare practice.",
    "purpose": "Shorten the time it takes a practitioner to find a peer who solved a similar problem, and turn "
    "what members learn into guidance others can use.",
    "expectations": "Members expect a webinar they can attend in their own language, a discussion that stays "
    "practical, and one to three hours a month of their time at most.",
    "needs": "A convenor and two moderators with protected time, interpretation for webinars, a budget for "
    "one face-to-face World Café a year.",
    "limitations": "A community of practice will not replace formal training or negotiations; members from "
    "ministries may not speak freely in public, so some exchanges need a closed space.",
}


def _approve_charter(community: Community) -> None:
    """The sponsor on the roles sheet approves a running community's charter."""
    sponsor_id = next(iter(sorted(selectors.sponsor_ids(community))), None)
    current = community.charter_versions.order_by("-number").first()
    if sponsor_id is None or current is None:
        return
    services.charter_approve(
        actor=User.objects.get(pk=sponsor_id), community=community, number=current.number
    )


def _design_tools(
    community: Community, roles: dict[int, Role], people: dict[int, User], launched: bool, design: bool
) -> None:
    """The consultation, the roles-and-resources sheet, the activity plan and the follow-up plan."""
    if Consultation.objects.filter(community=community).exists():
        return
    topic = community.name.lower()
    Consultation.objects.create(
        community=community, **{name: text.format(topic=topic) for name, text in CONSULTATION.items()}
    )
    holders = {role: [people[pk] for pk, held in roles.items() if held == role] for role in Role}
    lead = holders[Role.CONVENOR][0]
    co = (holders[Role.CO_CONVENOR] or [lead])[0]
    moderators = holders[Role.MODERATOR] or [co]
    core = holders[Role.CORE] or [lead]
    # The hub team's first account sponsors every community, so it can approve their charters.
    sponsor = User.objects.filter(is_staff=True, is_active=True).order_by("pk").first()
    lines = [
        ("Convenor", lead, "", "12"),
        ("Co-convenor", co, "", "8"),
        *(("Moderator", person, "", "6") for person in moderators),
        ("Knowledge manager", core[0], "", "4"),
        ("Webinar host", core[-1], "", "3"),
        ("Sponsor", sponsor, "" if sponsor else "Regional Water Partnership secretariat", "2"),
    ]
    ResourceCommitment.objects.bulk_create(
        [
            ResourceCommitment(
                community=community,
                responsibility=responsibility,
                person=person,
                person_name=name,
                hours_per_month=Decimal(hours),
            )
            for responsibility, person, name, hours in lines
        ]
    )
    today = timezone.localdate()

    def day(offset: int) -> datetime.date:
        return today + datetime.timedelta(days=offset)

    start = -60 if launched else 30
    activities = [
        (
            "Launch webinar",
            ActivityKind.WEBINAR,
            Cadence.ONCE,
            lead,
            start,
            None,
            ActivityStatus.DONE if launched else ActivityStatus.PLANNED,
        ),
        (
            "Monthly discussion prompt",
            ActivityKind.DISCUSSION,
            Cadence.MONTHLY,
            moderators[0],
            start + 14,
            start + 380,
            ActivityStatus.ONGOING if launched else ActivityStatus.PLANNED,
        ),
        (
            "Quarterly webinar with interpretation",
            ActivityKind.WEBINAR,
            Cadence.QUARTERLY,
            co,
            start + 30,
            start + 395,
            ActivityStatus.ONGOING if launched else ActivityStatus.PLANNED,
        ),
        (
            "Monthly digest",
            ActivityKind.NEWSLETTER,
            Cadence.MONTHLY,
            core[0],
            start + 20,
            start + 385,
            ActivityStatus.ONGOING if launched else ActivityStatus.PLANNED,
        ),
        (
            "World Café on lessons learned",
            ActivityKind.WORLD_CAFE,
            Cadence.ONCE,
            lead,
            start + 150,
            None,
            ActivityStatus.PLANNED,
        ),
        (
            "Peer field visit",
            ActivityKind.FIELD_VISIT,
            Cadence.ONCE,
            core[-1],
            start + 240,
            start + 243,
            ActivityStatus.PLANNED,
        ),
    ]
    Activity.objects.bulk_create(
        [
            Activity(
                community=community,
                title=title,
                kind=kind,
                cadence=cadence,
                owner=owner,
                starts_on=day(begin),
                ends_on=day(end) if end is not None else None,
                status=status,
            )
            for title, kind, cadence, owner, begin, end, status in activities
        ]
    )
    done = MilestoneStatus.DONE
    pending = MilestoneStatus.OPEN
    milestones = [
        ("Preparatory consultation with future members", -120, done, lead),
        ("Charter drafted with the core group", -75, done if launched else pending, co),
        ("Moderators named and trained", -10 if design else -50, pending if design else done, lead),
        ("Launch webinar held", start, done if launched else pending, lead),
        ("First value-creation review", 180, pending, co),
    ]
    Milestone.objects.bulk_create(
        [
            Milestone(community=community, title=title, due_on=day(offset), status=status, owner=owner)
            for title, offset, status, owner in milestones
        ]
    )


@transaction.atomic
def load_demo_communities() -> int:
    """Create the demo communities that are missing; returns how many were created."""
    rng = random.Random(SEED)
    people = list(User.objects.filter(email__endswith="@demo.catchment.example").order_by("email"))
    if not people:
        return 0
    convenor = next((person for person in people if person.username == "convenor"), people[0])
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    created = 0

    specs = [
        *COMMUNITIES,
        (
            "country-water-partnerships",
            "CoP for Country Water Partnerships",
            "Country water partnerships learning from each other, represented by their coordinators.",
            ["water-governance", "iwrm-planning"],
            "public",
            "approval",
            "launched",
        ),
        (
            "moderators",
            "Community for Moderators",
            "Everyone who convenes or moderates a community on the hub: peer support for facilitators.",
            ["water-governance"],
            "private",
            "invitation",
            "launched",
        ),
    ]
    for index, (slug, name, summary, theme_slugs, visibility, policy, stage) in enumerate(specs):
        # Draw every random choice even for existing communities so each community stays the same.
        members = rng.sample(people, k=min(len(people), rng.randint(8, 40)))
        if Community.objects.filter(slug=slug).exists():
            continue
        community = Community.objects.create(
            slug=slug,
            name=name,
            summary=summary,
            description=summary,
            visibility=Visibility(visibility),
            join_policy=JoinPolicy(policy),
            stage=Stage(stage),
            membership_basis=MembershipBasis.ORGANISATION
            if slug == "country-water-partnerships"
            else MembershipBasis.INDIVIDUAL,
            is_moderators_community=slug == "moderators",
            launched_at=timezone.now() if stage != Stage.DESIGN else None,
            created_by=convenor,
        )
        community.themes.set([themes[theme] for theme in theme_slugs if theme in themes])
        CommunityLanguage.objects.bulk_create(
            [
                CommunityLanguage(community=community, code=code)
                for code in ("en", "es", "fr", "ru")[: 1 + index % 4]
            ]
        )
        lead = convenor if index % 5 == 0 else members[0]
        others = [person for person in members[1:] if person.pk != lead.pk]
        roles = {lead.pk: Role.CONVENOR}
        for person, role in zip(others[:3], (Role.CO_CONVENOR, Role.MODERATOR, Role.MODERATOR), strict=False):
            roles[person.pk] = role
        for person in others[3:8]:
            roles[person.pk] = Role.CORE
        everyone = {person.pk: person for person in [lead, *members]}
        organisations = list(Organisation.objects.filter(type=OrganisationType.COUNTRY_PARTNERSHIP))
        Membership.objects.bulk_create(
            [
                Membership(
                    community=community,
                    user=person,
                    role=roles.get(pk, Role.MEMBER),
                    organisation=organisations[position % len(organisations)]
                    if slug == "country-water-partnerships" and organisations
                    else None,
                )
                for position, (pk, person) in enumerate(everyone.items())
            ]
        )
        _charter(community, name, lead, complete=stage != Stage.DESIGN)
        _design_tools(
            community,
            {pk: Role(role) for pk, role in ((pk, roles.get(pk, Role.MEMBER)) for pk in everyone)},
            everyone,
            launched=stage != Stage.DESIGN,
            design=stage == Stage.DESIGN,
        )
        if stage in (Stage.LAUNCHED, Stage.DORMANT):
            _approve_charter(community)
        created += 1

    hub = Community.objects.get(slug="moderators")
    facilitators = set(
        Membership.objects.filter(role__in=(Role.MODERATOR, Role.CO_CONVENOR, Role.CONVENOR))
        .exclude(community=hub)
        .values_list("user_id", flat=True)
    )
    existing = set(hub.memberships.values_list("user_id", flat=True))
    Membership.objects.bulk_create(
        [Membership(community=hub, user_id=pk, role=Role.MEMBER) for pk in sorted(facilitators - existing)]
    )
    return created
