import pytest

from messaging import services
from tests.factories import MembershipFactory, OrganizationFactory

from .conftest import send

pytestmark = pytest.mark.django_db


def test_inbox_needs_login(client_for):
    response = client_for(None).get("/messages/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_inbox_lists_and_groups_conversations(
    client_for, alice, bob, direct, liaison, org_conversation, django_assert_max_num_queries
):
    send(alice, direct, "hi bob")
    send(alice, org_conversation, "lab?")
    client = client_for(liaison)
    with django_assert_max_num_queries(12):
        response = client.get("/messages/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Demo University" in content  # the inbox group
    assert alice.name in content
    assert bob.name not in content


def test_thread_for_participant_and_404_for_outsider(client_for, alice, outsider, direct):
    send(alice, direct, "secret plan")
    assert client_for(outsider).get(f"/messages/{direct.pk}/").status_code == 404
    response = client_for(alice).get(f"/messages/{direct.pk}/")
    assert response.status_code == 200
    assert "secret plan" in response.content.decode()  # in the JSON for the client


def test_start_organization_shows_form_then_redirects_to_the_conversation(
    client_for, alice, university
):
    client = client_for(alice)
    url = f"/messages/new/organization/{university.slug}/"
    response = client.get(url)
    assert response.status_code == 200
    assert "purpose" in response.content.decode()
    response = client.post(url, {"purpose": "internship", "body": "Summer internship?"})
    assert response.status_code == 302
    thread = response["Location"]
    assert client.get(url)["Location"] == thread
    assert client.post(url, {"body": "no purpose"}).status_code == 200  # form error


def test_start_user_and_write_as_organization(client_for, alice, bob):
    organization = OrganizationFactory.create()
    MembershipFactory.create(user=alice, organization=organization)
    client = client_for(alice)
    response = client.post(
        f"/messages/new/person/{bob.pk}/",
        {"as_organization": str(organization.pk), "body": "Hello from our team"},
    )
    assert response.status_code == 302
    outsider_org = OrganizationFactory.create()
    response = client.post(
        f"/messages/new/person/{bob.pk}/",
        {"as_organization": str(outsider_org.pk), "body": "Pretending"},
    )
    assert response.status_code == 200
    assert client_for(None).get(f"/messages/new/person/{bob.pk}/").status_code == 302


def test_mute_block_assign_report_forms(
    client_for, alice, bob, direct, liaison, university, org_conversation
):
    message = send(alice, direct, "hi")
    client = client_for(bob)
    assert client.post(f"/messages/{direct.pk}/mute/", {"muted": "1"}).status_code == 302
    assert client.post(f"/messages/{direct.pk}/block/", {"blocked": "1"}).status_code == 302
    assert (
        client.post(
            f"/messages/{direct.pk}/report/", {"message": message.pk, "reason": "spam"}
        ).status_code
        == 302
    )
    assert message.reports.count() == 1
    response = client_for(liaison).post(
        f"/messages/{org_conversation.pk}/assign/",
        {"organization": university.slug, "user": liaison.pk},
    )
    assert response.status_code == 302
    assert (
        client_for(alice)
        .post(
            f"/messages/{org_conversation.pk}/assign/",
            {"organization": university.slug, "user": alice.pk},
        )
        .status_code
        == 404
    )
    assert client_for(alice).post(f"/messages/{direct.pk}/mute/", {}).status_code == 302
    assert client_for(liaison).post(f"/messages/{direct.pk}/mute/", {}).status_code == 404


def test_settings_page(client_for, alice, bob):
    services.block_create(blocker=alice, blocked=bob)
    client = client_for(alice)
    response = client.get("/messages/settings/")
    assert response.status_code == 200
    assert bob.name in response.content.decode()
    assert client.post("/messages/settings/", {"email": "off"}).status_code == 302
    assert client.post(f"/messages/settings/unblock/{bob.pk}/").status_code == 302
    assert client_for(None).get("/messages/settings/").status_code == 302


def test_nav_badge_and_script_on_every_page_for_signed_in_people(client_for, alice):
    content = client_for(alice).get("/").content.decode()
    assert 'id="nav-unread"' in content
    assert "js/realtime.js" in content
    assert "js/realtime.js" not in client_for(None).get("/").content.decode()


def test_profile_team_members_have_a_message_link_for_others(client_for):
    from members.models import Role
    from tests.factories import MembershipFactory, UserFactory

    membership = MembershipFactory.create(role=Role.OWNER, is_public=True)
    organization, person = membership.organization, membership.user
    visitor = UserFactory.create()
    html = client_for(visitor).get(organization.get_absolute_url()).content.decode()
    assert f'href="/messages/new/organization/{organization.slug}/"' in html
    assert f"/messages/new/person/{person.pk}/" in html
    # Nobody is offered a conversation with themselves, and anonymous visitors log in first.
    assert f"/messages/new/person/{person.pk}/" not in (
        client_for(person).get(organization.get_absolute_url()).content.decode()
    )
    assert f"/messages/new/person/{person.pk}/" not in (
        client_for(None).get(organization.get_absolute_url()).content.decode()
    )


def test_assigning_to_no_one_or_to_a_bad_id_is_handled(
    client_for, alice, liaison, university, org_conversation
):
    client = client_for(liaison)
    url = f"/messages/{org_conversation.pk}/assign/"
    client.post(url, {"organization": university.slug, "user": liaison.pk})
    party = org_conversation.parties.get(organization=university)
    assert party.assigned_to == liaison
    # Not a number, or someone who is not on the team: refused, nothing changes.
    for bad in ("abc", str(alice.pk), "999999"):
        response = client.post(url, {"organization": university.slug, "user": bad}, follow=True)
        assert response.status_code == 200
        assert list(response.context["messages"])
        party.refresh_from_db()
        assert party.assigned_to == liaison
    # No one.
    client.post(url, {"organization": university.slug, "user": ""})
    party.refresh_from_db()
    assert party.assigned_to is None
