"""Every write of the messaging app, and the one place that tells people about it.

Events go out with `core.realtime.publish_to_users`, after commit, to the `user.<id>` group of
each person who may read the conversation *now* (computed from current memberships).
"""

import re
import time
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any, cast

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import email_send
from core.links import site_url
from core.markdown import render_markdown
from core.realtime import publish_to_users
from core.uploads import CheckedFile, check_attachment
from members.models import Membership, Organization
from members.selectors import is_member

from .attachments import MAX_ATTACHMENTS
from .models import (
    Attachment,
    Block,
    Conversation,
    ConversationState,
    EmailPreference,
    Message,
    MessagingSettings,
    MissedMessagesEmail,
    Party,
    Purpose,
    Report,
)
from .payloads import message_payload
from .selectors import (
    PRESENCE_LAST_SEEN_KEY,
    PRESENCE_ONLINE_KEY,
    Audience,
    audience_for_user,
    audiences_for_users,
    contact_ids_for_user,
    message_get_for_user,
    missed_messages_for_user,
)

MAX_BODY = 5000
EDIT_WINDOW = timedelta(minutes=15)
CLIENT_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")

PRESENCE_SOCKETS_KEY = "messaging:sockets:{}"
PRESENCE_TTL = 75  # seconds; the web client says it is alive every 25 s


def party_key(party: User | Organization) -> str:
    """How a party is named in `Conversation.pair_key`."""
    return f"u{party.pk}" if isinstance(party, User) else f"o{party.pk}"


def pair_key(first: str, second: str) -> str:
    return ":".join(sorted([first, second]))


# --- Conversations ----------------------------------------------------------------------


def conversation_get_or_create(
    *,
    user: User,
    to_user: User | None = None,
    to_organization: Organization | None = None,
    as_organization: Organization | None = None,
    purpose: str = "",
) -> tuple[Conversation, bool]:
    """The conversation between the sender's side (themselves, or `as_organization` which
    they must belong to now) and a person or an organisation's inbox; created if new.

    A conversation with an organisation carries a purpose (`other` unless given).
    """
    if (to_user is None) == (to_organization is None):
        raise ValidationError(_("Write to one person or one organisation."), code="target")
    if as_organization is not None and not is_member(user=user, organization_id=as_organization.pk):
        raise ValidationError(
            _("You can only write on behalf of an organisation you belong to."),
            code="not_a_member",
        )
    if to_user is not None:
        if not to_user.is_active:
            raise ValidationError(_("This person cannot receive messages."), code="inactive")
        if to_user.pk == user.pk and as_organization is None:
            raise ValidationError(_("You cannot write to yourself."), code="self")
    if to_organization is not None:
        if as_organization is not None and as_organization.pk == to_organization.pk:
            raise ValidationError(_("You cannot write to yourself."), code="self")
        if as_organization is None and is_member(user=user, organization_id=to_organization.pk):
            raise ValidationError(
                _("You are a member of this organisation: its inbox is already yours."),
                code="own_organization",
            )
        purpose = purpose or Purpose.OTHER
        if purpose not in Purpose.values:
            raise ValidationError(_("Choose a purpose from the list."), code="purpose")
    else:
        purpose = ""

    sender_side: User | Organization = as_organization or user
    receiver_side = to_user or to_organization
    assert receiver_side is not None  # one of them, checked above
    key = pair_key(party_key(sender_side), party_key(receiver_side))
    with transaction.atomic():
        # The unique pair key settles a race: the second request waits for the first's
        # insert, fails, and then finds that conversation.
        conversation, created = Conversation.objects.get_or_create(
            pair_key=key, defaults={"purpose": purpose, "created_by": user}
        )
        if created:
            Party.objects.bulk_create(
                [
                    Party(conversation=conversation, user=None, organization=as_organization)
                    if as_organization is not None
                    else Party(conversation=conversation, user=user),
                    Party(conversation=conversation, user=to_user)
                    if to_user is not None
                    else Party(conversation=conversation, organization=to_organization),
                ]
            )
    return conversation, created


def conversation_get_or_create_between_organizations(
    *, sender: User, from_organization: Organization, to_organization: Organization, purpose: str
) -> tuple[Conversation, bool]:
    """The conversation between two organisations' inboxes (the boards app opens one when a
    proposal is accepted). `sender` must be a current member of `from_organization`."""
    return conversation_get_or_create(
        user=sender,
        to_organization=to_organization,
        as_organization=from_organization,
        purpose=purpose,
    )


def conversation_assign(
    *, user: User, conversation_id: int, organization: Organization, assignee_id: int | None
) -> Party:
    """Give the organisation's side of a conversation to a colleague (`assignee_id`), or to
    nobody (None). Anyone who is not a current member of the organisation is refused."""
    audience = audience_for_user(user=user, conversation_id=conversation_id)
    if organization.pk not in audience.party_organizations or user.pk not in audience.members.get(
        organization.pk, frozenset()
    ):
        raise Conversation.DoesNotExist
    if assignee_id is not None and assignee_id not in audience.members[organization.pk]:
        raise ValidationError(
            _("Only a member of %(organization)s can take this conversation.")
            % {"organization": organization.name},
            code="not_a_member",
        )
    assignee = User.objects.get(pk=assignee_id) if assignee_id is not None else None
    with transaction.atomic():
        party = Party.objects.select_for_update().get(
            conversation_id=conversation_id, organization=organization
        )
        party.assigned_to = assignee
        party.full_clean()
        party.save(update_fields=["assigned_to"])
        publish_to_users(
            audience.members[organization.pk],
            {
                "type": "conversation.assigned",
                "conversation": conversation_id,
                "organization": organization.slug,
                "assigned_to": {"id": assignee.pk, "name": assignee.name} if assignee else None,
                "user": user.pk,
            },
        )
    return party


def _state(user: User, conversation_id: int) -> ConversationState:
    state, _created = ConversationState.objects.get_or_create(
        conversation_id=conversation_id, user=user
    )
    return state


@transaction.atomic
def conversation_set_muted(*, user: User, conversation_id: int, muted: bool) -> ConversationState:
    audience_for_user(user=user, conversation_id=conversation_id)
    state = _state(user, conversation_id)
    state.muted = muted
    state.save(update_fields=["muted"])
    publish_to_users(
        [user.pk], {"type": "unread.changed", "conversation": conversation_id, "muted": muted}
    )
    return state


def conversation_mark_read(
    *, user: User, conversation_id: int, message_id: int | None = None
) -> ConversationState:
    """Move the person's read mark forward (never back) to `message_id`, or to the newest."""
    audience = audience_for_user(user=user, conversation_id=conversation_id)
    visible = Message.objects.filter(conversation_id=conversation_id).filter(
        Q(withheld=False) | Q(sender=user)
    )
    if message_id is None:
        newest = visible.aggregate(newest=Max("id"))["newest"]
    else:
        newest = visible.filter(pk=message_id).values_list("pk", flat=True).first()
        if newest is None:
            raise ValidationError(_("There is no such message here."), code="message")
    with transaction.atomic():
        state = _state(user, conversation_id)
        if newest is not None and newest > state.last_read_id:
            ConversationState.objects.filter(pk=state.pk, last_read_id__lt=newest).update(
                last_read_id=newest, last_read_at=timezone.now()
            )
            state.last_read_id = newest
            publish_to_users(
                audience.user_ids - audience.blocked_by,
                {
                    "type": "read",
                    "conversation": conversation_id,
                    "message": newest,
                    "user": user.pk,
                    "side": audience.side_of(user.pk),
                },
            )
    return state


def conversation_typing(*, user: User, conversation_id: int) -> None:
    """Tell the other readers that this person is typing (nothing is stored); someone who
    blocked them is not told."""
    audience = audience_for_user(user=user, conversation_id=conversation_id)
    publish_to_users(
        audience.user_ids - audience.blocked_by - {user.pk},
        {
            "type": "typing",
            "conversation": conversation_id,
            "user": user.pk,
            "name": user.name,
        },
    )


# --- Messages ---------------------------------------------------------------------------


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if len(body) > MAX_BODY:
        raise ValidationError(
            _("A message can be at most %(max)s characters.") % {"max": MAX_BODY},
            code="body_too_long",
        )
    return body


def _recipients(audience: Audience, sender: User, *, withheld: bool) -> set[int]:
    return {sender.pk} if withheld else audience.user_ids


def _withheld(audience: Audience, sender: User) -> bool:
    """A message to a person who blocked its sender is kept but shown to its sender only;
    the sender is not told."""
    return audience.is_direct and bool(audience.blocked_by - {sender.pk})


def _clean_client_id(client_id: str) -> str:
    client_id = (client_id or "").strip()
    if not CLIENT_ID.match(client_id):
        raise ValidationError(
            _("client_id must be 1 to 64 letters, digits, or - _ . :"), code="client_id"
        )
    return client_id


def _new_message(*, user: User, audience: Audience, body: str, client_id: str) -> Message:
    """A checked, not yet stored message of `user` in the audience's conversation."""
    message = Message(
        conversation_id=audience.conversation_id,
        sender=user,
        sender_organization_id=audience.organization_of(user.pk),
        client_id=client_id,
        body=body,
        body_html=render_markdown(body, light=True) if body else "",
        withheld=_withheld(audience, user),
    )
    # Foreign keys come from the audience query and the unique constraint is the database's
    # job (the insert is what decides a race): validating them again would cost queries.
    message.full_clean(
        exclude=["conversation", "sender", "sender_organization"],
        validate_unique=False,
        validate_constraints=False,
    )
    return message


def _publish_new(message: Message, audience: Audience, attachments: list[Attachment]) -> None:
    publish_to_users(
        _recipients(audience, message.sender, withheld=message.withheld),
        {"type": "message.new", "message": message_payload(message, attachments=attachments)},
    )


def _stored_message(*, user: User, conversation_id: int, client_id: str) -> Message | None:
    return (
        Message.objects.select_related("sender", "sender_organization")
        .filter(conversation_id=conversation_id, sender=user, client_id=client_id)
        .first()
    )


def message_send(
    *,
    user: User,
    conversation_id: int,
    body: str,
    client_id: str,
    attachments: Sequence[UploadedFile] = (),
) -> tuple[Message, bool]:
    """Store a message, then tell every reader of the conversation (`message.new`).

    The same `client_id` from the same sender again, in sequence or at the same time, returns
    the one message already stored and tells nobody again: `(message, created)`.
    """
    client_id = _clean_client_id(client_id)
    body = _clean_body(body)
    if len(attachments) > MAX_ATTACHMENTS:
        raise ValidationError(
            _("At most %(max)s files per message.") % {"max": MAX_ATTACHMENTS},
            code="too_many_files",
        )
    if not body and not attachments:
        raise ValidationError(_("Write something or attach a file."), code="empty")
    checked: list[CheckedFile] = [check_attachment(upload) for upload in attachments]
    audience = audience_for_user(user=user, conversation_id=conversation_id)
    message = _new_message(user=user, audience=audience, body=body, client_id=client_id)
    # Not a decorator. The insert is the first write: a duplicate client_id fails it, and we
    # then read the message that won (checking after inserting is what makes it race-free).
    # A message without files is that one INSERT, atomic by itself; with files, or inside
    # the caller's transaction, a transaction (or savepoint) holds everything together and
    # a failure rolls back this block alone.
    needs_block = bool(checked) or transaction.get_connection().in_atomic_block
    try:
        with transaction.atomic() if needs_block else nullcontext():
            message.save()
            stored = [
                Attachment.objects.create(
                    message=message,
                    file=item.content,
                    name=item.name,
                    kind=item.kind,
                    content_type=item.content_type,
                    size=item.size,
                )
                for item in checked
            ]
            _publish_new(message, audience, stored)
    except IntegrityError:
        existing = _stored_message(user=user, conversation_id=conversation_id, client_id=client_id)
        if existing is None:
            raise
        return existing, False
    return message, True


@dataclass(frozen=True)
class SendRequest:
    """One text message sent over a socket (`message.send`), waiting in a batch."""

    user: User
    conversation_id: int
    body: str
    client_id: str


# A sent message and whether it is new, or why it was refused.
SendOutcome = tuple[Message, bool] | ValidationError | Conversation.DoesNotExist


def messages_send(*, requests: Sequence[SendRequest]) -> list[SendOutcome]:
    """Store many text messages at once (from different people and conversations), then tell
    every reader of each, exactly as `message_send` does for one: an outcome per request, in
    order. Refusals are per request and written in the sender's language.

    A server batches the `message.send` frames that arrive while the previous batch is being
    stored: one access query, one INSERT and one commit for all of them, instead of one each
    (docs/performance.md). If any `client_id` was already stored (a retry) or is being
    stored right now by another server, the insert fails as a whole and every request of
    the batch goes through `message_send` alone, which settles each duplicate.
    """
    outcomes: list[SendOutcome | None] = [None] * len(requests)
    audiences = audiences_for_users(
        asks=[(request.conversation_id, request.user.pk) for request in requests]
    )
    fresh: list[tuple[int, Message, Audience]] = []
    first_of: dict[tuple[int, int, str], int] = {}
    repeats: list[tuple[int, int]] = []
    for index, request in enumerate(requests):
        with translation.override(request.user.language or None):
            try:
                client_id = _clean_client_id(request.client_id)
                body = _clean_body(request.body)
                if not body:
                    raise ValidationError(_("Write something or attach a file."), code="empty")
                audience = audiences.get((request.conversation_id, request.user.pk))
                if audience is None:
                    raise Conversation.DoesNotExist
                key = (request.conversation_id, request.user.pk, client_id)
                if key in first_of:  # the same message twice in one batch
                    repeats.append((index, first_of[key]))
                    continue
                message = _new_message(
                    user=request.user, audience=audience, body=body, client_id=client_id
                )
            except (ValidationError, Conversation.DoesNotExist) as refusal:
                outcomes[index] = refusal
                continue
        first_of[key] = index
        fresh.append((index, message, audience))
    if fresh:
        try:
            with transaction.atomic():
                Message.objects.bulk_create([message for _index, message, _audience in fresh])
                for _index, message, audience in fresh:
                    _publish_new(message, audience, [])
        except IntegrityError:
            # Nothing of the batch was stored: one by one, each finds its duplicate.
            for index, message, _audience in fresh:
                with translation.override(message.sender.language or None):
                    try:
                        outcomes[index] = message_send(
                            user=message.sender,
                            conversation_id=message.conversation_id,
                            body=message.body,
                            client_id=message.client_id,
                        )
                    except (ValidationError, Conversation.DoesNotExist) as refusal:
                        outcomes[index] = refusal
                    except IntegrityError:
                        # Not a duplicate: its conversation (or sender) was deleted meanwhile.
                        outcomes[index] = Conversation.DoesNotExist()
        else:
            for index, message, _audience in fresh:
                outcomes[index] = (message, True)
    for index, first in repeats:
        outcome = outcomes[first]
        outcomes[index] = (outcome[0], False) if isinstance(outcome, tuple) else outcome
    # Every request got its outcome above: a refusal, a repeat, or its insert.
    return cast(list[SendOutcome], outcomes)


def _own_message_for_update(user: User, message_id: int) -> tuple[Message, Audience]:
    message = (
        Message.objects.select_for_update(of=("self",))
        .select_related("sender", "sender_organization")
        .get(pk=message_id)
    )
    audience = audience_for_user(user=user, conversation_id=message.conversation_id)
    if message.sender_id != user.pk:
        raise ValidationError(_("You can only change your own messages."), code="not_yours")
    if message.is_deleted:
        raise ValidationError(_("This message was deleted."), code="deleted")
    return message, audience


@transaction.atomic
def message_edit(*, user: User, message_id: int, body: str) -> Message:
    """Change the text of one's own message within 15 minutes of sending it."""
    message, audience = _own_message_for_update(user, message_id)
    if timezone.now() - message.created_at > EDIT_WINDOW:
        raise ValidationError(
            _("A message can be edited for 15 minutes after it was sent."), code="edit_window"
        )
    body = _clean_body(body)
    if not body and not message.attachments.exists():
        raise ValidationError(_("Write something or delete the message."), code="empty")
    message.body = body
    message.body_html = render_markdown(body, light=True) if body else ""
    message.edited_at = timezone.now()
    message.full_clean(exclude=["conversation", "sender", "sender_organization"])
    message.save(update_fields=["body", "body_html", "edited_at"])
    publish_to_users(
        _recipients(audience, user, withheld=message.withheld),
        {"type": "message.updated", "message": message_payload(message)},
    )
    return message


@transaction.atomic
def message_delete(*, user: User, message_id: int) -> Message:
    """Delete one's own message: it leaves "message deleted" in the thread; files are removed."""
    message, audience = _own_message_for_update(user, message_id)
    for attachment in message.attachments.all():
        # The files go only once the deletion is committed.
        transaction.on_commit(partial(attachment.file.storage.delete, attachment.file.name))
    message.attachments.all().delete()
    message.body = ""
    message.body_html = ""
    message.deleted_at = timezone.now()
    message.save(update_fields=["body", "body_html", "deleted_at"])
    publish_to_users(
        _recipients(audience, user, withheld=message.withheld),
        {"type": "message.updated", "message": message_payload(message, attachments=[])},
    )
    return message


@transaction.atomic
def message_report(*, user: User, message_id: int, reason: str = "") -> Report:
    """Report a message to the moderators (once per person and message)."""
    message = message_get_for_user(user=user, message_id=message_id)
    if message.sender_id == user.pk:
        raise ValidationError(_("You cannot report your own message."), code="own_message")
    report = Report.objects.filter(message=message, reporter=user).first()
    if report is not None:
        return report
    report = Report(
        message=message, reporter=user, reason=reason.strip(), body_snapshot=message.body
    )
    report.full_clean()
    report.save()
    return report


# --- Blocking and settings --------------------------------------------------------------


@transaction.atomic
def block_create(*, blocker: User, blocked: User) -> Block:
    if blocker.pk == blocked.pk:
        raise ValidationError(_("You cannot block yourself."), code="self")
    block, _created = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    return block


@transaction.atomic
def block_delete(*, blocker: User, blocked_id: int) -> None:
    Block.objects.filter(blocker=blocker, blocked_id=blocked_id).delete()


@transaction.atomic
def messaging_settings_update(*, user: User, email: str) -> MessagingSettings:
    row, _created = MessagingSettings.objects.get_or_create(user=user)
    row.email = email
    row.full_clean()
    row.save(update_fields=["email"])
    return row


# --- Sockets: presence, rate limit, closing ---------------------------------------------


_redis_writers: dict[str, Any] = {}


def _redis_writer(backend: RedisCache) -> Any:
    """The backend's own redis-py client for writes, kept per process.

    Django's cache API has no atomic incr-or-create, and builds a new redis-py client (which
    costs more than the round trip) on every call; the frame counter runs for every frame.
    Writes always go to the first configured server: one client per configured location.
    """
    location = str(settings.CACHES[DEFAULT_CACHE_ALIAS]["LOCATION"])
    if location not in _redis_writers:
        _redis_writers[location] = backend._cache.get_client(None, write=True)  # type: ignore[attr-defined]
    return _redis_writers[location]


def _count_hits(keys: Sequence[str], seconds: int) -> list[int]:
    """Add one to each counter (a key may repeat) that lives `seconds`; the counts after
    adding, in order.

    On Redis this is one pipelined round trip for all of them (INCR, and EXPIRE so that a
    window's key goes away by itself): it runs for every frame of every socket. Other cache
    backends (local memory in the embedded default) use the portable add-then-incr.
    """
    backend = caches[DEFAULT_CACHE_ALIAS]  # `cache` is a proxy: isinstance needs the backend
    if isinstance(backend, RedisCache):
        pipeline = _redis_writer(backend).pipeline(transaction=False)
        for key in keys:
            full_key = backend.make_and_validate_key(key)
            pipeline.incr(full_key)
            pipeline.expire(full_key, seconds)
        return [int(count) for count in pipeline.execute()[::2]]
    counts = []
    for key in keys:
        if cache.add(key, 1, timeout=seconds):
            counts.append(1)
            continue
        try:
            counts.append(cache.incr(key))
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=seconds)
            counts.append(1)
    return counts


def socket_frames_allowed(*, user_ids: Sequence[int]) -> list[bool]:
    """For each frame (by the person who sent it): whether it is within that person's
    limit. A fixed-window count of frames per person in the shared cache (Redis in
    production), so the limit holds across every socket and server process of that person."""
    frames, seconds = settings.MESSAGING_SOCKET_RATE
    window = int(time.time() // seconds)
    counts = _count_hits([f"messaging:rate:{uid}:{window}" for uid in user_ids], seconds + 1)
    return [count <= frames for count in counts]


def socket_frame_allowed(*, user_id: int) -> bool:
    return socket_frames_allowed(user_ids=[user_id])[0]


def _presence_announce(user: User, *, online: bool, when: Any) -> None:
    publish_to_users(
        contact_ids_for_user(user=user),
        {"type": "presence", "user": user.pk, "online": online, "last_seen": when.isoformat()},
    )


def presence_touch(*, user: User, announce: bool = False) -> None:
    """Mark the person online for the next PRESENCE_TTL seconds (sockets say they are alive
    every 25 s, so a crashed server leaves nobody online for long)."""
    now = timezone.now()
    cache.set(PRESENCE_ONLINE_KEY.format(user.pk), 1, timeout=PRESENCE_TTL)
    cache.set(PRESENCE_LAST_SEEN_KEY.format(user.pk), now, timeout=None)
    if announce:
        _presence_announce(user, online=True, when=now)


def presence_connect(*, user: User) -> None:
    """A socket opened: the first one tells the people who share a conversation with them."""
    key = PRESENCE_SOCKETS_KEY.format(user.pk)
    cache.add(key, 0, timeout=None)
    first = cache.incr(key) == 1
    presence_touch(user=user, announce=first)


def presence_disconnect(*, user: User) -> None:
    """A socket closed: when it was the last, they are offline from now."""
    key = PRESENCE_SOCKETS_KEY.format(user.pk)
    try:
        remaining = cache.decr(key)
    except ValueError:
        remaining = 0
    if remaining > 0:
        return
    cache.delete(key)
    now = timezone.now()
    cache.delete(PRESENCE_ONLINE_KEY.format(user.pk))
    cache.set(PRESENCE_LAST_SEEN_KEY.format(user.pk), now, timeout=None)
    _presence_announce(user, online=False, when=now)


# --- Missed-message emails --------------------------------------------------------------


@transaction.atomic
def missed_messages_email_send(*, user_id: int) -> MissedMessagesEmail | None:
    """One email listing what the person has not read for 10 minutes, in their language.

    Each listed message is marked as emailed in the same transaction that records the email,
    whose unique key (person, newest message) refuses a second identical one: a retried or
    concurrent run finds nothing new and sends nothing.
    """
    user = User.objects.select_for_update().filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    row = MessagingSettings.objects.filter(user=user).first()
    if row is not None and row.email == EmailPreference.OFF:
        return None
    missed = missed_messages_for_user(user=user)
    if not missed:
        return None
    through = max(m.pk for _conversation, messages in missed for m in messages)
    count = sum(len(messages) for _conversation, messages in missed)
    try:
        with transaction.atomic():
            record = MissedMessagesEmail.objects.create(
                user=user, through_message_id=through, message_count=count
            )
    except IntegrityError:
        return None
    for conversation, messages in missed:
        ConversationState.objects.update_or_create(
            conversation=conversation,
            user=user,
            defaults={"last_emailed_id": max(m.pk for m in messages)},
        )
    base = site_url()
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context: dict[str, Any] = {
            "user": user,
            "count": count,
            "base_url": base,
            "settings_url": base + reverse("messaging:settings"),
            "conversations": [
                {
                    "title": _other_side_name(conversation, user),
                    "url": base + conversation.get_absolute_url(),
                    "messages": messages,
                }
                for conversation, messages in missed
            ],
        }
        email_send(
            to=user.email,
            subject=render_to_string("messaging/email/missed_subject.txt", context),
            body=render_to_string("messaging/email/missed.txt", context),
            html=render_to_string("messaging/email/missed.html", context),
        )
    return record


def _other_side_name(conversation: Conversation, user: User) -> str:
    from .payloads import sides

    organization_ids = set(
        Membership.objects.filter(user=user).values_list("organization_id", flat=True)
    )
    _mine, other = sides(conversation, user=user, organization_ids=organization_ids)
    return other.name
