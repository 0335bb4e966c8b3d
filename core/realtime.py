"""Publishing real-time events to people, after the database has committed.

Every socket of a signed-in person joins one channel-layer group, `user.<id>`; an event for
someone goes to their group and nowhere else (no site-wide groups: channels_redis groups cost
grows with their size). A consumer that joined the group forwards the event's `text` (the
frame, encoded as JSON once, by the publisher) to the browser as it is.
"""

import asyncio
import json
import logging
import os
import weakref
from collections.abc import Iterable
from typing import Any

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

# The channel-layer event types a consumer must handle (`realtime_frame`, `realtime_close`).
FRAME = "realtime.frame"
CLOSE = "realtime.close"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


async def group_send_many(sends: list[tuple[str, dict[str, Any]]]) -> None:
    """Hand `(group, event)` pairs to the channel layer, in order: in one pipelined round
    trip on Redis (`core.layers.PipelinedPubSubChannelLayer`), one by one on other layers."""
    layer = get_channel_layer()
    if layer is None or not sends:
        return
    send_many = getattr(layer, "group_send_many", None)
    if send_many is not None:
        await send_many(sends)
        return
    for group, event in sends:
        await layer.group_send(group, event)


def _sends(user_ids: Iterable[int], event: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(user_group(user_id), event) for user_id in sorted(set(user_ids))]


def _server_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop of the ASGI server when this code runs in one of its sync threads
    (`sync_to_async`, `database_sync_to_async`), as asgiref's own AsyncToSync finds it."""
    if getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) != os.getpid():
        return None
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    return loop if loop is not None and loop.is_running() else None


class _Outbox:
    """The events one server process (one event loop) publishes, in the order handed over.
    What is handed over while a round trip is on its way goes together in the next one."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.pending: list[tuple[str, dict[str, Any]]] = []
        self.sending = False

    def add(self, sends: list[tuple[str, dict[str, Any]]]) -> None:
        """Runs on the loop."""
        self.pending.extend(sends)
        if not self.sending:
            self.sending = True
            self.loop.create_task(self._send())

    async def _send(self) -> None:
        try:
            while self.pending:
                batch, self.pending = self.pending, []
                try:
                    await group_send_many(batch)
                except Exception:
                    # Redis went away: these events are lost to the sockets (the database
                    # has everything; clients catch up), and the next ones are tried anew.
                    logger.exception("realtime: publishing failed")
        finally:
            self.sending = False


_outboxes: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Outbox]" = (
    weakref.WeakKeyDictionary()
)


def _hand_over(loop: asyncio.AbstractEventLoop, sends: list[tuple[str, dict[str, Any]]]) -> None:
    """Runs on the loop: the outbox of that loop takes the events."""
    if loop not in _outboxes:
        _outboxes[loop] = _Outbox(loop)
    _outboxes[loop].add(sends)


def send_to_users_now(user_ids: Iterable[int], event: dict[str, Any]) -> None:
    """Hand the event to the channel layer.

    Inside the ASGI server the event goes to the server loop's outbox and is not waited
    for: the thread that runs every database call of the process goes on with the next one
    instead of idling through the Redis round trip, and the events of many messages leave
    together. Elsewhere (commands, tests, Celery) it is sent before returning.
    """
    sends = _sends(user_ids, event)
    if not sends:
        return
    loop = _server_loop()
    if loop is None:
        async_to_sync(group_send_many)(sends)
        return
    loop.call_soon_threadsafe(_hand_over, loop, sends)


def publish_to_users(user_ids: Iterable[int], frame: dict[str, Any]) -> None:
    """Send `frame` to every socket of these people once the current transaction commits.

    Outside a transaction it is sent at once. If the transaction rolls back, nothing is sent:
    nobody is ever told about something the database does not hold.
    """
    ids = sorted(set(user_ids))
    if not ids:
        return
    # Encoded once here rather than by every socket that receives it.
    event = {"type": FRAME, "text": json.dumps(frame, ensure_ascii=False)}
    transaction.on_commit(lambda: send_to_users_now(ids, event))


def sockets_close(*, user_id: int, session_key: str | None = None) -> None:
    """Close a person's sockets after commit: all of them (deactivated, reset, suspended),
    or one session's (logged out)."""
    event: dict[str, Any] = {"type": CLOSE, "session_key": session_key}
    transaction.on_commit(lambda: send_to_users_now([user_id], event))
