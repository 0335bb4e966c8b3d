"""The public person page, `/members/people/<id>/`: who may see whom, and what it shows."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from members import services
from members.models import Membership, Role
from members.validators import validate_not_reserved_slug
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def person_url(user) -> str:
    return reverse("members:person", kwargs={"user_id": user.pk})


def page(client, user) -> str:
    response = client.get(person_url(user))
    assert response.status_code == 200
    return response.content.decode()


def hide(user, organization) -> None:
    Membership.objects.filter(user=user, organization=organization).update(is_public=False)


class TestWhoSeesThePage:
    def test_anonymous_sees_a_public_member_with_a_link_to_log_in(self, client, team):
        html = page(client, team.owner)
        assert team.owner.name in html
        assert team.organization.name in html
        assert team.organization.get_absolute_url() in html
        assert f"{reverse('account_login')}?next={person_url(team.owner)}" in html
        assert reverse("messaging:start_user", args=[team.owner.pk]) not in html

    def test_outsider_sees_only_the_public_memberships(self, client_for, team):
        hidden = MembershipFactory.create(user=team.member, title="Secret project lead")
        hide(team.member, hidden.organization)
        html = page(client_for(team.outsider), team.member)
        assert team.organization.name in html
        assert hidden.organization.name not in html
        assert "Secret project lead" not in html

    @pytest.mark.parametrize("who", ["anonymous", "outsider"])
    def test_someone_with_only_hidden_memberships_has_no_page(self, client_for, team, who):
        hide(team.member, team.organization)
        response = client_for(team.who(who)).get(person_url(team.member))
        assert response.status_code == 404

    @pytest.mark.parametrize("who", ["owner", "admin", "moderator"])
    def test_colleagues_and_moderators_see_the_hidden_membership(self, client_for, team, who):
        hide(team.member, team.organization)
        html = page(client_for(team.who(who)), team.member)
        assert team.organization.name in html
        assert "Not public" in html
        assert "#your-membership" not in html

    def test_a_membership_in_another_organisation_is_not_shared_with_colleagues(
        self, client_for, team
    ):
        elsewhere = MembershipFactory.create(user=team.member)
        hide(team.member, elsewhere.organization)
        html = page(client_for(team.owner), team.member)
        assert team.organization.name in html
        assert elsewhere.organization.name not in html

    def test_the_person_sees_their_own_page_with_every_membership(self, client_for, team):
        hide(team.member, team.organization)
        html = page(client_for(team.member), team.member)
        assert team.organization.name in html
        assert reverse("accounts:profile") in html
        team_page = reverse("members:team", args=[team.organization.slug])
        assert f"{team_page}#your-membership" in html
        assert "Not public" in html
        assert reverse("messaging:start_user", args=[team.member.pk]) not in html
        assert reverse("account_login") not in html

    def test_the_person_without_organisations_sees_an_empty_page(self, client_for, user):
        html = page(client_for(user), user)
        assert reverse("members:create") in html

    @pytest.mark.parametrize("who", ["anonymous", "outsider", "moderator"])
    def test_nobody_else_sees_someone_without_organisations(self, client_for, team, user, who):
        assert client_for(team.who(who)).get(person_url(user)).status_code == 404

    @pytest.mark.parametrize("who", ["anonymous", "owner", "moderator"])
    def test_an_inactive_person_has_no_page(self, client_for, team, who):
        team.member.is_active = False
        team.member.save()
        assert client_for(team.who(who)).get(person_url(team.member)).status_code == 404

    def test_unknown_id_is_404(self, client_for, team):
        assert client_for(team.outsider).get("/members/people/999999/").status_code == 404


class TestWhatThePageShows:
    @pytest.mark.parametrize("who", ["anonymous", "outsider", "owner", "member", "moderator"])
    def test_the_email_address_is_never_shown(self, client_for, team, who):
        html = page(client_for(team.who(who)), team.member)
        # The account menu shows the signed-in person their own address; the page never.
        main = html[html.index("<main") : html.index("</main>")]
        assert team.member.email not in main
        assert html.count(team.member.email) == (1 if who == "member" else 0)

    def test_message_button_links_to_a_conversation_with_the_person(self, client_for, team):
        html = page(client_for(team.outsider), team.admin)
        assert reverse("messaging:start_user", args=[team.admin.pk]) in html
        assert reverse("account_login") + "?next" not in html

    def test_role_title_and_kind(self, client_for, team):
        Membership.objects.filter(user=team.admin).update(title="Head of sales")
        html = page(client_for(team.outsider), team.admin)
        assert "Head of sales" in html
        assert ">Admin<" in html
        assert "Startup" in html

    def test_plain_members_get_no_role_badge(self, client_for, team):
        html = page(client_for(team.outsider), team.member)
        assert ">Member<" not in html

    def test_organisations_are_listed_by_name(self, client_for, team):
        MembershipFactory.create(user=team.member, organization__name="Almaty Lab")
        html = page(client_for(team.outsider), team.member)
        assert html.index("Almaty Lab") < html.index(team.organization.name)

    # Anonymous: the person and the memberships. Signed in: also the session, the viewer
    # and the organisation switcher of the account menu.
    @pytest.mark.parametrize(("who", "queries"), [("anonymous", 2), ("outsider", 5)])
    def test_query_count_does_not_grow_with_the_memberships(
        self, client_for, team, who, queries, django_assert_max_num_queries
    ):
        client = client_for(team.who(who))
        for _ in range(8):
            MembershipFactory.create(user=team.member, role=Role.ADMIN, title="Advisor")
        with django_assert_max_num_queries(queries):
            html = page(client, team.member)
        assert html.count("Advisor") == 8


class TestTeamListLinksToPeople:
    def test_each_team_member_links_to_their_page(self, client, team):
        html = client.get(team.organization.get_absolute_url()).content.decode()
        for person in (team.owner, team.admin, team.member):
            assert person_url(person) in html

    def test_an_inactive_colleague_is_listed_without_a_link(self, client_for, team):
        team.member.is_active = False
        team.member.save()
        html = client_for(team.owner).get(team.organization.get_absolute_url()).content.decode()
        assert team.member.name in html
        assert person_url(team.member) not in html

    def test_the_link_leads_to_a_page_the_viewer_may_see(self, client_for, team):
        hide(team.member, team.organization)
        colleague = client_for(team.admin)
        html = colleague.get(team.organization.get_absolute_url()).content.decode()
        assert person_url(team.member) in html
        assert colleague.get(person_url(team.member)).status_code == 200

    def test_the_team_page_links_to_colleagues_and_offers_to_message_them(self, client_for, team):
        html = client_for(team.admin).get(reverse("members:team", args=[team.organization.slug]))
        html = html.content.decode()
        for person in (team.owner, team.admin, team.member):
            assert person_url(person) in html
        for person in (team.owner, team.member):
            assert reverse("messaging:start_user", args=[person.pk]) in html
        assert reverse("messaging:start_user", args=[team.admin.pk]) not in html  # oneself


def test_people_is_a_reserved_slug():
    with pytest.raises(ValidationError, match="reserved"):
        validate_not_reserved_slug("people")
    assert services.organization_create(
        creator=UserFactory.create(), name="People", kind="ngo"
    ).slug.startswith("people-")
