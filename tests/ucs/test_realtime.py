import asyncio
import json

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.db import transaction

from ucs.layers import PipelinedPubSubChannelLayer
from ucs.realtime import FRAME, publish_to_users, user_group

pytestmark = pytest.mark.django_db(transaction=True)


async def _subscribe(user_id):
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(user_group(user_id), channel)
    return layer, channel


async def test_published_after_commit_to_the_persons_group_only():
    layer, mine = await _subscribe(1)
    _, theirs = await _subscribe(2)

    def publish_in_transaction(rollback: bool) -> None:
        try:
            with transaction.atomic():
                publish_to_users([1], {"type": "hello", "rollback": rollback})
                if rollback:
                    raise RuntimeError("roll back")
        except RuntimeError:
            pass

    await database_sync_to_async(publish_in_transaction)(True)
    await database_sync_to_async(publish_in_transaction)(False)
    event = await layer.receive(mine)
    assert event["type"] == "realtime.frame"
    assert json.loads(event["text"]) == {"type": "hello", "rollback": False}
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(layer.receive(theirs), timeout=0.2)


async def _received(layer, channel) -> list[int]:
    numbers: list[int] = []
    while True:
        try:
            event = await asyncio.wait_for(layer.receive(channel), timeout=0.3)
        except TimeoutError:
            return numbers
        numbers.append(json.loads(event["text"])["n"])


async def test_many_events_from_the_server_thread_arrive_in_order_to_their_people_only():
    """From the server's sync thread the events go through the loop's outbox, many in one
    round trip on Redis (`group_send_many`); each person gets theirs, in order."""
    layer, first = await _subscribe(11)
    _, second = await _subscribe(12)
    _, third = await _subscribe(13)

    def publish_many() -> None:
        for n in range(30):
            publish_to_users([11] if n % 3 else [11, 12], {"type": "count", "n": n})

    await database_sync_to_async(publish_many)()
    assert await _received(layer, first) == list(range(30))
    assert await _received(layer, second) == [n for n in range(30) if n % 3 == 0]
    assert await _received(layer, third) == []


@pytest.mark.services
async def test_on_redis_the_layer_publishes_many_events_in_one_pipeline():
    layer = get_channel_layer()
    assert isinstance(layer, PipelinedPubSubChannelLayer)
    _, first = await _subscribe(21)
    _, second = await _subscribe(22)
    await layer.group_send_many(
        [
            (user_group(21), {"type": FRAME, "text": json.dumps({"n": 1})}),
            (user_group(22), {"type": FRAME, "text": json.dumps({"n": 2})}),
            (user_group(21), {"type": FRAME, "text": json.dumps({"n": 3})}),
        ]
    )
    assert await _received(layer, first) == [1, 3]
    assert await _received(layer, second) == [2]
