import uuid

import pytest

from messaging import services
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path) -> None:
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def alice(db):
    return UserFactory.create(name="Alice Akhmetova")


@pytest.fixture
def bob(db):
    return UserFactory.create(name="Bob Bekov")


@pytest.fixture
def outsider(db):
    return UserFactory.create(name="Olga Outsider")


@pytest.fixture
def university(db):
    return OrganizationFactory.create(name="Demo University", slug="demo-university")


@pytest.fixture
def liaison(university):
    """A member of the university: reads and answers its inbox."""
    return MembershipFactory.create(organization=university, user__name="Lena Liaison").user


@pytest.fixture
def direct(alice, bob):
    conversation, _ = services.conversation_get_or_create(user=alice, to_user=bob)
    return conversation


@pytest.fixture
def org_conversation(alice, university, liaison):
    conversation, _ = services.conversation_get_or_create(
        user=alice, to_organization=university, purpose="lab_access"
    )
    return conversation


def send(user, conversation, body="Hello", client_id=None):
    message, _created = services.message_send(
        user=user,
        conversation_id=conversation.pk,
        body=body,
        client_id=client_id or uuid.uuid4().hex,
    )
    return message
