"""Proposals: who may send, see and move them; the response window and its metrics."""

from datetime import date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from boards import selectors, services
from boards.messaging_bridge import proposal_accepted_message
from boards.models import Holiday, PostKind, PostStatus, Proposal, ProposalStatus
from messaging import selectors as messaging_selectors
from messaging.models import Purpose
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

from .conftest import post_data

pytestmark = pytest.mark.django_db
ALMATY = ZoneInfo("Asia/Almaty")


def test_a_member_answers_on_behalf_of_their_organisation(proposal, cast, problem):
    assert proposal.organization == cast.startup
    assert proposal.author == cast.founder
    assert proposal.status == ProposalStatus.SUBMITTED
    # The proposer follows the post to hear what happens next.
    assert problem.follows.filter(user=cast.founder).exists()


def test_nobody_answers_their_own_organisations_post(problem, make_proposal, cast):
    with pytest.raises(ValidationError) as caught:
        make_proposal(problem, user=cast.official, org="ecology-dept")
    assert "organization" in caught.value.message_dict


def test_nobody_answers_for_an_organisation_they_are_not_in(problem, make_proposal, cast):
    with pytest.raises(ValidationError) as caught:
        make_proposal(problem, user=cast.outsider, org="airsense")
    assert "organization" in caught.value.message_dict


def test_one_live_proposal_per_organisation_and_post(problem, make_proposal, cast):
    first = make_proposal(problem)
    with pytest.raises(ValidationError):
        make_proposal(problem)
    services.proposal_withdraw(user=cast.founder, proposal=first)
    second = make_proposal(problem)
    assert second.pk != first.pk


@pytest.mark.parametrize("status", [PostStatus.DRAFT, PostStatus.REVIEWING, PostStatus.CLOSED])
def test_only_open_posts_take_proposals(status, make_post, make_proposal, cast):
    post = make_post(publish=status != PostStatus.DRAFT)
    if status == PostStatus.REVIEWING:
        post = services.post_transition(user=cast.official, post=post, to_status=status)
    if status == PostStatus.CLOSED:
        post = services.post_transition(
            user=cast.official, post=post, to_status=status, outcome="cancelled", statement="x"
        )
    with pytest.raises(ValidationError):
        make_proposal(post)


def test_no_proposals_after_the_deadline(problem, make_proposal):
    type(problem).objects.filter(pk=problem.pk).update(
        deadline=timezone.localdate() - timedelta(days=1)
    )
    problem.refresh_from_db()
    with pytest.raises(ValidationError):
        make_proposal(problem)


# --- Who sees proposals ----------------------------------------------------------------------
def test_the_posting_organisation_sees_all_a_proposer_its_own_others_none(
    problem, make_proposal, cast
):
    mine = make_proposal(problem)
    theirs = make_proposal(problem, user=cast.other_founder, org="parkit")

    def visible(user):
        return set(selectors.proposal_list_for_post(post=problem, viewer=user))

    assert visible(cast.official) == {mine, theirs}
    assert visible(cast.founder) == {mine}
    assert visible(cast.other_founder) == {theirs}
    assert visible(cast.outsider) == set()
    assert visible(cast.moderator) == set()
    from django.contrib.auth.models import AnonymousUser

    assert visible(AnonymousUser()) == set()
    view = selectors.proposal_view_for_post(post=problem, viewer=cast.outsider)
    assert view.total == 2


def test_a_single_proposal_is_404_for_whoever_may_not_see_it(proposal, cast):
    assert selectors.proposal_get_for_viewer(proposal_id=proposal.pk, viewer=cast.official)
    assert selectors.proposal_get_for_viewer(proposal_id=proposal.pk, viewer=cast.founder)
    for user in (cast.outsider, cast.other_founder, cast.moderator):
        with pytest.raises(Http404):
            selectors.proposal_get_for_viewer(proposal_id=proposal.pk, viewer=user)


# --- Status moves by the side allowed to make them -------------------------------------------
def test_the_posting_organisation_shortlists_accepts_and_declines(problem, make_proposal, cast):
    proposal = make_proposal(problem)
    proposal = services.proposal_shortlist(user=cast.official, proposal=proposal)
    assert proposal.status == ProposalStatus.SHORTLISTED
    assert proposal.first_response_at is not None
    first_response = proposal.first_response_at
    proposal = services.proposal_accept(user=cast.official, proposal=proposal)
    assert proposal.status == ProposalStatus.ACCEPTED
    assert proposal.first_response_at == first_response  # the first response stays the first

    other = make_proposal(problem, user=cast.other_founder, org="parkit")
    with pytest.raises(ValidationError) as caught:
        services.proposal_decline(user=cast.official, proposal=other, reason="  ")
    assert "reason" in caught.value.message_dict
    other = services.proposal_decline(user=cast.official, proposal=other, reason="Too costly.")
    assert (other.status, other.decision_reason) == (ProposalStatus.DECLINED, "Too costly.")


def test_a_failing_conversation_rolls_the_acceptance_back(proposal, cast):
    with (
        mock.patch("boards.services.proposal_conversation_start", side_effect=RuntimeError("down")),
        pytest.raises(RuntimeError),
    ):
        services.proposal_accept(user=cast.official, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED


def test_accepting_opens_a_conversation_between_the_two_inboxes(
    proposal, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_accept(user=cast.official, proposal=proposal)
    # The proposer's side finds it in its organisation inbox, seeded with the link.
    conversations = list(messaging_selectors.conversation_list_for_user(user=cast.founder))
    assert len(conversations) == 1
    conversation = conversations[0]
    assert conversation.purpose == Purpose.CITY_PILOT
    messages, _more = messaging_selectors.message_list_for_user(
        user=cast.founder, conversation_id=conversation.pk
    )
    assert [m.sender_id for m in messages] == [cast.official.pk]
    assert f"/boards/{proposal.post_id}/#proposal-{proposal.pk}" in messages[0].body
    assert messages[0].sender_organization_id == cast.department.pk
    # Nobody else can see it.
    assert not messaging_selectors.conversation_list_for_user(user=cast.other_founder).exists()
    assert not messaging_selectors.conversation_list_for_user(user=cast.outsider).exists()


def test_the_accepted_message_links_the_proposal(proposal):
    text = proposal_accepted_message(proposal, base_url="https://ucs.example")
    assert f"https://ucs.example/boards/{proposal.post_id}/#proposal-{proposal.pk}" in text
    assert "AirSense" in text


@pytest.mark.parametrize("status", ["shortlisted", "accepted", "declined"])
def test_proposers_and_outsiders_cannot_decide(proposal, cast, status):
    for user in (cast.founder, cast.outsider, cast.moderator):
        with pytest.raises(PermissionDenied):
            services.proposal_set_status(user=user, proposal=proposal, status=status, reason="x")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED


def test_only_the_proposer_withdraws_and_only_until_a_decision(problem, make_proposal, cast):
    proposal = make_proposal(problem)
    for user in (cast.official, cast.outsider, cast.other_founder):
        with pytest.raises(PermissionDenied):
            services.proposal_withdraw(user=user, proposal=proposal)
    services.proposal_shortlist(user=cast.official, proposal=proposal)
    withdrawn = services.proposal_withdraw(user=cast.founder, proposal=proposal)
    assert withdrawn.status == ProposalStatus.WITHDRAWN

    again = make_proposal(problem)
    services.proposal_decline(user=cast.official, proposal=again, reason="No.")
    with pytest.raises(ValidationError):
        services.proposal_withdraw(user=cast.founder, proposal=again)


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("accepted", "shortlisted"),
        ("accepted", "declined"),
        ("declined", "accepted"),
        ("shortlisted", "shortlisted"),
        ("withdrawn", "accepted"),
    ],
)
def test_illegal_proposal_moves_are_refused(proposal, cast, start, target):
    Proposal.objects.filter(pk=proposal.pk).update(status=start)
    with pytest.raises(ValidationError):
        services.proposal_set_status(
            user=cast.official, proposal=proposal, status=target, reason="r"
        )


def test_no_decisions_on_a_closed_post(problem, proposal, cast):
    Proposal.objects.filter(pk=proposal.pk).update(status="shortlisted")
    type(problem).objects.filter(pk=problem.pk).update(status=PostStatus.CLOSED)
    with pytest.raises(ValidationError):
        services.proposal_accept(user=cast.official, proposal=proposal)


# --- The response window ---------------------------------------------------------------------
def _submit_on(day: date, make_proposal, post, **kw):
    moment = datetime(day.year, day.month, day.day, 11, 0, tzinfo=ALMATY)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return make_proposal(post, **kw)


def test_problems_get_a_due_date_in_working_days(settings, make_post, make_proposal, cast):
    settings.BOARDS_RESPONSE_WINDOW_WORKING_DAYS = 3
    Holiday.objects.create(date=date(2026, 12, 16), name="Independence Day")
    post = make_post(deadline=date(2027, 1, 31))
    # Friday 11 December 2026: Mon 14, Tue 15, (Wed 16 holiday), Thu 17.
    proposal = _submit_on(date(2026, 12, 11), make_proposal, post)
    assert proposal.response_due_on == date(2026, 12, 17)


def test_projects_and_calls_carry_no_response_commitment(make_post, make_proposal, cast):
    post = services.post_create(
        user=cast.founder,
        organization_slug="airsense",
        publish=True,
        **post_data(kind=PostKind.CALL),
    )
    proposal = make_proposal(post, user=cast.other_founder, org="parkit")
    assert proposal.response_due_on is None
    assert not proposal.is_overdue(timezone.localdate() + timedelta(days=365))


def test_proposals_past_the_window_without_an_answer_are_overdue(problem, proposal, cast):
    due = proposal.response_due_on
    assert not proposal.is_overdue(due)
    assert proposal.is_overdue(due + timedelta(days=1))
    overdue = selectors.proposal_list_overdue(today=due + timedelta(days=1))
    assert list(overdue) == [proposal]
    # Only the department's members see its overdue list.
    assert (
        list(
            selectors.proposal_list_overdue_for_organization(
                organization=cast.department, viewer=cast.founder
            )
        )
        == []
    )
    services.proposal_shortlist(user=cast.official, proposal=proposal)
    proposal.refresh_from_db()
    assert not proposal.is_overdue(due + timedelta(days=1))


def test_response_metrics(settings, make_post, make_proposal, cast):
    settings.BOARDS_RESPONSE_WINDOW_WORKING_DAYS = 2
    post = make_post(deadline=date(2027, 1, 31))
    monday = date(2026, 11, 23)
    # Answered after 1 working day (on time), after 4 working days (late), never (overdue),
    # and one still inside its window (not counted).
    on_time = _submit_on(monday, make_proposal, post)
    late = _submit_on(monday, make_proposal, post, user=cast.other_founder, org="parkit")
    people = []
    for _ in range(2):
        org = OrganizationFactory.create()
        person = UserFactory.create()
        MembershipFactory.create(user=person, organization=org)
        people.append((person, org))
    never = _submit_on(monday, make_proposal, post, user=people[0][0], org=people[0][1].slug)
    fresh = _submit_on(
        date(2026, 12, 1), make_proposal, post, user=people[1][0], org=people[1][1].slug
    )
    Proposal.objects.filter(pk=on_time.pk).update(
        first_response_at=datetime(2026, 11, 24, 10, tzinfo=ALMATY)
    )
    Proposal.objects.filter(pk=late.pk).update(
        first_response_at=datetime(2026, 11, 27, 10, tzinfo=ALMATY)
    )
    metrics = selectors.response_metrics_for_organization(
        organization=cast.department, today=date(2026, 12, 2)
    )
    assert metrics is not None
    assert (metrics.proposals, metrics.on_time, metrics.answered) == (3, 1, 2)
    assert metrics.rate == 33
    assert metrics.median_working_days == 2.5  # 1 and 4 working days
    assert never.response_due_on < fresh.response_due_on
    assert selectors.response_metrics_for_organization(organization=cast.startup) is None


def test_metrics_with_nothing_to_measure(cast):
    metrics = selectors.response_metrics_for_organization(organization=cast.department)
    assert metrics is not None
    assert metrics.rate is None
    assert metrics.median_working_days is None


def test_a_removed_member_can_no_longer_decide(cast, proposal):
    from members.models import Membership

    Membership.objects.filter(user=cast.official).delete()
    with pytest.raises(PermissionDenied):
        services.proposal_shortlist(user=cast.official, proposal=proposal)
