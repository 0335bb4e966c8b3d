import pytest
from django.core import mail

from members import services
from members.models import Invitation, JoinRequest, Membership, Organization, Role, Shortlist
from members.selectors import invitation_token
from tests.factories import OrganizationFactory, TagFactory, UserFactory

from .conftest import make_bin

pytestmark = pytest.mark.django_db

API = "/api/v1"


def expect(matrix):
    return pytest.mark.parametrize(("who", "status"), list(matrix.items()))


class TestOrganizationList:
    def test_contract_shape_and_filters(self, api_client_for, team):
        OrganizationFactory.create(name="Gov", kind="government", district="medeu", verified=True)
        client = api_client_for(None)
        body = client.get(f"{API}/organizations/").json()
        assert set(body) == {"count", "next", "previous", "results"}
        assert body["count"] == 2
        first = client.get(f"{API}/organizations/", {"search": "robotics"}).json()["results"][0]
        assert first["slug"] == team.organization.slug
        assert first["tags"] == ["computer vision", "robotics"]
        assert first["verified"] is False
        assert client.get(f"{API}/organizations/", {"kind": "government"}).json()["count"] == 1
        assert client.get(f"{API}/organizations/", {"district": "medeu"}).json()["count"] == 1
        assert client.get(f"{API}/organizations/", {"verified": "true"}).json()["count"] == 1
        assert client.get(f"{API}/organizations/", {"verified": "false"}).json()["count"] == 1
        assert client.get(f"{API}/organizations/", {"tag": "robotics"}).json()["count"] == 1
        names = [
            o["name"]
            for o in client.get(f"{API}/organizations/", {"ordering": "newest"}).json()["results"]
        ]
        assert names == ["Gov", "Steppe Robotics"]

    def test_invalid_filter_is_a_400(self, api_client_for, team):
        response = api_client_for(None).get(f"{API}/organizations/", {"kind": "spaceship"})
        assert response.status_code == 400

    def test_query_count_is_flat(self, api_client_for, team, django_assert_max_num_queries):
        tags = [TagFactory.create() for _ in range(3)]
        for organization in OrganizationFactory.create_batch(25):
            organization.tags.set(tags)
        client = api_client_for(team.outsider)
        with django_assert_max_num_queries(4):
            response = client.get(f"{API}/organizations/", {"page_size": 100})
        assert response.json()["count"] == 26

    @expect({"anonymous": 403, "outsider": 201, "member": 201, "moderator": 201})
    def test_create(self, api_client_for, team, who, status):
        response = api_client_for(team.who(who)).post(
            f"{API}/organizations/",
            {"name": f"New {who}", "kind": "startup", "tags": ["AI", "IoT"], "languages": ["kk"]},
            format="json",
        )
        assert response.status_code == status
        if status == 201:
            body = response.json()
            organization = Organization.objects.get(slug=body["slug"])
            assert organization.memberships.get().role == Role.OWNER
            assert organization.memberships.get().user == team.who(who)
            assert body["tags"] == ["ai", "iot"]

    def test_create_validation_errors_are_400(self, api_client_for, user):
        client = api_client_for(user)
        response = client.post(
            f"{API}/organizations/",
            {"name": "X", "kind": "startup", "bin": "123456789012"},
            format="json",
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["attr"] == "bin"
        response = client.post(
            f"{API}/organizations/",
            {"name": "X", "kind": "startup", "tags": ["x" * 50]},
            format="json",
        )
        assert response.status_code == 400
        assert not Organization.objects.exists()


class TestOrganizationDetail:
    def test_read(self, api_client_for, team):
        team.organization.description = "**hi** <script>x</script>"
        team.organization.save()
        body = api_client_for(None).get(f"{API}/organizations/{team.organization.slug}/").json()
        assert body["description_html"] == "<p><strong>hi</strong> </p>"
        assert body["can_post_city_problems"] is False

    @expect(
        {
            "anonymous": 403,
            "outsider": 403,
            "member": 403,
            "admin": 200,
            "owner": 200,
            "moderator": 403,
        }
    )
    def test_update(self, api_client_for, team, who, status):
        response = api_client_for(team.who(who)).patch(
            f"{API}/organizations/{team.organization.slug}/", {"tagline": "Changed"}, format="json"
        )
        assert response.status_code == status
        team.organization.refresh_from_db()
        assert (team.organization.tagline == "Changed") == (status == 200)

    def test_cannot_change_verification_through_update(self, api_client_for, team):
        api_client_for(team.owner).patch(
            f"{API}/organizations/{team.organization.slug}/",
            {"verified_at": "2026-01-01T00:00:00Z", "verified": True},
            format="json",
        )
        team.organization.refresh_from_db()
        assert not team.organization.is_verified

    @expect(
        {
            "anonymous": 403,
            "outsider": 403,
            "member": 403,
            "admin": 403,
            "owner": 403,
            "moderator": 200,
        }
    )
    def test_verify(self, api_client_for, team, who, status):
        team.organization.bin = make_bin()
        team.organization.save()
        response = api_client_for(team.who(who)).post(
            f"{API}/organizations/{team.organization.slug}/verify/"
        )
        assert response.status_code == status
        team.organization.refresh_from_db()
        assert team.organization.is_verified == (status == 200)

    def test_verify_without_bin_is_400(self, api_client_for, team):
        response = api_client_for(team.moderator).post(
            f"{API}/organizations/{team.organization.slug}/verify/"
        )
        assert response.status_code == 400


class TestLogoApi:
    @expect(
        {
            "anonymous": 403,
            "outsider": 403,
            "member": 403,
            "admin": 200,
            "owner": 200,
            "moderator": 403,
        }
    )
    def test_upload(self, api_client_for, team, who, status):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from .conftest import image_bytes

        upload = SimpleUploadedFile("logo.png", image_bytes(), content_type="image/png")
        response = api_client_for(team.who(who)).put(
            f"{API}/organizations/{team.organization.slug}/logo/",
            {"logo": upload},
            format="multipart",
        )
        assert response.status_code == status
        if status == 200:
            assert response.json()["logo"].endswith(".webp")

    def test_bad_file_is_a_400_naming_the_field(self, api_client_for, team):
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("logo.png", b"<svg/>", content_type="image/png")
        response = api_client_for(team.owner).put(
            f"{API}/organizations/{team.organization.slug}/logo/",
            {"logo": upload},
            format="multipart",
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["attr"] == "logo"
        team.organization.refresh_from_db()
        assert not team.organization.logo

    def test_remove(self, api_client_for, team):
        url = f"{API}/organizations/{team.organization.slug}/logo/"
        assert api_client_for(team.member).delete(url).status_code == 403
        assert api_client_for(team.owner).delete(url).status_code == 204


class TestMembers:
    def test_public_list_hides_private_members(self, api_client_for, team):
        Membership.objects.filter(user=team.member).update(is_public=False)
        public = (
            api_client_for(None)
            .get(f"{API}/organizations/{team.organization.slug}/members/")
            .json()
        )
        assert team.member.pk not in [m["user"]["id"] for m in public["results"]]
        own = (
            api_client_for(team.admin)
            .get(f"{API}/organizations/{team.organization.slug}/members/")
            .json()
        )
        assert team.member.pk in [m["user"]["id"] for m in own["results"]]
        assert "email" not in own["results"][0]["user"]

    @expect(
        {
            "anonymous": 403,
            "outsider": 403,
            "member": 403,
            "admin": 200,
            "owner": 200,
            "moderator": 403,
        }
    )
    def test_change_role(self, api_client_for, team, who, status):
        response = api_client_for(team.who(who)).patch(
            f"{API}/organizations/{team.organization.slug}/members/{team.member.pk}/",
            {"role": "admin"},
            format="json",
        )
        assert response.status_code == status

    def test_nobody_removes_the_last_owner(self, api_client_for, team):
        url = f"{API}/organizations/{team.organization.slug}/members/{team.owner.pk}/"
        assert api_client_for(team.owner).delete(url).status_code == 400
        assert api_client_for(team.admin).delete(url).status_code == 403
        assert Membership.objects.filter(user=team.owner).exists()

    def test_leave_by_deleting_yourself(self, api_client_for, team):
        url = f"{API}/organizations/{team.organization.slug}/members/{team.member.pk}/"
        assert api_client_for(team.member).delete(url).status_code == 204

    def test_transfer_ownership(self, api_client_for, team):
        url = f"{API}/organizations/{team.organization.slug}/transfer-ownership/"
        assert api_client_for(team.admin).post(url, {"user": team.member.pk}).status_code == 403
        assert api_client_for(team.owner).post(url, {"user": team.member.pk}).status_code == 200
        assert Membership.objects.get(user=team.member).role == Role.OWNER


class TestInvitationsAndJoinRequests:
    @expect(
        {
            "anonymous": 403,
            "outsider": 403,
            "member": 403,
            "admin": 201,
            "owner": 201,
            "moderator": 403,
        }
    )
    def test_invite(self, api_client_for, team, who, status, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            response = api_client_for(team.who(who)).post(
                f"{API}/organizations/{team.organization.slug}/invitations/",
                {"email": "x@example.com"},
            )
        assert response.status_code == status
        assert len(mail.outbox) == (1 if status == 201 else 0)

    @expect(
        {
            "anonymous": 403,
            "outsider": 403,
            "member": 403,
            "admin": 200,
            "owner": 200,
            "moderator": 403,
        }
    )
    def test_list_invitations(self, api_client_for, team, who, status):
        services.invitation_create(
            actor=team.owner, organization=team.organization, email="a@example.com"
        )
        response = api_client_for(team.who(who)).get(
            f"{API}/organizations/{team.organization.slug}/invitations/"
        )
        assert response.status_code == status

    def test_accept_with_token(self, api_client_for, team):
        invitee = UserFactory.create(email="invitee@example.com")
        invitation = services.invitation_create(
            actor=team.owner, organization=team.organization, email=invitee.email
        )
        token = invitation_token(invitation)
        assert (
            api_client_for(team.outsider).post(f"{API}/invitations/{token}/accept/").status_code
            == 403
        )
        response = api_client_for(invitee).post(f"{API}/invitations/{token}/accept/")
        assert response.status_code == 200
        assert response.json()["role"] == "member"
        assert Invitation.objects.get().status == "accepted"

    def test_join_request_flow(self, api_client_for, team):
        url = f"{API}/organizations/{team.organization.slug}/join-requests/"
        assert api_client_for(None).post(url, {"message": "hi"}).status_code == 403
        created = api_client_for(team.outsider).post(url, {"message": "hi"})
        assert created.status_code == 201
        assert api_client_for(team.outsider).post(url, {}).status_code == 400
        assert api_client_for(team.member).get(url).status_code == 403
        listed = api_client_for(team.admin).get(url).json()
        assert listed["count"] == 1
        pk = created.json()["id"]
        assert (
            api_client_for(team.member).post(f"{API}/join-requests/{pk}/approve/").status_code
            == 403
        )
        assert (
            api_client_for(team.admin).post(f"{API}/join-requests/{pk}/approve/").status_code == 200
        )
        assert JoinRequest.objects.get().status == "accepted"
        assert Membership.objects.filter(user=team.outsider).exists()


class TestShortlists:
    def test_crud_and_privacy(self, api_client_for, team):
        target = OrganizationFactory.create()
        owner_client = api_client_for(team.member)
        response = owner_client.post(
            f"{API}/shortlists/",
            {"name": "Scouting", "team": team.organization.slug},
            format="json",
        )
        assert response.status_code == 201
        pk = response.json()["id"]
        entry = owner_client.post(
            f"{API}/shortlists/{pk}/entries/", {"organization": target.slug, "note": "secret"}
        )
        assert entry.status_code == 201
        detail = api_client_for(team.admin).get(f"{API}/shortlists/{pk}/").json()
        assert detail["entries"][0]["note"] == "secret"
        assert api_client_for(team.outsider).get(f"{API}/shortlists/{pk}/").status_code == 404
        assert api_client_for(team.moderator).get(f"{API}/shortlists/{pk}/").status_code == 404
        assert api_client_for(None).get(f"{API}/shortlists/{pk}/").status_code == 403
        assert api_client_for(team.outsider).get(f"{API}/shortlists/").json()["count"] == 0
        assert (
            api_client_for(team.outsider)
            .post(f"{API}/shortlists/{pk}/entries/", {"organization": target.slug})
            .status_code
            == 404
        )
        patched = owner_client.patch(
            f"{API}/shortlists/{pk}/entries/{target.slug}/", {"note": "new"}
        )
        assert patched.json()["note"] == "new"
        assert api_client_for(team.admin).delete(f"{API}/shortlists/{pk}/").status_code == 403
        assert owner_client.delete(f"{API}/shortlists/{pk}/").status_code == 204
        assert not Shortlist.objects.exists()

    def test_cannot_share_with_a_foreign_organisation(self, api_client_for, team):
        response = api_client_for(team.outsider).post(
            f"{API}/shortlists/", {"name": "x", "team": team.organization.slug}, format="json"
        )
        assert response.status_code == 404


def test_tag_autocomplete(api_client_for, team):
    assert api_client_for(None).get(f"{API}/tags/", {"search": "rob"}).json() == [
        {"name": "robotics", "slug": "robotics"}
    ]


def test_me_lists_memberships(api_client_for, team):
    body = api_client_for(team.admin).get(f"{API}/me/").json()
    assert body["organizations"] == [
        {"slug": team.organization.slug, "name": team.organization.name, "role": "admin"}
    ]


def test_schema_documents_the_members_api(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    for fragment in (
        "/api/v1/organizations/",
        "/api/v1/organizations/{slug}/verify/",
        "/api/v1/organizations/{slug}/members/",
        "/api/v1/organizations/{slug}/invitations/",
        "/api/v1/shortlists/",
        '"name": "search"',
        '"name": "tag"',
        '"name": "verified"',
        '"name": "ordering"',
    ):
        assert fragment in schema, fragment
