"""The post lifecycle: who may publish what, every legal move, every illegal one refused."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from boards import services
from boards.models import Post, PostEvent, PostKind, PostStatus, ProposalStatus
from members.models import OrganizationKind, Role
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

from .conftest import post_data

pytestmark = pytest.mark.django_db

# A path from draft to each status, and what each move needs.
PATH: dict[str, list[str]] = {
    PostStatus.DRAFT: [],
    PostStatus.OPEN: [PostStatus.OPEN],
    PostStatus.REVIEWING: [PostStatus.OPEN, PostStatus.REVIEWING],
    PostStatus.IN_PROGRESS: [PostStatus.OPEN, PostStatus.REVIEWING, PostStatus.IN_PROGRESS],
    PostStatus.COMPLETED: [
        PostStatus.OPEN,
        PostStatus.REVIEWING,
        PostStatus.IN_PROGRESS,
        PostStatus.COMPLETED,
    ],
    PostStatus.CLOSED: [PostStatus.CLOSED],
}
LEGAL = {
    (PostStatus.DRAFT, PostStatus.OPEN),
    (PostStatus.DRAFT, PostStatus.CLOSED),
    (PostStatus.OPEN, PostStatus.REVIEWING),
    (PostStatus.OPEN, PostStatus.CLOSED),
    (PostStatus.REVIEWING, PostStatus.IN_PROGRESS),
    (PostStatus.REVIEWING, PostStatus.CLOSED),
    (PostStatus.IN_PROGRESS, PostStatus.COMPLETED),
    (PostStatus.IN_PROGRESS, PostStatus.CLOSED),
}


def _ending(target: str) -> dict[str, str]:
    if target == PostStatus.COMPLETED:
        return {"outcome": "piloted", "statement": "Piloted in two districts."}
    if target == PostStatus.CLOSED:
        return {"outcome": "cancelled", "statement": "Budget withdrawn."}
    return {}


def post_in(status: str, make_post, cast) -> Post:
    post = make_post(publish=False)
    for step in PATH[status]:
        post = services.post_transition(
            user=cast.official, post=post, to_status=step, **_ending(step)
        )
    assert post.status == status
    return post


@pytest.mark.parametrize("current", PostStatus.values)
@pytest.mark.parametrize("target", PostStatus.values)
def test_every_transition_is_allowed_or_refused(current, target, make_post, cast):
    post = post_in(current, make_post, cast)
    if (current, target) in LEGAL:
        moved = services.post_transition(
            user=cast.official, post=post, to_status=target, **_ending(target)
        )
        assert moved.status == target
        last = moved.events.order_by("-id")[0]
        assert (last.from_status, last.to_status) == (current, target)
    else:
        with pytest.raises(ValidationError) as caught:
            services.post_transition(
                user=cast.official, post=post, to_status=target, **_ending(target)
            )
        assert "status" in caught.value.message_dict
        post.refresh_from_db()
        assert post.status == current


@pytest.mark.parametrize("target", [PostStatus.COMPLETED, PostStatus.CLOSED])
def test_ending_requires_an_outcome_and_a_statement(target, make_post, cast):
    post = post_in(PostStatus.IN_PROGRESS, make_post, cast)
    with pytest.raises(ValidationError) as caught:
        services.post_transition(user=cast.official, post=post, to_status=target)
    assert {"outcome", "statement"} <= set(caught.value.message_dict)
    with pytest.raises(ValidationError) as caught:
        services.post_transition(
            user=cast.official, post=post, to_status=target, outcome="piloted", statement="   "
        )
    assert "statement" in caught.value.message_dict
    post.refresh_from_db()
    assert post.status == PostStatus.IN_PROGRESS


def test_completing_needs_a_delivered_outcome(make_post, cast):
    post = post_in(PostStatus.IN_PROGRESS, make_post, cast)
    with pytest.raises(ValidationError) as caught:
        services.post_transition(
            user=cast.official,
            post=post,
            to_status=PostStatus.COMPLETED,
            outcome="cancelled",
            statement="No.",
        )
    assert "outcome" in caught.value.message_dict


def test_an_outcome_is_refused_on_a_move_that_does_not_end_the_post(make_post, cast):
    post = post_in(PostStatus.OPEN, make_post, cast)
    with pytest.raises(ValidationError):
        services.post_transition(
            user=cast.official, post=post, to_status=PostStatus.REVIEWING, outcome="piloted"
        )


def test_the_timeline_keeps_every_move_with_the_public_statement(make_post, cast):
    post = post_in(PostStatus.COMPLETED, make_post, cast)
    events = list(post.events.order_by("id").values_list("kind", "to_status", "outcome", "note"))
    assert events == [
        (PostEvent.Kind.CREATED, PostStatus.DRAFT, "", ""),
        (PostEvent.Kind.PUBLISHED, PostStatus.OPEN, "", ""),
        (PostEvent.Kind.STATUS, PostStatus.REVIEWING, "", ""),
        (PostEvent.Kind.STATUS, PostStatus.IN_PROGRESS, "", ""),
        (PostEvent.Kind.STATUS, PostStatus.COMPLETED, "piloted", "Piloted in two districts."),
    ]
    post.refresh_from_db()
    assert (post.outcome, post.outcome_statement) == ("piloted", "Piloted in two districts.")


def test_publishing_at_once_records_the_draft_and_the_publication(make_post):
    post = make_post(publish=True)
    assert post.status == PostStatus.OPEN
    assert post.published_at is not None
    assert list(post.events.values_list("kind", flat=True)) == ["created", "published"]


def test_a_draft_with_a_past_deadline_cannot_be_published(make_post, cast):
    post = make_post(publish=False, deadline=timezone.localdate() - timedelta(days=1))
    with pytest.raises(ValidationError) as caught:
        services.post_transition(user=cast.official, post=post, to_status=PostStatus.OPEN)
    assert "deadline" in caught.value.message_dict


# --- Who may publish a city problem --------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "verified", "allowed"),
    [
        (OrganizationKind.GOVERNMENT, True, True),
        (OrganizationKind.GOVERNMENT, False, False),
        (OrganizationKind.STARTUP, True, False),
        (OrganizationKind.UNIVERSITY, True, False),
    ],
)
def test_only_verified_government_organisations_publish_problems(kind, verified, allowed):
    organization = OrganizationFactory.create(kind=kind, verified=verified)
    member = UserFactory.create()
    MembershipFactory.create(user=member, organization=organization, role=Role.MEMBER)
    data = post_data(kind=PostKind.PROBLEM)
    if allowed:
        post = services.post_create(
            user=member, organization_slug=organization.slug, publish=True, **data
        )
        assert post.kind == PostKind.PROBLEM
    else:
        with pytest.raises(ValidationError) as caught:
            services.post_create(
                user=member, organization_slug=organization.slug, publish=True, **data
            )
        assert "kind" in caught.value.message_dict
        assert not Post.objects.exists()


def test_any_member_organisation_publishes_projects_and_calls(cast):
    for kind in (PostKind.PROJECT, PostKind.CALL):
        post = services.post_create(
            user=cast.founder, organization_slug="airsense", publish=True, **post_data(kind=kind)
        )
        assert post.organization == cast.startup


def test_nobody_acts_for_an_organisation_they_do_not_belong_to(cast):
    with pytest.raises(ValidationError) as caught:
        services.post_create(
            user=cast.outsider, organization_slug="ecology-dept", publish=True, **post_data()
        )
    assert "organization" in caught.value.message_dict


def test_a_draft_cannot_become_a_problem_for_a_non_government_organisation(cast):
    post = services.post_create(
        user=cast.founder,
        organization_slug="airsense",
        publish=False,
        **post_data(kind=PostKind.PROJECT),
    )
    with pytest.raises(ValidationError):
        services.post_update(user=cast.founder, post=post, kind=PostKind.PROBLEM)


def test_labels_are_validated(cast):
    with pytest.raises(ValidationError) as caught:
        services.post_create(
            user=cast.official,
            organization_slug="ecology-dept",
            **post_data(categories=[], districts=["atlantis"]),
        )
    assert {"categories", "districts"} <= set(caught.value.message_dict)


def test_tags_are_normalised(make_post):
    post = make_post(tags=["  Air   Quality ", "air quality", "IoT"])
    post = Post.objects.prefetch_related("labels").get(pk=post.pk)
    assert post.tags == ["air quality", "iot"]


def test_budget_range_must_be_ordered(cast):
    with pytest.raises(ValidationError) as caught:
        services.post_create(
            user=cast.official,
            organization_slug="ecology-dept",
            **post_data(budget_min=10, budget_max=5),
        )
    assert "budget_max" in caught.value.message_dict


# --- Who may change what ---------------------------------------------------------------------
def test_outsiders_and_proposers_cannot_change_a_status(problem, proposal, cast):
    for user in (cast.outsider, cast.founder):
        with pytest.raises(PermissionDenied):
            services.post_transition(user=user, post=problem, to_status=PostStatus.REVIEWING)
        with pytest.raises(PermissionDenied):
            services.post_update(user=user, post=problem, title="Hijacked")
    problem.refresh_from_db()
    assert problem.status == PostStatus.OPEN


def test_a_moderator_may_close_with_a_statement_but_not_move_a_post_otherwise(problem, cast):
    with pytest.raises(PermissionDenied):
        services.post_transition(user=cast.moderator, post=problem, to_status=PostStatus.REVIEWING)
    closed = services.post_transition(
        user=cast.moderator,
        post=problem,
        to_status=PostStatus.CLOSED,
        outcome="cancelled",
        statement="Removed by moderation: duplicate of another problem.",
    )
    assert closed.status == PostStatus.CLOSED
    assert closed.events.order_by("-id")[0].actor == cast.moderator


def test_a_final_post_cannot_be_edited(make_post, cast):
    post = post_in(PostStatus.CLOSED, make_post, cast)
    with pytest.raises(ValidationError):
        services.post_update(user=cast.official, post=post, title="Again")


def test_editing_a_published_post_is_on_the_timeline_and_kind_is_fixed(problem, cast):
    services.post_update(user=cast.official, post=problem, title="A sharper title")
    assert problem.events.last().kind == PostEvent.Kind.UPDATED
    with pytest.raises(ValidationError):
        services.post_update(user=cast.official, post=problem, kind=PostKind.PROJECT)


def test_ending_a_post_answers_every_waiting_proposal(problem, make_proposal, cast):
    waiting = make_proposal(problem)
    shortlisted = make_proposal(problem, user=cast.other_founder, org="parkit")
    services.proposal_shortlist(user=cast.official, proposal=shortlisted)
    services.post_transition(
        user=cast.official,
        post=problem,
        to_status=PostStatus.CLOSED,
        outcome="no_suitable_proposal",
        statement="None fits the budget.",
    )
    for proposal in (waiting, shortlisted):
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.DECLINED
        assert proposal.decision_reason == "None fits the budget."
        assert proposal.first_response_at is not None
