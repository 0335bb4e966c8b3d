import re
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from members import selectors, services
from members.models import (
    Invitation,
    JoinRequest,
    Membership,
    Organization,
    RequestStatus,
    Role,
    ShortlistEntry,
    Tag,
)
from members.search import is_postgres
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

from .conftest import make_bin

pytestmark = pytest.mark.django_db


def active_organization(user, session):
    membership = selectors.membership_get_active(user=user, request_session=session)
    assert membership is not None
    return membership.organization


def role_of(user, organization):
    return Membership.objects.get(user=user, organization=organization).role


class TestOrganizations:
    def test_creator_becomes_owner_and_search_text_is_filled(self, user):
        organization = services.organization_create(
            creator=user, name="  Qazaq   NLP ", kind="startup", tags="NLP, Kazakh Language"
        )
        assert organization.name == "Qazaq NLP"
        assert organization.slug == "qazaq-nlp"
        assert role_of(user, organization) == Role.OWNER
        organization.refresh_from_db()
        assert organization.tags_text == "kazakh language nlp"
        assert organization.tag_ids == sorted(tag.pk for tag in organization.tags.all())
        assert len(organization.tag_ids) == 2
        if is_postgres():
            assert organization.search_vector
        else:
            assert "qazaq nlp" in organization.search_document

    def test_slug_never_shadows_a_page(self, user):
        organization = services.organization_create(creator=user, name="New", kind="ngo")
        assert organization.slug != "new"

    def test_tags_are_shared_vocabulary(self, user, other_user):
        a = services.organization_create(creator=user, name="A", kind="ngo", tags="Open Data")
        b = services.organization_create(
            creator=other_user, name="B", kind="ngo", tags="open  data"
        )
        assert list(a.tags.all()) == list(b.tags.all())

    def test_invalid_bin_is_refused(self, user):
        with pytest.raises(ValidationError):
            services.organization_create(creator=user, name="A", kind="ngo", bin="123456789012")
        assert not Organization.objects.exists()

    def test_bin_is_unique(self, user):
        services.organization_create(creator=user, name="A", kind="ngo", bin=make_bin())
        with pytest.raises(ValidationError):
            services.organization_create(creator=user, name="B", kind="ngo", bin=make_bin())

    def test_coordinates_come_in_pairs(self, user):
        with pytest.raises(ValidationError):
            services.organization_create(creator=user, name="A", kind="ngo", latitude=43.2)

    def test_update_by_admin(self, team):
        services.organization_update(
            actor=team.admin,
            organization=team.organization,
            data={"tagline": "New line"},
            tags="drones",
        )
        team.organization.refresh_from_db()
        assert team.organization.tagline == "New line"
        assert team.organization.tags_text == "drones"
        assert team.organization.tag_ids == [Tag.objects.get(name="drones").pk]

    @pytest.mark.parametrize("who", ["member", "outsider", "moderator"])
    def test_update_refused_to_others(self, team, who):
        with pytest.raises(PermissionDenied):
            services.organization_update(
                actor=team.who(who), organization=team.organization, data={"tagline": "x"}
            )

    def test_update_refuses_unknown_fields(self, team):
        with pytest.raises(ValidationError):
            services.organization_update(
                actor=team.owner, organization=team.organization, data={"verified_at": None}
            )


class TestVerification:
    def test_moderator_verifies_and_is_recorded(self, team):
        team.organization.bin = make_bin()
        team.organization.save()
        services.organization_verify(moderator=team.moderator, organization=team.organization)
        team.organization.refresh_from_db()
        assert team.organization.is_verified
        assert team.organization.verified_by == team.moderator

    def test_bin_required_before_verification(self, team):
        with pytest.raises(ValidationError):
            services.organization_verify(moderator=team.moderator, organization=team.organization)

    @pytest.mark.parametrize("who", ["owner", "admin", "member", "outsider"])
    def test_only_moderators_verify(self, team, who):
        with pytest.raises(PermissionDenied):
            services.organization_verify(moderator=team.who(who), organization=team.organization)

    def test_only_verified_government_posts_city_problems(self):
        assert not OrganizationFactory.create(kind="government").can_post_city_problems
        assert not OrganizationFactory.create(kind="startup", verified=True).can_post_city_problems
        assert OrganizationFactory.create(kind="government", verified=True).can_post_city_problems

    def test_verified_organisation_keeps_its_bin(self, team):
        team.organization.bin = make_bin()
        team.organization.save()
        services.organization_verify(moderator=team.moderator, organization=team.organization)
        with pytest.raises(ValidationError):
            services.organization_update(
                actor=team.owner, organization=team.organization, data={"bin": ""}
            )


class TestRoles:
    def test_owner_promotes_and_demotes(self, team):
        services.membership_change_role(
            actor=team.owner, organization=team.organization, user=team.member, role=Role.ADMIN
        )
        assert role_of(team.member, team.organization) == Role.ADMIN

    def test_admin_changes_member_roles(self, team):
        services.membership_change_role(
            actor=team.admin, organization=team.organization, user=team.member, role=Role.ADMIN
        )
        assert role_of(team.member, team.organization) == Role.ADMIN

    def test_admin_cannot_make_owners_or_touch_owners(self, team):
        with pytest.raises(PermissionDenied):
            services.membership_change_role(
                actor=team.admin, organization=team.organization, user=team.member, role=Role.OWNER
            )
        with pytest.raises(PermissionDenied):
            services.membership_change_role(
                actor=team.admin, organization=team.organization, user=team.owner, role=Role.MEMBER
            )

    @pytest.mark.parametrize("who", ["member", "outsider", "moderator"])
    def test_others_cannot_change_roles(self, team, who):
        with pytest.raises(PermissionDenied):
            services.membership_change_role(
                actor=team.who(who),
                organization=team.organization,
                user=team.admin,
                role=Role.MEMBER,
            )

    def test_last_owner_cannot_be_demoted(self, team):
        with pytest.raises(ValidationError):
            services.membership_change_role(
                actor=team.owner, organization=team.organization, user=team.owner, role=Role.ADMIN
            )
        assert role_of(team.owner, team.organization) == Role.OWNER

    def test_one_of_two_owners_can_step_down(self, team):
        services.membership_change_role(
            actor=team.owner, organization=team.organization, user=team.admin, role=Role.OWNER
        )
        services.membership_change_role(
            actor=team.owner, organization=team.organization, user=team.owner, role=Role.MEMBER
        )
        assert role_of(team.owner, team.organization) == Role.MEMBER

    def test_transfer_ownership(self, team):
        services.membership_transfer_ownership(
            actor=team.owner, organization=team.organization, to_user=team.member
        )
        assert role_of(team.member, team.organization) == Role.OWNER
        assert role_of(team.owner, team.organization) == Role.ADMIN

    @pytest.mark.parametrize("who", ["admin", "member"])
    def test_only_owners_transfer(self, team, who):
        with pytest.raises(PermissionDenied):
            services.membership_transfer_ownership(
                actor=team.who(who), organization=team.organization, to_user=team.member
            )

    def test_transfer_to_an_outsider_is_refused(self, team):
        with pytest.raises(ValidationError):
            services.membership_transfer_ownership(
                actor=team.owner, organization=team.organization, to_user=team.outsider
            )


class TestLeavingAndRemoving:
    def test_member_leaves(self, team):
        services.membership_leave(user=team.member, organization=team.organization)
        assert not Membership.objects.filter(user=team.member).exists()

    def test_last_owner_cannot_leave(self, team):
        with pytest.raises(ValidationError):
            services.membership_leave(user=team.owner, organization=team.organization)

    def test_admin_removes_a_member(self, team):
        services.membership_remove(
            actor=team.admin, organization=team.organization, user=team.member
        )
        assert not Membership.objects.filter(user=team.member).exists()

    def test_admin_cannot_remove_the_owner(self, team):
        with pytest.raises(PermissionDenied):
            services.membership_remove(
                actor=team.admin, organization=team.organization, user=team.owner
            )

    def test_nobody_removes_the_last_owner(self, team):
        with pytest.raises(ValidationError):
            services.membership_remove(
                actor=team.owner, organization=team.organization, user=team.owner
            )
        assert role_of(team.owner, team.organization) == Role.OWNER

    @pytest.mark.parametrize("who", ["member", "outsider", "moderator"])
    def test_others_cannot_remove(self, team, who):
        with pytest.raises(PermissionDenied):
            services.membership_remove(
                actor=team.who(who), organization=team.organization, user=team.admin
            )


class TestInvitations:
    def test_invitation_is_emailed_after_commit(self, team, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            invitation = services.invitation_create(
                actor=team.admin, organization=team.organization, email="New@Person.example"
            )
            assert mail.outbox == []
        for callback in callbacks:
            callback()
        assert invitation.email == "new@person.example"
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["new@person.example"]
        assert team.organization.name in message.subject
        # The signed token carries a timestamp, so compare what it opens, not its text.
        token = re.search(r"/members/invitations/([^/\s]+)/", str(message.body))
        assert token is not None
        assert selectors.invitation_get_by_token(token=token.group(1)) == invitation

    def test_accept_with_matching_email(self, team, django_capture_on_commit_callbacks):
        invitee = UserFactory.create(email="invitee@example.com")
        invitation = services.invitation_create(
            actor=team.owner, organization=team.organization, email=invitee.email, role=Role.ADMIN
        )
        services.invitation_accept(user=invitee, invitation=invitation)
        assert role_of(invitee, team.organization) == Role.ADMIN
        invitation.refresh_from_db()
        assert invitation.status == RequestStatus.ACCEPTED
        assert invitation.accepted_by == invitee

    def test_someone_else_cannot_accept(self, team):
        invitation = services.invitation_create(
            actor=team.owner, organization=team.organization, email="invitee@example.com"
        )
        with pytest.raises(PermissionDenied):
            services.invitation_accept(user=team.outsider, invitation=invitation)

    def test_expired_invitation(self, team):
        invitee = UserFactory.create(email="late@example.com")
        invitation = services.invitation_create(
            actor=team.owner, organization=team.organization, email=invitee.email
        )
        Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
        invitation.refresh_from_db()
        with pytest.raises(ValidationError):
            services.invitation_accept(user=invitee, invitation=invitation)

    def test_used_invitation_cannot_be_reused(self, team):
        invitee = UserFactory.create(email="once@example.com")
        invitation = services.invitation_create(
            actor=team.owner, organization=team.organization, email=invitee.email
        )
        services.invitation_accept(user=invitee, invitation=invitation)
        with pytest.raises(ValidationError):
            services.invitation_accept(user=invitee, invitation=invitation)

    def test_new_invitation_replaces_the_old_link(self, team):
        first = services.invitation_create(
            actor=team.owner, organization=team.organization, email="x@example.com"
        )
        services.invitation_create(
            actor=team.owner, organization=team.organization, email="x@example.com"
        )
        first.refresh_from_db()
        assert first.status == RequestStatus.REVOKED

    def test_daily_invitation_limit(self, team, monkeypatch):
        monkeypatch.setattr(services, "MAX_INVITATIONS_PER_DAY", 2)
        for n in range(2):
            services.invitation_create(
                actor=team.owner, organization=team.organization, email=f"p{n}@example.com"
            )
        with pytest.raises(ValidationError):
            services.invitation_create(
                actor=team.owner, organization=team.organization, email="p3@example.com"
            )

    def test_existing_member_cannot_be_invited(self, team):
        with pytest.raises(ValidationError):
            services.invitation_create(
                actor=team.owner, organization=team.organization, email=team.member.email
            )

    @pytest.mark.parametrize("who", ["member", "outsider", "moderator"])
    def test_only_managers_invite(self, team, who):
        with pytest.raises(PermissionDenied):
            services.invitation_create(
                actor=team.who(who), organization=team.organization, email="x@example.com"
            )

    def test_admin_cannot_invite_an_owner(self, team):
        with pytest.raises(PermissionDenied):
            services.invitation_create(
                actor=team.admin,
                organization=team.organization,
                email="x@example.com",
                role=Role.OWNER,
            )

    def test_forged_token_is_not_found(self):
        from django.http import Http404

        with pytest.raises(Http404):
            selectors.invitation_get_by_token(token="MQ:forged:signature")


class TestJoinRequests:
    def test_request_notifies_managers_and_admin_approves(
        self, team, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            join_request = services.join_request_create(
                user=team.outsider, organization=team.organization, message="Hello"
            )
        recipients = sorted(address for message in mail.outbox for address in message.to)
        assert recipients == sorted([team.owner.email, team.admin.email])
        services.join_request_approve(actor=team.admin, join_request=join_request)
        assert role_of(team.outsider, team.organization) == Role.MEMBER

    def test_decline(self, team):
        join_request = services.join_request_create(
            user=team.outsider, organization=team.organization
        )
        services.join_request_decline(actor=team.owner, join_request=join_request)
        join_request.refresh_from_db()
        assert join_request.status == RequestStatus.DECLINED
        assert not Membership.objects.filter(user=team.outsider).exists()

    def test_one_pending_request_at_a_time(self, team):
        services.join_request_create(user=team.outsider, organization=team.organization)
        with pytest.raises(ValidationError):
            services.join_request_create(user=team.outsider, organization=team.organization)

    def test_members_cannot_ask(self, team):
        with pytest.raises(ValidationError):
            services.join_request_create(user=team.member, organization=team.organization)

    @pytest.mark.parametrize("who", ["member", "outsider", "moderator"])
    def test_only_managers_decide(self, team, who):
        join_request = services.join_request_create(
            user=UserFactory.create(), organization=team.organization
        )
        with pytest.raises(PermissionDenied):
            services.join_request_approve(actor=team.who(who), join_request=join_request)

    def test_answered_request_stays_answered(self, team):
        join_request = services.join_request_create(
            user=team.outsider, organization=team.organization
        )
        services.join_request_decline(actor=team.owner, join_request=join_request)
        with pytest.raises(ValidationError):
            services.join_request_approve(actor=team.owner, join_request=join_request)

    def test_withdraw(self, team):
        join_request = services.join_request_create(
            user=team.outsider, organization=team.organization
        )
        with pytest.raises(PermissionDenied):
            services.join_request_withdraw(user=team.member, join_request=join_request)
        services.join_request_withdraw(user=team.outsider, join_request=join_request)
        assert JoinRequest.objects.get().status == RequestStatus.WITHDRAWN


class TestActiveOrganization:
    def test_defaults_to_the_first_and_follows_the_switch(self, user):
        a = MembershipFactory.create(user=user, organization__name="Alpha").organization
        b = MembershipFactory.create(user=user, organization__name="Beta").organization
        session = SessionStore()
        assert active_organization(user, session) == a
        services.membership_set_active(user=user, organization=b, request_session=session)
        assert active_organization(user, session) == b

    def test_cannot_switch_to_a_foreign_organisation(self, user):
        session = SessionStore()
        with pytest.raises(PermissionDenied):
            services.membership_set_active(
                user=user, organization=OrganizationFactory.create(), request_session=session
            )

    def test_removed_member_no_longer_acts_for_it(self, user):
        a = MembershipFactory.create(user=user, organization__name="Alpha").organization
        b_membership = MembershipFactory.create(user=user, organization__name="Beta")
        session = SessionStore()
        services.membership_set_active(
            user=user, organization=b_membership.organization, request_session=session
        )
        b_membership.delete()
        assert active_organization(user, session) == a

    def test_nobody_without_organisations(self, user):
        from django.contrib.auth.models import AnonymousUser

        session = SessionStore()
        assert selectors.membership_get_active(user=user, request_session=session) is None
        assert (
            selectors.membership_get_active(user=AnonymousUser(), request_session=session) is None
        )


class TestShortlists:
    def test_shared_shortlist_is_visible_to_colleagues_only(self, team):
        shortlist = services.shortlist_create(
            owner=team.member, name="Pipeline", team=team.organization
        )
        target = OrganizationFactory.create()
        services.shortlist_add(
            actor=team.member, shortlist=shortlist, organization=target, note="!"
        )
        assert selectors.shortlist_get_for_user(user=team.admin, pk=shortlist.pk) == shortlist
        from django.http import Http404

        with pytest.raises(Http404):
            selectors.shortlist_get_for_user(user=team.outsider, pk=shortlist.pk)
        with pytest.raises(Http404):
            selectors.shortlist_get_for_user(user=team.moderator, pk=shortlist.pk)

    def test_private_shortlist(self, team):
        shortlist = services.shortlist_create(owner=team.member, name="Mine")
        from django.http import Http404

        with pytest.raises(Http404):
            selectors.shortlist_get_for_user(user=team.owner, pk=shortlist.pk)

    def test_cannot_share_with_a_foreign_organisation(self, team):
        with pytest.raises(PermissionDenied):
            services.shortlist_create(owner=team.outsider, name="x", team=team.organization)

    def test_adding_twice_keeps_one_entry_and_updates_the_note(self, team):
        shortlist = services.shortlist_create(owner=team.member, name="Pipeline")
        target = OrganizationFactory.create()
        services.shortlist_add(
            actor=team.member, shortlist=shortlist, organization=target, note="a"
        )
        services.shortlist_add(
            actor=team.member, shortlist=shortlist, organization=target, note="b"
        )
        assert ShortlistEntry.objects.get().note == "b"

    def test_only_the_owner_renames_or_deletes(self, team):
        shortlist = services.shortlist_create(owner=team.member, name="x", team=team.organization)
        with pytest.raises(PermissionDenied):
            services.shortlist_update(actor=team.admin, shortlist=shortlist, name="y", team=None)
        with pytest.raises(PermissionDenied):
            services.shortlist_delete(actor=team.admin, shortlist=shortlist)
