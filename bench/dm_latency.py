"""Direct-message latency on the real stack: authenticated sockets on /ws/messaging/, random
pairs, messages at a set rate through the full path (session auth, access check, PostgreSQL
insert, commit, Redis pub/sub fan-out to both people's groups).

Run by hand (see docs/performance.md), with the server already running, e.g.:

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/ucs_messaging
    export REDIS_URL=redis://127.0.0.1:6379/5
    CONN_MAX_AGE=600 CONN_HEALTH_CHECKS=false DEBUG=false MESSAGING_SOCKET_RATE=100000,10 \
      .venv/bin/uvicorn ucs.asgi:application --port 8112 --workers 2 --log-level warning &
    .venv/bin/python bench/dm_latency.py --url ws://127.0.0.1:8112/ws/messaging/ \
      --pairs 100 --rate 500 --seconds 8 --idle 5000 \
      --server-pids "$(pgrep -d, -P "$(pgrep -f 'uvicorn ucs.asgi')")"  # the worker processes

Send→receive latency is measured where the recipient reads `message.new`. A message not
delivered within 2 s after the last send counts as lost. `--idle N` then opens N more idle
sockets and reports the servers' resident memory per connection.
"""

import argparse
import asyncio
import json
import os
import random
import sys
import time
import uuid
from pathlib import Path

import websockets

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ucs.settings.local")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402

from accounts.models import User  # noqa: E402
from messaging.models import Message  # noqa: E402
from messaging.services import conversation_get_or_create  # noqa: E402


def bench_users(prefix: str, count: int) -> list[User]:
    """Bench people, created once and found again on the next run."""
    emails = [f"{prefix}-{n}@bench.example" for n in range(count)]
    existing = {u.email for u in User.objects.filter(email__in=emails)}
    User.objects.bulk_create(
        [User(email=e, name=e.split("@")[0]) for e in emails if e not in existing]
    )
    by_email = {u.email: u for u in User.objects.filter(email__in=emails)}
    return [by_email[e] for e in emails]


def sessions_for(users: list[User]) -> list[str]:
    cookies = []
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookies.append(session.session_key)
    return cookies


def prepare(people: int) -> tuple[list[str], list[int], list[tuple[int, int, int]]]:
    """Bench people, a session for each, a conversation for each pair."""
    users = bench_users("bench", people)
    cookies = sessions_for(users)
    pairs = []
    for n in range(0, people, 2):
        conversation, _ = conversation_get_or_create(user=users[n], to_user=users[n + 1])
        pairs.append((conversation.pk, n, n + 1))
    return cookies, [u.pk for u in users], pairs


def rss_kib(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


async def connect(url: str, cookie: str):
    return await websockets.connect(
        url,
        origin="http://127.0.0.1",
        additional_headers={"Cookie": f"sessionid={cookie}"},
        compression=None,
        max_queue=None,
    )


async def main(a: argparse.Namespace) -> None:
    cookies, user_ids, pairs = await asyncio.to_thread(prepare, a.pairs * 2)
    sent: dict[str, tuple[float, int]] = {}
    latencies: list[float] = []
    errors: dict[str, int] = {}

    async def reader(ws, index: int) -> None:
        me = user_ids[index]
        try:
            async for raw in ws:
                frame = json.loads(raw)
                kind = frame.get("type")
                if kind == "message.new":
                    message = frame["message"]
                    entry = sent.get(message["client_id"])
                    if entry and entry[1] == me:
                        latencies.append((time.perf_counter() - entry[0]) * 1000)
                        del sent[message["client_id"]]
                elif kind == "error":
                    errors[frame["code"]] = errors.get(frame["code"], 0) + 1
        except websockets.ConnectionClosed:
            pass

    sockets = []
    for cookie in cookies:
        sockets.append(await connect(a.url, cookie))
    readers = [asyncio.create_task(reader(ws, i)) for i, ws in enumerate(sockets)]
    await asyncio.sleep(1.0)
    total = int(a.rate * a.seconds)
    body = "x" * 80
    t0 = time.perf_counter()
    for n in range(total):
        conversation_id, first, second = random.choice(pairs)
        source, target = (first, second) if random.random() < 0.5 else (second, first)
        client_id = uuid.uuid4().hex
        sent[client_id] = (time.perf_counter(), user_ids[target])
        await sockets[source].send(
            json.dumps(
                {
                    "type": "message.send",
                    "conversation": conversation_id,
                    "body": body,
                    "client_id": client_id,
                }
            )
        )
        delay = t0 + (n + 1) / a.rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
    send_seconds = time.perf_counter() - t0
    await asyncio.sleep(2.0)
    delivered_seconds = time.perf_counter() - t0
    on_time = len(latencies)
    late_or_lost = set(sent)
    # Then wait for stragglers: late is not lost. Lost = never arrived, and the database
    # says whether it was stored (a client would then catch up with ?after=).
    deadline = time.perf_counter() + a.drain
    while sent and time.perf_counter() < deadline:
        await asyncio.sleep(0.25)
    stored = await asyncio.to_thread(
        lambda: (
            Message.objects.filter(client_id__in=list(late_or_lost)).count() if late_or_lost else 0
        )
    )
    every_latency = sorted(latencies)
    latencies = sorted(latencies[:on_time])

    def q(p: float) -> float:
        return (
            round(latencies[min(len(latencies) - 1, int(len(latencies) * p))], 2)
            if latencies
            else float("nan")
        )

    result = {
        "offered_per_s": a.rate,
        "sockets": len(sockets),
        "sent": total,
        "achieved_send_per_s": round(total / send_seconds, 1),
        "delivered": on_time,
        "lost_or_late": len(late_or_lost),
        "late": len(late_or_lost) - len(sent),
        "never_delivered": len(sent),
        "not_delivered_in_time_but_stored": stored,
        "delivered_per_s": round(on_time / delivered_seconds, 1),
        "p50_ms": q(0.50),
        "p95_ms": q(0.95),
        "p99_ms": q(0.99),
        "max_ms_including_late": round(every_latency[-1], 1) if every_latency else None,
        "errors": errors,
    }
    if a.idle and a.server_pids:
        pids = [int(p) for p in a.server_pids.split(",") if p]
        # Idle sockets of as many different people, as in real life (one group each).
        idle_cookies = await asyncio.to_thread(
            lambda: sessions_for(bench_users("bench-idle", a.idle))
        )
        before = rss_kib(pids)
        idle = []
        for cookie in idle_cookies:
            idle.append(await connect(a.url, cookie))
        await asyncio.sleep(3)
        after = rss_kib(pids)
        result["idle_connections"] = len(idle)
        result["server_rss_mib_before"] = round(before / 1024, 1)
        result["server_rss_mib_after"] = round(after / 1024, 1)
        result["kib_per_idle_connection"] = round((after - before) / len(idle), 1)
        for ws in idle:
            await ws.close()
    for ws in sockets:
        await ws.close()
    for task in readers:
        task.cancel()
    print(json.dumps(result))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="ws://127.0.0.1:8112/ws/messaging/")
    parser.add_argument("--pairs", type=int, default=100)
    parser.add_argument("--rate", type=float, default=500)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--drain", type=float, default=20, help="seconds to wait for late ones")
    parser.add_argument("--idle", type=int, default=0, help="then open this many idle sockets")
    parser.add_argument("--server-pids", default="", help="comma-separated, for --idle memory")
    asyncio.run(main(parser.parse_args()))
