import asyncio
import json

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.db import transaction

from core import realtime
from core.layers import PipelinedPubSubChannelLayer
from core.realtime import FRAME, publish_to_users, user_group
from tests.layers import heard, listen

pytestmark = pytest.mark.django_db(transaction=True)


async def test_published_after_commit_to_the_persons_group_only():
    layer = get_channel_layer()
    mine, theirs = await listen(1), await listen(2)

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


async def test_many_events_from_the_server_thread_arrive_in_order_to_their_people_only():
    """From the server's sync thread the events go through the loop's outbox, many in one
    round trip on Redis (`group_send_many`); each person gets theirs, in order."""
    first, second, third = [await listen(user_id) for user_id in (11, 12, 13)]

    def publish_many() -> None:
        for n in range(30):
            publish_to_users([11] if n % 3 else [11, 12], {"type": "count", "n": n})

    await database_sync_to_async(publish_many)()
    assert [frame["n"] for frame in await heard(first)] == list(range(30))
    assert [frame["n"] for frame in await heard(second)] == list(range(0, 30, 3))
    assert await heard(third) == []


@pytest.mark.services
async def test_on_redis_the_layer_publishes_many_events_in_one_pipeline():
    layer = get_channel_layer()
    assert isinstance(layer, PipelinedPubSubChannelLayer)
    first, second = await listen(21), await listen(22)
    await layer.group_send_many(
        [
            (user_group(21), {"type": FRAME, "text": json.dumps({"n": 1})}),
            (user_group(22), {"type": FRAME, "text": json.dumps({"n": 2})}),
            (user_group(21), {"type": FRAME, "text": json.dumps({"n": 3})}),
        ]
    )
    assert await heard(first) == [{"n": 1}, {"n": 3}]
    assert await heard(second) == [{"n": 2}]


async def test_a_failed_publish_is_logged_and_the_next_events_still_go(monkeypatch, caplog):
    first = await listen(31)
    real = realtime.group_send_many
    calls = []

    async def failing_once(sends):
        calls.append(len(sends))
        if len(calls) == 1:
            raise ConnectionError("redis went away")
        await real(sends)

    monkeypatch.setattr(realtime, "group_send_many", failing_once)
    await database_sync_to_async(publish_to_users)([31], {"type": "count", "n": 1})
    await asyncio.sleep(0.2)
    await database_sync_to_async(publish_to_users)([31], {"type": "count", "n": 2})
    assert await heard(first) == [{"type": "count", "n": 2}]
    assert calls == [1, 1]
    assert "realtime: publishing failed" in caplog.text
