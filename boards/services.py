"""Every write on the boards: posts, their lifecycle and timeline, proposals, follows, matches."""

import logging
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.uploads import check_attachment
from members.models import District, Membership, Organization
from members.selectors import is_member
from members.tags import tag_normalize

from . import matching
from .attachments import MAX_ATTACHMENTS
from .messaging_bridge import proposal_conversation_start
from .models import (
    Attachment,
    Category,
    LabelAxis,
    Outcome,
    Post,
    PostEvent,
    PostFollow,
    PostKind,
    PostLabel,
    PostMatch,
    PostStatus,
    Proposal,
    ProposalStatus,
)
from .selectors import can_publish_problems, holiday_dates
from .workdays import add_working_days

logger = logging.getLogger(__name__)

# The lifecycle. Closing is possible from every state that is not already final.
TRANSITIONS: dict[str, frozenset[str]] = {
    PostStatus.DRAFT: frozenset({PostStatus.OPEN, PostStatus.CLOSED}),
    PostStatus.OPEN: frozenset({PostStatus.REVIEWING, PostStatus.CLOSED}),
    PostStatus.REVIEWING: frozenset({PostStatus.IN_PROGRESS, PostStatus.CLOSED}),
    PostStatus.IN_PROGRESS: frozenset({PostStatus.COMPLETED, PostStatus.CLOSED}),
    PostStatus.COMPLETED: frozenset(),
    PostStatus.CLOSED: frozenset(),
}
# Completing means something was delivered; closing can end any way.
OUTCOMES_FOR: dict[str, frozenset[str]] = {
    PostStatus.COMPLETED: frozenset({Outcome.PILOTED, Outcome.PROCURED}),
    PostStatus.CLOSED: frozenset(Outcome.values),
}
# Decisions on proposals happen while the post is live.
DECIDING_STATUSES = frozenset({PostStatus.OPEN, PostStatus.REVIEWING, PostStatus.IN_PROGRESS})
MAX_TAGS = 12


# --- Acting for an organisation --------------------------------------------------------------
def _acting_organization(*, user: User, organization_slug: str) -> Organization:
    """The organisation named by slug, if the authenticated user is one of its members."""
    membership = (
        Membership.objects.filter(user=user, organization__slug=organization_slug)
        .select_related("organization")
        .first()
    )
    if membership is None:
        raise ValidationError(
            {"organization": _("You can only act for an organisation you are a member of.")}
        )
    return membership.organization


def _require_manager(*, user: User, post: Post) -> None:
    if not is_member(user=user, organization_id=post.organization_id):
        raise PermissionDenied(
            _("Only members of %(org)s can do this.") % {"org": post.organization}
        )


# --- Labels ----------------------------------------------------------------------------------
def _clean_labels(
    *, categories: Sequence[str], districts: Sequence[str], tags: Sequence[str]
) -> dict[str, list[str]]:
    errors: dict[str, str] = {}
    categories = list(dict.fromkeys(categories))
    districts = list(dict.fromkeys(districts))
    if not categories:
        errors["categories"] = _("Choose at least one category.")
    elif unknown := [c for c in categories if c not in Category.values]:
        errors["categories"] = _("Unknown category: %(value)s.") % {"value": ", ".join(unknown)}
    if unknown := [d for d in districts if d not in District.values]:
        errors["districts"] = _("Unknown district: %(value)s.") % {"value": ", ".join(unknown)}
    cleaned_tags: list[str] = []
    for tag in tags:
        tag = tag_normalize(tag)
        if not tag:
            continue
        if len(tag) > 50:
            errors["tags"] = _("A tag can be at most 50 characters long.")
        elif tag not in cleaned_tags:
            cleaned_tags.append(tag)
    if len(cleaned_tags) > MAX_TAGS:
        errors["tags"] = _("At most %(n)d tags.") % {"n": MAX_TAGS}
    if errors:
        raise ValidationError(errors)
    return {
        LabelAxis.CATEGORY: categories,
        LabelAxis.DISTRICT: districts,
        LabelAxis.TAG: cleaned_tags,
    }


def _save_labels(*, post: Post, labels: dict[str, list[str]]) -> None:
    post.labels.all().delete()
    PostLabel.objects.bulk_create(
        PostLabel(post=post, axis=axis, value=value)
        for axis, values in labels.items()
        for value in values
    )
    # Drop any prefetched labels so the properties read the new ones.
    getattr(post, "_prefetched_objects_cache", {}).pop("labels", None)


# --- Posts -----------------------------------------------------------------------------------
POST_FIELDS = (
    "title",
    "summary",
    "body",
    "expected_outcome",
    "deadline",
    "budget_min",
    "budget_max",
    "contact_name",
    "contact_email",
)


def _validate_post(post: Post) -> None:
    errors: dict[str, Any] = {}
    try:
        post.full_clean(exclude=["organization", "author"])
    except ValidationError as error:
        errors.update(error.message_dict)
    if (
        post.budget_min is not None
        and post.budget_max is not None
        and post.budget_min > post.budget_max
    ):
        errors.setdefault("budget_max", []).append(
            _("The upper end of the budget cannot be below the lower end.")
        )
    if errors:
        raise ValidationError(errors)


def _check_kind_allowed(*, organization: Organization, kind: str) -> None:
    if kind not in PostKind.values:
        raise ValidationError({"kind": _("Unknown kind of post.")})
    if kind == PostKind.PROBLEM and not can_publish_problems(organization=organization):
        raise ValidationError(
            {
                "kind": _(
                    "Only verified government organisations can publish city problems. "
                    "Publish a project or an open call instead."
                )
            }
        )


def _check_publishable(post: Post) -> None:
    if post.deadline < timezone.localdate():
        raise ValidationError(
            {"deadline": _("The deadline for proposals must not be in the past.")}
        )
    _check_kind_allowed(organization=post.organization, kind=post.kind)


def _record(
    *,
    post: Post,
    kind: str,
    actor: User | None,
    from_status: str = "",
    to_status: str = "",
    outcome: str = "",
    note: str = "",
) -> PostEvent:
    event = PostEvent.objects.create(
        post=post,
        kind=kind,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        outcome=outcome,
        note=note,
    )
    if kind in (PostEvent.Kind.STATUS, PostEvent.Kind.PUBLISHED):
        from .tasks import notify_followers

        transaction.on_commit(lambda: notify_followers.delay(event_id=event.pk))
    return event


def _after_publish(post: Post) -> None:
    if post.kind in (PostKind.PROBLEM, PostKind.CALL):
        from .tasks import match_post

        transaction.on_commit(lambda: match_post.delay(post_id=post.pk))


@transaction.atomic
def post_create(
    *,
    user: User,
    organization_slug: str,
    kind: str,
    title: str,
    summary: str,
    body: str,
    expected_outcome: str,
    deadline: date,
    contact_name: str,
    contact_email: str,
    categories: Sequence[str],
    districts: Sequence[str] = (),
    tags: Sequence[str] = (),
    budget_min: int | None = None,
    budget_max: int | None = None,
    publish: bool = False,
    attachments: Iterable[UploadedFile] = (),
) -> Post:
    """Create a post for one of the user's organisations, as a draft or published at once."""
    organization = _acting_organization(user=user, organization_slug=organization_slug)
    _check_kind_allowed(organization=organization, kind=kind)
    labels = _clean_labels(categories=categories, districts=districts, tags=tags)
    post = Post(
        organization=organization,
        author=user,
        kind=kind,
        status=PostStatus.DRAFT,
        title=title.strip(),
        summary=summary.strip(),
        body=body.strip(),
        expected_outcome=expected_outcome.strip(),
        deadline=deadline,
        budget_min=budget_min,
        budget_max=budget_max,
        contact_name=contact_name.strip(),
        contact_email=contact_email.strip(),
    )
    _validate_post(post)
    if publish:
        _check_publishable(post)
    post.save()
    _save_labels(post=post, labels=labels)
    for upload in attachments:
        attachment_add(user=user, post=post, upload=upload)
    _record(post=post, kind=PostEvent.Kind.CREATED, actor=user, to_status=PostStatus.DRAFT)
    PostFollow.objects.get_or_create(post=post, user=user)
    if publish:
        post = post_transition(user=user, post=post, to_status=PostStatus.OPEN)
    return post


@transaction.atomic
def post_update(
    *,
    user: User,
    post: Post,
    categories: Sequence[str] | None = None,
    districts: Sequence[str] | None = None,
    tags: Sequence[str] | None = None,
    kind: str | None = None,
    attachments: Iterable[UploadedFile] = (),
    **fields: Any,
) -> Post:
    """Edit a post's details; its status only changes through `post_transition`."""
    _require_manager(user=user, post=post)
    post = Post.objects.select_for_update().select_related("organization").get(pk=post.pk)
    if post.is_terminal:
        raise ValidationError(_("A completed or closed post can no longer be edited."))
    unknown = set(fields) - set(POST_FIELDS)
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed: %(f)s.") % {"f": ", ".join(sorted(unknown))}
        )
    if kind is not None and kind != post.kind:
        if post.status != PostStatus.DRAFT:
            raise ValidationError({"kind": _("The kind of a published post cannot change.")})
        _check_kind_allowed(organization=post.organization, kind=kind)
        post.kind = kind
    for name, value in fields.items():
        setattr(post, name, value.strip() if isinstance(value, str) else value)
    _validate_post(post)
    if post.status == PostStatus.OPEN and "deadline" in fields:
        _check_publishable(post)
    post.save()
    if categories is not None or districts is not None or tags is not None:
        labels = _clean_labels(
            categories=post.categories if categories is None else categories,
            districts=post.districts if districts is None else districts,
            tags=post.tags if tags is None else tags,
        )
        _save_labels(post=post, labels=labels)
    for upload in attachments:
        attachment_add(user=user, post=post, upload=upload)
    if post.status != PostStatus.DRAFT:
        _record(post=post, kind=PostEvent.Kind.UPDATED, actor=user)
    return post


@transaction.atomic
def post_transition(
    *,
    user: User,
    post: Post,
    to_status: str,
    outcome: str = "",
    statement: str = "",
) -> Post:
    """Move a post along its lifecycle; every move is kept on the post's public timeline.

    Members of the posting organisation make every move; a moderator may close any post
    (with a public statement), and nothing else.
    """
    post = Post.objects.select_for_update().select_related("organization").get(pk=post.pk)
    is_manager = is_member(user=user, organization_id=post.organization_id)
    if not is_manager and not (user.is_staff and to_status == PostStatus.CLOSED):
        raise PermissionDenied(
            _("Only members of %(org)s can change the status of this post.")
            % {"org": post.organization}
        )
    if to_status not in PostStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    current = post.status
    if to_status not in TRANSITIONS[current]:
        raise ValidationError(
            {
                "status": _("A post that is “%(current)s” cannot become “%(target)s”.")
                % {
                    "current": PostStatus(current).label,
                    "target": PostStatus(to_status).label,
                }
            }
        )
    statement = statement.strip()
    if to_status in OUTCOMES_FOR:
        allowed = OUTCOMES_FOR[to_status]
        errors: dict[str, str] = {}
        if outcome not in allowed:
            errors["outcome"] = _("Choose an outcome: %(choices)s.") % {
                "choices": ", ".join(str(Outcome(o).label) for o in Outcome.values if o in allowed)
            }
        if not statement:
            errors["statement"] = _(
                "Explain publicly what happened: the outcome statement is required."
            )
        if errors:
            raise ValidationError(errors)
        post.outcome = outcome
        post.outcome_statement = statement
    elif outcome:
        # A note is welcome on any move; an outcome only when the post ends.
        raise ValidationError(
            {"outcome": _("An outcome is given only when completing or closing.")}
        )
    if to_status == PostStatus.OPEN:
        _check_publishable(post)
        post.published_at = timezone.now()
    post.status = to_status
    post.save(
        update_fields=["status", "outcome", "outcome_statement", "published_at", "updated_at"]
    )
    _record(
        post=post,
        kind=PostEvent.Kind.PUBLISHED if to_status == PostStatus.OPEN else PostEvent.Kind.STATUS,
        actor=user,
        from_status=current,
        to_status=to_status,
        outcome=outcome if to_status in OUTCOMES_FOR else "",
        note=statement,
    )
    if to_status == PostStatus.OPEN:
        _after_publish(post)
    if to_status in OUTCOMES_FOR:
        _decline_undecided(post=post, user=user, reason=statement)
    return post


def _decline_undecided(*, post: Post, user: User, reason: str) -> None:
    """A post that ends answers every proposal still waiting, with its public statement."""
    now = timezone.now()
    for proposal in post.proposals.select_for_update().filter(
        status__in=(ProposalStatus.SUBMITTED, ProposalStatus.SHORTLISTED)
    ):
        proposal.status = ProposalStatus.DECLINED
        proposal.decision_reason = reason
        proposal.decided_at = now
        proposal.first_response_at = proposal.first_response_at or now
        proposal.save(
            update_fields=[
                "status",
                "decision_reason",
                "decided_at",
                "first_response_at",
                "updated_at",
            ]
        )
        _notify_decision(proposal)


@transaction.atomic
def post_follow(*, user: User, post: Post) -> PostFollow:
    follow, _created = PostFollow.objects.get_or_create(post=post, user=user)
    return follow


@transaction.atomic
def post_unfollow(*, user: User, post: Post) -> None:
    PostFollow.objects.filter(post=post, user=user).delete()


# --- Attachments -----------------------------------------------------------------------------
@transaction.atomic
def attachment_add(
    *,
    user: User,
    upload: UploadedFile,
    post: Post | None = None,
    proposal: Proposal | None = None,
) -> Attachment:
    """Attach a checked PDF or image to a post (its organisation) or a proposal (the proposer)."""
    if (post is None) == (proposal is None):
        raise ValueError("attach to exactly one of post or proposal")
    if post is not None:
        owner_id = post.organization_id
        existing = Attachment.objects.filter(post=post)
    else:
        assert proposal is not None
        owner_id = proposal.organization_id
        existing = Attachment.objects.filter(proposal=proposal)
    if not is_member(user=user, organization_id=owner_id):
        raise PermissionDenied(_("You cannot add files here."))
    if existing.count() >= MAX_ATTACHMENTS:
        raise ValidationError(
            {"attachments": _("At most %(n)d attachments.") % {"n": MAX_ATTACHMENTS}}
        )
    try:
        checked = check_attachment(upload)
    except ValidationError as error:
        raise ValidationError({"attachments": error.messages}) from None
    attachment = Attachment(
        post=post,
        proposal=proposal,
        name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=user,
    )
    attachment.file.save(checked.name, checked.content, save=False)
    attachment.save()
    return attachment


# --- Proposals -------------------------------------------------------------------------------
def _response_due_on(submitted_on: date) -> date:
    days = settings.BOARDS_RESPONSE_WINDOW_WORKING_DAYS
    # Generous enough for any run of weekends and holidays.
    holidays = holiday_dates(start=submitted_on, end=submitted_on + timedelta(days=days * 3 + 30))
    return add_working_days(submitted_on, days, holidays)


@transaction.atomic
def proposal_submit(
    *,
    user: User,
    post: Post,
    organization_slug: str,
    summary: str,
    approach: str,
    team: str,
    timeline: str,
    attachments: Iterable[UploadedFile] = (),
) -> Proposal:
    """Answer a post on behalf of one of the user's organisations (never the posting one)."""
    organization = _acting_organization(user=user, organization_slug=organization_slug)
    post = Post.objects.select_related("organization").get(pk=post.pk)
    if organization.pk == post.organization_id:
        raise ValidationError({"organization": _("An organisation cannot answer its own post.")})
    if post.status != PostStatus.OPEN:
        raise ValidationError(_("This post is not accepting proposals."))
    if post.deadline < timezone.localdate():
        raise ValidationError(_("The deadline for proposals has passed."))
    if (
        Proposal.objects.filter(post=post, organization=organization)
        .exclude(status=ProposalStatus.WITHDRAWN)
        .exists()
    ):
        raise ValidationError(
            {"organization": _("Your organisation already has a proposal on this post.")}
        )
    proposal = Proposal(
        post=post,
        organization=organization,
        author=user,
        summary=summary.strip(),
        approach=approach.strip(),
        team=team.strip(),
        timeline=timeline.strip(),
    )
    if post.has_response_commitment:
        proposal.response_due_on = _response_due_on(timezone.localdate())
    proposal.full_clean(exclude=["post", "organization", "author"], validate_constraints=False)
    try:
        with transaction.atomic():
            proposal.save()
    except IntegrityError:
        raise ValidationError(
            {"organization": _("Your organisation already has a proposal on this post.")}
        ) from None
    for upload in attachments:
        attachment_add(user=user, proposal=proposal, upload=upload)
    PostFollow.objects.get_or_create(post=post, user=user)
    from .tasks import notify_new_proposal

    transaction.on_commit(lambda: notify_new_proposal.delay(proposal_id=proposal.pk))
    return proposal


def _lock_proposal(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update()
        .select_related("post", "post__organization", "organization")
        .get(pk=proposal.pk)
    )


def _decide(*, user: User, proposal: Proposal, to_status: str, reason: str = "") -> Proposal:
    proposal = _lock_proposal(proposal)
    post = proposal.post
    _require_manager(user=user, post=post)
    if post.status not in DECIDING_STATUSES:
        raise ValidationError(_("Decisions can only be made while the post is live."))
    moves: dict[str, set[str]] = {
        ProposalStatus.SHORTLISTED: {ProposalStatus.SUBMITTED},
        ProposalStatus.ACCEPTED: {ProposalStatus.SUBMITTED, ProposalStatus.SHORTLISTED},
        ProposalStatus.DECLINED: {ProposalStatus.SUBMITTED, ProposalStatus.SHORTLISTED},
    }
    allowed_from = moves[to_status]
    if proposal.status not in allowed_from:
        raise ValidationError(
            {
                "status": _("A proposal that is “%(current)s” cannot become “%(target)s”.")
                % {
                    "current": ProposalStatus(proposal.status).label,
                    "target": ProposalStatus(to_status).label,
                }
            }
        )
    reason = reason.strip()
    if to_status == ProposalStatus.DECLINED and not reason:
        raise ValidationError({"reason": _("Tell the proposer why: a reason is required.")})
    now = timezone.now()
    proposal.status = to_status
    proposal.decision_reason = reason
    if proposal.first_response_at is None:
        proposal.first_response_at = now
    if to_status != ProposalStatus.SHORTLISTED:
        proposal.decided_at = now
    proposal.save(
        update_fields=["status", "decision_reason", "first_response_at", "decided_at", "updated_at"]
    )
    _notify_decision(proposal)
    return proposal


def _notify_decision(proposal: Proposal) -> None:
    from .tasks import notify_proposal_status

    proposal_id, status = proposal.pk, proposal.status
    transaction.on_commit(
        lambda: notify_proposal_status.delay(proposal_id=proposal_id, status=status)
    )


@transaction.atomic
def proposal_shortlist(*, user: User, proposal: Proposal) -> Proposal:
    return _decide(user=user, proposal=proposal, to_status=ProposalStatus.SHORTLISTED)


@transaction.atomic
def proposal_accept(*, user: User, proposal: Proposal) -> Proposal:
    """Accept a proposal and open a conversation between the two organisations.

    The conversation is started through `boards.messaging_bridge.proposal_conversation_start`
    inside this transaction, so an acceptance never exists without its conversation.
    """
    proposal = _decide(user=user, proposal=proposal, to_status=ProposalStatus.ACCEPTED)
    proposal_conversation_start(proposal=proposal, actor=user)
    return proposal


@transaction.atomic
def proposal_decline(*, user: User, proposal: Proposal, reason: str) -> Proposal:
    return _decide(user=user, proposal=proposal, to_status=ProposalStatus.DECLINED, reason=reason)


@transaction.atomic
def proposal_withdraw(*, user: User, proposal: Proposal) -> Proposal:
    """The proposer takes its proposal back, until a decision has been made."""
    proposal = _lock_proposal(proposal)
    if not is_member(user=user, organization_id=proposal.organization_id):
        raise PermissionDenied(_("Only the proposing organisation can withdraw its proposal."))
    if not proposal.is_open:
        raise ValidationError(
            {"status": _("This proposal has been decided and can no longer be withdrawn.")}
        )
    proposal.status = ProposalStatus.WITHDRAWN
    proposal.save(update_fields=["status", "updated_at"])
    return proposal


def proposal_set_status(
    *, user: User, proposal: Proposal, status: str, reason: str = ""
) -> Proposal:
    """One entry point for the API: each side may only make its own moves."""
    if status == ProposalStatus.SHORTLISTED:
        return proposal_shortlist(user=user, proposal=proposal)
    if status == ProposalStatus.ACCEPTED:
        return proposal_accept(user=user, proposal=proposal)
    if status == ProposalStatus.DECLINED:
        return proposal_decline(user=user, proposal=proposal, reason=reason)
    if status == ProposalStatus.WITHDRAWN:
        return proposal_withdraw(user=user, proposal=proposal)
    raise ValidationError({"status": _("Unknown status.")})


# --- Matching --------------------------------------------------------------------------------
@transaction.atomic
def post_matches_refresh(*, post: Post) -> list[PostMatch]:
    """Rank organisations for a published problem or call and store the suggestions."""
    post = Post.objects.select_related("organization").prefetch_related("labels").get(pk=post.pk)
    if post.kind not in (PostKind.PROBLEM, PostKind.CALL) or post.status == PostStatus.DRAFT:
        return []
    ranked = matching.rank_organizations(
        post=post,
        categories=post.categories,
        districts=post.districts,
        tags=post.tags,
        keep=settings.BOARDS_MATCH_KEEP,
    )
    existing = {m.organization_id: m for m in post.matches.all()}
    kept: list[PostMatch] = []
    for match in ranked:
        reasons = dict(match.reasons)
        reasons["words"] = matching.original_words(post, post.tags, reasons["words"])  # type: ignore[arg-type]
        row = existing.pop(match.organization_id, None)
        if row is None:
            row = PostMatch(post=post, organization_id=match.organization_id)
        row.score = match.score
        row.reasons = reasons
        row.save()
        kept.append(row)
    # Organisations that no longer fit and were never told are dropped; those already
    # emailed stay, so the "once per organisation and post" record is never lost.
    PostMatch.objects.filter(
        pk__in=[m.pk for m in existing.values() if m.notified_at is None]
    ).delete()
    return kept


def post_match_claim_notification(*, match_id: int) -> bool:
    """Claim the one email for this organisation and post; False if it was already sent."""
    return (
        PostMatch.objects.filter(pk=match_id, notified_at__isnull=True).update(
            notified_at=timezone.now()
        )
        == 1
    )


def post_event_claim_notification(*, event_id: int) -> bool:
    return (
        PostEvent.objects.filter(pk=event_id, followers_notified_at__isnull=True).update(
            followers_notified_at=timezone.now()
        )
        == 1
    )


def proposal_claim_overdue_notification(*, proposal_id: int) -> bool:
    return (
        Proposal.objects.filter(pk=proposal_id, overdue_notified_at__isnull=True).update(
            overdue_notified_at=timezone.now()
        )
        == 1
    )
