import pytest

from members.models import Organization
from tests.factories import UserFactory

from .conftest import make_bin

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client_for):
    return client_for(UserFactory.create(is_staff=True, is_superuser=True))


def test_admin_pages_load(admin_client, team):
    for url in (
        "/admin/members/organization/",
        f"/admin/members/organization/{team.organization.pk}/change/",
        "/admin/members/tag/",
        "/admin/members/invitation/",
        "/admin/members/joinrequest/",
        "/admin/members/shortlist/",
    ):
        assert admin_client.get(url).status_code == 200, url


def test_admin_bulk_verify_needs_a_bin(admin_client, team):
    other = Organization.objects.create(
        name="With BIN", slug="with-bin", kind="ngo", bin=make_bin()
    )
    response = admin_client.post(
        "/admin/members/organization/",
        {"action": "verify", "_selected_action": [team.organization.pk, other.pk]},
        follow=True,
    )
    assert "has no BIN" in response.content.decode()
    other.refresh_from_db()
    team.organization.refresh_from_db()
    assert other.is_verified
    assert not team.organization.is_verified
