import asyncio
import json

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.db import transaction

from ucs.realtime import publish_to_users, user_group

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
