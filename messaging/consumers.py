"""`/ws/messaging/`: moves JSON frames between a browser and the services, nothing more.

Frames in (see docs/messaging.md): `message.send`, `typing`, `read`, `ping`. Frames out:
`message.ack` to the sending socket; everything else arrives through the person's group
`user.<id>` (published by the services after commit) and is forwarded as it is. A bad frame
gets an `error` frame with a code, and the socket stays open.
"""

import json
import logging
from collections.abc import Callable
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from ucs.realtime import user_group

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


def _call(action: Callable[[], Any]) -> Any:
    """Run a service and turn its refusals into frame errors."""
    try:
        return action()
    except (Conversation.DoesNotExist, Message.DoesNotExist):
        raise FrameError(
            "not_found", _("There is no such conversation, or it is not yours.")
        ) from None
    except ValidationError as error:
        code = getattr(error, "code", None) or "invalid"
        raise FrameError(code, " ".join(error.messages)) from None


Handler = Callable[["MessagingConsumer", dict[str, Any]], dict[str, Any] | None]


class MessagingConsumer(AsyncWebsocketConsumer):
    user: User
    group: str
    session_key: str | None

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
            handler, content = self._parse(text_data, bytes_data)
            # One hop to the sync thread per frame: the rate limit and the service together.
            reply = await in_thread(self._handle)(handler, content)
        except FrameError as error:
            reply = {"type": "error", "code": error.code, "detail": error.detail}
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
                raise FrameError("rate_limited", _("Too many frames; slow down a little."))
            return handler(self, content)

    def _parse(
        self, text_data: str | None, bytes_data: bytes | None
    ) -> tuple[Handler, dict[str, Any]]:
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
            handler = self.HANDLERS.get(kind) if isinstance(kind, str) else None
            if handler is None:
                raise FrameError("unknown_type", _("Unknown frame type."))
            return handler, content

    async def _send(self, frame: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(frame, ensure_ascii=False))

    # --- Frames from the browser (run in the sync thread, see receive) --------------------

    def on_message_send(self, content: dict[str, Any]) -> dict[str, Any]:
        conversation_id = _int(content, "conversation")
        body = _str(content, "body")
        client_id = _str(content, "client_id")
        message, created = _call(
            lambda: services.message_send(
                user=self.user, conversation_id=conversation_id, body=body, client_id=client_id
            )
        )
        # A socket sends no files: a new message has none to look up.
        payload = message_payload(message, attachments=[] if created else None)
        return {"type": "message.ack", "client_id": client_id, "message": payload}

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

    HANDLERS: dict[str, Handler] = {
        "message.send": on_message_send,
        "typing": on_typing,
        "read": on_read,
        "ping": on_ping,
    }

    # --- Events from the channel layer (ucs.realtime) -----------------------------------

    async def realtime_frame(self, event: dict[str, Any]) -> None:
        await self._send(event["frame"])

    async def realtime_close(self, event: dict[str, Any]) -> None:
        session_key = event.get("session_key")
        if session_key is None or session_key == self.session_key:
            await self.close(code=CLOSE_SIGNED_OUT)
