"""Background work for the boards: matching and the emails it and the lifecycle send.

Every email is claimed in the database before it is queued (`*_claim_notification`), so a task
that runs twice (retry, redelivery) sends nothing twice.
"""

from celery import shared_task
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from accounts.models import User
from accounts.services import email_send
from core.links import site_url

from . import selectors, services
from .models import Post, PostEvent, PostFollow, PostMatch, Proposal


def _email(*, user: User, template: str, context: dict[str, object]) -> None:
    """Render `boards/email/<template>.txt` in the recipient's language and queue it."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        text = render_to_string(
            f"boards/email/{template}.txt", {"user": user, "site_url": site_url(), **context}
        )
    subject, _, body = text.strip().partition("\n")
    email_send(to=user.email, subject=subject, body=body.strip() + "\n")


def _organization_people(organization_id: int) -> list[User]:
    return list(
        User.objects.filter(memberships__organization_id=organization_id, is_active=True).order_by(
            "id"
        )
    )


@shared_task
def match_post(*, post_id: int) -> int:
    """Rank organisations for a published post, then tell the best few, once each."""
    try:
        post = Post.objects.select_related("organization").get(pk=post_id)
    except Post.DoesNotExist:
        return 0
    matches = services.post_matches_refresh(post=post)
    sent = 0
    for match in matches[: settings.BOARDS_MATCH_NOTIFY]:
        if services.post_match_claim_notification(match_id=match.pk):
            notify_match.delay(match_id=match.pk)
            sent += 1
    return sent


@shared_task
def notify_match(*, match_id: int) -> None:
    match = PostMatch.objects.select_related("post", "post__organization", "organization").get(
        pk=match_id
    )
    for user in _organization_people(match.organization_id):
        _email(user=user, template="match", context={"match": match, "post": match.post})


@shared_task
def notify_followers(*, event_id: int) -> int:
    if not services.post_event_claim_notification(event_id=event_id):
        return 0
    event = PostEvent.objects.select_related("post", "post__organization", "actor").get(pk=event_id)
    followers = (
        PostFollow.objects.filter(post=event.post, user__is_active=True)
        .exclude(user=event.actor)
        .select_related("user")
    )
    count = 0
    for follow in followers:
        _email(user=follow.user, template="followed_change", context={"event": event})
        count += 1
    return count


@shared_task
def notify_new_proposal(*, proposal_id: int) -> None:
    proposal = Proposal.objects.select_related("post", "post__author", "organization").get(
        pk=proposal_id
    )
    author = proposal.post.author
    if author is not None and author.is_active:
        _email(user=author, template="new_proposal", context={"proposal": proposal})


@shared_task
def notify_proposal_status(*, proposal_id: int, status: str) -> None:
    proposal = Proposal.objects.select_related("post", "post__organization", "author").get(
        pk=proposal_id
    )
    if proposal.status != status:
        return  # it moved on before this ran; the newer change sends its own email
    if proposal.author is not None and proposal.author.is_active:
        _email(user=proposal.author, template="proposal_status", context={"proposal": proposal})


@shared_task
def notify_overdue_proposals() -> int:
    """Daily: tell each department once about every proposal past its response window."""
    sent = 0
    for proposal in selectors.proposal_list_overdue().filter(overdue_notified_at__isnull=True):
        if not services.proposal_claim_overdue_notification(proposal_id=proposal.pk):
            continue
        for user in _organization_people(proposal.post.organization_id):
            _email(user=user, template="overdue", context={"proposal": proposal})
        sent += 1
    return sent


@shared_task
def refresh_organization_terms() -> int:
    """Keep the matcher's index of profile words warm, so no publication pays for a cold one."""
    from .matching import organization_terms_refresh

    return organization_terms_refresh()
