"""On the real stack: PostgreSQL and the Redis pub/sub channel layer (`make test-services`)."""

import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from channels.db import database_sync_to_async
from django.db import close_old_connections, connection

from messaging import services
from messaging.models import Message

from .sockets import open_socket, receive, send, session_cookie

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
T = TypeVar("T")


async def test_message_reaches_participants_over_redis_and_not_outsiders(
    alice, bob, outsider, direct
):
    a, _, _ = await open_socket(alice)
    b, _, _ = await open_socket(bob)
    o, _, _ = await open_socket(outsider)
    try:
        await send(
            a,
            {
                "type": "message.send",
                "conversation": direct.pk,
                "body": "over redis",
                "client_id": "r-1",
            },
        )
        ack = await receive(a, of_type="message.ack")
        new = await receive(b, of_type="message.new")
        assert new["message"] == ack["message"]
        assert await o.receive_nothing(timeout=0.5)
    finally:
        await a.disconnect()
        await b.disconnect()
        await o.disconnect()


def _at_once(work: Callable[[int], T], count: int = 8) -> list[T]:
    """`work(n)` in `count` threads released together (each with its own database
    connection); their results, once every thread has finished without an error."""
    barrier = threading.Barrier(count)
    results: list[T] = []
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            barrier.wait()
            results.append(work(n))
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(results) == count
    return results


def test_same_client_id_sent_concurrently_is_one_message(alice, direct):
    assert connection.vendor == "postgresql"
    client_id = uuid.uuid4().hex
    results = _at_once(
        lambda _n: (
            services.message_send(
                user=alice, conversation_id=direct.pk, body="only once", client_id=client_id
            )[0].pk
        )
    )
    assert len(set(results)) == 1
    assert Message.objects.filter(client_id=client_id).count() == 1


def test_batches_racing_with_the_same_client_ids_store_each_message_once(alice, bob, direct):
    """Eight servers' batches at once, each with the same three messages among its own: the
    unique constraint fails the losers' batch INSERTs, which then settle one by one."""
    assert connection.vendor == "postgresql"
    shared = [uuid.uuid4().hex for _ in range(3)]

    def batch(n: int) -> list[services.SendOutcome]:
        requests = [
            services.SendRequest(
                user=alice, conversation_id=direct.pk, body=f"shared {i}", client_id=cid
            )
            for i, cid in enumerate(shared)
        ]
        requests.append(
            services.SendRequest(
                user=bob, conversation_id=direct.pk, body=f"own {n}", client_id=f"own-{n}"
            )
        )
        return services.messages_send(requests=requests)

    outcomes = _at_once(batch)
    for position, client_id in enumerate(shared):
        stored = [outcome[position] for outcome in outcomes]
        pairs = [pair for pair in stored if isinstance(pair, tuple)]
        assert len(pairs) == 8, stored
        assert len({message.pk for message, _created in pairs}) == 1
        assert [created for _message, created in pairs].count(True) == 1
        assert Message.objects.filter(client_id=client_id).count() == 1
    assert Message.objects.filter(client_id__startswith="own-").count() == 8


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server on {port} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"server on {port} did not start")


async def test_two_server_processes_share_one_redis(alice, bob, direct):
    """A message sent through one ASGI process reaches a socket held by the other."""
    import websockets
    from websockets.typing import Origin

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ucs.settings.test",
        # The test database this test is using (pytest-django's test_<name>).
        "DATABASE_URL": _test_database_url(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    ports = [_free_port(), _free_port()]
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(port),
                "ucs.asgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for port in ports
    ]
    try:
        for port, process in zip(ports, processes, strict=True):
            await database_sync_to_async(_wait_for)(port, process)
        cookies = [await session_cookie(alice), await session_cookie(bob)]
        headers = [{"Cookie": f"sessionid={c}"} for c in cookies]
        async with (
            websockets.connect(
                f"ws://127.0.0.1:{ports[0]}/ws/messaging/",
                origin=Origin("http://127.0.0.1"),
                additional_headers=headers[0],
            ) as first,
            websockets.connect(
                f"ws://127.0.0.1:{ports[1]}/ws/messaging/",
                origin=Origin("http://127.0.0.1"),
                additional_headers=headers[1],
            ) as second,
        ):
            await first.send(
                json.dumps(
                    {
                        "type": "message.send",
                        "conversation": direct.pk,
                        "body": "across processes",
                        "client_id": "x-1",
                    }
                )
            )
            deadline = time.monotonic() + 10
            received = None
            while time.monotonic() < deadline:
                frame = json.loads(await second.recv())
                if frame["type"] == "message.new":
                    received = frame
                    break
            assert received is not None
            assert received["message"]["body"] == "across processes"
            assert received["message"]["sender"]["id"] == alice.pk
    finally:
        for process in processes:
            process.kill()
            process.wait(timeout=10)
            if process.stderr:
                process.stderr.close()


def _test_database_url() -> str:
    settings = connection.settings_dict
    return (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )
