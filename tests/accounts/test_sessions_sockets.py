"""Ending sessions closes the sockets of exactly those sessions (in-memory channel layer).

Consumers must see committed rows, hence transactional tests. Every communicator is
disconnected, whatever happens."""

import pytest
from allauth.usersessions.models import UserSession
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels_redis.pubsub import RedisPubSubChannelLayer
from django.urls import reverse

from messaging.consumers import CLOSE_SIGNED_OUT
from tests.factories import PASSWORD, UserFactory
from tests.messaging.sockets import open_socket

from .sessions import session_key, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

SESSIONS = "/accounts/sessions/"


async def closed(communicator) -> bool:
    output = await communicator.receive_output(timeout=2)
    return output == {"type": "websocket.close", "code": CLOSE_SIGNED_OUT}


async def setup():
    alice = await database_sync_to_async(UserFactory.create)(name="Alice Akhmetova")
    bob = await database_sync_to_async(UserFactory.create)(name="Bob Bekov")
    laptop = await database_sync_to_async(sign_in)(alice)
    phone = await database_sync_to_async(sign_in)(alice)
    bobs = await database_sync_to_async(sign_in)(bob)
    sockets = {}
    for name, client in (("laptop", laptop), ("phone", phone), ("bob", bobs)):
        communicator, connected, _ = await open_socket(cookie=session_key(client))
        sockets[name] = communicator
        assert connected
    return laptop, sockets


async def disconnect(sockets) -> None:
    for communicator in sockets.values():
        await communicator.disconnect()


async def test_signing_out_other_sessions_closes_their_sockets_only():
    laptop, sockets = await setup()
    try:
        response = await database_sync_to_async(laptop.post)(SESSIONS)
        assert response.status_code == 302
        assert await closed(sockets["phone"])
        assert await sockets["laptop"].receive_nothing(timeout=0.3)
        assert await sockets["bob"].receive_nothing(timeout=0.3)
    finally:
        await disconnect(sockets)


async def test_signing_out_everywhere_closes_every_socket_of_the_person():
    laptop, sockets = await setup()
    try:
        response = await database_sync_to_async(laptop.post)(reverse("accounts:sessions_end_all"))
        assert response.status_code == 302
        assert await closed(sockets["phone"])
        assert await closed(sockets["laptop"])
        assert await sockets["bob"].receive_nothing(timeout=0.3)
    finally:
        await disconnect(sockets)


async def test_a_password_change_closes_the_other_sessions_sockets():
    laptop, sockets = await setup()
    try:
        response = await database_sync_to_async(laptop.post)(
            reverse("account_change_password"),
            {
                "oldpassword": PASSWORD,
                "password1": "Steppe-Wind-2026",
                "password2": "Steppe-Wind-2026",
            },
        )
        assert response.status_code == 302
        assert await closed(sockets["phone"])
        assert await sockets["bob"].receive_nothing(timeout=0.3)
        # The page that changed the password goes on with a fresh socket.
        fresh, connected, _ = await open_socket(cookie=session_key(laptop))
        sockets["fresh"] = fresh
        assert connected
    finally:
        await disconnect(sockets)


async def test_ending_a_session_over_the_headless_api_closes_its_sockets_only():
    laptop, sockets = await setup()
    try:

        def end_phone():
            phone = UserSession.objects.exclude(session_key=session_key(laptop)).get(
                user__name="Alice Akhmetova"
            )
            return laptop.delete(
                "/_allauth/browser/v1/auth/sessions",
                {"sessions": [phone.pk]},
                content_type="application/json",
            )

        response = await database_sync_to_async(end_phone)()
        assert response.status_code == 200
        assert await closed(sockets["phone"])
        assert await sockets["laptop"].receive_nothing(timeout=0.3)
        assert await sockets["bob"].receive_nothing(timeout=0.3)
    finally:
        await disconnect(sockets)


@pytest.mark.services
async def test_over_redis_signing_out_other_sessions_closes_their_sockets_only():
    assert isinstance(get_channel_layer(), RedisPubSubChannelLayer)
    laptop, sockets = await setup()
    try:
        await database_sync_to_async(laptop.post)(SESSIONS)
        assert await closed(sockets["phone"])
        assert await sockets["laptop"].receive_nothing(timeout=0.5)
        assert await sockets["bob"].receive_nothing(timeout=0.5)
    finally:
        await disconnect(sockets)
