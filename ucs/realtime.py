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
from collections.abc import Iterable
from concurrent.futures import Future
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


async def agroup_send_users(user_ids: Iterable[int], event: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    await asyncio.gather(*(layer.group_send(user_group(uid), event) for uid in set(user_ids)))


def _server_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop of the ASGI server when this code runs in one of its sync threads
    (`sync_to_async`, `database_sync_to_async`), as asgiref's own AsyncToSync finds it."""
    if getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) != os.getpid():
        return None
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    return loop if loop is not None and loop.is_running() else None


def _log_failure(future: Future[None]) -> None:
    error = future.exception()
    if error is not None:
        logger.error("realtime: publishing failed", exc_info=error)


def send_to_users_now(user_ids: Iterable[int], event: dict[str, Any]) -> None:
    """Hand the event to the channel layer.

    Inside the ASGI server the send is scheduled on the server's loop and not waited for:
    the thread that runs every database call of the process goes on with the next one
    instead of idling through the Redis round trips. Elsewhere (commands, tests, Celery)
    it is sent before returning.
    """
    ids = sorted(set(user_ids))
    if not ids:
        return
    loop = _server_loop()
    if loop is None:
        async_to_sync(agroup_send_users)(ids, event)
        return
    asyncio.run_coroutine_threadsafe(agroup_send_users(ids, event), loop).add_done_callback(
        _log_failure
    )


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


def close_sockets_of_user(user_id: int, *, session_key: str | None = None) -> None:
    """Close the person's sockets (all, or those of one session) after commit."""
    event: dict[str, Any] = {"type": CLOSE, "session_key": session_key}
    transaction.on_commit(lambda: send_to_users_now([user_id], event))
