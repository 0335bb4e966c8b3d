"""The JSON shapes of messages and conversations: the same for the API, the socket and pages.

Plain functions rather than DRF serializers: the message object goes out on every send, on
the hot path of the socket, and one definition keeps the API and the socket identical.
"""

from typing import Any

from accounts.models import User

from .models import Attachment, Conversation, Message, Party


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def attachment_payload(attachment: Attachment) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "name": attachment.name,
        "kind": attachment.kind,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "url": attachment.get_absolute_url(),
    }


def message_payload(
    message: Message, *, attachments: list[Attachment] | None = None
) -> dict[str, Any]:
    """The contract's message object (`id`, `conversation`, `sender`, `body`, `client_id`,
    `created_at`) plus what the web client shows: rendered HTML, edits, deletion, files."""
    deleted = message.deleted_at is not None
    organization = message.sender_organization
    if attachments is None:
        attachments = [] if deleted else list(message.attachments.all())
    return {
        "id": message.pk,
        "conversation": message.conversation_id,
        "sender": {"id": message.sender_id, "name": message.sender.name},
        "organization": (
            {"slug": organization.slug, "name": organization.name} if organization else None
        ),
        "body": "" if deleted else message.body,
        "html": "" if deleted else message.body_html,
        "client_id": message.client_id,
        "created_at": _iso(message.created_at),
        "edited_at": _iso(message.edited_at),
        "deleted": deleted,
        "attachments": [] if deleted else [attachment_payload(a) for a in attachments],
    }


def party_payload(party: Party) -> dict[str, Any]:
    if party.user_id:
        assert party.user is not None
        return {"type": "user", "id": party.user_id, "name": party.user.name}
    assert party.organization is not None
    return {
        "type": "organization",
        "id": party.organization_id,
        "slug": party.organization.slug,
        "name": party.organization.name,
        "kind": party.organization.kind,
        "assigned_to": (
            {"id": party.assigned_to_id, "name": party.assigned_to.name}
            if party.assigned_to
            else None
        ),
    }


def sides(
    conversation: Conversation, *, user: User, organization_ids: set[int]
) -> tuple[Party, Party]:
    """(the viewer's side, the other side) of a conversation loaded with its parties."""
    parties = list(conversation.parties.all())
    mine = next(
        (p for p in parties if p.user_id == user.pk),
        None,
    ) or next((p for p in parties if p.organization_id in organization_ids), parties[0])
    other = next((p for p in parties if p is not mine), mine)
    return mine, other


def conversation_payload(
    conversation: Conversation, *, user: User, organization_ids: set[int]
) -> dict[str, Any]:
    """A conversation as the viewer sees it: `title` is the other side, `inbox` their own side
    (themselves, or the organisation whose shared inbox holds it)."""
    mine, other = sides(conversation, user=user, organization_ids=organization_ids)
    last = conversation.last_message
    return {
        "id": conversation.pk,
        "title": other.name,
        "with": party_payload(other),
        "inbox": party_payload(mine) if mine.organization_id else None,
        "side": mine.key,
        "purpose": conversation.purpose,
        "purpose_label": conversation.get_purpose_display() if conversation.purpose else "",
        "unread_count": getattr(conversation, "unread_count", 0),
        "muted": getattr(conversation, "muted", False),
        "last_message": message_payload(last) if last else None,
        "last_message_at": _iso(last.created_at) if last else None,
        "created_at": _iso(conversation.created_at),
        "url": conversation.get_absolute_url(),
    }
