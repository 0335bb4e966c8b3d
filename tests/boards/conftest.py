"""Fixtures for the boards: a city department, a startup, an outsider, a moderator, and posts
built through the real services."""

import io
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from accounts.models import User
from boards import services
from boards.models import Post, PostKind, Proposal
from members.models import District, Organization, OrganizationKind, Role
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path) -> None:
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@dataclass
class Cast:
    department: Organization
    official: User
    startup: Organization
    founder: User
    outsider: User
    moderator: User
    other_startup: Organization
    other_founder: User


@pytest.fixture
def cast(db) -> Cast:
    department = OrganizationFactory.create(
        name="Department of Ecology",
        slug="ecology-dept",
        kind=OrganizationKind.GOVERNMENT,
        district=District.MEDEU,
        verified=True,
    )
    startup = OrganizationFactory.create(
        name="AirSense",
        slug="airsense",
        kind=OrganizationKind.STARTUP,
        district=District.AUEZOV,
        tagline="Low-cost IoT sensors that map air quality street by street.",
    )
    other_startup = OrganizationFactory.create(
        name="ParkIt", slug="parkit", kind=OrganizationKind.STARTUP
    )
    official = UserFactory.create(name="Arman Official")
    founder = UserFactory.create(name="Timur Founder")
    other_founder = UserFactory.create(name="Other Founder")
    MembershipFactory.create(user=official, organization=department, role=Role.OWNER)
    MembershipFactory.create(user=founder, organization=startup, role=Role.OWNER)
    MembershipFactory.create(user=other_founder, organization=other_startup, role=Role.OWNER)
    return Cast(
        department=department,
        official=official,
        startup=startup,
        founder=founder,
        outsider=UserFactory.create(name="Olga Outsider"),
        moderator=UserFactory.create(name="Dana Moderator", is_staff=True),
        other_startup=other_startup,
        other_founder=other_founder,
    )


def post_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": PostKind.PROBLEM,
        "title": "Map air pollution in Medeu street by street",
        "summary": "We need a dense network of air-quality sensors.",
        "body": "Winter smog.\n\n* PM2.5\n* NO2",
        "expected_outcome": "A public map updated every 10 minutes.",
        "deadline": timezone.localdate() + timedelta(days=30),
        "contact_name": "Arman Official",
        "contact_email": "arman@city.example",
        "categories": ["ecology"],
        "districts": ["medeu"],
        "tags": ["air quality", "IoT sensors"],
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_post(cast):
    def make(*, publish: bool = True, user: User | None = None, org: str = "ecology-dept", **kw):
        return services.post_create(
            user=user or cast.official,
            organization_slug=org,
            publish=publish,
            **post_data(**kw),
        )

    return make


@pytest.fixture
def problem(make_post) -> Post:
    return make_post()


@pytest.fixture
def make_proposal(cast):
    def make(post: Post, *, user: User | None = None, org: str = "airsense") -> Proposal:
        return services.proposal_submit(
            user=user or cast.founder,
            post=post,
            organization_slug=org,
            summary="Sixty sensors on lamp posts",
            approach="We install **sensors**.",
            team="Five engineers",
            timeline="Three months",
        )

    return make


@pytest.fixture
def proposal(problem, make_proposal) -> Proposal:
    return make_proposal(problem)


def png_upload(name: str = "map.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def pdf_upload(name: str = "brief.pdf") -> SimpleUploadedFile:
    data = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return SimpleUploadedFile(name, data, content_type="application/pdf")
