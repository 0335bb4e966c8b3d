"""Opening `/ws/messaging/` in tests through the real ASGI stack (origin check, session auth)."""

import json

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from ucs.asgi import application


def _session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


async def session_cookie(user) -> str:
    return await database_sync_to_async(_session_cookie)(user)


async def open_socket(user=None, *, origin="http://127.0.0.1", cookie=None):
    headers = [(b"origin", origin.encode()), (b"host", b"127.0.0.1")]
    if user is not None or cookie is not None:
        cookie = cookie or await session_cookie(user)
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    communicator = WebsocketCommunicator(application, "/ws/messaging/", headers=headers)
    connected, code = await communicator.connect()
    return communicator, connected, code


async def receive(communicator, *, of_type=None, timeout=2):
    """The next frame (of that type, skipping presence chatter)."""
    while True:
        frame = json.loads(await communicator.receive_from(timeout=timeout))
        if of_type is None and frame["type"] != "presence":
            return frame
        if frame["type"] == of_type:
            return frame


async def send(communicator, frame) -> None:
    await communicator.send_to(text_data=json.dumps(frame))
