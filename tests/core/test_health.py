import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db


def test_healthz_reports_every_part_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "channel_layer": "ok"},
    }


def test_healthz_names_the_part_that_is_down(client, monkeypatch):
    async def broken(*args, **kwargs):
        raise ConnectionError("cache unreachable")

    monkeypatch.setattr(cache, "aset", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["down"] == ["cache"]
    assert body["checks"]["database"] == "ok"
    assert "Traceback" not in response.content.decode()


def test_healthz_names_a_dead_channel_layer(client, settings):
    # Nothing listens on port 1: the Redis layer cannot connect, the check says so.
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["channel_layer"]
