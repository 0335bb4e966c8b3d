"""Demo boards for `manage.py seed_demo`: city problems, projects and calls, with proposals in
every state, written through the real services and then dated into a believable past.

Idempotent: a post that exists (same organisation and title) is left alone.
"""

from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from members.models import Membership, Organization, Role

from . import services
from .models import Post, PostEvent, PostStatus, Proposal, ProposalStatus

# Founders of demo startups who answer the city's problems (in addition to accounts.demo).
PEOPLE = {
    "smartbins": ("team@smartbins.example", "Aigerim Nurlanova", "ru", "smart-bins"),
    "medqueue": ("hello@medqueue.example", "Daniyar Sadykov", "kk", "medqueue"),
    "nomadgeo": ("gis@nomad-geo.example", "Saule Akhmetova", "en", "nomad-geo"),
}
# Arman of the Digital City Office also posts for the two other departments in the demo.
CITY_DEPARTMENTS = ["almaty-digital-office", "city-ecology-department", "city-mobility-department"]

POSTS: list[dict[str, Any]] = [
    {
        "by": ("city", "city-ecology-department"),
        "kind": "problem",
        "title": "Map winter air pollution street by street",
        "summary": "Six official stations cannot show where the smog is worst. We need a dense, "
        "open network of air-quality sensors across the city.",
        "body": "Every winter PM2.5 exceeds the WHO limit on most days. The six reference "
        "stations are too few to tell which streets and courtyards suffer most.\n\n"
        "**What we can offer**\n\n* mounting points on 3,000 street lamps\n"
        "* power and the city's LoRaWAN network\n* open data publication on data.almaty\n",
        "expected_outcome": "At least 150 calibrated sensors reporting every 10 minutes to a "
        "public map, and a monthly report the department can act on.",
        "categories": ["ecology", "digital_government"],
        "districts": ["medeu", "auezov", "almaly"],
        "tags": ["air quality", "iot sensors", "open data"],
        "budget": (20_000_000, 45_000_000),
        "status": [],
        "days_ago": 24,
        "deadline_in": 25,
        "proposals": [
            ("founder", "airsense", ProposalStatus.SHORTLISTED, ""),
            ("university", "satbayev-tech-university", ProposalStatus.SUBMITTED, ""),
        ],
    },
    {
        "by": ("city", "city-mobility-department"),
        "kind": "problem",
        "title": "Bus arrival times are wrong at four stops in ten",
        "summary": "Passengers cannot trust the arrival boards. We want predictions that are "
        "right within two minutes.",
        "body": "The fleet has GPS trackers, but the predictions on the stop boards ignore "
        "traffic and depot delays. Data: 2,100 buses, position every 15 seconds.",
        "expected_outcome": "Arrival predictions accurate within two minutes for 90% of stops, "
        "published through an open API.",
        "categories": ["transport", "digital_government"],
        "districts": [],
        "tags": ["public transport", "machine learning"],
        "budget": (None, 30_000_000),
        "status": [PostStatus.REVIEWING],
        "days_ago": 40,
        "deadline_in": 10,
        "proposals": [
            ("nomadgeo", "nomad-geo", ProposalStatus.SHORTLISTED, ""),
            (
                "techpark",
                "alatau-tech-park",
                ProposalStatus.DECLINED,
                "We need a team that builds the prediction model itself; a lab space alone "
                "does not solve it. Please team up with a software company and apply again.",
            ),
        ],
    },
    {
        "by": ("city", "city-ecology-department"),
        "kind": "problem",
        "title": "Overflowing bins in Turksib courtyards",
        "summary": "Collection runs on a fixed schedule, so some bins overflow while trucks "
        "visit empty ones.",
        "body": "Residents of Turksib send 300 complaints a month about overflowing bins. "
        "We want collection driven by how full the bins are.",
        "expected_outcome": "Fill-level sensors on 500 bins and dynamic routes for the trucks; "
        "complaints halved within six months.",
        "categories": ["ecology", "urban_planning"],
        "districts": ["turksib"],
        "tags": ["waste", "iot sensors", "route optimisation"],
        "budget": (15_000_000, 25_000_000),
        "status": [PostStatus.REVIEWING, PostStatus.IN_PROGRESS],
        "days_ago": 75,
        "deadline_in": 5,
        "proposals": [("smartbins", "smart-bins", ProposalStatus.ACCEPTED, "")],
    },
    {
        "by": ("city", "almaty-digital-office"),
        "kind": "problem",
        "title": "Queues for polyclinic appointments",
        "summary": "Patients queue at 7 a.m. to book a doctor. We want fair online booking "
        "for every city polyclinic.",
        "body": "Half of the appointments are still booked in person. Older residents need a "
        "phone channel too.",
        "expected_outcome": "Online and phone booking in all 34 city polyclinics.",
        "categories": ["healthcare", "digital_government"],
        "districts": [],
        "tags": ["e-health", "queues"],
        "budget": (None, None),
        "status": [
            PostStatus.REVIEWING,
            PostStatus.IN_PROGRESS,
            (
                PostStatus.COMPLETED,
                "piloted",
                "MedQueue ran a three-month pilot in polyclinics No. 4 and No. 11: the morning "
                "queue disappeared and 62% of bookings moved online. The city will roll the "
                "service out to every polyclinic next year through a public tender.",
            ),
        ],
        "days_ago": 160,
        "deadline_in": 5,
        "proposals": [("medqueue", "medqueue", ProposalStatus.ACCEPTED, "")],
    },
    {
        "by": ("city", "city-mobility-department"),
        "kind": "problem",
        "title": "Drivers circling for parking in the centre",
        "summary": "Up to a third of central traffic is drivers looking for a space.",
        "body": "We looked for a way to show free parking spaces in real time.",
        "expected_outcome": "Real-time availability for 5,000 spaces.",
        "categories": ["transport", "urban_planning"],
        "districts": ["almaly", "medeu"],
        "tags": ["parking", "computer vision"],
        "budget": (None, 10_000_000),
        "status": [
            PostStatus.REVIEWING,
            (
                PostStatus.CLOSED,
                "no_suitable_proposal",
                "The two proposals needed cameras on private buildings, which the law does not "
                "allow us to fund. We will publish a new problem once the parking register "
                "is digital.",
            ),
        ],
        "days_ago": 120,
        "deadline_in": 5,
        "proposals": [],
    },
    {
        "by": ("city", "almaty-digital-office"),
        "kind": "problem",
        "title": "Answers on the 109 hotline take too long",
        "summary": "Residents wait 11 minutes on average. Help us answer the common questions "
        "at once, in Kazakh and Russian.",
        "body": "The hotline gets 9,000 calls a day; 60% are about ten topics (utilities, "
        "permits, schools). We can share anonymised transcripts.",
        "expected_outcome": "Average waiting time under three minutes; answers in Kazakh and "
        "Russian.",
        "categories": ["digital_government", "social_services"],
        "districts": [],
        "tags": ["chatbot", "kazakh language", "call centre"],
        "budget": (10_000_000, 20_000_000),
        "status": [],
        "days_ago": 3,
        "deadline_in": 40,
        "proposals": [],
    },
    {
        "by": ("university", "satbayev-tech-university"),
        "kind": "project",
        "title": "Research partners for a seismic sensor network in schools",
        "summary": "We are building low-cost accelerometers for school buildings and look for "
        "a hardware partner and a data partner.",
        "body": "A three-year research project with the Institute of Seismology. We provide "
        "the lab, students and the earthquake models.",
        "expected_outcome": "Sensors in 50 schools and an early-warning prototype.",
        "categories": ["public_safety", "education"],
        "districts": [],
        "tags": ["seismology", "iot sensors", "research"],
        "budget": (None, None),
        "status": [],
        "days_ago": 9,
        "deadline_in": 50,
        "proposals": [("founder", "airsense", ProposalStatus.SUBMITTED, "")],
    },
    {
        "by": ("techpark", "alatau-tech-park"),
        "kind": "call",
        "title": "Spring 2027 intake: hardware startups",
        "summary": "Six months of lab access, a prototyping budget and mentors for ten "
        "hardware startups.",
        "body": "We offer workshop access, 3 million KZT of prototyping credit and weekly "
        "mentoring. Apply with a working prototype.",
        "expected_outcome": "Ten startups with a pilot customer by the end of the programme.",
        "categories": ["economy_business"],
        "districts": ["alatau"],
        "tags": ["incubation", "hardware"],
        "budget": (None, None),
        "status": [],
        "days_ago": 12,
        "deadline_in": 30,
        "proposals": [
            ("founder", "airsense", ProposalStatus.SHORTLISTED, ""),
            ("smartbins", "smart-bins", ProposalStatus.WITHDRAWN, ""),
        ],
    },
    {
        "by": ("scout", "steppe-ventures"),
        "kind": "call",
        "title": "Climate-tech seed grants: ten grants of 5 million KZT",
        "summary": "Non-dilutive grants for startups that cut emissions or waste in the city.",
        "body": "Apply with a team of at least two founders and a pilot plan with a city "
        "department or a company.",
        "expected_outcome": "Ten funded pilots.",
        "categories": ["ecology", "economy_business", "energy"],
        "districts": [],
        "tags": ["grant", "climate"],
        "budget": (5_000_000, 5_000_000),
        "status": [],
        "days_ago": 5,
        "deadline_in": 20,
        "proposals": [],
    },
    {
        "by": ("university", "satbayev-tech-university"),
        "kind": "call",
        "title": "Summer internships in data engineering",
        "summary": "Companies: host our third-year students for eight weeks.",
        "body": "Students know Python, SQL and cloud basics. The university covers insurance.",
        "expected_outcome": "Forty internships, ideally leading to job offers.",
        "categories": ["education"],
        "districts": [],
        "tags": ["internship", "data engineering"],
        "budget": (None, None),
        "status": [],
        "days_ago": 20,
        "deadline_in": 60,
        "proposals": [("founder", "airsense", ProposalStatus.ACCEPTED, "")],
    },
    {
        "by": ("founder", "airsense"),
        "kind": "project",
        "title": "An open data standard for city air-quality sensors",
        "summary": "Partners wanted to agree one open format for low-cost sensor data.",
        "body": "Today every sensor vendor publishes its own format. We propose a common one "
        "and an open validator.",
        "expected_outcome": "A published standard adopted by three vendors and the city.",
        "categories": ["ecology", "digital_government"],
        "districts": [],
        "tags": ["open data", "air quality"],
        "budget": (None, None),
        "status": [],
        "days_ago": 2,
        "deadline_in": 45,
        "proposals": [],
    },
]


def _ensure_people(users: dict[str, User]) -> dict[str, User]:
    people = dict(users)
    for key, (email, name, language, org_slug) in PEOPLE.items():
        user, created = User.objects.get_or_create(
            email=email, defaults={"name": name, "language": language}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        organization = Organization.objects.filter(slug=org_slug).first()
        if organization:
            Membership.objects.get_or_create(
                user=user, organization=organization, defaults={"role": Role.OWNER}
            )
        people[key] = user
    if "city" in people:
        for slug in CITY_DEPARTMENTS:
            organization = Organization.objects.filter(slug=slug).first()
            if organization:
                Membership.objects.get_or_create(
                    user=people["city"], organization=organization, defaults={"role": Role.ADMIN}
                )
    return people


def _proposal(
    people: dict[str, User], post: Post, spec: tuple[str, str, str, str], index: int
) -> None:
    user_key, org_slug, target, reason = spec
    proposer = people[user_key]
    organization = Organization.objects.get(slug=org_slug)
    proposal = services.proposal_submit(
        user=proposer,
        post=post,
        organization_slug=org_slug,
        summary=f"{organization.name}: {organization.tagline}",
        approach=f"We would answer “{post.title}” with what we already run. "
        "**Phase 1:** a four-week discovery with the department. "
        "**Phase 2:** a pilot in one district. **Phase 3:** city-wide roll-out.",
        team="A project lead, two engineers and a data analyst.",
        timeline="Discovery in 4 weeks, pilot in 3 months, report in 5 months.",
    )
    decider = people["city"] if post.organization.slug in CITY_DEPARTMENTS else post.author
    assert decider is not None
    if target in (ProposalStatus.SHORTLISTED, ProposalStatus.ACCEPTED):
        services.proposal_shortlist(user=decider, proposal=proposal)
    if target == ProposalStatus.ACCEPTED:
        services.proposal_accept(user=decider, proposal=proposal)
    if target == ProposalStatus.DECLINED:
        services.proposal_decline(user=decider, proposal=proposal, reason=reason)
    if target == ProposalStatus.WITHDRAWN:
        services.proposal_withdraw(user=proposer, proposal=proposal)


def _backdate(post: Post, days_ago: int) -> None:
    """Spread the post's history over the past `days_ago` days, keeping its order."""
    now = timezone.now()
    start = now - timedelta(days=days_ago)
    events = list(post.events.order_by("id"))
    # Created and published at the start; later moves spread over the time since.
    step = timedelta(days=days_ago) / max(len(events) - 1, 1)
    for i, event in enumerate(events):
        PostEvent.objects.filter(pk=event.pk).update(created_at=start + step * max(i - 1, 0))
    Post.objects.filter(pk=post.pk).update(created_at=start, published_at=start)
    for i, proposal in enumerate(post.proposals.order_by("id")):
        submitted = start + timedelta(days=2 + i)
        due = services._response_due_on(timezone.localdate(submitted))
        responded = submitted + timedelta(days=3 + 2 * i) if proposal.first_response_at else None
        Proposal.objects.filter(pk=proposal.pk).update(
            created_at=submitted,
            response_due_on=due if post.kind == "problem" else None,
            first_response_at=responded,
            decided_at=responded if proposal.decided_at else None,
        )


def seed(users: dict[str, User]) -> list[Post]:
    people = _ensure_people(users)
    posts: list[Post] = []
    today = timezone.localdate()
    for spec in POSTS:
        user_key, org_slug = spec["by"]
        author = people.get(user_key)
        existing = Post.objects.filter(organization__slug=org_slug, title=spec["title"]).first()
        if existing:
            posts.append(existing)
            continue
        if author is None or not Organization.objects.filter(slug=org_slug).exists():
            continue
        budget_min, budget_max = spec["budget"]
        post = services.post_create(
            user=author,
            organization_slug=org_slug,
            kind=spec["kind"],
            title=spec["title"],
            summary=spec["summary"],
            body=spec["body"],
            expected_outcome=spec["expected_outcome"],
            deadline=today + timedelta(days=max(spec["deadline_in"], 1) + 30),
            contact_name=author.name,
            contact_email=author.email,
            categories=spec["categories"],
            districts=spec["districts"],
            tags=spec["tags"],
            budget_min=budget_min,
            budget_max=budget_max,
            publish=True,
        )
        for index, proposal_spec in enumerate(spec["proposals"]):
            _proposal(people, post, proposal_spec, index)
        for step in spec["status"]:
            if isinstance(step, tuple):
                target, outcome, statement = step
                services.post_transition(
                    user=author, post=post, to_status=target, outcome=outcome, statement=statement
                )
            else:
                services.post_transition(user=author, post=post, to_status=step)
        post.refresh_from_db()
        Post.objects.filter(pk=post.pk).update(
            deadline=today + timedelta(days=spec["deadline_in"])
            if post.status == PostStatus.OPEN
            else today - timedelta(days=max(spec["days_ago"] - 30, 1))
        )
        _backdate(post, spec["days_ago"])
        posts.append(post)
    return posts
