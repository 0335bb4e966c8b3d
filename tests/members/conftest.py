"""Fixtures for the members tests: one organisation with a person in every role."""

import io
from dataclasses import dataclass

import pytest
from PIL import Image

from accounts.models import User
from members import services
from members.models import Organization, Role
from members.validators import bin_check_digit
from tests.factories import MembershipFactory, UserFactory


def make_bin(prefix: str = "05044000123") -> str:
    """A BIN with a valid check digit (tries the following numbers if one admits none)."""
    number = int(prefix)
    while True:
        first = f"{number:011d}"
        digit = bin_check_digit(first)
        if digit is not None:
            return first + str(digit)
        number += 1


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (300, 200), mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, (200, 30, 60)).save(buffer, format=fmt)
    return buffer.getvalue()


@dataclass
class Team:
    organization: Organization
    owner: User
    admin: User
    member: User
    outsider: User
    moderator: User

    def who(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


@pytest.fixture
def team(db) -> Team:
    owner = UserFactory.create(name="Olga Owner")
    organization = services.organization_create(
        creator=owner,
        name="Steppe Robotics",
        kind="startup",
        tagline="Robots for pipelines",
        district="almaly",
        tags="robotics, computer vision",
    )
    admin = MembershipFactory.create(organization=organization, role=Role.ADMIN).user
    member = MembershipFactory.create(organization=organization, role=Role.MEMBER).user
    return Team(
        organization=organization,
        owner=owner,
        admin=admin,
        member=member,
        outsider=UserFactory.create(),
        moderator=UserFactory.create(is_staff=True),
    )
