"""The socket on the in-memory channel layer. Consumers must see committed rows, hence
transactional tests. Every communicator is disconnected, whatever happens."""

import uuid

import pytest
from channels.db import database_sync_to_async

from core import realtime
from messaging import services
from messaging.models import Message
from tests.factories import MembershipFactory

from .conftest import send as send_message
from .sockets import open_socket, receive, send

pytestmark = pytest.mark.django_db(transaction=True)


async def test_anonymous_socket_is_refused():
    communicator, connected, _code = await open_socket(None)
    assert not connected
    await communicator.disconnect()


async def test_socket_from_a_foreign_origin_is_refused(alice):
    communicator, connected, _code = await open_socket(alice, origin="https://evil.example")
    assert not connected
    await communicator.disconnect()


async def test_send_acks_the_sender_and_reaches_every_participant_but_no_outsider(
    alice, bob, outsider, direct
):
    a, ok_a, _ = await open_socket(alice)
    b, ok_b, _ = await open_socket(bob)
    o, ok_o, _ = await open_socket(outsider)
    try:
        assert ok_a
        assert ok_b
        assert ok_o
        client_id = str(uuid.uuid4())
        await send(
            a,
            {
                "type": "message.send",
                "conversation": direct.pk,
                "body": "Hi **Bob**",
                "client_id": client_id,
            },
        )
        ack = await receive(a, of_type="message.ack")
        assert ack["client_id"] == client_id
        message = ack["message"]
        assert set(message) >= {"id", "conversation", "sender", "body", "client_id", "created_at"}
        assert message["sender"] == {"id": alice.pk, "name": alice.name}
        assert message["conversation"] == direct.pk
        assert message["body"] == "Hi **Bob**"
        new = await receive(b, of_type="message.new")
        assert new["message"] == message
        echo = await receive(a, of_type="message.new")
        assert echo["message"]["id"] == message["id"]
        assert await o.receive_nothing(timeout=0.3)
        assert await database_sync_to_async(Message.objects.count)() == 1
    finally:
        await a.disconnect()
        await b.disconnect()
        await o.disconnect()


async def test_same_client_id_twice_over_the_socket_is_one_message(alice, bob, direct):
    a, _, _ = await open_socket(alice)
    try:
        frame = {"type": "message.send", "conversation": direct.pk, "body": "x", "client_id": "c1"}
        await send(a, frame)
        first = await receive(a, of_type="message.ack")
        await send(a, frame)
        second = await receive(a, of_type="message.ack")
        assert first["message"]["id"] == second["message"]["id"]
        assert await database_sync_to_async(Message.objects.count)() == 1
    finally:
        await a.disconnect()


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("{not json", "malformed"),
        ("[1, 2]", "malformed"),
        ('{"type": "dance"}', "unknown_type"),
        ('{"type": "message.send", "conversation": "7", "body": "x", "client_id": "a"}', "invalid"),
        ('{"type": "message.send", "conversation": 1, "body": 5, "client_id": "a"}', "invalid"),
        ("x" * 40000, "frame_too_large"),
    ],
)
async def test_bad_frames_get_an_error_and_the_socket_stays_usable(alice, direct, raw, code):
    a, _, _ = await open_socket(alice)
    try:
        await a.send_to(text_data=raw)
        error = await receive(a)
        assert error["type"] == "error"
        assert error["code"] == code
        assert error["detail"]
        await send(
            a,
            {
                "type": "message.send",
                "conversation": direct.pk,
                "body": "still here",
                "client_id": "after-error",
            },
        )
        assert (await receive(a, of_type="message.ack"))["message"]["body"] == "still here"
    finally:
        await a.disconnect()


async def test_oversized_body_and_foreign_conversation_get_error_frames(alice, outsider, direct):
    o, _, _ = await open_socket(outsider)
    a, _, _ = await open_socket(alice)
    try:
        await send(
            o,
            {
                "type": "message.send",
                "conversation": direct.pk,
                "body": "let me in",
                "client_id": "intruder",
            },
        )
        error = await receive(o)
        assert (error["type"], error["code"]) == ("error", "not_found")
        await send(
            a,
            {
                "type": "message.send",
                "conversation": direct.pk,
                "body": "x" * 5001,
                "client_id": "big",
            },
        )
        error = await receive(a)
        assert (error["type"], error["code"]) == ("error", "body_too_long")
        await send(o, {"type": "typing", "conversation": direct.pk})
        assert (await receive(o))["code"] == "not_found"
        await send(o, {"type": "read", "conversation": direct.pk, "message": 1})
        assert (await receive(o))["code"] == "not_found"
        assert await database_sync_to_async(Message.objects.count)() == 0
        assert await a.receive_nothing(timeout=0.2)
    finally:
        await o.disconnect()
        await a.disconnect()


async def test_a_flood_is_rate_limited_per_person_and_others_are_not_slowed(
    settings, alice, bob, direct
):
    settings.MESSAGING_SOCKET_RATE = (5, 60)
    a, _, _ = await open_socket(alice)
    b, _, _ = await open_socket(bob)
    try:
        for _ in range(5):
            await send(a, {"type": "typing", "conversation": direct.pk})
        await send(a, {"type": "typing", "conversation": direct.pk})
        error = await receive(a)
        assert (error["type"], error["code"]) == ("error", "rate_limited")
        await send(
            b,
            {"type": "message.send", "conversation": direct.pk, "body": "fine", "client_id": "b-1"},
        )
        assert (await receive(b, of_type="message.ack"))["message"]["body"] == "fine"
    finally:
        await a.disconnect()
        await b.disconnect()


async def test_typing_and_read_are_relayed_with_the_user_id(alice, bob, outsider, direct):
    message = await database_sync_to_async(send_message)(alice, direct, "seen?")
    a, _, _ = await open_socket(alice)
    b, _, _ = await open_socket(bob)
    o, _, _ = await open_socket(outsider)
    try:
        await send(b, {"type": "typing", "conversation": direct.pk})
        typing = await receive(a, of_type="typing")
        assert typing["conversation"] == direct.pk
        assert typing["user"] == bob.pk
        await send(b, {"type": "read", "conversation": direct.pk, "message": message.pk})
        read = await receive(a, of_type="read")
        assert read == {
            "type": "read",
            "conversation": direct.pk,
            "message": message.pk,
            "user": bob.pk,
            "side": f"u{bob.pk}",
        }
        assert await o.receive_nothing(timeout=0.3)
    finally:
        await a.disconnect()
        await b.disconnect()
        await o.disconnect()


async def test_organization_members_receive_and_leavers_do_not(
    alice, university, liaison, org_conversation
):
    colleague_membership = await database_sync_to_async(MembershipFactory.create)(
        organization=university
    )
    colleague = colleague_membership.user
    member, _, _ = await open_socket(liaison)
    c, _, _ = await open_socket(colleague)
    a, _, _ = await open_socket(alice)
    try:
        await send(
            a,
            {
                "type": "message.send",
                "conversation": org_conversation.pk,
                "body": "Lab access?",
                "client_id": "o-1",
            },
        )
        assert (await receive(member, of_type="message.new"))["message"]["body"] == "Lab access?"
        assert (await receive(c, of_type="message.new"))["message"]["body"] == "Lab access?"
        await database_sync_to_async(colleague_membership.delete)()
        await send(
            member,
            {
                "type": "message.send",
                "conversation": org_conversation.pk,
                "body": "Yes.",
                "client_id": "o-2",
            },
        )
        assert (await receive(a, of_type="message.new"))["message"]["body"] == "Lab access?"
        answer = await receive(a, of_type="message.new")
        assert answer["message"]["organization"]["slug"] == university.slug
        assert await c.receive_nothing(timeout=0.3)
        await send(
            c,
            {
                "type": "message.send",
                "conversation": org_conversation.pk,
                "body": "I left",
                "client_id": "o-3",
            },
        )
        assert (await receive(c))["code"] == "not_found"
    finally:
        await member.disconnect()
        await c.disconnect()
        await a.disconnect()


async def test_logout_closes_that_sessions_sockets_and_deactivation_closes_all(alice, bob):
    a, _, _ = await open_socket(alice)
    b1, _, _ = await open_socket(bob)
    b2, _, _ = await open_socket(bob)
    try:
        session_key = a.scope["headers"][-1][1].decode().split("=", 1)[1]
        await database_sync_to_async(realtime.sockets_close)(
            user_id=alice.pk, session_key=session_key
        )
        assert (await a.receive_output(timeout=2))["type"] == "websocket.close"

        def deactivate():
            bob.is_active = False
            bob.save()

        await database_sync_to_async(deactivate)()
        assert (await b1.receive_output(timeout=2))["type"] == "websocket.close"
        assert (await b2.receive_output(timeout=2))["type"] == "websocket.close"
    finally:
        await a.disconnect()
        await b1.disconnect()
        await b2.disconnect()


async def test_presence_goes_only_to_people_who_share_a_conversation(alice, bob, outsider, direct):
    b, _, _ = await open_socket(bob)
    o, _, _ = await open_socket(outsider)
    try:
        a, _, _ = await open_socket(alice)
        presence = await receive(b, of_type="presence")
        assert presence["user"] == alice.pk
        assert presence["online"] is True
        await a.disconnect()
        presence = await receive(b, of_type="presence")
        assert presence["user"] == alice.pk
        assert presence["online"] is False
        assert presence["last_seen"]
        assert await o.receive_nothing(timeout=0.3)
    finally:
        await b.disconnect()
        await o.disconnect()


async def test_ping_answers_pong(alice):
    a, _, _ = await open_socket(alice)
    try:
        await send(a, {"type": "ping"})
        assert (await receive(a))["type"] == "pong"
    finally:
        await a.disconnect()


async def test_a_blocker_receives_nothing_from_the_blocked_person(alice, bob, direct):
    await database_sync_to_async(services.block_create)(blocker=bob, blocked=alice)
    b, _, _ = await open_socket(bob)
    a, _, _ = await open_socket(alice)
    try:
        await receive(b, of_type="presence")  # Alice came online; nothing else may follow
        await send(a, {"type": "typing", "conversation": direct.pk})
        await send(
            a,
            {
                "type": "message.send",
                "conversation": direct.pk,
                "body": "hello?",
                "client_id": "blocked-1",
            },
        )
        ack = await receive(a, of_type="message.ack")
        assert ack["message"]["body"] == "hello?"  # the sender is not told
        assert (await receive(a, of_type="message.new"))["message"]["id"] == ack["message"]["id"]
        assert await b.receive_nothing(timeout=0.3)
    finally:
        await a.disconnect()
        await b.disconnect()


async def test_a_failing_service_gives_server_error_and_the_socket_stays(
    monkeypatch, alice, direct
):
    def broken(*args, **kwargs):
        raise ConnectionError("database went away")

    a, _, _ = await open_socket(alice)
    try:
        with monkeypatch.context() as patch:
            patch.setattr(services, "messages_send", broken)
            await send(
                a,
                {"type": "message.send", "conversation": direct.pk, "body": "x", "client_id": "f"},
            )
            error = await receive(a)
            assert (error["type"], error["code"]) == ("error", "server_error")
        await send(
            a, {"type": "message.send", "conversation": direct.pk, "body": "x", "client_id": "f"}
        )
        assert (await receive(a, of_type="message.ack"))["message"]["client_id"] == "f"
    finally:
        await a.disconnect()
