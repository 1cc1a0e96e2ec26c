"""The demo hub's people and organisations: deterministic, realistic, and safe to load twice."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from catchment.accounts.models import (
    Organisation,
    OrganisationType,
    Profile,
    ProfileVisibility,
    SpokenLanguage,
    StakeholderGroup,
    Theme,
    User,
)

DEMO_PASSWORD = "catchment-demo"  # noqa: S105 - published in the README for the demo hub only
DEMO_DOMAIN = "demo.catchment.example"
SEED = 20230530

# region -> (countries with their main spoken languages and time zone, first names, family names)
REGIONS: dict[str, tuple[list[tuple[str, list[str], str]], list[str], list[str]]] = {
    "east_africa": (
        [
            ("KE", ["en", "sw"], "Africa/Nairobi"),
            ("TZ", ["sw", "en"], "Africa/Dar_es_Salaam"),
            ("UG", ["en", "sw"], "Africa/Kampala"),
            ("ET", ["am", "en"], "Africa/Addis_Ababa"),
            ("RW", ["rw", "fr", "en"], "Africa/Kigali"),
        ],
        [
            "Amina",
            "Wanjiru",
            "Otieno",
            "Achieng",
            "Baraka",
            "Neema",
            "Tesfaye",
            "Mekdes",
            "Jean-Paul",
            "Aline",
        ],
        [
            "Mwangi",
            "Odhiambo",
            "Kamau",
            "Njoroge",
            "Mushi",
            "Kato",
            "Bekele",
            "Haile",
            "Uwimana",
            "Nsengiyumva",
        ],
    ),
    "west_africa": (
        [
            ("GH", ["en"], "Africa/Accra"),
            ("NG", ["en", "yo"], "Africa/Lagos"),
            ("SN", ["fr", "wo"], "Africa/Dakar"),
            ("BF", ["fr"], "Africa/Ouagadougou"),
            ("ML", ["fr", "bm"], "Africa/Bamako"),
            ("BJ", ["fr"], "Africa/Porto-Novo"),
        ],
        [
            "Kwame",
            "Akosua",
            "Chinedu",
            "Ngozi",
            "Aminata",
            "Moussa",
            "Fatoumata",
            "Ibrahim",
            "Adjoa",
            "Sékou",
        ],
        [
            "Mensah",
            "Boateng",
            "Okafor",
            "Adeyemi",
            "Diallo",
            "Traoré",
            "Ouédraogo",
            "Coulibaly",
            "Sow",
            "Hounkpatin",
        ],
    ),
    "southern_africa": (
        [
            ("ZA", ["en", "zu"], "Africa/Johannesburg"),
            ("ZM", ["en"], "Africa/Lusaka"),
            ("MZ", ["pt"], "Africa/Maputo"),
            ("MW", ["en"], "Africa/Blantyre"),
            ("ZW", ["en"], "Africa/Harare"),
        ],
        [
            "Thandiwe",
            "Sipho",
            "Lerato",
            "Chilufya",
            "Mutale",
            "Fernanda",
            "Tiago",
            "Chikondi",
            "Tendai",
            "Rutendo",
        ],
        ["Dlamini", "Nkosi", "Mokoena", "Banda", "Phiri", "Macuácua", "Sitoe", "Chirwa", "Moyo", "Ncube"],
    ),
    "mena": (
        [
            ("EG", ["ar", "en"], "Africa/Cairo"),
            ("MA", ["ar", "fr"], "Africa/Casablanca"),
            ("TN", ["ar", "fr"], "Africa/Tunis"),
            ("JO", ["ar", "en"], "Asia/Amman"),
        ],
        ["Yasmine", "Omar", "Leila", "Karim", "Salma", "Youssef", "Nour", "Hichem"],
        ["El-Sayed", "Benali", "Haddad", "Mansour", "Trabelsi", "Al-Khatib", "Bennani", "Farouk"],
    ),
    "south_asia": (
        [
            ("IN", ["hi", "en"], "Asia/Kolkata"),
            ("BD", ["bn", "en"], "Asia/Dhaka"),
            ("NP", ["ne", "en"], "Asia/Kathmandu"),
            ("PK", ["ur", "en"], "Asia/Karachi"),
            ("LK", ["si", "ta", "en"], "Asia/Colombo"),
        ],
        ["Priya", "Arjun", "Ananya", "Rahim", "Farhana", "Sushila", "Bikash", "Ayesha", "Imran", "Nirmala"],
        [
            "Sharma",
            "Iyer",
            "Rahman",
            "Chowdhury",
            "Shrestha",
            "Gurung",
            "Qureshi",
            "Perera",
            "Fernando",
            "Das",
        ],
    ),
    "southeast_asia": (
        [
            ("VN", ["vi", "en"], "Asia/Ho_Chi_Minh"),
            ("ID", ["id", "en"], "Asia/Jakarta"),
            ("PH", ["tl", "en"], "Asia/Manila"),
            ("TH", ["th", "en"], "Asia/Bangkok"),
            ("KH", ["km", "en"], "Asia/Phnom_Penh"),
        ],
        ["Linh", "Minh", "Siti", "Budi", "Maria", "Jose", "Nattaya", "Somchai", "Sokha", "Dara"],
        ["Nguyen", "Tran", "Pham", "Santoso", "Wijaya", "Reyes", "Santos", "Chaiyaporn", "Sok", "Chan"],
    ),
    "central_asia_europe_east": (
        [
            ("KZ", ["ru", "kk"], "Asia/Almaty"),
            ("UZ", ["uz", "ru"], "Asia/Tashkent"),
            ("KG", ["ky", "ru"], "Asia/Bishkek"),
            ("TJ", ["tg", "ru"], "Asia/Dushanbe"),
            ("GE", ["ka", "ru", "en"], "Asia/Tbilisi"),
            ("AM", ["hy", "ru"], "Asia/Yerevan"),
            ("UA", ["uk", "en"], "Europe/Kyiv"),
            ("MD", ["ro", "ru"], "Europe/Chisinau"),
        ],
        [
            "Aigerim",
            "Nurlan",
            "Dilnoza",
            "Rustam",
            "Gulnara",
            "Timur",
            "Nino",
            "Giorgi",
            "Anahit",
            "Olena",
            "Ion",
        ],
        [
            "Abenova",
            "Saparov",
            "Karimova",
            "Yusupov",
            "Toktogulova",
            "Rahimov",
            "Beridze",
            "Kapanadze",
            "Petrosyan",
            "Kovalenko",
            "Rusu",
        ],
    ),
    "latin_america": (
        [
            ("MX", ["es"], "America/Mexico_City"),
            ("BR", ["pt"], "America/Sao_Paulo"),
            ("PE", ["es", "qu"], "America/Lima"),
            ("CO", ["es"], "America/Bogota"),
            ("CL", ["es"], "America/Santiago"),
            ("AR", ["es"], "America/Argentina/Buenos_Aires"),
            ("GT", ["es"], "America/Guatemala"),
            ("HN", ["es"], "America/Tegucigalpa"),
            ("BO", ["es", "qu"], "America/La_Paz"),
        ],
        [
            "Lucía",
            "Mateo",
            "Valentina",
            "Santiago",
            "Camila",
            "Joaquim",
            "Ana Paula",
            "Diego",
            "Ximena",
            "Rosa",
        ],
        [
            "García",
            "Hernández",
            "Quispe",
            "Rodríguez",
            "Silva",
            "Oliveira",
            "Mamani",
            "López",
            "Castillo",
            "Morales",
        ],
    ),
    "europe": (
        [
            ("SE", ["sv", "en"], "Europe/Stockholm"),
            ("NL", ["nl", "en"], "Europe/Amsterdam"),
            ("FR", ["fr", "en"], "Europe/Paris"),
            ("ES", ["es", "en"], "Europe/Madrid"),
            ("DE", ["de", "en"], "Europe/Berlin"),
            ("GB", ["en"], "Europe/London"),
            ("RO", ["ro", "en"], "Europe/Bucharest"),
        ],
        [
            "Ingrid",
            "Erik",
            "Sanne",
            "Pieter",
            "Camille",
            "Julien",
            "Elena",
            "Javier",
            "Katrin",
            "Fiona",
            "Andrei",
        ],
        [
            "Lindqvist",
            "Johansson",
            "de Vries",
            "Bakker",
            "Lefèvre",
            "Moreau",
            "Navarro",
            "Ruiz",
            "Becker",
            "MacLeod",
            "Popescu",
        ],
    ),
    "elsewhere": (
        [
            ("CN", ["zh", "en"], "Asia/Shanghai"),
            ("MN", ["mn", "ru"], "Asia/Ulaanbaatar"),
            ("AU", ["en"], "Australia/Sydney"),
            ("US", ["en", "es"], "America/New_York"),
            ("CA", ["en", "fr"], "America/Toronto"),
        ],
        ["Wei", "Mei", "Bolormaa", "Bat-Erdene", "Olivia", "Noah", "Grace", "Étienne"],
        ["Zhang", "Li", "Ganbaatar", "Dorj", "Nguyen-Smith", "Walker", "Tremblay", "Robinson"],
    ),
}

COUNTRY_PARTNERSHIPS = ["KE", "GH", "BD", "PE", "KZ", "ZM", "VN", "BF", "MX", "GE", "NP", "RO"]

OTHER_ORGANISATIONS: list[tuple[str, str, str, str]] = [
    (
        "Nile Riparian Research Network",
        OrganisationType.ACADEMIC,
        "UG",
        "A network of universities studying shared waters along the Nile.",
    ),
    (
        "Mekong Delta Water Resources Institute",
        OrganisationType.ACADEMIC,
        "VN",
        "Research on salinity intrusion, sediment and delta livelihoods.",
    ),
    (
        "Andean Rivers Trust",
        OrganisationType.NGO,
        "PE",
        "Restoring high-Andean wetlands and rivers with the communities that depend on them.",
    ),
    (
        "Sahel Drought Resilience Alliance",
        OrganisationType.INTERNATIONAL,
        "BF",
        "Early warning, drought management plans and agro-pastoral water points across the Sahel.",
    ),
    (
        "Blue Cities Utility Network",
        OrganisationType.UTILITY,
        "ZA",
        "Peer learning between urban water and sanitation utilities.",
    ),
    (
        "Aral Basin Youth Water Network",
        OrganisationType.NGO,
        "UZ",
        "Young water professionals working on the Amu Darya and Syr Darya basins.",
    ),
    (
        "Danube Basin Platform for Nature-based Solutions",
        OrganisationType.BASIN,
        "RO",
        "A platform of basin agencies and NGOs scaling nature-based solutions.",
    ),
    (
        "Ministry of Water and Irrigation (demo)",
        OrganisationType.GOVERNMENT,
        "KE",
        "The national ministry responsible for water resources and irrigation policy.",
    ),
    (
        "Lake Chad Groundwater Observatory",
        OrganisationType.BASIN,
        "NG",
        "Monitoring the aquifers shared by the Lake Chad basin countries.",
    ),
    (
        "Global Water Learning Foundation",
        OrganisationType.INTERNATIONAL,
        "SE",
        "Funds and facilitates communities of practice on water security.",
    ),
    (
        "Women in Water Resources Association",
        OrganisationType.NGO,
        "IN",
        "Mentoring and visibility for women in water management.",
    ),
    (
        "Community Water Committees Federation",
        OrganisationType.COMMUNITY,
        "MW",
        "Village water committees managing multiple-use water services.",
    ),
    (
        "Delta Water Engineering",
        OrganisationType.PRIVATE,
        "NL",
        "Engineering consultancy for flood risk and river restoration.",
    ),
    (
        "Water Journalists Network",
        OrganisationType.OTHER,
        "FR",
        "Journalists reporting on water, climate and sanitation.",
    ),
]

POSITIONS: dict[str, list[str]] = {
    StakeholderGroup.GOVERNMENT: ["Director of Water Resources", "Senior Hydrologist", "Policy Adviser"],
    StakeholderGroup.BASIN: ["Basin Planning Officer", "Executive Secretary", "Monitoring Specialist"],
    StakeholderGroup.UTILITY: ["Operations Manager", "Non-revenue Water Engineer", "Customer Services Lead"],
    StakeholderGroup.CIVIL_SOCIETY: ["Programme Coordinator", "Advocacy Officer", "Field Facilitator"],
    StakeholderGroup.ACADEMIA: ["Lecturer in Hydrology", "Research Fellow", "PhD Researcher"],
    StakeholderGroup.PRIVATE: ["Water Engineer", "Sustainability Manager", "Consultant"],
    StakeholderGroup.INTERNATIONAL: [
        "Programme Officer",
        "Knowledge Management Specialist",
        "Regional Coordinator",
    ],
    StakeholderGroup.COMMUNITY: ["Water Committee Chair", "Community Mobiliser", "Scheme Caretaker"],
    StakeholderGroup.YOUTH: ["Youth Ambassador", "Young Water Professional", "Student Representative"],
    StakeholderGroup.MEDIA: ["Environmental Journalist", "Communications Officer", "Radio Producer"],
    StakeholderGroup.OTHER: ["Independent Facilitator", "Trainer", "Network Coordinator"],
}

BIOS = {
    "en": "I work on **{theme}** in {country}. I joined the hub to learn from peers facing the same problems "
    "and to share what our {group} has tried, including what did not work.",
    "es": "Trabajo en **{theme}** en {country}. Me uní a la red para aprender de colegas que enfrentan los mismos "
    "retos y compartir lo que hemos probado, incluso lo que no funcionó.",
    "fr": "Je travaille sur **{theme}** au {country}. J'ai rejoint le réseau pour apprendre de mes pairs et "
    "partager ce que nous avons essayé, y compris ce qui n'a pas marché.",
    "ru": "Я занимаюсь темой «{theme}» в стране {country}. Я присоединился к сообществу, чтобы учиться у коллег "
    "и делиться нашим опытом, в том числе неудачным.",
}


@dataclass
class DemoSummary:
    members_created: int = 0
    organisations_created: int = 0


def _email(first: str, last: str, number: int) -> str:
    return f"{slugify(first)}.{slugify(last)}.{number}@{DEMO_DOMAIN}"


@transaction.atomic
def load_demo_hub(member_count: int = 200) -> DemoSummary:
    """Create the demo people and organisations that are missing; existing ones are left as they are."""
    from django_countries import countries

    rng = random.Random(SEED)
    summary = DemoSummary()
    password = make_password(DEMO_PASSWORD)
    themes = list(Theme.objects.order_by("position"))

    organisations: dict[str, Organisation] = {}
    for code in COUNTRY_PARTNERSHIPS:
        name = f"{countries.name(code)} Water Partnership"
        partnership, created = Organisation.objects.get_or_create(
            slug=f"{code.lower()}-water-partnership",
            defaults={
                "name": name,
                "type": OrganisationType.COUNTRY_PARTNERSHIP,
                "country": code,
                "description": f"The country water partnership of {countries.name(code)}: a neutral platform "
                "where government, utilities, civil society, researchers and the private sector plan "
                "water management together.",
                "is_verified": True,
            },
        )
        organisations[code] = partnership
        summary.organisations_created += created
    others = []
    for name, org_type, code, description in OTHER_ORGANISATIONS:
        other, created = Organisation.objects.get_or_create(
            slug=slugify(name)[:80],
            defaults={
                "name": name,
                "type": org_type,
                "country": code,
                "description": description,
                "is_verified": rng.random() < 0.7,
            },
        )
        others.append(other)
        summary.organisations_created += created

    groups = list(StakeholderGroup.values)
    region_names = list(REGIONS)
    fixed_accounts = [
        ("admin", "Hub Administrator", True),
        ("convenor", "Maria Fernanda Quispe", False),
    ]
    people: list[tuple[str, str, str, str, list[str], str, bool]] = []
    for handle, name, is_admin in fixed_accounts:
        people.append(
            (
                f"{handle}@{DEMO_DOMAIN}",
                name,
                "PE" if handle == "convenor" else "SE",
                "America/Lima" if handle == "convenor" else "Europe/Stockholm",
                ["es", "en"] if handle == "convenor" else ["en", "sv"],
                handle,
                is_admin,
            )
        )
    for number in range(member_count - len(fixed_accounts)):
        region = region_names[number % len(region_names)]
        country_list, first_names, last_names = REGIONS[region]
        code, languages, zone = country_list[(number // len(region_names)) % len(country_list)]
        first, last = rng.choice(first_names), rng.choice(last_names)
        people.append((_email(first, last, number), f"{first} {last}", code, zone, languages, "", False))

    existing = set(User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").values_list("email", flat=True))
    for index, (email, name, code, zone, languages, handle, is_admin) in enumerate(people):
        # Draw every random choice even for people who exist, so the sequence (and so each person) is stable.
        group = groups[index % len(groups)]
        person_themes = rng.sample(themes, k=min(len(themes), rng.randint(1, 4))) if themes else []
        public = rng.random() < 0.75
        joined_days_ago = rng.randint(0, 1500)
        organisation: Organisation | None = (
            organisations.get(code) if rng.random() < 0.35 else rng.choice(others)
        )
        if rng.random() < 0.1:
            organisation = None
        interface = next((lang for lang in languages if lang in {"en", "es", "fr", "ru"}), "en")
        if email in existing:
            continue
        user = User.objects.create(
            username=handle or email.split("@")[0].replace(".", "-")[:150],
            email=email,
            password=password,
            display_name=name,
            language=interface,
            timezone=zone,
            is_staff=is_admin,
            is_superuser=is_admin,
            date_joined=timezone.now() - timedelta(days=joined_days_ago),
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        group_label = str(StakeholderGroup(group).label).lower()
        theme_name = getattr(person_themes[0], f"name_{interface}") if person_themes else "water"
        profile = Profile.objects.create(
            user=user,
            position=rng.choice(POSITIONS[group]) if not is_admin else "Hub administrator",
            organisation=organisation,
            country=code,
            stakeholder_group=group,
            bio=BIOS[interface].format(theme=theme_name, country=countries.name(code), group=group_label),
            visibility=ProfileVisibility.PUBLIC if public or handle else ProfileVisibility.MEMBERS,
        )
        profile.themes.set(person_themes)
        SpokenLanguage.objects.bulk_create([SpokenLanguage(profile=profile, code=lang) for lang in languages])
        if organisation is not None and not organisation.admins.exists():
            organisation.admins.add(user)
        summary.members_created += 1
    return summary
