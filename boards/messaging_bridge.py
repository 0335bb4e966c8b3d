"""The one place where the boards hand over to messaging: accepting a proposal.

Accepting a proposal must start a conversation between the inboxes of the two organisations,
seeded with a message that links the proposal, through the messaging app's services. The
messaging app is built on another branch; until it is merged this seam starts no
conversation (it logs that it did not), and nothing pretends one exists.

To wire it (docs/boards.md, "Accepting a proposal and messaging"), replace the body of
`proposal_conversation_start` with the messaging services' calls, for example::

    conversation = messaging.services.conversation_get_or_create_for_organizations(
        organizations=[proposal.post.organization, proposal.organization], started_by=actor
    )
    messaging.services.message_send(
        conversation=conversation, sender=actor, body=proposal_accepted_message(proposal)
    )

It runs inside `proposal_accept`'s transaction: if messaging fails, the acceptance rolls back.
"""

import logging

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User

from .models import Proposal

logger = logging.getLogger(__name__)


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


def proposal_conversation_start(*, proposal: Proposal, actor: User) -> None:
    """Start the conversation between the two organisations for an accepted proposal.

    Not wired yet: the messaging services live on another branch (see the module docstring).
    """
    logger.warning(
        "boards: proposal %s accepted by user %s; messaging is not wired in, "
        "so no conversation was started between organisations %s and %s",
        proposal.pk,
        actor.pk,
        proposal.post.organization_id,
        proposal.organization_id,
    )
