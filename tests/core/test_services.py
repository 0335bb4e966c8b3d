"""The real parts: PostgreSQL, the Redis channel layer and cache, a real Celery worker.

Run by `make test-services`; the embedded-default suite deselects them.
"""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from channels.layers import get_channel_layer
from channels_redis.pubsub import RedisPubSubChannelLayer
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.db import connection

from tests.factories import UserFactory
from ucs.celery import app as celery_app

pytestmark = pytest.mark.services


def test_the_services_are_really_in_use(db):
    assert connection.vendor == "postgresql"
    assert isinstance(get_channel_layer(), RedisPubSubChannelLayer)
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    cache.set("services-probe", 42)
    assert cache.get("services-probe") == 42


def test_healthz_is_green_on_postgres_and_redis(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200, response.content
    assert response.json()["checks"] == {
        "database": "ok",
        "cache": "ok",
        "channel_layer": "ok",
    }


@pytest.fixture
def celery_worker(transactional_db):
    """A real worker thread consuming from the Redis broker (not eager)."""
    celery_app.conf.task_always_eager = False
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
            yield
    finally:
        celery_app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER


def test_allauth_mail_goes_through_a_real_worker_after_commit(client, celery_worker):
    user = UserFactory.create(email="reset-me@example.com")
    response = client.post("/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    deadline = time.monotonic() + 20
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [m.to for m in mail.outbox] == [["reset-me@example.com"]]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
