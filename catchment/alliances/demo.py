"""The demo learning alliance: multiple-use water services (MUS) in two fictional districts of one basin.

One alliance with a national platform, two district platforms and three village platforms (each a launched
community of the hub with members), a shared direction in two versions, a register of 40 stakeholders
moved through the mobilisation pipeline step by step, their ties, action-research cycles, a process log,
dissemination outputs, and two systems maps (the groundwater example of domain.md §5.4 and a smaller one in
a community still in design). Everything is written through the services, acting as the demo convenor
(the alliance's initiator), so the data is valid by construction; only timestamps are moved back
afterwards so that the history spreads over the past year. Deterministic, and safe to load twice.
"""

from __future__ import annotations

import dataclasses
import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from catchment.accounts.demo import DEMO_DOMAIN
from catchment.accounts.models import Theme, User
from catchment.alliances import map_services, services, systems
from catchment.alliances.models import (
    AllianceStage,
    Assessment,
    Audience,
    Channel,
    CyclePhase,
    DirectionVersion,
    LearningAlliance,
    Level,
    MobilisationStep,
    OutputKind,
    Platform,
    StageChange,
    Stakeholder,
    SystemMap,
    Variable,
)
from catchment.communities import services as community_services
from catchment.communities.models import Community, Membership, MembershipStatus, Role, Stage
from catchment.library.models import Resource, ResourceStatus

SEED = 20240611
ALLIANCE_SLUG = "mus-learning-alliance"
COUNTRY = "ZA"

# --- The platform tree --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlatformSpec:
    slug: str
    name: str
    summary: str
    level: str
    parent: int | None  # index in PLATFORMS
    stage: str
    area: str
    started: int  # days ago
    since: int  # days ago: when it reached its current stage
    needed_types: tuple[str, ...] = ("gov", "utility", "ngo", "cbo", "private", "academia")


PLATFORMS = [
    PlatformSpec(
        "mus-la-national",
        "MUS Learning Alliance: National Platform",
        "Ministries, the rural water utility, researchers, NGOs and donors scaling up water services "
        "designed for drinking, gardens, livestock and small enterprise at once.",
        Level.NATIONAL,
        None,
        AllianceStage.DISSEMINATION,
        "National, with pilots in the Mogala basin",
        270,
        20,
        ("gov", "utility", "ngo", "academia", "donor", "media"),
    ),
    PlatformSpec(
        "mus-la-malema-district",
        "MUS Learning Alliance: Malema District",
        "The district council, extension services, the basin water board and NGOs planning multiple-use "
        "services in Malema district, upper Mogala basin.",
        Level.INTERMEDIATE,
        0,
        AllianceStage.DOCUMENTATION,
        "Malema District, upper Mogala sub-basin",
        250,
        100,
        ("gov", "utility", "basin_org", "ngo", "private"),
    ),
    PlatformSpec(
        "mus-la-thabeng-district",
        "MUS Learning Alliance: Thabeng District",
        "Thabeng district's council, water services provider and savings groups bringing multiple-use "
        "services to villages along the lower Mogala.",
        Level.INTERMEDIATE,
        0,
        AllianceStage.MOBILISATION,
        "Thabeng District, lower Mogala sub-basin",
        230,
        190,
        ("gov", "utility", "basin_org", "ngo", "private"),
    ),
    PlatformSpec(
        "mus-la-mokgalo-village",
        "Mokgalo Village Water Platform",
        "Mokgalo's water committee, gardeners, livestock keepers and leaders sharing one borehole scheme "
        "for homes, gardens and cattle.",
        Level.COMMUNITY,
        1,
        AllianceStage.ACTION_RESEARCH,
        "Mokgalo ward, Malema District",
        240,
        200,
        ("gov", "cbo", "private", "other"),
    ),
    PlatformSpec(
        "mus-la-dzumba-village",
        "Dzumba Village Water Platform",
        "Dzumba's water point committee, brick-makers and pump mechanic agreeing how the village's "
        "water serves homes and small enterprise.",
        Level.COMMUNITY,
        1,
        AllianceStage.VISIONING,
        "Dzumba ward, Malema District",
        210,
        60,
        ("gov", "cbo", "private", "other"),
    ),
    PlatformSpec(
        "mus-la-sesela-village",
        "Sesela Village Water Platform",
        "Sesela's irrigation scheme, health workers, youth and shopkeepers looking at how one small dam "
        "could serve more uses.",
        Level.COMMUNITY,
        2,
        AllianceStage.PROBLEM_IDENTIFICATION,
        "Sesela ward, Thabeng District",
        120,
        70,
        ("gov", "cbo", "private", "other"),
    ),
]

STAGE_NOTES = {
    AllianceStage.INITIATION: "Inception meeting held; the initiating organisations agreed to convene.",
    AllianceStage.STAKEHOLDER_ANALYSIS: "Scoping analysis done; the full analysis is planned with the platform.",
    AllianceStage.PROBLEM_IDENTIFICATION: "Problem tree workshop: water for gardens and cattle is not planned for.",
    AllianceStage.MOBILISATION: "Invitations and briefings for the stakeholders we still miss.",
    AllianceStage.VISIONING: "Working on the shared vision and the rules of the game.",
    AllianceStage.ACTION_RESEARCH: "First action-research cycle started.",
    AllianceStage.DOCUMENTATION: "Process documentation in place; the log is reviewed every quarter.",
    AllianceStage.DISSEMINATION: "Sharing what the pilots learned with policy makers.",
}

CHARTER = {
    "purpose": "Bring the people who plan, build, run and use water services in {area} together to learn how "
    "one water system can serve drinking, hygiene, gardens, livestock and small enterprise.",
    "objectives": "- Agree on the problems that single-use services leave unsolved\n- Test multiple-use "
    "options through action research\n- Document what works and share it with the other levels of the "
    "alliance",
    "scope": "In: domestic and productive uses of water in {area}. Out: large-scale commercial irrigation "
    "(discussed with the basin water board), and promotion of particular products.",
    "processes": "A platform meeting every quarter, a field visit every half year, and a short process log "
    "after every meeting, reviewed by the facilitator.",
    "formats_tools": "Meetings in the local language with notes in English, the stakeholder register, "
    "action-research cycles, systems maps and the shared library.",
    "structure": "A convenor from the initiating organisations, a facilitator, and a core group of members who "
    "host meetings in turn.",
    "code_of_conduct": "Everyone's knowledge counts, including that of water users. Speak for your own "
    "organisation; what is said in meetings is not quoted without permission.",
}

# --- The shared direction --------------------------------------------------------------------------------

DIRECTION_V1 = {
    "objectives": "- Show that multiple-use water services are cheaper per use than separate schemes\n"
    "- Get multiple uses into the district water plans of Malema and Thabeng",
    "vision": "Every household in the Mogala basin has enough water for drinking, hygiene and a livelihood.",
    "mission": "We learn together how to plan, finance and run water services for multiple uses.",
    "core_values": ["transparency", "inclusiveness", "openness"],
    "activities": "Quarterly platform meetings at each level; one national learning event a year.",
    "responsibilities": "The rural water directorate convenes the national platform; district councils convene "
    "the district platforms.",
    "resources": "Meeting costs from the initiating organisations' budgets.",
    "contributions": "To be agreed.",
    "note": "First draft from the inception meeting",
}

DIRECTION_V2 = {
    "objectives": "- Show, with three village pilots, that multiple-use water services cost less per use and "
    "per household than separate schemes for drinking water and irrigation\n"
    "- Get multiple uses and their budget into the district water plans of Malema and Thabeng by the next "
    "planning cycle\n"
    "- Build the capacity of village water committees to manage shared schemes fairly, including for women "
    "gardeners and livestock keepers\n"
    "- Feed the lessons into the national rural water supply guidelines",
    "vision": "Every household in the Mogala basin has reliable water for drinking, hygiene and a livelihood, "
    "from services its people help to plan and run.",
    "mission": "The alliance brings government, service providers, researchers, civil society and water users "
    "together at national, district and village level to test, document and scale up multiple-use water "
    "services.",
    "core_values": ["transparency", "mutual_trust", "inclusiveness", "equity", "openness", "respect"],
    "other_values": "Decisions close to the water users",
    "activities": "Quarterly platform meetings at each level; action-research cycles in the three pilot "
    "villages; a field visit for district staff every half year; one national learning event a year; "
    "briefs after every completed cycle.",
    "responsibilities": "The Rural Water Supply Directorate convenes the national platform and hosts the "
    "learning event. The district councils convene the district platforms and take lessons into the "
    "district plans. Hope for Rural Water facilitates the village platforms. The Water Research Institute "
    "leads process documentation and the cost study.",
    "resources": "Meeting and travel costs shared by the initiating organisations; the Global Water Fund "
    "finances the pilots' action research for two years; village committees contribute labour and "
    "collect water fees.",
    "contributions": "Government: staff time, data and a budget line for pilots. Researchers: methods, "
    "analysis and documentation. NGOs: facilitation and training. Water users: knowledge of their "
    "system, labour and fees. Donors: funding for pilots and learning events.",
    "note": "Agreed at the second national platform meeting, after consultation in both districts",
}

# --- The stakeholder register ----------------------------------------------------------------------------

N, I, C = Level.NATIONAL, Level.INTERMEDIATE, Level.COMMUNITY  # noqa: E741


@dataclass(frozen=True)
class StakeholderSpec:
    key: str
    name: str
    org_type: str
    level: str
    platforms: tuple[int, ...]
    interest: int
    influence: int
    importance: int
    alignment: int
    current: str
    desired: str
    strategy: str
    status: str  # a pipeline state, "declined", "withdrawn" or "reapproached"
    rationale: str
    kind: str = "organisation"


STAKEHOLDERS = [
    # National
    StakeholderSpec(
        "water_ministry",
        "Ministry of Water: Rural Water Supply Directorate",
        "gov",
        N,
        (0,),
        5,
        5,
        5,
        5,
        "leading",
        "leading",
        "collaborate",
        "active_member",
        "Owns the national rural water guidelines that the alliance wants to change; convenes the platform.",
    ),
    StakeholderSpec(
        "agric_ministry",
        "Ministry of Agriculture: Smallholder Irrigation Department",
        "gov",
        N,
        (0,),
        4,
        4,
        4,
        3,
        "neutral",
        "supportive",
        "collaborate",
        "committed",
        "Funds small irrigation schemes that could serve homes too; sees MUS as the water ministry's agenda.",
    ),
    StakeholderSpec(
        "finance",
        "Ministry of Finance: Public Investment Unit",
        "gov",
        N,
        (0,),
        3,
        5,
        3,
        2,
        "resistant",
        "neutral",
        "consult",
        "contacted",
        "Budget lines are split by sector; worries that multiple-use schemes blur accountability for funds.",
    ),
    StakeholderSpec(
        "rural_utility",
        "National Rural Water Utility",
        "utility",
        N,
        (0,),
        4,
        4,
        4,
        3,
        "neutral",
        "supportive",
        "involve",
        "consulted",
        "Runs piped schemes in larger villages; tariffs assume domestic use only.",
    ),
    StakeholderSpec(
        "research_inst",
        "Water Research Institute",
        "academia",
        N,
        (0,),
        5,
        2,
        4,
        5,
        "supportive",
        "leading",
        "empower",
        "active_member",
        "Leads the cost-per-use study and process documentation; trusted by the ministries.",
    ),
    StakeholderSpec(
        "university",
        "University of the North: Centre for Water and Livelihoods",
        "academia",
        N,
        (0,),
        5,
        2,
        3,
        5,
        "leading",
        "leading",
        "collaborate",
        "active_member",
        "Students document the village pilots; brings livelihood analysis the engineers lack.",
    ),
    StakeholderSpec(
        "ngo_network",
        "Rural Water Action Network",
        "ngo",
        N,
        (0,),
        5,
        3,
        4,
        5,
        "supportive",
        "leading",
        "collaborate",
        "active_member",
        "Network of 30 NGOs; can spread the approach far beyond the pilot districts.",
    ),
    StakeholderSpec(
        "dev_partners",
        "Development Partners' Water Group",
        "donor",
        N,
        (0,),
        3,
        5,
        3,
        4,
        "neutral",
        "supportive",
        "consult",
        "briefed",
        "Coordinates the main donors; interested in results, not yet in the learning process.",
    ),
    StakeholderSpec(
        "global_fund",
        "Global Water Fund: country office",
        "donor",
        N,
        (0,),
        4,
        4,
        3,
        4,
        "supportive",
        "supportive",
        "collaborate",
        "committed",
        "Funds the pilots' action research for two years; wants evidence of cost per use.",
    ),
    StakeholderSpec(
        "drillers",
        "Borehole Drilling Contractors' Association",
        "private",
        N,
        (0,),
        3,
        4,
        2,
        1,
        "resistant",
        "neutral",
        "consult",
        "declined",
        "Fears that shared schemes mean fewer private boreholes; lobbies against abstraction rules.",
    ),
    StakeholderSpec(
        "radio",
        "National Broadcaster: Farming Radio Desk",
        "media",
        N,
        (0,),
        2,
        3,
        2,
        3,
        "unaware",
        "supportive",
        "inform",
        "identified",
        "Its weekly farming programme reaches most villages; could carry the pilots' stories.",
    ),
    StakeholderSpec(
        "alga",
        "Association of Local Government Authorities",
        "gov",
        N,
        (0,),
        3,
        4,
        4,
        3,
        "neutral",
        "supportive",
        "involve",
        "briefed",
        "Speaks for all district councils; can put multiple uses on the agenda of every council.",
    ),
    StakeholderSpec(
        "farmers_union",
        "National Smallholder Farmers' Union",
        "other",
        N,
        (0,),
        4,
        3,
        5,
        4,
        "neutral",
        "supportive",
        "involve",
        "consulted",
        "Represents the gardeners and livestock keepers who would gain most from multiple-use services.",
    ),
    # District (intermediate)
    StakeholderSpec(
        "malema_council",
        "Malema District Council: Water and Sanitation Unit",
        "gov",
        I,
        (1,),
        5,
        4,
        5,
        4,
        "supportive",
        "leading",
        "collaborate",
        "active_member",
        "Plans and budgets rural water in Malema; convenes the district platform.",
    ),
    StakeholderSpec(
        "thabeng_council",
        "Thabeng District Council: Technical Services",
        "gov",
        I,
        (2,),
        3,
        4,
        4,
        3,
        "neutral",
        "supportive",
        "involve",
        "committed",
        "Agreed to convene the Thabeng platform; staff are stretched across roads and water.",
    ),
    StakeholderSpec(
        "malema_extension",
        "Malema District Agricultural Extension Office",
        "gov",
        I,
        (1,),
        4,
        3,
        4,
        4,
        "supportive",
        "supportive",
        "involve",
        "active_member",
        "Extension officers already advise village gardeners; brings the productive-use view.",
    ),
    StakeholderSpec(
        "basin_board",
        "Mogala Basin Water Board",
        "basin_org",
        I,
        (1, 2),
        3,
        5,
        4,
        3,
        "neutral",
        "supportive",
        "collaborate",
        "consulted",
        "Issues abstraction permits; its groundwater data are essential to the pilots.",
    ),
    StakeholderSpec(
        "commercial_irrigators",
        "Mogala Commercial Irrigators' Association",
        "private",
        I,
        (1,),
        4,
        5,
        2,
        1,
        "resistant",
        "neutral",
        "consult",
        "briefed",
        "Large farms pump most of the basin's groundwater; see village claims as a threat to their permits.",
    ),
    StakeholderSpec(
        "thabeng_wsp",
        "Thabeng Water Services Provider",
        "utility",
        I,
        (2,),
        4,
        3,
        4,
        3,
        "neutral",
        "supportive",
        "involve",
        "briefed",
        "Runs the district's piped schemes; open to garden connections if they pay.",
    ),
    StakeholderSpec(
        "malema_health",
        "Malema District Health Office",
        "gov",
        I,
        (1,),
        3,
        3,
        3,
        4,
        "unaware",
        "supportive",
        "inform",
        "contacted",
        "Cares about hygiene and water quality at the shared water points.",
    ),
    StakeholderSpec(
        "hope_ngo",
        "Hope for Rural Water",
        "ngo",
        I,
        (1, 2),
        5,
        2,
        4,
        5,
        "supportive",
        "leading",
        "empower",
        "active_member",
        "Facilitates the village platforms and trains water committees.",
    ),
    StakeholderSpec(
        "thabeng_savings",
        "Thabeng Women's Savings Network",
        "ngo",
        I,
        (2,),
        5,
        2,
        5,
        5,
        "supportive",
        "leading",
        "empower",
        "committed",
        "Savings groups finance garden pumps and tanks; most members are women gardeners.",
    ),
    StakeholderSpec(
        "agro_dealers",
        "Malema Agro-dealers' Cooperative",
        "private",
        I,
        (1,),
        3,
        2,
        3,
        3,
        "unaware",
        "neutral",
        "inform",
        "identified",
        "Sells drip kits and pumps; could offer credit to gardeners.",
    ),
    StakeholderSpec(
        "malema_fm",
        "Malema FM community radio",
        "media",
        I,
        (1,),
        3,
        2,
        2,
        4,
        "neutral",
        "supportive",
        "inform",
        "withdrawn",
        "Aired two programmes on the pilots before its new management changed the schedule.",
    ),
    StakeholderSpec(
        "thabeng_vendors",
        "Thabeng Town Water Vendors",
        "other",
        I,
        (2,),
        4,
        2,
        3,
        1,
        "resistant",
        "neutral",
        "consult",
        "identified",
        "Sell water by the container in the dry season; lose income if village schemes improve.",
    ),
    StakeholderSpec(
        "province_cogov",
        "Provincial Department of Cooperative Governance",
        "gov",
        I,
        (1, 2),
        2,
        4,
        3,
        3,
        "unaware",
        "neutral",
        "inform",
        "declined",
        "Approves district plans; says the district councils should represent it.",
    ),
    # Community
    StakeholderSpec(
        "mokgalo_committee",
        "Mokgalo Village Water Committee",
        "cbo",
        C,
        (3,),
        5,
        3,
        5,
        5,
        "leading",
        "leading",
        "empower",
        "active_member",
        "Runs the borehole scheme; hosts the action research on a shared timetable.",
    ),
    StakeholderSpec(
        "mokgalo_women",
        "Mokgalo Women's Garden Group",
        "cbo",
        C,
        (3,),
        5,
        2,
        5,
        5,
        "supportive",
        "leading",
        "empower",
        "active_member",
        "Forty gardeners who carry water by hand in the dry season; the main productive users.",
    ),
    StakeholderSpec(
        "mokgalo_livestock",
        "Mokgalo Livestock Keepers' Group",
        "cbo",
        C,
        (3,),
        4,
        2,
        4,
        3,
        "neutral",
        "supportive",
        "involve",
        "committed",
        "Cattle drink at the borehole trough; disputes with gardeners over trampled plots.",
    ),
    StakeholderSpec(
        "mokgalo_traditional",
        "Mokgalo Traditional Council",
        "other",
        C,
        (3,),
        3,
        4,
        4,
        3,
        "neutral",
        "supportive",
        "collaborate",
        "consulted",
        "Allocates land for gardens and settles disputes; its backing makes rules stick.",
    ),
    StakeholderSpec(
        "mokgalo_school",
        "Mokgalo Primary School",
        "other",
        C,
        (3,),
        3,
        1,
        3,
        4,
        "unaware",
        "supportive",
        "inform",
        "briefed",
        "Has a school garden and pupils who fetch water; could host hygiene lessons.",
    ),
    StakeholderSpec(
        "dzumba_committee",
        "Dzumba Water Point Committee",
        "cbo",
        C,
        (4,),
        4,
        2,
        5,
        4,
        "supportive",
        "leading",
        "empower",
        "committed",
        "Manages two hand pumps and a small motorised scheme; keen to charge for productive use.",
    ),
    StakeholderSpec(
        "dzumba_brickmakers",
        "Dzumba Brick-makers' Cooperative",
        "private",
        C,
        (4,),
        4,
        2,
        3,
        2,
        "neutral",
        "supportive",
        "involve",
        "reapproached",
        "Uses a lot of water in the dry season; first feared being blamed for shortages.",
    ),
    StakeholderSpec(
        "dzumba_traditional",
        "Dzumba Traditional Council",
        "other",
        C,
        (4,),
        2,
        4,
        4,
        3,
        "unaware",
        "supportive",
        "consult",
        "contacted",
        "Its approval is needed for any new water point or garden plot.",
    ),
    StakeholderSpec(
        "dzumba_mechanic",
        "Dzumba area pump mechanic",
        "private",
        C,
        (4,),
        4,
        2,
        4,
        4,
        "neutral",
        "supportive",
        "involve",
        "consulted",
        "The only trained mechanic for eight villages; knows which pumps fail and why.",
        kind="person",
    ),
    StakeholderSpec(
        "sesela_councillor",
        "Sesela ward councillor",
        "gov",
        C,
        (5,),
        3,
        3,
        3,
        3,
        "unaware",
        "supportive",
        "inform",
        "identified",
        "Links the ward to the district council's planning meetings.",
        kind="person",
    ),
    StakeholderSpec(
        "sesela_scheme",
        "Sesela Irrigation Scheme Committee",
        "cbo",
        C,
        (5,),
        4,
        3,
        4,
        2,
        "resistant",
        "neutral",
        "consult",
        "consulted",
        "Controls the small dam; members fear that household connections will cut their irrigation turns.",
    ),
    StakeholderSpec(
        "sesela_health",
        "Sesela Village Health Workers",
        "cbo",
        C,
        (5,),
        3,
        1,
        3,
        4,
        "unaware",
        "supportive",
        "inform",
        "identified",
        "See diarrhoea cases rise when households use dam water for drinking.",
    ),
    StakeholderSpec(
        "sesela_youth",
        "Sesela Youth Water Club",
        "cbo",
        C,
        (5,),
        4,
        1,
        3,
        5,
        "neutral",
        "supportive",
        "involve",
        "briefed",
        "Young people mapping the village's water points with their phones.",
    ),
    StakeholderSpec(
        "sesela_shops",
        "Sesela Shopkeepers' Association",
        "private",
        C,
        (5,),
        2,
        2,
        2,
        3,
        "unaware",
        "neutral",
        "inform",
        "contacted",
        "Sell pipes and buckets; could stock spare parts for the scheme.",
    ),
]

# Earlier assessments of some stakeholders: what changed since is in their current scores above.
EARLIER: dict[str, dict[str, Any]] = {
    "water_ministry": {
        "current": "supportive",
        "alignment": 4,
        "rationale": "Supports the idea but waits for evidence before changing the guidelines.",
    },
    "finance": {
        "interest": 2,
        "alignment": 1,
        "rationale": "Not interested: sees no budget case for multiple-use schemes.",
    },
    "commercial_irrigators": {
        "current": "neutral",
        "alignment": 2,
        "interest": 3,
        "rationale": "Neutral; not yet aware that the pilots will look at groundwater abstraction.",
    },
    "malema_council": {
        "current": "neutral",
        "interest": 4,
        "alignment": 3,
        "rationale": "Interested, but its plan has no budget line for productive uses of water.",
    },
    "basin_board": {
        "current": "unaware",
        "interest": 2,
        "rationale": "Has not heard of the alliance; deals with permits, not village schemes.",
    },
    "mokgalo_committee": {
        "current": "supportive",
        "influence": 2,
        "rationale": "Supports the pilot; unsure whether the village will accept new rules.",
    },
    "mokgalo_traditional": {
        "current": "resistant",
        "alignment": 2,
        "rationale": "Worried that garden plots near the borehole undermine its land allocation.",
    },
    "alga": {
        "current": "unaware",
        "interest": 2,
        "rationale": "Not yet aware of the alliance.",
    },
    "sesela_scheme": {
        "current": "neutral",
        "alignment": 3,
        "rationale": "Open to talk about the dam's other uses.",
    },
}

REASSESSMENT_NOTES = {
    "water_ministry": "Leads now: the director asked the alliance to draft the chapter on multiple uses.",
    "finance": "More interested after the cost-per-use brief, but still resists mixed budget lines.",
    "commercial_irrigators": "Turned resistant after the groundwater study named commercial abstraction as "
    "the main driver of falling levels.",
    "malema_council": "Supportive since the council added a pilot budget line for productive uses.",
    "basin_board": "Joined two meetings and shared its borehole monitoring data.",
    "mokgalo_committee": "Its timetable rules are respected; other villages now visit it.",
    "mokgalo_traditional": "Allocated land for the fenced garden after the cattle dispute was settled.",
    "alga": "Briefed at its annual meeting; wants a short note for all councils.",
    "sesela_scheme": "Resistant since the dispute over dry-season irrigation turns.",
}

STEP_REASONS = {
    "contacted": "Letter from the platform and a follow-up phone call.",
    "briefed": "Briefing on the alliance's aims and the pilots.",
    "consulted": "Consulted on the problem analysis and the shared vision.",
    "committed": "Letter of commitment signed; named a representative.",
    "active_member": "Attends platform meetings and contributes to the action research.",
}

EXITS = {
    "drillers": (
        "consulted",
        "declined",
        "Declined to join: sees abstraction rules as a threat to business.",
    ),
    "province_cogov": (
        "contacted",
        "declined",
        "Declined: the district councils represent it on the platforms.",
    ),
    "malema_fm": ("committed", "withdrawn", "New management dropped the programme and left the platform."),
}

# (source, target, kind, strength): national–national, national–district, district–district,
# district–village and village–village ties; none between the national and village levels, so the
# "levels not linked" report has something to show.
RELATIONS = [
    ("water_ministry", "rural_utility", "formal_authority", 5),
    ("finance", "water_ministry", "funding", 4),
    ("dev_partners", "water_ministry", "funding", 4),
    ("global_fund", "ngo_network", "funding", 3),
    ("research_inst", "water_ministry", "information", 4),
    ("university", "research_inst", "collaboration", 4),
    ("drillers", "water_ministry", "conflict", 3),
    ("agric_ministry", "water_ministry", "collaboration", 2),
    ("farmers_union", "agric_ministry", "information", 3),
    ("water_ministry", "malema_council", "formal_authority", 4),
    ("water_ministry", "thabeng_council", "formal_authority", 4),
    ("water_ministry", "basin_board", "formal_authority", 5),
    ("agric_ministry", "malema_extension", "formal_authority", 4),
    ("research_inst", "malema_extension", "information", 3),
    ("ngo_network", "hope_ngo", "collaboration", 4),
    ("alga", "malema_council", "information", 3),
    ("global_fund", "thabeng_savings", "funding", 3),
    ("drillers", "commercial_irrigators", "collaboration", 3),
    ("rural_utility", "thabeng_wsp", "information", 3),
    ("malema_council", "malema_extension", "collaboration", 4),
    ("basin_board", "commercial_irrigators", "conflict", 4),
    ("hope_ngo", "malema_council", "collaboration", 4),
    ("thabeng_wsp", "thabeng_vendors", "conflict", 3),
    ("malema_fm", "hope_ngo", "information", 2),
    ("thabeng_council", "thabeng_wsp", "formal_authority", 4),
    ("malema_council", "mokgalo_committee", "formal_authority", 3),
    ("hope_ngo", "mokgalo_women", "funding", 3),
    ("malema_extension", "mokgalo_livestock", "information", 3),
    ("hope_ngo", "dzumba_committee", "collaboration", 4),
    ("thabeng_savings", "sesela_health", "collaboration", 2),
    ("commercial_irrigators", "mokgalo_committee", "conflict", 4),
    ("thabeng_council", "sesela_councillor", "formal_authority", 3),
    ("mokgalo_committee", "mokgalo_women", "collaboration", 5),
    ("mokgalo_traditional", "mokgalo_committee", "formal_authority", 3),
    ("mokgalo_livestock", "mokgalo_women", "conflict", 2),
    ("dzumba_brickmakers", "dzumba_committee", "conflict", 3),
    ("dzumba_mechanic", "dzumba_committee", "collaboration", 4),
    ("sesela_youth", "sesela_health", "collaboration", 2),
    ("mokgalo_school", "mokgalo_committee", "information", 2),
]

# --- Action research, process log, dissemination -----------------------------------------------------------

MOKGALO_CYCLE_1 = {
    "question": "Can a shared timetable for the Mokgalo borehole meet both household and garden needs in the "
    "dry season?",
    "plan": "The water committee and the garden group draft a timetable: households from 6 to 10 and from 16 "
    "to 18, gardens from 11 to 15, cattle at the trough after 18. The committee records the tank level "
    "twice a day; the extension officer visits every two weeks.",
    "act_log": "Timetable agreed at a village meeting on a Saturday and painted on the tank. Two gardeners "
    "trained to read the tank gauge. A fence was put around the garden plots after the first week.",
    "observations": "Households never found the tank empty in the morning. Gardens got about 40% more water "
    "than when carried by hand. Cattle broke the fence twice; the pump failed once for six days and the "
    "timetable collapsed until it was repaired.",
    "reflection": "A timetable works when everyone helped write it, but it depends on the pump: the village "
    "needs money for repairs before the next dry season. The next cycle should test a small fee for the "
    "garden line.",
    "phase": CyclePhase.CLOSED,
}

MOKGALO_CYCLE_2 = {
    "question": "Does a metered garden line with a small monthly fee pay for repairs without excluding poorer "
    "households?",
    "plan": "Install a meter on the garden line; gardeners pay per 1,000 litres, with a waiver for the ten "
    "poorest households agreed by the traditional council. The treasurer reports monthly to the village.",
    "act_log": "Meter installed in week two; fee collection started in week four. The first monthly report "
    "was read out at the village meeting.",
    "phase": CyclePhase.ACT,
}

MALEMA_CYCLE = {
    "question": "How can Malema district plan and budget for multiple uses when budget lines are split by "
    "sector?",
    "plan": "Compare the water, agriculture and health budget lines for the three pilot villages; draft a "
    "joint line with the planning officer; discuss it at the district platform.",
    "act_log": "Budget lines compared with the planning officer. Draft joint line presented to the council's "
    "finance committee.",
    "observations": "The finance committee accepted a pilot line for one year but asked for evidence of cost "
    "per use; agriculture and water staff still report to different ministries.",
    "phase": CyclePhase.OBSERVE,
}

# (platform, days ago, title, details, what changed, enabling, hindering, corrective action, tags)
PROCESS_LOG = [
    (
        0,
        265,
        "National inception meeting",
        "Twenty-four participants from ministries, the utility, research, NGOs and two donors.",
        "The initiating organisations agreed to convene the alliance and to start in two districts.",
        "A director who had seen multiple-use schemes elsewhere.",
        "The Ministry of Finance did not attend.",
        "Meet the Public Investment Unit separately with a short note on costs.",
        "inception, national",
    ),
    (
        1,
        240,
        "Malema district scoping workshop",
        "Quick-and-dirty stakeholder analysis with district staff and Hope for Rural Water.",
        "A first register of 25 stakeholders; the basin water board and commercial irrigators added.",
        "District staff know every village leader.",
        "Only two women among 19 participants.",
        "Invite the women's garden groups directly to the next meeting.",
        "stakeholder analysis, gender",
    ),
    (
        3,
        215,
        "Mokgalo problem tree and water walk",
        "Villagers walked the scheme and drew a problem tree of the dry season.",
        "Garden water, not drinking water, came out as the biggest unmet need.",
        "The water committee chair opened the meeting with the traditional council.",
        "Livestock keepers left early.",
        "Hold a separate meeting with livestock keepers at the trough.",
        "problem identification, village",
    ),
    (
        2,
        200,
        "Thabeng council agrees to convene",
        "Meeting with the technical services manager and the savings network.",
        "Thabeng council nominated a facilitator for its district platform.",
        "The Malema platform's example.",
        "Staff stretched across roads and water.",
        "",
        "mobilisation, district",
    ),
    (
        0,
        180,
        "Shared direction agreed",
        "Second national meeting, after consultation in both districts.",
        "Version 2 of the shared direction agreed, with responsibilities and contributions.",
        "Draft circulated two weeks ahead.",
        "Long debate on who pays for meetings.",
        "",
        "shared vision, national",
    ),
    (
        3,
        160,
        "Timetable cycle: mid-term review",
        "The committee and gardeners reviewed the tank records.",
        "Fence built around garden plots after cattle damage.",
        "Records kept by two trained gardeners.",
        "Pump broke down for six days.",
        "Ask the Dzumba mechanic to train a second person in Mokgalo.",
        "action research, village",
    ),
    (
        4,
        140,
        "Dzumba brick-makers re-approached",
        "The water point committee proposed off-peak hours for brick-making.",
        "The cooperative agreed to talk again after declining in the first round.",
        "A proposal that does not blame them.",
        "Earlier meeting had felt like an accusation.",
        "Meet at the cooperative's site, not at the water point.",
        "mobilisation, conflict",
    ),
    (
        1,
        120,
        "Budget lines compared",
        "Planning officer and platform members compared sector budgets for the pilot villages.",
        "A draft joint budget line for multiple uses.",
        "The planning officer's interest.",
        "Ministries report separately.",
        "",
        "action research, budget",
    ),
    (
        0,
        95,
        "Groundwater systems mapping session",
        "Half-day session with the basin water board and the research institute.",
        "A causal-loop map showing why groundwater levels keep falling.",
        "Borehole monitoring data shared by the basin board.",
        "Commercial irrigators did not come.",
        "Share the map with the irrigators' association in a separate meeting.",
        "systems mapping, groundwater",
    ),
    (
        5,
        70,
        "Sesela dam users meeting",
        "Irrigators, health workers and youth discussed the dam's uses.",
        "Agreement to map all water points before deciding on household connections.",
        "The youth club's phone maps.",
        "Irrigation committee fears losing turns.",
        "Invite the Mokgalo committee to tell its story.",
        "problem identification, village",
    ),
    (
        3,
        40,
        "Metered garden line: first month",
        "First month of the fee for the garden line.",
        "Fees collected from 31 of 40 gardeners; the waiver list agreed with the traditional council.",
        "Monthly report read out in public.",
        "Nine gardeners say the fee is too high in a bad month.",
        "Test paying after the harvest instead of monthly.",
        "action research, finance",
    ),
    (
        0,
        15,
        "National learning event",
        "Eighty-five participants, including officials from both districts and three villages.",
        "The water directorate asked the alliance to draft the guideline chapter on multiple uses.",
        "Village members presenting their own results.",
        "Interpretation budget ran short.",
        "",
        "dissemination, national",
    ),
]

# (platform, kind, title, audience, channel, days ago, reach)
OUTPUTS = [
    (
        3,
        OutputKind.BRIEF,
        "Practice brief: a timetable for a shared borehole",
        Audience.COMMUNITY,
        Channel.MEETING,
        120,
        140,
    ),
    (
        1,
        OutputKind.BRIEF,
        "Policy brief: budgeting for multiple uses in district water plans",
        Audience.NATIONAL,
        Channel.EMAIL,
        60,
        320,
    ),
    (
        3,
        OutputKind.VIDEO,
        "Radio programme: gardens, cattle and the village borehole",
        Audience.COMMUNITY,
        Channel.RADIO,
        45,
        4000,
    ),
    (
        0,
        OutputKind.REPORT,
        "The alliance's first year: multiple-use water services in Malema and Thabeng",
        Audience.NATIONAL,
        Channel.WEB,
        30,
        None,
    ),
    (
        0,
        OutputKind.EVENT,
        "National learning event on multiple-use water services",
        Audience.NATIONAL,
        Channel.MEETING,
        15,
        85,
    ),
]

# --- Systems maps ---------------------------------------------------------------------------------------------

GROUNDWATER_MAP = {
    "title": "Groundwater and livelihoods",
    "framing_question": "Why do groundwater levels in the upper Mogala keep falling while village boreholes "
    "dry up, and what could the alliance change?",
    "guiding_star": "Groundwater in the Mogala basin sustains homes, gardens and farms for generations.",
    "near_star": "Within three years, abstraction in the upper Mogala is within the basin board's safe "
    "yield and every pilot village's borehole works all year.",
}

# label, type, domain, force, cause type, unit, notes
GROUNDWATER_VARIABLES = [
    (
        "Irrigated area",
        "stock",
        "economic",
        "neutral",
        "structural",
        "ha",
        "Commercial and smallholder land under irrigation from boreholes.",
    ),
    (
        "Groundwater abstraction",
        "flow",
        "hydrological",
        "inhibitor",
        "transactional",
        "million m³/year",
        "Permitted and unpermitted pumping in the upper Mogala.",
    ),
    (
        "Groundwater level",
        "stock",
        "hydrological",
        "neutral",
        "structural",
        "m below ground",
        "From the basin board's monitoring boreholes.",
    ),
    (
        "Pumping cost",
        "factor",
        "economic",
        "inhibitor",
        "structural",
        "per 1,000 m³",
        "Energy cost rises as water is lifted from deeper.",
    ),
    ("Farm income", "flow", "economic", "enabler", "transactional", "per ha per year", ""),
    (
        "Investment in wells",
        "flow",
        "economic",
        "neutral",
        "transactional",
        "new boreholes per year",
        "Takes one or two seasons to follow income: a delay.",
    ),
    (
        "Awareness of scarcity",
        "factor",
        "social",
        "enabler",
        "attitudinal",
        "",
        "How far users and officials see falling levels as a shared problem.",
    ),
    (
        "Regulation enforcement",
        "factor",
        "governance",
        "enabler",
        "structural",
        "inspections per year",
        "Permit checks and metering by the basin board.",
    ),
]

# source, target, polarity, delay, strength, confidence, evidence
GROUNDWATER_LINKS = [
    ("Irrigated area", "Groundwater abstraction", 1, False, 3, 3, "Basin board permit records."),
    ("Groundwater abstraction", "Groundwater level", -1, False, 3, 3, "Monitoring boreholes, 2015–2024."),
    ("Groundwater level", "Pumping cost", -1, False, 2, 3, "Irrigators' energy bills."),
    ("Pumping cost", "Irrigated area", -1, False, 2, 2, ""),
    ("Irrigated area", "Farm income", 1, False, 2, 2, ""),
    ("Farm income", "Investment in wells", 1, False, 2, 2, "Drilling contractors' order books."),
    (
        "Investment in wells",
        "Irrigated area",
        1,
        True,
        2,
        2,
        "New wells irrigate land a season or two later.",
    ),
    ("Groundwater level", "Awareness of scarcity", -1, False, 2, 1, "Village meetings in the dry season."),
    ("Awareness of scarcity", "Regulation enforcement", 1, False, 1, 1, ""),
    ("Regulation enforcement", "Groundwater abstraction", -1, False, 2, 2, ""),
]

# The three loops, by their variables: name, narrative, part of the deep structure
GROUNDWATER_LOOPS = [
    (
        {"Irrigated area", "Groundwater abstraction", "Groundwater level", "Pumping cost"},
        "B1: Pumping cost limits irrigation",
        "More irrigation means more pumping and a falling water table; deeper water costs more to lift, "
        "which in time limits the irrigated area. The brake works late, and hits villages first.",
        False,
    ),
    (
        {"Groundwater abstraction", "Groundwater level", "Awareness of scarcity", "Regulation enforcement"},
        "B2: Scarcity brings regulation",
        "Falling levels make scarcity visible; awareness supports enforcement of permits, which curbs "
        "abstraction. Weak today: awareness rarely turns into inspections.",
        False,
    ),
    (
        {"Irrigated area", "Farm income", "Investment in wells"},
        "R1: Income drives well investment",
        "Irrigation raises farm income, which pays for new wells, which irrigate more land, a season or "
        "two later. The engine of growth, and of overdraft.",
        True,
    ),
]

DELTA_MAP = {
    "title": "River flow, salinity and delta livelihoods",
    "framing_question": "What drives salinity further inland each dry season, and which livelihoods does it "
    "push out?",
    "guiding_star": "A delta where farming, fishing and mangroves live with the river's natural rhythm.",
    "near_star": "Members agree on five variables to monitor together before the community launches.",
}

DELTA_VARIABLES = [
    ("Dry-season river flow", "flow", "hydrological", "enabler", "structural", "m³/s", ""),
    ("Salinity intrusion distance", "stock", "hydrological", "inhibitor", "structural", "km", ""),
    ("Rice yield", "flow", "economic", "neutral", "transactional", "t/ha", ""),
    ("Area converted to shrimp ponds", "stock", "economic", "neutral", "transactional", "ha", ""),
    ("Mangrove cover", "stock", "ecological", "enabler", "structural", "ha", ""),
]

DELTA_LINKS = [
    ("Dry-season river flow", "Salinity intrusion distance", -1, False),
    ("Salinity intrusion distance", "Rice yield", -1, False),
    ("Rice yield", "Area converted to shrimp ponds", -1, True),
    ("Area converted to shrimp ponds", "Mangrove cover", -1, False),
    ("Mangrove cover", "Salinity intrusion distance", -1, True),
]


# --- Loading ----------------------------------------------------------------------------------------------------


@dataclass
class Timeline:
    now: datetime.datetime = field(default_factory=timezone.now)

    def at(self, days_ago: float) -> datetime.datetime:
        return self.now - datetime.timedelta(days=days_ago)

    def day(self, days_ago: float) -> datetime.date:
        return timezone.localdate(self.at(days_ago))


def _launch_platform_community(
    spec: PlatformSpec, convenor: User, moderator: User, themes: Sequence[Theme], when: datetime.datetime
) -> Community:
    """A platform's community, created, chartered and launched by the demo convenor, with `moderator`."""
    community = community_services.community_create(
        actor=convenor,
        changes=community_services.CommunityChanges(
            name=spec.name,
            summary=spec.summary,
            description=spec.summary,
            visibility="public",
            join_policy="approval",
            themes=list(themes),
            languages=["en"],
            slug=spec.slug,
        ),
    )
    # Launching needs a moderator; the communities services only change the role of an existing member,
    # so the membership row is written here (as the other demo loaders do) and the moderators' hub synced.
    Membership.objects.create(community=community, user=moderator, role=Role.MODERATOR)
    community_services.moderators_community_sync(user=moderator)
    community_services.charter_save(
        actor=convenor,
        community=community,
        sections={name: text.format(area=spec.area) for name, text in CHARTER.items()},
        note="Agreed at the platform's first meeting",
        based_on=None,
    )
    community_services.community_set_stage(actor=convenor, community=community, stage=Stage.LAUNCHED)
    # The platform started months ago: move its dates back (timestamps only).
    Community.objects.filter(pk=community.pk).update(created_at=when, launched_at=when, stage_changed_at=when)
    Membership.objects.filter(community=community).update(joined_at=when)
    return community


def _add_members(
    community: Community, people: Sequence[User], rng: random.Random, timeline: Timeline, started: int
) -> None:
    present = set(community.memberships.values_list("user_id", flat=True))
    fresh = [person for person in people if person.pk not in present]
    Membership.objects.bulk_create([Membership(community=community, user=person) for person in fresh])
    for person in fresh:
        Membership.objects.filter(community=community, user=person).update(
            joined_at=timeline.at(rng.randint(5, started))
        )


def _stage_path(
    convenor: User,
    platform: Platform,
    changes: services.PlatformChanges,
    spec: PlatformSpec,
    timeline: Timeline,
) -> None:
    """Walk the platform from initiation to its current stage, so its stage history shows the path."""
    stages = list(AllianceStage.values)
    target = stages.index(spec.stage)
    for index in range(1, target + 1):
        changes.stage = stages[index]
        changes.stage_note = STAGE_NOTES[AllianceStage(stages[index])]
        services.platform_update(actor=convenor, platform=platform, changes=changes)
    changed = list(platform.stage_changes.order_by("pk"))
    span = spec.started - spec.since
    for index, change in enumerate(changed):
        days = spec.started - span * index / max(len(changed) - 1, 1)
        StageChange.objects.filter(pk=change.pk).update(at=timeline.at(days))


def _moves(status: str, key: str) -> list[tuple[str, str]]:
    """The valid steps from `identified` to a stakeholder's status: (target, reason)."""
    pipeline = ["identified", "contacted", "briefed", "consulted", "committed", "active_member"]
    if status == "reapproached":
        return [
            ("contacted", STEP_REASONS["contacted"]),
            ("declined", "Declined: feared being blamed for the village's dry-season shortages."),
            ("contacted", "Re-approached: the water committee proposed off-peak hours for brick-making."),
            ("briefed", STEP_REASONS["briefed"]),
        ]
    if key in EXITS:
        last, exit_status, reason = EXITS[key]
        path = pipeline[1 : pipeline.index(last) + 1]
        return [(step, STEP_REASONS[step]) for step in path] + [(exit_status, reason)]
    path = pipeline[1 : pipeline.index(status) + 1]
    return [(step, STEP_REASONS[step]) for step in path]


def _stakeholder_data(spec: StakeholderSpec, platforms: Sequence[Platform]) -> services.StakeholderData:
    return services.StakeholderData(
        name=spec.name,
        org_type=spec.org_type,
        level=spec.level,
        kind=spec.kind,
        platforms=[platforms[index] for index in spec.platforms],
        interest=spec.interest,
        influence=spec.influence,
        importance=spec.importance,
        alignment=spec.alignment,
        engagement_current=spec.current,
        engagement_desired=spec.desired,
        strategy=spec.strategy,
        rationale=spec.rationale,
    )


def _stakeholders(
    convenor: User,
    alliance: LearningAlliance,
    platforms: Sequence[Platform],
    rng: random.Random,
    timeline: Timeline,
) -> dict[str, Stakeholder]:
    register: dict[str, Stakeholder] = {}
    for spec in STAKEHOLDERS:
        # Each stakeholder enters the register after its platform started, and was last assessed recently.
        start = min(PLATFORMS[index].started for index in spec.platforms)
        first = rng.randint(max(start - 120, 70), start - 5)
        last = rng.randint(10, 60)
        stakeholder = services.stakeholder_save(
            actor=convenor,
            alliance=alliance,
            data=_stakeholder_data(dataclasses.replace(spec, **EARLIER.get(spec.key, {})), platforms),
        )
        register[spec.key] = stakeholder
        Stakeholder.objects.filter(pk=stakeholder.pk).update(
            created_at=timeline.at(first), assessed_at=timeline.at(first)
        )
        Assessment.objects.filter(stakeholder=stakeholder).update(assessed_at=timeline.at(first))
        moves = _moves(spec.status, spec.key)
        for number, (target, reason) in enumerate(moves, start=1):
            step = services.stakeholder_move(
                actor=convenor, stakeholder=stakeholder, target=target, reason=reason
            )
            days = first - (first - last) * number / (len(moves) + 1)
            MobilisationStep.objects.filter(pk=step.pk).update(at=timeline.at(days))
        if spec.key in EARLIER:
            # The re-assessment: the current scores, with what changed since the first one.
            stakeholder.refresh_from_db()
            data = _stakeholder_data(spec, platforms)
            data.rationale = f"{spec.rationale} {REASSESSMENT_NOTES[spec.key]}"
            stakeholder = services.stakeholder_save(
                actor=convenor, alliance=alliance, data=data, stakeholder=stakeholder
            )
            moment = timeline.at(last)
            Stakeholder.objects.filter(pk=stakeholder.pk).update(assessed_at=moment)
            latest = Assessment.objects.filter(stakeholder=stakeholder).order_by("-pk").first()
            if latest is not None:
                Assessment.objects.filter(pk=latest.pk).update(assessed_at=moment)
    return register


def _evidence(community: Community) -> list[Resource]:
    """Library resources to cite: the platform community's own, else the hub's learning-alliance guides."""
    visible = Resource.objects.filter(status=ResourceStatus.VISIBLE)
    own = list(visible.filter(community=community).order_by("pk")[:2])
    if own:
        return own
    hub = visible.filter(community__isnull=True)
    chosen = list(
        hub.filter(
            Q(title__icontains="learning alliance") | Q(title__icontains="water user associations")
        ).order_by("pk")[:2]
    )
    return chosen or list(hub.order_by("pk")[:1])


def _platform_work(convenor: User, platforms: Sequence[Platform], timeline: Timeline) -> None:
    mokgalo, malema = platforms[3], platforms[1]
    evidence = _evidence(mokgalo.community)
    first = services.cycle_save(
        actor=convenor,
        platform=mokgalo,
        values={
            "question": MOKGALO_CYCLE_1["question"],
            "plan": MOKGALO_CYCLE_1["plan"],
            "phase": CyclePhase.PLAN,
            "starts_on": timeline.day(200),
        },
    )
    services.cycle_save(
        actor=convenor,
        platform=mokgalo,
        cycle=first,
        values={**MOKGALO_CYCLE_1, "starts_on": timeline.day(200), "ends_on": timeline.day(130)},
        evidence=evidence,
    )
    services.cycle_save(
        actor=convenor,
        platform=mokgalo,
        values={**MOKGALO_CYCLE_2, "starts_on": timeline.day(110), "ends_on": timeline.day(-60)},
    )
    services.cycle_save(
        actor=convenor,
        platform=malema,
        values={**MALEMA_CYCLE, "starts_on": timeline.day(150), "ends_on": timeline.day(30)},
        evidence=_evidence(malema.community)[:1],
    )
    for index, days, title, details, changed, enabling, hindering, corrective, tags in PROCESS_LOG:
        platform = platforms[index]
        services.process_entry_save(
            actor=platform.facilitator or convenor,
            platform=platform,
            values={
                "happened_on": timeline.day(days),
                "title": title,
                "details": details,
                "what_changed": changed,
                "enabling": enabling,
                "hindering": hindering,
                "corrective_action": corrective,
                "tags": tags,
            },
        )
    for index, kind, title, audience, channel, days, reach in OUTPUTS:
        platform = platforms[index]
        services.output_save(
            actor=platform.facilitator or convenor,
            platform=platform,
            values={
                "kind": kind,
                "title": title,
                "audience": audience,
                "channel": channel,
                "published_on": timeline.day(days),
                "reach": reach,
            },
        )


def _draw_map(
    actor: User,
    community: Community,
    header: dict[str, str],
    variables: Sequence[tuple[str, str, str, str, str, str, str]],
) -> tuple[SystemMap, dict[str, Variable]]:
    system_map = map_services.map_save(actor=actor, community=community, values=header)
    drawn = {}
    for label, kind, domain, force, cause, unit, notes in variables:
        drawn[label] = map_services.variable_save(
            actor=actor,
            system_map=system_map,
            values={
                "label": label,
                "type": kind,
                "domain": domain,
                "force": force,
                "cause_type": cause,
                "unit": unit,
                "notes": notes,
            },
        )
    system_map.refresh_from_db()
    return system_map, drawn


def _groundwater_map(convenor: User, community: Community) -> SystemMap:
    system_map, drawn = _draw_map(convenor, community, GROUNDWATER_MAP, GROUNDWATER_VARIABLES)
    for source, target, polarity, delay, strength, confidence, evidence in GROUNDWATER_LINKS:
        map_services.link_save(
            actor=convenor,
            system_map=system_map,
            source=drawn[source],
            target=drawn[target],
            polarity=polarity,
            delay=delay,
            strength=strength,
            confidence=confidence,
            evidence=evidence,
        )
    labels = {variable.pk: label for label, variable in drawn.items()}
    found = systems.loops(
        systems.Link(link.source_id, link.target_id, link.polarity, link.delay)
        for link in system_map.links.all()
    )
    for loop in found:
        members = {labels[int(pk)] for pk in loop.variables}
        for variables, name, narrative, deep in GROUNDWATER_LOOPS:
            if members == variables:
                map_services.loop_note_save(
                    actor=convenor,
                    system_map=system_map,
                    key=loop.key,
                    name=name,
                    narrative=narrative,
                    deep=deep,
                )
    return system_map


def _design_map() -> SystemMap | None:
    """A smaller map in a community still in design, drawn by its convenor."""
    community = (
        Community.objects.filter(stage=Stage.DESIGN, slug="mekong-delta-salinity").first()
        or Community.objects.filter(stage=Stage.DESIGN).order_by("pk").first()
    )
    if community is None:
        return None
    lead = (
        Membership.objects.filter(community=community, role=Role.CONVENOR, status=MembershipStatus.ACTIVE)
        .select_related("user")
        .first()
    )
    if lead is None or not lead.user.is_active:
        return None
    system_map, drawn = _draw_map(lead.user, community, DELTA_MAP, DELTA_VARIABLES)
    for source, target, polarity, delay in DELTA_LINKS:
        map_services.link_save(
            actor=lead.user,
            system_map=system_map,
            source=drawn[source],
            target=drawn[target],
            polarity=polarity,
            delay=delay,
        )
    for loop in systems.loops(
        systems.Link(link.source_id, link.target_id, link.polarity, link.delay)
        for link in system_map.links.all()
    ):
        map_services.loop_note_save(
            actor=lead.user,
            system_map=system_map,
            key=loop.key,
            name="R1: Salt pushes out rice and mangroves",
            narrative="More salinity lowers rice yields, so farmers dig shrimp ponds, often in mangroves; less "
            "mangrove lets salt water further inland.",
            deep=False,
        )
    return system_map


@transaction.atomic
def load_demo_alliances() -> int:
    """Create the demo learning alliance (once); returns how many alliances were created."""
    if LearningAlliance.objects.filter(slug=ALLIANCE_SLUG).exists():
        return 0
    convenor = User.objects.filter(email=f"convenor@{DEMO_DOMAIN}", is_active=True).first()
    if convenor is None:
        return 0
    people = list(
        User.objects.filter(is_active=True, is_staff=False, email__endswith=f"@{DEMO_DOMAIN}")
        .exclude(pk=convenor.pk)
        .order_by("email")
    )
    if len(people) < len(PLATFORMS):
        return 0
    rng = random.Random(SEED)  # noqa: S311 - demo data, not security
    timeline = Timeline()
    themes = list(Theme.objects.filter(slug__in=["multiple-use-services", "wash", "water-governance"]))

    alliance = services.alliance_create(
        actor=convenor,
        changes=services.AllianceChanges(
            name="Multiple-use water services learning alliance",
            theme="Multiple-use water services",
            summary="A learning alliance of government, service providers, researchers, NGOs and water users "
            "in the Mogala basin, testing water services designed for drinking, hygiene, gardens, "
            "livestock and small enterprise at once. Platforms at national, district and village level "
            "share what works so that multiple uses find their way into district plans and national "
            "guidelines.",
            status="active",
            visibility="public",
            initiating_organisations="Ministry of Water (Rural Water Supply Directorate), Water Research "
            "Institute, Hope for Rural Water",
            slug=ALLIANCE_SLUG,
        ),
    )
    LearningAlliance.objects.filter(pk=alliance.pk).update(created_at=timeline.at(PLATFORMS[0].started))

    # Facilitators: the convenor for the national platform, other demo members for the rest; every
    # platform also has a moderator so that its community can launch.
    chosen = rng.sample(people, k=len(PLATFORMS))
    facilitators = [convenor, *chosen[1:]]
    moderators = chosen
    platforms: list[Platform] = []
    for index, spec in enumerate(PLATFORMS):
        community = _launch_platform_community(
            spec, convenor, moderators[index], themes, timeline.at(spec.started)
        )
        changes = services.PlatformChanges(
            level=spec.level,
            parent=platforms[spec.parent] if spec.parent is not None else None,
            facilitator=facilitators[index],
            stage=AllianceStage.INITIATION,
            country=COUNTRY,
            area=spec.area,
            needed_types=list(spec.needed_types),
            stage_note=STAGE_NOTES[AllianceStage.INITIATION],
        )
        platform = services.platform_add(
            actor=convenor, alliance=alliance, community=community, changes=changes
        )
        Platform.objects.filter(pk=platform.pk).update(created_at=timeline.at(spec.started))
        _stage_path(convenor, platform, changes, spec, timeline)
        platforms.append(platform)

    # Members: 6 to 15 people per platform, including the facilitators of the platforms below it, so
    # that the levels meet.
    for index, spec in enumerate(PLATFORMS):
        children = [facilitators[i] for i, child in enumerate(PLATFORMS) if child.parent == index]
        others = rng.sample(people, k=min(len(people), rng.randint(6, 12)))
        wanted = list(dict.fromkeys([*children, *others]))[:14]
        _add_members(platforms[index].community, wanted, rng, timeline, spec.started)

    first_version = services.direction_save(
        actor=convenor, alliance=alliance, values=DIRECTION_V1, based_on=None
    )
    second_version = services.direction_save(
        actor=convenor,
        alliance=alliance,
        values={**DIRECTION_V2, "agreed_on": timeline.day(180)},
        based_on=first_version.number,
    )
    DirectionVersion.objects.filter(pk=first_version.pk).update(created_at=timeline.at(250))
    DirectionVersion.objects.filter(pk=second_version.pk).update(created_at=timeline.at(181))

    register = _stakeholders(convenor, alliance, platforms, rng, timeline)
    for source, target, kind, strength in RELATIONS:
        services.relation_add(
            actor=convenor, source=register[source], target=register[target], kind=kind, strength=strength
        )

    _platform_work(convenor, platforms, timeline)
    _groundwater_map(convenor, platforms[0].community)
    _design_map()
    return 1
