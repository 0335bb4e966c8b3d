"""The one place where the boards hand over to messaging: accepting a proposal.

Accepting a proposal starts (or reopens) the conversation between the inboxes of the two
organisations, seeded with a message that links the proposal, through the messaging app's
services. It runs inside `proposal_accept`'s transaction: if messaging refuses, the
acceptance rolls back, so an accepted proposal always has its conversation.
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from core.links import site_url
from messaging.models import Conversation, Purpose
from messaging.services import conversation_get_or_create_between_organizations, message_send

from .models import PostKind, Proposal


def proposal_accepted_message(proposal: Proposal, *, base_url: str = "") -> str:
    """The first message of the conversation: who accepted what, with a link to the proposal."""
    with translation.override(settings.LANGUAGE_CODE):
        return _(
            "%(post_org)s accepted the proposal of %(proposer)s for “%(title)s”. "
            "The proposal: %(url)s"
        ) % {
            "post_org": proposal.post.organization.name,
            "proposer": proposal.organization.name,
            "title": proposal.post.title,
            "url": f"{base_url}{proposal.get_absolute_url()}",
        }


def proposal_conversation_start(*, proposal: Proposal, actor: User) -> Conversation:
    """Open the two organisations' conversation and post the acceptance into it.

    The message carries a fixed `client_id`, so accepting the same proposal again (a retried
    request) finds the message already there instead of writing it twice.
    """
    purpose = Purpose.CITY_PILOT if proposal.post.kind == PostKind.PROBLEM else Purpose.PARTNERSHIP
    conversation, _created = conversation_get_or_create_between_organizations(
        sender=actor,
        from_organization=proposal.post.organization,
        to_organization=proposal.organization,
        purpose=purpose,
    )
    message_send(
        user=actor,
        conversation_id=conversation.pk,
        body=proposal_accepted_message(proposal, base_url=site_url()),
        client_id=f"boards.proposal.{proposal.pk}.accepted",
    )
    return conversation
