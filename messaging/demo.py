"""Demo conversations between demo organisations for `manage.py seed_demo`.

Idempotent by construction: conversations are found again by their parties, and every
message has a fixed client_id, which the service never stores twice.
"""

from accounts.models import User
from members.models import Organization

from .models import Conversation, Purpose
from .services import conversation_get_or_create, message_send

# (sender key, as organisation slug or None, to organisation slug or to person key, purpose,
#  [(author key, text), ...])
THREADS: list[tuple[str, str | None, str, str, list[tuple[str, str]]]] = [
    (
        "founder",
        "airsense",
        "org:satbayev-tech-university",
        Purpose.LAB_ACCESS,
        [
            (
                "founder",
                "Hello! We build low-cost air-quality sensors. Could we calibrate them "
                "in your **environmental lab** next month?",
            ),
            (
                "university",
                "Hello Timur, yes, the lab has free slots in the second half of "
                "the month. How many sensors, and for how long?",
            ),
            (
                "founder",
                "Twenty sensors, about three days. We can bring our own reference station.",
            ),
        ],
    ),
    (
        "scout",
        "steppe-ventures",
        "org:airsense",
        Purpose.INVESTMENT,
        [
            (
                "scout",
                "Hi AirSense team, we are opening our autumn seed round. Would you "
                "share your deck?",
            ),
            ("founder", "With pleasure, sending it this week."),
        ],
    ),
    (
        "techpark",
        None,
        "person:founder",
        "",
        [
            ("techpark", "Timur, the hardware workshop is free on Friday if you need it."),
            ("founder", "Great, I will come at 10:00."),
        ],
    ),
]


def seed(users: dict[str, User], organizations: list[Organization]) -> list[Conversation]:
    by_slug = {o.slug: o for o in organizations}
    conversations = []
    for sender_key, as_slug, target, purpose, messages in THREADS:
        sender = users.get(sender_key)
        if sender is None:
            continue
        as_organization = by_slug.get(as_slug) if as_slug else None
        kind, _, name = target.partition(":")
        to_organization = by_slug.get(name) if kind == "org" else None
        to_user = users.get(name) if kind == "person" else None
        if (as_slug and as_organization is None) or (to_organization is None and to_user is None):
            continue
        conversation, _created = conversation_get_or_create(
            user=sender,
            to_user=to_user,
            to_organization=to_organization,
            as_organization=as_organization,
            purpose=purpose,
        )
        for number, (author_key, text) in enumerate(messages):
            message_send(
                user=users[author_key],
                conversation_id=conversation.pk,
                body=text,
                client_id=f"demo-{conversation.pair_key}-{number}",
            )
        conversations.append(conversation)
    return conversations
