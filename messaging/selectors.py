"""Every read of conversations and messages, scoped to the person who asks.

A conversation someone may not read does not exist for them: the selectors raise
`Conversation.DoesNotExist` (a 404 on pages and in the API, an `not_found` error frame on
the socket), so nobody learns whether a number belongs to somebody else's conversation.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from members.models import Membership, Organization

from .models import (
    Attachment,
    Block,
    Conversation,
    ConversationState,
    EmailPreference,
    Message,
    MessagingSettings,
    Party,
)

# A message unread this long goes into a missed-messages email…
MISSED_AFTER = timedelta(minutes=10)
# …if the email job sees it within this time (the job runs every minute).
MISSED_LOOKBACK = timedelta(hours=6)
MESSAGE_PAGE_DEFAULT = 50
# Presence lives in the cache (written by services.presence_*).
PRESENCE_ONLINE_KEY = "messaging:online:{}"
PRESENCE_LAST_SEEN_KEY = "messaging:seen:{}"
MESSAGE_PAGE_MAX = 200


def organization_ids_for_user(*, user: User) -> list[int]:
    return list(Membership.objects.filter(user=user).values_list("organization_id", flat=True))


def _access(user: User) -> Exists:
    """True for a conversation the person is a party of, or whose organisation they belong to."""
    return Exists(
        Party.objects.filter(conversation=OuterRef("pk")).filter(
            Q(user=user)
            | Q(organization__in=Membership.objects.filter(user=user).values("organization_id"))
        )
    )


def _with_state(queryset: QuerySet[Conversation], user: User) -> QuerySet[Conversation]:
    state = ConversationState.objects.filter(conversation=OuterRef("pk"), user=user)
    unread = (
        Message.objects.filter(
            conversation=OuterRef("pk"),
            id__gt=OuterRef("last_read_id"),
            withheld=False,
            deleted_at__isnull=True,
        )
        .exclude(sender=user)
        .order_by()
        .values("conversation")
        .annotate(n=Count("id"))
        .values("n")
    )
    newest_visible = (
        Message.objects.filter(conversation=OuterRef("pk"))
        .filter(Q(withheld=False) | Q(sender=user))
        .order_by("-id")
        .values("id")[:1]
    )
    # The model declares these names for type checkers; django-stubs sees a redefinition.
    return queryset.annotate(  # type: ignore[no-redef]
        last_message_id=Subquery(newest_visible),
        last_read_id=Coalesce(Subquery(state.values("last_read_id")[:1]), Value(0)),
        muted=Coalesce(
            Subquery(state.values("muted")[:1]), Value(False), output_field=BooleanField()
        ),
    ).annotate(
        unread_count=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)),
    )


def _for_display(queryset: QuerySet[Conversation]) -> QuerySet[Conversation]:
    return queryset.prefetch_related(
        Prefetch(
            "parties",
            queryset=Party.objects.select_related("user", "organization", "assigned_to").order_by(
                "id"
            ),
        ),
    )


def with_last_messages(conversations: Iterable[Conversation]) -> list[Conversation]:
    """Load each conversation's `last_message` (from the `last_message_id` annotation) in
    two queries, whatever their number: call it on the page about to be shown."""
    rows = list(conversations)
    ids = [c.last_message_id for c in rows if c.last_message_id]
    messages = {
        m.pk: m
        for m in Message.objects.filter(pk__in=ids)
        .select_related("sender", "sender_organization")
        .prefetch_related("attachments")
    }
    for conversation in rows:
        conversation.last_message = messages.get(conversation.last_message_id or 0)
    return rows


def conversation_list_for_user(
    *, user: User, search: str = "", unread_first: bool = False
) -> QuerySet[Conversation]:
    """The person's conversations, newest first, each with `unread_count`, `muted` and
    `last_read_id`; a conversation without messages shows only to whoever started it."""
    queryset = Conversation.objects.filter(_access(user))
    search = search.strip()
    if search:
        queryset = queryset.filter(
            Exists(
                Party.objects.filter(conversation=OuterRef("pk")).filter(
                    Q(user__name__icontains=search) | Q(organization__name__icontains=search)
                )
            )
        )
    queryset = _with_state(queryset, user).filter(
        Q(last_message_id__isnull=False) | Q(created_by=user)
    )
    ordering: list[Any] = [F("last_message_id").desc(nulls_last=True), "-id"]
    if unread_first:
        has_unread = Case(When(unread_count__gt=0, then=Value(1)), default=Value(0))
        ordering = [has_unread.desc(), *ordering]
    return _for_display(queryset).order_by(*ordering)


def conversation_get_for_user(*, user: User, conversation_id: int) -> Conversation:
    conversation = _for_display(_with_state(Conversation.objects.filter(_access(user)), user)).get(
        pk=conversation_id
    )
    return with_last_messages([conversation])[0]


def unread_total_for_user(*, user: User) -> int:
    """Unread messages across the person's conversations, muted ones left out."""
    queryset = _with_state(Conversation.objects.filter(_access(user)), user)
    queryset = queryset.filter(muted=False)  # type: ignore[misc]  # an annotation
    return int(queryset.aggregate(total=Sum("unread_count"))["total"] or 0)


@dataclass(frozen=True)
class Audience:
    """Everyone who may read one conversation right now, and on whose behalf each writes."""

    conversation_id: int
    party_users: frozenset[int]
    party_organizations: frozenset[int]
    members: dict[int, frozenset[int]] = field(default_factory=dict)
    # Person parties who blocked the person the audience was computed for.
    blocked_by: frozenset[int] = frozenset()

    @property
    def user_ids(self) -> set[int]:
        ids = set(self.party_users)
        for member_ids in self.members.values():
            ids |= member_ids
        return ids

    @property
    def is_direct(self) -> bool:
        return not self.party_organizations

    def includes(self, user_id: int) -> bool:
        return user_id in self.party_users or any(
            user_id in member_ids for member_ids in self.members.values()
        )

    def organization_of(self, user_id: int) -> int | None:
        """The organisation a person writes for here; None when they are a party themselves."""
        if user_id in self.party_users:
            return None
        for organization_id, member_ids in sorted(self.members.items()):
            if user_id in member_ids:
                return organization_id
        raise Conversation.DoesNotExist

    def side_of(self, user_id: int) -> str:
        """The party a reader belongs to here, named as in `pair_key` ("u7", "o12")."""
        organization_id = self.organization_of(user_id)
        return f"u{user_id}" if organization_id is None else f"o{organization_id}"


def audiences_for_users(*, asks: Iterable[tuple[int, int]]) -> dict[tuple[int, int], Audience]:
    """For each `(conversation_id, user_id)`: everyone who may read that conversation right
    now, with the person parties who blocked that person. A pair whose person may not read
    the conversation (or whose conversation is not there) is left out.

    On the path of every message, and of many at once when a server batches them: one query
    for the parties of every conversation asked about (with their blocks of the askers), and
    one for the members when organisations take part. The queries do not grow with the
    number of pairs.
    """
    asks = set(asks)
    if not asks:
        return {}
    parties: dict[int, set[tuple[int | None, int | None]]] = {}
    blocks: set[tuple[int, int]] = set()
    # A person party's row comes once more for each asker they blocked (a LEFT JOIN).
    party_rows = (
        Party.objects.filter(conversation_id__in={conversation_id for conversation_id, _u in asks})
        .annotate(
            asker_blocks=FilteredRelation(
                "user__blocks_made",
                condition=Q(user__blocks_made__blocked_id__in={user for _c, user in asks}),
            )
        )
        .values_list("conversation_id", "user_id", "organization_id", "asker_blocks__blocked_id")
    )
    for conversation_id, user_id, organization_id, blocked_id in party_rows:
        parties.setdefault(conversation_id, set()).add((user_id, organization_id))
        if blocked_id is not None:
            blocks.add((user_id, blocked_id))
    organizations = {org for rows in parties.values() for _user, org in rows if org}
    members: dict[int, set[int]] = {org: set() for org in organizations}
    if organizations:
        for organization_id, member_id in Membership.objects.filter(
            organization_id__in=organizations
        ).values_list("organization_id", "user_id"):
            members[organization_id].add(member_id)
    audiences: dict[tuple[int, int], Audience] = {}
    for conversation_id, asking_user_id in asks:
        sides = parties.get(conversation_id)
        if not sides:
            continue
        users = frozenset(user for user, _org in sides if user)
        own_organizations = frozenset(org for _user, org in sides if org)
        audience = Audience(
            conversation_id=conversation_id,
            party_users=users,
            party_organizations=own_organizations,
            members={org: frozenset(members[org]) for org in own_organizations},
            blocked_by=frozenset(user for user in users if (user, asking_user_id) in blocks),
        )
        if audience.includes(asking_user_id):
            audiences[conversation_id, asking_user_id] = audience
    return audiences


def audience_for_user(*, user: User, conversation_id: int) -> Audience:
    """The conversation's audience if `user` may read it; `Conversation.DoesNotExist` if not."""
    audience = audiences_for_users(asks=[(conversation_id, user.pk)]).get(
        (conversation_id, user.pk)
    )
    if audience is None:
        raise Conversation.DoesNotExist
    return audience


def message_list_for_user(
    *,
    user: User,
    conversation_id: int,
    after: int | None = None,
    before: int | None = None,
    limit: int = MESSAGE_PAGE_DEFAULT,
) -> tuple[list[Message], bool]:
    """Messages of a conversation in order, and whether more lie beyond them.

    With `after`, the oldest messages after that id (catching up); otherwise the newest ones
    (before `before` when given). Messages withheld from a blocker show only to their sender.
    """
    audience_for_user(user=user, conversation_id=conversation_id)
    limit = max(1, min(limit, MESSAGE_PAGE_MAX))
    queryset = (
        Message.objects.filter(conversation_id=conversation_id)
        .filter(Q(withheld=False) | Q(sender=user))
        .select_related("sender", "sender_organization")
        .prefetch_related("attachments")
    )
    if after is not None:
        rows = list(queryset.filter(id__gt=after).order_by("id")[: limit + 1])
        return rows[:limit], len(rows) > limit
    if before is not None:
        queryset = queryset.filter(id__lt=before)
    rows = list(queryset.order_by("-id")[: limit + 1])
    more = len(rows) > limit
    return list(reversed(rows[:limit])), more


def message_get_for_user(*, user: User, message_id: int) -> Message:
    message = Message.objects.select_related("sender", "sender_organization").get(pk=message_id)
    audience_for_user(user=user, conversation_id=message.conversation_id)
    if message.withheld and message.sender_id != user.pk:
        raise Message.DoesNotExist
    return message


def attachment_get_for_user(*, user: User, attachment_id: int) -> Attachment:
    attachment = Attachment.objects.select_related("message").get(pk=attachment_id)
    try:
        message_get_for_user(user=user, message_id=attachment.message_id)
    except (Conversation.DoesNotExist, Message.DoesNotExist):
        raise Attachment.DoesNotExist from None
    if attachment.message.is_deleted:
        raise Attachment.DoesNotExist
    return attachment


def read_marks_for_conversation(*, user: User, conversation_id: int) -> dict[int, int]:
    """How far each reader on the other side has read: {user id: last read message id}.

    Colleagues in the same inbox are left out: "seen" means the other side saw it."""
    audience = audience_for_user(user=user, conversation_id=conversation_id)
    my_side = audience.side_of(user.pk)
    return {
        reader: last_read
        for reader, last_read in ConversationState.objects.filter(
            conversation_id=conversation_id, last_read_id__gt=0, user_id__in=audience.user_ids
        ).values_list("user_id", "last_read_id")
        if audience.side_of(reader) != my_side
    }


def contact_ids_for_user(*, user: User) -> set[int]:
    """People who share at least one conversation with this person (presence goes only to them)."""
    conversation_ids = Conversation.objects.filter(_access(user)).values("pk")
    people = set(
        Party.objects.filter(conversation__in=conversation_ids, user__isnull=False).values_list(
            "user_id", flat=True
        )
    )
    people |= set(
        Membership.objects.filter(
            organization__messaging_parties__conversation__in=conversation_ids
        ).values_list("user_id", flat=True)
    )
    people.discard(user.pk)
    return people


def presence_for_users(*, user_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    ids = list(user_ids)
    online = cache.get_many([PRESENCE_ONLINE_KEY.format(uid) for uid in ids])
    seen = cache.get_many([PRESENCE_LAST_SEEN_KEY.format(uid) for uid in ids])
    result: dict[int, dict[str, Any]] = {}
    for uid in ids:
        last_seen: datetime | None = seen.get(PRESENCE_LAST_SEEN_KEY.format(uid))
        result[uid] = {
            "online": bool(online.get(PRESENCE_ONLINE_KEY.format(uid))),
            "last_seen": last_seen,
        }
    return result


def blocked_list_for_user(*, user: User) -> QuerySet[Block]:
    return Block.objects.filter(blocker=user).select_related("blocked").order_by("-created_at")


def is_blocked(*, blocker_id: int, blocked_id: int) -> bool:
    return Block.objects.filter(blocker_id=blocker_id, blocked_id=blocked_id).exists()


def email_preference_for_user(*, user: User) -> str:
    settings_row = MessagingSettings.objects.filter(user=user).first()
    return settings_row.email if settings_row else EmailPreference.BATCHED


def conversation_find_for_user(*, user: User, pair_key: str) -> Conversation | None:
    """The conversation between two parties, if it exists and the person may read it."""
    return Conversation.objects.filter(_access(user), pair_key=pair_key).first()


def assignable_members(*, organization: Organization) -> QuerySet[User]:
    return User.objects.filter(memberships__organization=organization, is_active=True).order_by(
        "name"
    )


def conversation_readers(*, conversation_ids: Iterable[int]) -> dict[int, set[int]]:
    """Who may read each of these conversations now, in two queries."""
    ids = list(conversation_ids)
    readers: dict[int, set[int]] = {conversation_id: set() for conversation_id in ids}
    by_organization: dict[int, list[int]] = {}
    for conversation_id, user_id, organization_id in Party.objects.filter(
        conversation_id__in=ids
    ).values_list("conversation_id", "user_id", "organization_id"):
        if user_id:
            readers[conversation_id].add(user_id)
        elif organization_id:
            by_organization.setdefault(organization_id, []).append(conversation_id)
    for organization_id, user_id in Membership.objects.filter(
        organization_id__in=by_organization
    ).values_list("organization_id", "user_id"):
        for conversation_id in by_organization[organization_id]:
            readers[conversation_id].add(user_id)
    return readers


def users_with_missed_messages() -> list[int]:
    """People with a message between 10 minutes and 6 hours old that they have neither read
    nor been emailed about, and who did not turn these emails off. A handful of queries,
    bounded by the (conversation, sender) pairs active in that window."""
    now = timezone.now()
    newest_by_sender = (
        Message.objects.filter(
            created_at__lte=now - MISSED_AFTER,
            created_at__gte=now - MISSED_LOOKBACK,
            withheld=False,
            deleted_at=None,
        )
        .order_by()
        .values_list("conversation_id", "sender_id")
        .annotate(newest=Max("id"))
    )
    senders: dict[int, dict[int, int]] = {}
    for conversation_id, sender_id, newest in newest_by_sender:
        senders.setdefault(conversation_id, {})[sender_id] = newest
    if not senders:
        return []
    # A muted conversation is never emailed about: its floor is beyond any message.
    floors: dict[tuple[int, int], float] = {
        (conversation_id, user_id): math.inf if muted else max(last_read, last_emailed)
        for conversation_id, user_id, last_read, last_emailed, muted in (
            ConversationState.objects.filter(conversation_id__in=senders).values_list(
                "conversation_id", "user_id", "last_read_id", "last_emailed_id", "muted"
            )
        )
    }
    opted_out = set(
        MessagingSettings.objects.filter(email=EmailPreference.OFF).values_list(
            "user_id", flat=True
        )
    )
    candidates: set[int] = set()
    for conversation_id, readers in conversation_readers(conversation_ids=senders).items():
        for reader in readers - opted_out:
            newest_from_others = max(
                (newest for sender, newest in senders[conversation_id].items() if sender != reader),
                default=0,
            )
            if newest_from_others > floors.get((conversation_id, reader), 0):
                candidates.add(reader)
    return sorted(candidates)


def missed_messages_for_user(*, user: User) -> list[tuple[Conversation, list[Message]]]:
    """What one person has not read for 10 minutes and was not emailed about, by
    conversation (up to 20 messages each); muted conversations left out."""
    cutoff = timezone.now() - MISSED_AFTER
    conversations = [
        c for c in conversation_list_for_user(user=user) if c.unread_count and not c.muted
    ]
    if not conversations:
        return []
    floors = {
        s.conversation_id: max(s.last_read_id, s.last_emailed_id)
        for s in ConversationState.objects.filter(user=user, conversation__in=conversations)
    }
    result = []
    for conversation in conversations:
        messages = list(
            Message.objects.filter(
                conversation=conversation,
                id__gt=floors.get(conversation.pk, 0),
                created_at__lte=cutoff,
                withheld=False,
                deleted_at__isnull=True,
            )
            .exclude(sender=user)
            .select_related("sender", "sender_organization")
            .order_by("id")[:20]
        )
        if messages:
            result.append((conversation, messages))
    return result
