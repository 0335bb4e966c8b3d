"""A fictional ecosystem for `manage.py seed_demo`: every kind, every district."""

from django.utils import timezone

from accounts.models import User

from .models import District, Membership, Organization, OrganizationKind, Role

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


def seed(users: dict[str, User]) -> list[Organization]:
    moderator = users.get("moderator")
    organizations = []
    for slug, (name, kind, district, tagline, owner_key) in ORGANIZATIONS.items():
        organization, _ = Organization.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "kind": kind, "district": district, "tagline": tagline},
        )
        if slug in VERIFIED and organization.verified_at is None:
            organization.verified_at = timezone.now()
            organization.verified_by = moderator
            organization.save(update_fields=["verified_at", "verified_by"])
        if owner_key and owner_key in users:
            Membership.objects.get_or_create(
                user=users[owner_key], organization=organization, defaults={"role": Role.OWNER}
            )
        organizations.append(organization)
    return organizations
