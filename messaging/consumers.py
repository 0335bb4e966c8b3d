"""`/ws/messaging/`: moves JSON frames between a browser and the services, nothing more.

Frames in (see docs/messaging.md): `message.send`, `typing`, `read`, `ping`. Frames out:
`message.ack` to the sending socket; everything else arrives through the person's group
`user.<id>` (published by the services after commit) and is forwarded as it is. A bad frame
gets an `error` frame with a code, and the socket stays open.
"""

import asyncio
import json
import logging
import weakref
from collections.abc import Callable
from typing import Any

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from core.realtime import user_group

from . import services
from .models import Conversation, Message
from .payloads import message_payload

logger = logging.getLogger(__name__)

MAX_FRAME_CHARS = 32_000


def in_thread(function: Callable[..., Any]) -> Callable[..., Any]:
    """Run sync code (the ORM, the cache) with the connection handling of
    `database_sync_to_async`, on the process's one thread for sync code.

    Measured (docs/performance.md): a pool of threads is slower here, because threads that
    come back from a database round trip queue for the GIL behind each other (a convoy);
    one thread per process and more processes do better."""
    return database_sync_to_async(function)


CLOSE_UNAUTHENTICATED = 4401
CLOSE_SIGNED_OUT = 4403


class FrameError(Exception):
    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


def _int(content: dict[str, Any], key: str) -> int:
    value = content.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise FrameError(
            "invalid", _("“%(field)s” must be a positive whole number.") % {"field": key}
        )
    return value


def _str(content: dict[str, Any], key: str) -> str:
    value = content.get(key)
    if not isinstance(value, str):
        raise FrameError("invalid", _("“%(field)s” must be a string.") % {"field": key})
    return value


def _refusal(error: Exception) -> FrameError:
    """A service's refusal as a frame error (in the active language)."""
    if isinstance(error, ValidationError):
        return FrameError(getattr(error, "code", None) or "invalid", " ".join(error.messages))
    return FrameError("not_found", _("There is no such conversation, or it is not yours."))


def _call(action: Callable[[], Any]) -> Any:
    """Run a service and turn its refusals into frame errors."""
    try:
        return action()
    except (Conversation.DoesNotExist, Message.DoesNotExist, ValidationError) as error:
        raise _refusal(error) from None


def _error_frame(error: FrameError) -> dict[str, Any]:
    return {"type": "error", "code": error.code, "detail": error.detail}


def _rate_limited() -> FrameError:
    return FrameError("rate_limited", _("Too many frames; slow down a little."))


def _send_batch(requests: list[services.SendRequest]) -> list[dict[str, Any]]:
    """Store a batch of `message.send` frames (sync code): the reply frame for each, in order.

    One rate-limit round trip for all the frames, then `services.messages_send`."""
    allowed = services.socket_frames_allowed(user_ids=[request.user.pk for request in requests])
    admitted = [request for request, ok in zip(requests, allowed, strict=True) if ok]
    outcomes = iter(services.messages_send(requests=admitted))
    replies = []
    for request, ok in zip(requests, allowed, strict=True):
        with translation.override(request.user.language or None):
            if not ok:
                replies.append(_error_frame(_rate_limited()))
                continue
            outcome = next(outcomes)
            if isinstance(outcome, Exception):
                replies.append(_error_frame(_refusal(outcome)))
                continue
            message, created = outcome
            # A socket sends no files: a new message has none to look up.
            payload = message_payload(message, attachments=[] if created else None)
            replies.append(
                {"type": "message.ack", "client_id": request.client_id, "message": payload}
            )
    return replies


MAX_BATCH = 100


class SendBatcher:
    """The `message.send` frames of one server process (one event loop), stored in batches.

    Frames that arrive while a batch is being stored wait for it and then go together: one
    hop to the process's sync thread, one rate-limit round trip, one access query, one
    INSERT and one commit for all of them (measured in docs/performance.md). Under load
    (the last batch held more than one frame) the next batch also waits
    `MESSAGING_BATCH_LINGER_MS` for more frames to join. When the server is quiet a batch
    is a single frame and nothing waits for anything.
    """

    def __init__(self) -> None:
        self.waiting: list[tuple[services.SendRequest, asyncio.Future[dict[str, Any]]]] = []
        self.storing = False
        self.last_size = 0

    async def send(self, request: services.SendRequest) -> dict[str, Any]:
        """Queue one frame; its reply (`message.ack` or `error`) once its batch is stored."""
        reply: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.waiting.append((request, reply))
        if not self.storing:
            self.storing = True
            asyncio.get_running_loop().create_task(self._store())
        return await reply

    async def _store(self) -> None:
        try:
            while self.waiting:
                linger = settings.MESSAGING_BATCH_LINGER_MS
                if linger > 0 and self.last_size > 1 and len(self.waiting) < MAX_BATCH:
                    # Under load: let more frames join this batch (MESSAGING_BATCH_LINGER_MS).
                    await asyncio.sleep(linger / 1000)
                batch, self.waiting = self.waiting[:MAX_BATCH], self.waiting[MAX_BATCH:]
                self.last_size = len(batch)
                try:
                    replies = await in_thread(_send_batch)([request for request, _ in batch])
                except Exception as error:  # the database or Redis failed: every frame fails
                    for _request, reply in batch:
                        if not reply.done():
                            reply.set_exception(error)
                    continue
                for (_request, reply), frame in zip(batch, replies, strict=True):
                    if not reply.done():  # a socket that closed meanwhile cancelled its wait
                        reply.set_result(frame)
        finally:
            self.storing = False


_batchers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, SendBatcher] = (
    weakref.WeakKeyDictionary()
)


def send_batcher() -> SendBatcher:
    """The batcher of the running event loop (one per server process)."""
    loop = asyncio.get_running_loop()
    if loop not in _batchers:
        _batchers[loop] = SendBatcher()
    return _batchers[loop]


Handler = Callable[["MessagingConsumer", dict[str, Any]], dict[str, Any] | None]


class MessagingConsumer(AsyncWebsocketConsumer):
    user: User
    group: str
    session_key: str | None

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Channels' own dispatch (4.2+) first hops to the process's sync thread to close old
        database connections, before every event. Here every database call already goes
        through `database_sync_to_async`, which does that in the thread, so the hop is
        skipped: on the message path it was three extra trips to the one sync thread per
        message, and deliveries queued behind the database work (docs/performance.md)."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.user = user
        self.group = user_group(user.pk)
        session = self.scope.get("session")
        self.session_key = session.session_key if session is not None else None
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await in_thread(services.presence_connect)(user=user)

    async def disconnect(self, code: int) -> None:
        if not hasattr(self, "group"):
            return
        await self.channel_layer.group_discard(self.group, self.channel_name)
        await in_thread(services.presence_disconnect)(user=self.user)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        try:
            kind, content = self._parse(text_data, bytes_data)
            if kind == "message.send":
                # Stored in a batch with other sockets' messages (SendBatcher).
                reply = await send_batcher().send(self._send_request(content))
            else:
                # One hop to the sync thread per frame: the rate limit and the service.
                reply = await in_thread(self._handle)(self.HANDLERS[kind], content)
        except FrameError as error:
            reply = _error_frame(error)
        except Exception:
            # The database or Redis failed (a restart, a lost connection): this frame fails,
            # the socket stays, and the client retries with the same client_id.
            logger.exception("messaging: a frame failed")
            with translation.override(self.user.language or None):
                detail = _("Something went wrong on our side; please try again.")
            reply = {"type": "error", "code": "server_error", "detail": detail}
        if reply is not None:
            await self._send(reply)

    def _handle(
        self,
        handler: Handler,
        content: dict[str, Any],
    ) -> dict[str, Any] | None:
        with translation.override(self.user.language or None):
            if not services.socket_frame_allowed(user_id=self.user.pk):
                raise _rate_limited()
            return handler(self, content)

    def _parse(self, text_data: str | None, bytes_data: bytes | None) -> tuple[str, dict[str, Any]]:
        with translation.override(self.user.language or None):
            if text_data is None:
                raise FrameError("malformed", _("Frames are JSON text."))
            if len(text_data) > MAX_FRAME_CHARS:
                raise FrameError("frame_too_large", _("This frame is too large."))
            try:
                content = json.loads(text_data)
            except ValueError:
                raise FrameError("malformed", _("This frame is not valid JSON.")) from None
            if not isinstance(content, dict):
                raise FrameError("malformed", _("A frame is a JSON object."))
            kind = content.get("type")
            if kind != "message.send" and kind not in self.HANDLERS:
                raise FrameError("unknown_type", _("Unknown frame type."))
            return kind, content

    def _send_request(self, content: dict[str, Any]) -> services.SendRequest:
        """A `message.send` frame as a request for the batcher (checked in the loop)."""
        with translation.override(self.user.language or None):
            return services.SendRequest(
                user=self.user,
                conversation_id=_int(content, "conversation"),
                body=_str(content, "body"),
                client_id=_str(content, "client_id"),
            )

    async def _send(self, frame: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(frame, ensure_ascii=False))

    # --- Frames from the browser (run in the sync thread, see receive) --------------------

    def on_typing(self, content: dict[str, Any]) -> None:
        conversation_id = _int(content, "conversation")
        _call(lambda: services.conversation_typing(user=self.user, conversation_id=conversation_id))

    def on_read(self, content: dict[str, Any]) -> None:
        conversation_id = _int(content, "conversation")
        message_id = _int(content, "message")
        _call(
            lambda: services.conversation_mark_read(
                user=self.user, conversation_id=conversation_id, message_id=message_id
            )
        )

    def on_ping(self, content: dict[str, Any]) -> dict[str, Any]:
        services.presence_touch(user=self.user)
        return {"type": "pong"}

    # `message.send` is not here: it goes to the process's SendBatcher (see `receive`).
    HANDLERS: dict[str, Handler] = {
        "typing": on_typing,
        "read": on_read,
        "ping": on_ping,
    }

    # --- Events from the channel layer (core.realtime) -----------------------------------

    async def realtime_frame(self, event: dict[str, Any]) -> None:
        await self.send(text_data=event["text"])

    async def realtime_close(self, event: dict[str, Any]) -> None:
        session_key = event.get("session_key")
        if session_key is None or session_key == self.session_key:
            await self.close(code=CLOSE_SIGNED_OUT)
