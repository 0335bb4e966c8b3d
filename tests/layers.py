"""Listening to people's groups on the configured channel layer, as their sockets would."""

import asyncio
import json
from typing import Any

from channels.layers import get_channel_layer

from core.realtime import user_group


async def listen(user_id: int) -> str:
    """A new channel in the person's group `user.<id>`."""
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(user_group(user_id), channel)
    return channel


async def heard(channel: str, *, quiet: float = 0.3) -> list[dict[str, Any]]:
    """Every frame that reached the channel, until nothing more comes for `quiet` seconds."""
    layer = get_channel_layer()
    frames: list[dict[str, Any]] = []
    while True:
        try:
            event = await asyncio.wait_for(layer.receive(channel), timeout=quiet)
        except TimeoutError:
            return frames
        frames.append(json.loads(event["text"]))
