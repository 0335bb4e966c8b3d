"""`/healthz`: is each part this process depends on really answering?"""

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)

CHECK_TIMEOUT_SECONDS = 3.0


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("unexpected answer to SELECT 1")


async def check_database() -> None:
    await sync_to_async(_check_database, thread_sensitive=True)()


async def check_cache() -> None:
    key = f"healthz:{uuid.uuid4().hex}"
    await cache.aset(key, "ok", timeout=10)
    value = await cache.aget(key)
    await cache.adelete(key)
    if value != "ok":
        raise RuntimeError("value written was not read back")


async def check_channel_layer() -> None:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")
    channel = await layer.new_channel("healthz.")
    token = uuid.uuid4().hex
    receiving = asyncio.ensure_future(layer.receive(channel))
    # Let the receiver subscribe first: the pub/sub layer drops what nobody listens to.
    await asyncio.sleep(0)
    await layer.send(channel, {"type": "healthz.ping", "token": token})
    message = await receiving
    if message.get("token") != token:
        raise RuntimeError("round trip returned another message")


CHECKS: dict[str, Callable[[], Awaitable[None]]] = {
    "database": check_database,
    "cache": check_cache,
    "channel_layer": check_channel_layer,
}


async def _run(name: str, check: Callable[[], Awaitable[None]]) -> tuple[str, str]:
    try:
        await asyncio.wait_for(check(), timeout=CHECK_TIMEOUT_SECONDS)
    except TimeoutError:
        logger.warning("healthz: %s timed out", name)
        return name, "timeout"
    except Exception:
        logger.exception("healthz: %s is down", name)
        return name, "down"
    return name, "ok"


@never_cache
async def healthz(request: HttpRequest) -> JsonResponse:
    results = dict(await asyncio.gather(*(_run(name, check) for name, check in CHECKS.items())))
    down = [name for name, state in results.items() if state != "ok"]
    body: dict[str, object] = {"status": "ok" if not down else "down", "checks": results}
    if down:
        body["down"] = down
    return JsonResponse(body, status=200 if not down else 503)
