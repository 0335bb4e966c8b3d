"""A fictional ecosystem for `manage.py seed_demo`: every kind, every district."""

import random

from django.utils import timezone

from accounts.models import User

from .models import (
    District,
    JoinRequest,
    Membership,
    Organization,
    OrganizationKind,
    RequestStatus,
    Role,
    Shortlist,
    ShortlistEntry,
    SizeBand,
)
from .services import _tags_get_or_create, organization_reindex
from .validators import bin_check_digit

K = OrganizationKind
D = District

# slug: (name, kind, district, tagline, owner key or None)
ORGANIZATIONS: dict[str, tuple[str, str, str, str, str | None]] = {
    "almaty-digital-office": (
        "Almaty Digital City Office",
        K.GOVERNMENT,
        D.ALMALY,
        "The city's department for digital services and open data.",
        "city",
    ),
    "city-ecology-department": (
        "Department of Ecology and Environment",
        K.GOVERNMENT,
        D.MEDEU,
        "Clean air, green spaces and waste policy for the city.",
        None,
    ),
    "city-mobility-department": (
        "Department of Urban Mobility",
        K.GOVERNMENT,
        D.BOSTANDYK,
        "Public transport, traffic and cycling infrastructure.",
        None,
    ),
    "satbayev-tech-university": (
        "Satbayev Technical University (demo)",
        K.UNIVERSITY,
        D.BOSTANDYK,
        "Engineering, geology and computer science since 1934.",
        "university",
    ),
    "al-farabi-demo-university": (
        "Kazakh National University (demo)",
        K.UNIVERSITY,
        D.BOSTANDYK,
        "Research university with labs open to industry partners.",
        None,
    ),
    "zhetysu-state-college": (
        "Zhetysu Polytechnic College",
        K.UNIVERSITY,
        D.ZHETYSU,
        "Applied IT and electronics programmes with city internships.",
        None,
    ),
    "institute-of-seismology": (
        "Institute of Seismology and Earth Sciences",
        K.RESEARCH_INSTITUTE,
        D.MEDEU,
        "Earthquake monitoring and early-warning research.",
        None,
    ),
    "institute-of-ai-systems": (
        "Institute of Applied AI Systems",
        K.RESEARCH_INSTITUTE,
        D.ALMALY,
        "Machine learning for public services and industry.",
        None,
    ),
    "alatau-tech-park": (
        "Alatau Innovation Tech Park",
        K.TECH_PARK,
        D.ALATAU,
        "Offices, labs and tax benefits for tech companies.",
        "techpark",
    ),
    "nauryzbay-hardware-park": (
        "Nauryzbay Hardware Park",
        K.TECH_PARK,
        D.NAURYZBAY,
        "Prototyping workshops and small-series production.",
        None,
    ),
    "steppe-incubator": (
        "Steppe Incubator",
        K.INCUBATOR,
        D.ALMALY,
        "Six-month pre-seed programme for first-time founders.",
        None,
    ),
    "turksib-social-incubator": (
        "Turksib Social Incubator",
        K.INCUBATOR,
        D.TURKSIB,
        "Startups that solve problems of city neighbourhoods.",
        None,
    ),
    "silk-road-accelerator": (
        "Silk Road Accelerator",
        K.ACCELERATOR,
        D.MEDEU,
        "Three-month accelerator for B2B software across Central Asia.",
        None,
    ),
    "greenlab-accelerator": (
        "GreenLab Climate Accelerator",
        K.ACCELERATOR,
        D.BOSTANDYK,
        "Climate and clean-tech startups, from pilot to first contract.",
        None,
    ),
    "qazaq-cloud-labs": (
        "Qazaq Cloud Labs",
        K.IT_COMPANY,
        D.ALMALY,
        "Cloud infrastructure and data engineering for government and banks.",
        None,
    ),
    "auezov-software": (
        "Auezov Software House",
        K.IT_COMPANY,
        D.AUEZOV,
        "Custom web and mobile development, 120 engineers.",
        None,
    ),
    "nomad-geo": (
        "Nomad Geo Systems",
        K.IT_COMPANY,
        D.ZHETYSU,
        "GIS, mapping and digital twins of cities.",
        None,
    ),
    "airsense": (
        "AirSense",
        K.STARTUP,
        D.AUEZOV,
        "Low-cost IoT sensors that map air quality street by street.",
        "founder",
    ),
    "medqueue": (
        "MedQueue",
        K.STARTUP,
        D.ALMALY,
        "Online queues and triage for city polyclinics.",
        None,
    ),
    "smart-bins": (
        "SmartBins KZ",
        K.STARTUP,
        D.TURKSIB,
        "Fill-level sensors and route optimisation for waste collection.",
        None,
    ),
    "edumentor": (
        "EduMentor",
        K.STARTUP,
        D.NAURYZBAY,
        "AI tutor for school maths in Kazakh and Russian.",
        None,
    ),
    "parkit": ("ParkIt", K.STARTUP, D.MEDEU, "Parking availability from street cameras.", None),
    "steppe-ventures": (
        "Steppe Ventures",
        K.INVESTOR,
        D.MEDEU,
        "Seed fund for Central Asian tech startups.",
        "scout",
    ),
    "tengri-angels": (
        "Tengri Angels Network",
        K.INVESTOR,
        D.ALMALY,
        "120 business angels investing in early-stage startups.",
        None,
    ),
    "open-almaty": (
        "Open Almaty Foundation",
        K.NGO,
        D.ALMALY,
        "Open data, civic tech and transparency in city government.",
        None,
    ),
    "girls-in-tech-kz": (
        "Girls in Tech Almaty",
        K.NGO,
        D.ALATAU,
        "Mentorship and coding schools for girls and young women.",
        None,
    ),
}

VERIFIED = {
    "almaty-digital-office",
    "city-ecology-department",
    "city-mobility-department",
    "satbayev-tech-university",
    "al-farabi-demo-university",
    "institute-of-seismology",
    "alatau-tech-park",
    "steppe-incubator",
    "silk-road-accelerator",
    "airsense",
    "steppe-ventures",
    "open-almaty",
}


# slug: expertise tags (shared vocabulary, lower case)
TAGS: dict[str, list[str]] = {
    "almaty-digital-office": ["open data", "e-government", "smart city", "gis"],
    "city-ecology-department": ["air quality", "waste management", "green spaces"],
    "city-mobility-department": ["public transport", "traffic", "cycling", "smart city"],
    "satbayev-tech-university": ["engineering", "geology", "computer science", "robotics"],
    "al-farabi-demo-university": ["biotech", "physics", "machine learning", "chemistry"],
    "zhetysu-state-college": ["electronics", "internships", "it education"],
    "institute-of-seismology": ["earthquakes", "early warning", "sensors", "geology"],
    "institute-of-ai-systems": ["machine learning", "computer vision", "nlp", "kazakh language"],
    "alatau-tech-park": ["office space", "tax benefits", "prototyping"],
    "nauryzbay-hardware-park": ["prototyping", "3d printing", "electronics", "manufacturing"],
    "steppe-incubator": ["pre-seed", "mentoring", "founders"],
    "turksib-social-incubator": ["social impact", "mentoring", "civic tech"],
    "silk-road-accelerator": ["b2b saas", "seed", "central asia", "mentoring"],
    "greenlab-accelerator": ["climate tech", "clean energy", "pilots"],
    "qazaq-cloud-labs": ["cloud", "data engineering", "cybersecurity", "e-government"],
    "auezov-software": ["web development", "mobile apps", "outsourcing"],
    "nomad-geo": ["gis", "digital twins", "mapping", "smart city"],
    "airsense": ["air quality", "iot", "sensors", "open data"],
    "medqueue": ["healthtech", "queues", "e-government"],
    "smart-bins": ["waste management", "iot", "route optimisation"],
    "edumentor": ["edtech", "machine learning", "kazakh language"],
    "parkit": ["computer vision", "parking", "smart city"],
    "steppe-ventures": ["seed", "venture capital", "central asia"],
    "tengri-angels": ["angel investment", "pre-seed", "mentoring"],
    "open-almaty": ["open data", "civic tech", "transparency"],
    "girls-in-tech-kz": ["it education", "mentoring", "diversity"],
}

# Extra members so that the directory has something to filter: (name, kind, tags, tagline).
EXTRA_SLUGS = [
    "tau-robotics", "alatau-data", "qazaq-nlp", "zhasyl-qala", "energy-institute",
    "orbita-space-lab", "fintech-hub-almaty", "medeu-biotech", "kazakh-gaming-studio",
    "digital-bridge-capital", "almaty-water-lab", "securenet-kz", "agrosense",
    "mountain-tourism-tech", "kod-it-school", "almaty-fab-lab",
]  # fmt: skip
EXTRA: list[tuple[str, str, list[str], str]] = [
    (
        "Тау Роботикс",
        K.STARTUP,
        ["robotics", "computer vision"],
        "Роботы-инспекторы для трубопроводов.",
    ),
    (
        "Алатау Дата",
        K.IT_COMPANY,
        ["data engineering", "cloud"],
        "Аналитика данных для ритейла и банков.",
    ),
    (
        "Qazaq NLP",
        K.STARTUP,
        ["nlp", "kazakh language", "machine learning"],
        "Speech and text AI for Kazakh.",
    ),
    (
        "Жасыл Қала",
        K.NGO,
        ["green spaces", "civic tech"],
        "Қала тұрғындарымен бірге ағаш отырғызамыз.",
    ),
    (
        "Институт энергетики",
        K.RESEARCH_INSTITUTE,
        ["clean energy", "physics"],
        "Исследования возобновляемой энергетики.",
    ),
    (
        "Orbita Space Lab",
        K.STARTUP,
        ["satellites", "gis", "mapping"],
        "Satellite imagery for agriculture.",
    ),
    (
        "FinTech Hub Almaty",
        K.INCUBATOR,
        ["fintech", "mentoring", "pre-seed"],
        "Incubator for payments and banking startups.",
    ),
    (
        "Медеу Биотех",
        K.STARTUP,
        ["biotech", "healthtech"],
        "Диагностика на основе ИИ для поликлиник.",
    ),
    (
        "Kazakh Gaming Studio",
        K.IT_COMPANY,
        ["game development", "mobile apps"],
        "Mobile games made in Almaty.",
    ),
    (
        "Digital Bridge Capital",
        K.INVESTOR,
        ["venture capital", "b2b saas", "fintech"],
        "Series A fund for regional SaaS.",
    ),
    (
        "Almaty Water Lab",
        K.RESEARCH_INSTITUTE,
        ["water", "sensors", "iot"],
        "Monitoring the city's water supply.",
    ),
    (
        "SecureNet KZ",
        K.IT_COMPANY,
        ["cybersecurity", "cloud"],
        "Security audits and SOC for government.",
    ),
    (
        "AgroSense",
        K.STARTUP,
        ["agritech", "iot", "sensors"],
        "Soil sensors for the farms around Almaty.",
    ),
    (
        "Mountain Tourism Tech",
        K.STARTUP,
        ["tourism", "mobile apps"],
        "Booking and safety for mountain trips.",
    ),
    (
        "Детская IT-школа Код",
        K.NGO,
        ["it education", "diversity"],
        "Бесплатные курсы программирования для школьников.",
    ),
    (
        "Almaty Fab Lab",
        K.TECH_PARK,
        ["3d printing", "prototyping", "manufacturing"],
        "A maker space open to every citizen.",
    ),
]

DESCRIPTION = """{tagline}

**What we offer partners**

- joint pilots and projects with city departments and companies
- access to our team's expertise: {tags}
- internships and shared events

We answer messages in Kazakh, Russian and English.
"""


def demo_bin(n: int) -> str:
    """A well-formed BIN with a valid check digit (fictional registration numbers)."""
    while True:
        first = f"0{(n % 9) + 1}0440{n:05d}"[:11]
        digit = bin_check_digit(first)
        if digit is not None:
            return first + str(digit)
        n += 1


def seed(users: dict[str, User]) -> list[Organization]:
    moderator = users.get("moderator")
    rng = random.Random(2026)
    organizations = []
    rows = [(slug, *row) for slug, row in ORGANIZATIONS.items()]
    rows += [
        (EXTRA_SLUGS[i], name, kind, list(District)[i % len(District)], tagline, None)
        for i, (name, kind, _tags, tagline) in enumerate(EXTRA)
    ]
    extra_tags = {EXTRA_SLUGS[i]: tags for i, (_n, _k, tags, _t) in enumerate(EXTRA)}
    for n, (slug, name, kind, district, tagline, owner_key) in enumerate(rows, start=1):
        organization, created = Organization.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "kind": kind, "district": district, "tagline": tagline},
        )
        if created:
            tags = TAGS.get(slug) or extra_tags.get(slug, [])
            organization.description = DESCRIPTION.format(tagline=tagline, tags=", ".join(tags))
            organization.bin = demo_bin(n)
            organization.website = f"https://{slug}.example"
            organization.public_email = f"hello@{slug}.example"
            organization.founded_year = rng.randint(1934 if kind == K.UNIVERSITY else 2005, 2024)
            organization.size = rng.choice(SizeBand.values)
            organization.languages = ["kk", "ru", "en"] if n % 3 else ["ru", "en"]
            organization.address = f"{rng.randint(1, 250)} Abai Avenue"
            organization.save()
            organization.tags.set(_tags_get_or_create(tags))
            organization_reindex(organizations=[organization])
        if slug in VERIFIED and organization.verified_at is None:
            organization.verified_at = timezone.now()
            organization.verified_by = moderator
            organization.save(update_fields=["verified_at", "verified_by"])
        if owner_key and owner_key in users:
            Membership.objects.get_or_create(
                user=users[owner_key], organization=organization, defaults={"role": Role.OWNER}
            )
        organizations.append(organization)
    _seed_teams(users)
    return organizations


def _seed_teams(users: dict[str, User]) -> None:
    """A colleague in two organisations, a pending join request and a scout's shortlist."""
    by_slug = {
        o.slug: o
        for o in Organization.objects.filter(
            slug__in=[
                "airsense",
                "open-almaty",
                "nomad-geo",
                "edumentor",
                "steppe-ventures",
                "institute-of-ai-systems",
            ]
        )
    }
    if "university" in users and "institute-of-ai-systems" in by_slug:
        Membership.objects.get_or_create(
            user=users["university"],
            organization=by_slug["institute-of-ai-systems"],
            defaults={"role": Role.ADMIN, "title": "Research liaison"},
        )
    if "founder" in users and "open-almaty" in by_slug:
        JoinRequest.objects.get_or_create(
            user=users["founder"],
            organization=by_slug["open-almaty"],
            status=RequestStatus.PENDING,
            defaults={"message": "We publish our air-quality data openly and would love to join."},
        )
    scout = users.get("scout")
    if scout and "steppe-ventures" in by_slug:
        shortlist, _created = Shortlist.objects.get_or_create(
            owner=scout, name="Smart city pipeline", defaults={"team": by_slug["steppe-ventures"]}
        )
        notes = {
            "airsense": "Strong team, pilot with the ecology department. Follow up in Q1.",
            "nomad-geo": "Possible co-investment; ask about revenue.",
            "edumentor": "",
        }
        for slug, note in notes.items():
            if slug in by_slug:
                ShortlistEntry.objects.get_or_create(
                    shortlist=shortlist,
                    organization=by_slug[slug],
                    defaults={"note": note, "added_by": scout},
                )
