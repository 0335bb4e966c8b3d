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


def test_admin_cannot_remove_the_last_owner(admin_client, team):
    from members.models import Membership

    organization = team.organization
    memberships = list(organization.memberships.order_by("pk"))
    data = {
        "name": organization.name,
        "slug": organization.slug,
        "kind": organization.kind,
        "languages": "[]",
        "memberships-TOTAL_FORMS": str(len(memberships)),
        "memberships-INITIAL_FORMS": str(len(memberships)),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for i, membership in enumerate(memberships):
        data |= {
            f"memberships-{i}-id": str(membership.pk),
            f"memberships-{i}-organization": str(organization.pk),
            f"memberships-{i}-user": str(membership.user_id),
            f"memberships-{i}-role": "member",
            f"memberships-{i}-is_public": "on",
        }
    response = admin_client.post(f"/admin/members/organization/{organization.pk}/change/", data)
    assert response.status_code == 200
    assert "Keep at least one owner" in response.content.decode()
    assert Membership.objects.filter(organization=organization, role="owner").count() == 1


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
