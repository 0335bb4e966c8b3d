"""Socket messages are stored in batches (`services.messages_send`, `consumers.SendBatcher`):
each frame gets exactly what it would get alone, and a batch costs the queries of one."""

import asyncio

import pytest
from channels.db import database_sync_to_async
from django.core.exceptions import ValidationError

from messaging import consumers, services
from messaging.models import Conversation, Message
from tests.factories import UserFactory
from tests.layers import heard, listen

from .sockets import open_socket, receive, send

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def batch_sizes(monkeypatch) -> list[int]:
    """The size of every batch the consumers store (the real `_send_batch` does the work)."""
    sizes: list[int] = []
    real = consumers._send_batch

    def counting(requests):
        sizes.append(len(requests))
        return real(requests)

    monkeypatch.setattr(consumers, "_send_batch", counting)
    return sizes


def request(user, conversation, body="Hello", client_id="c-1"):
    return services.SendRequest(
        user=user, conversation_id=conversation.pk, body=body, client_id=client_id
    )


def stored(outcome: services.SendOutcome) -> tuple[Message, bool]:
    assert isinstance(outcome, tuple), outcome
    return outcome


def refused(outcome: services.SendOutcome) -> ValidationError:
    assert isinstance(outcome, ValidationError), outcome
    return outcome


def _blocking_carol(alice):
    carol = UserFactory.create(language="ru")
    to_carol, _ = services.conversation_get_or_create(user=alice, to_user=carol)
    services.block_create(blocker=carol, blocked=alice)
    return carol, to_carol


async def test_a_mixed_batch_gets_one_outcome_per_request_in_order(alice, bob, outsider, direct):
    carol, to_carol = await database_sync_to_async(_blocking_carol)(alice)
    channels = {user.pk: await listen(user.pk) for user in (alice, bob, carol, outsider)}

    outcomes = await database_sync_to_async(services.messages_send)(
        requests=[
            request(alice, direct, "first", "a-1"),
            request(outsider, direct, "let me in", "o-1"),
            request(bob, direct, "   ", "b-0"),
            request(bob, direct, "answer", "b-1"),
            request(alice, direct, "first", "a-1"),  # the same frame again in this batch
            request(alice, to_carol, "hello?", "a-2"),  # carol blocked alice
            request(carol, direct, "not mine", "c-1"),
        ]
    )

    first, created = stored(outcomes[0])
    assert (first.body, created) == ("first", True)
    assert isinstance(outcomes[1], Conversation.DoesNotExist)
    assert refused(outcomes[2]).code == "empty"
    answer, created = stored(outcomes[3])
    assert (answer.body, answer.sender, created) == ("answer", bob, True)
    repeat, created = stored(outcomes[4])
    assert (repeat.pk, created) == (first.pk, False)
    withheld, created = stored(outcomes[5])
    assert withheld.withheld
    assert created
    assert isinstance(outcomes[6], Conversation.DoesNotExist)
    assert len(outcomes) == 7
    assert await database_sync_to_async(Message.objects.count)() == 3

    frames = {user_id: await heard(channel) for user_id, channel in channels.items()}
    bodies = {user_id: [f["message"]["body"] for f in got] for user_id, got in frames.items()}
    assert bodies[alice.pk] == ["first", "answer", "hello?"]
    assert bodies[bob.pk] == ["first", "answer"]
    assert bodies[carol.pk] == []  # blocked: not told, and alice is not told either
    assert bodies[outsider.pk] == []


def test_refusals_are_written_in_each_senders_language(alice, direct):
    russian = UserFactory.create(language="ru")
    kazakh = UserFactory.create(language="kk")
    outcomes = services.messages_send(
        requests=[
            request(russian, direct, "x", "r-1"),
            request(kazakh, direct, "x", "k-1"),
            request(alice, direct, "x" * 5001, "a-1"),
        ]
    )
    assert isinstance(outcomes[0], Conversation.DoesNotExist)
    assert isinstance(outcomes[1], Conversation.DoesNotExist)
    english = refused(outcomes[2])
    assert english.code == "body_too_long"
    assert "5000" in " ".join(english.messages)
    long_ru = refused(
        services.messages_send(requests=[request(russian, direct, "x" * 5001, "r-2")])[0]
    )
    long_kk = refused(
        services.messages_send(requests=[request(kazakh, direct, "x" * 5001, "k-2")])[0]
    )
    texts = {" ".join(error.messages) for error in (english, long_ru, long_kk)}
    assert len(texts) == 3  # three languages, three texts


def test_a_stored_client_id_in_a_batch_settles_each_request(alice, bob, direct):
    earlier, _ = services.message_send(
        user=alice, conversation_id=direct.pk, body="sent before", client_id="a-1"
    )
    outcomes = services.messages_send(
        requests=[
            request(bob, direct, "new one", "b-1"),
            request(alice, direct, "sent before", "a-1"),  # a retry after a reconnect
            request(alice, direct, "another", "a-2"),
        ]
    )
    assert [(m.body, created) for m, created in map(stored, outcomes)] == [
        ("new one", True),
        ("sent before", False),
        ("another", True),
    ]
    assert stored(outcomes[1])[0].pk == earlier.pk
    assert Message.objects.filter(client_id="a-1").count() == 1
    assert Message.objects.count() == 3


def test_a_batch_costs_the_same_queries_as_one_message(
    alice, bob, university, liaison, org_conversation, django_assert_max_num_queries
):
    people = UserFactory.create_batch(8)
    conversations = [
        services.conversation_get_or_create(user=alice, to_user=person)[0] for person in people
    ]

    def batch(size, prefix):
        requests = [request(alice, org_conversation, "to the lab", f"{prefix}-org")]
        requests += [
            request(alice, conversation, "hi", f"{prefix}-{n}")
            for n, conversation in enumerate(conversations[: size - 1])
        ]
        return requests

    # Parties (with blocks) and members, then the INSERT in its transaction (BEGIN and
    # COMMIT are counted on SQLite).
    with django_assert_max_num_queries(5) as small:
        assert all(
            created
            for _m, created in map(stored, services.messages_send(requests=batch(2, "small")))
        )
    with django_assert_max_num_queries(5) as large:
        assert all(
            created
            for _m, created in map(stored, services.messages_send(requests=batch(9, "large")))
        )
    assert len(large.captured_queries) == len(small.captured_queries)
    assert Message.objects.count() == 11


async def test_frames_that_arrive_together_are_stored_in_one_batch(batch_sizes, alice, bob, direct):
    batcher = consumers.SendBatcher()
    replies = await asyncio.gather(
        *(
            batcher.send(request(alice if n % 2 else bob, direct, f"m{n}", f"c-{n}"))
            for n in range(6)
        )
    )
    assert batch_sizes == [6]
    assert [reply["type"] for reply in replies] == ["message.ack"] * 6
    assert [reply["message"]["body"] for reply in replies] == [f"m{n}" for n in range(6)]
    assert await database_sync_to_async(Message.objects.count)() == 6


async def test_sockets_sending_at_once_each_get_their_ack_and_messages(alice, bob, direct):
    a, _, _ = await open_socket(alice)
    b, _, _ = await open_socket(bob)
    try:
        for n in range(3):
            frame = {"type": "message.send", "conversation": direct.pk, "client_id": f"x{n}"}
            await send(a, {**frame, "body": f"from alice {n}"})
            await send(b, {**frame, "body": f"from bob {n}"})
        acks_a = [(await receive(a, of_type="message.ack"))["client_id"] for _ in range(3)]
        acks_b = [(await receive(b, of_type="message.ack"))["client_id"] for _ in range(3)]
        assert acks_a == acks_b == ["x0", "x1", "x2"]
        bodies = await database_sync_to_async(
            lambda: sorted(Message.objects.values_list("body", flat=True))
        )()
        assert bodies == sorted(
            [f"from alice {n}" for n in range(3)] + [f"from bob {n}" for n in range(3)]
        )
    finally:
        await a.disconnect()
        await b.disconnect()


async def test_a_flood_of_messages_is_refused_per_person(settings, alice, bob, direct):
    settings.MESSAGING_SOCKET_RATE = (2, 60)
    a, _, _ = await open_socket(alice)
    try:
        for n in range(3):
            await send(
                a,
                {
                    "type": "message.send",
                    "conversation": direct.pk,
                    "body": "hi",
                    "client_id": f"f{n}",
                },
            )
        kinds = []
        for _ in range(3):
            frame = await receive(a)
            while frame["type"] == "message.new":
                frame = await receive(a)
            kinds.append(frame.get("code", frame["type"]))
        assert kinds == ["message.ack", "message.ack", "rate_limited"]
        assert await database_sync_to_async(Message.objects.count)() == 2
    finally:
        await a.disconnect()


async def test_under_load_the_next_batch_waits_a_little_for_more_frames(
    settings, batch_sizes, alice, bob, direct
):
    settings.MESSAGING_BATCH_LINGER_MS = 2000
    batcher = consumers.SendBatcher()
    # A quiet server does not wait: one frame alone is stored at once.
    reply = await asyncio.wait_for(batcher.send(request(alice, direct, "quiet", "q-1")), 1.5)
    assert reply["type"] == "message.ack"
    # Under load (the last batch held several frames) a frame that comes a little later
    # joins the one already waiting.
    batcher.last_size = 2
    first = asyncio.ensure_future(batcher.send(request(alice, direct, "one", "l-1")))
    await asyncio.sleep(0.05)
    second = asyncio.ensure_future(batcher.send(request(bob, direct, "two", "l-2")))
    replies = await asyncio.gather(first, second)
    assert batch_sizes == [1, 2]
    assert [r["message"]["body"] for r in replies] == ["one", "two"]


def test_a_conversation_deleted_while_its_batch_is_stored_fails_only_its_message(
    monkeypatch, alice, bob, direct
):
    carol = UserFactory.create()
    doomed, _ = services.conversation_get_or_create(user=alice, to_user=carol)
    real = services.audiences_for_users

    def then_deleted(*, asks):
        audiences = real(asks=asks)
        Conversation.objects.filter(pk=doomed.pk).delete()  # by someone else, meanwhile
        return audiences

    monkeypatch.setattr(services, "audiences_for_users", then_deleted)
    outcomes = services.messages_send(
        requests=[request(alice, direct, "kept", "a-1"), request(alice, doomed, "lost", "a-2")]
    )
    message, created = stored(outcomes[0])
    assert (message.body, created) == ("kept", True)
    assert isinstance(outcomes[1], Conversation.DoesNotExist)
    assert list(Message.objects.values_list("body", flat=True)) == ["kept"]
