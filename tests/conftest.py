import os

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from tests.factories import UserFactory


def services_configured() -> bool:
    return bool(os.environ.get("DATABASE_URL")) and bool(os.environ.get("REDIS_URL"))


@pytest.hookimpl(trylast=True)  # after `-m` has deselected what the run does not want
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # A `services` test selected without the services configured would test nothing real:
    # refuse loudly rather than skip quietly.
    if services_configured():
        return
    wanting = [item.nodeid for item in items if item.get_closest_marker("services")]
    if wanting:
        raise pytest.UsageError(
            f"{len(wanting)} selected tests are marked `services` and need DATABASE_URL and "
            "REDIS_URL; run `make test-services`, or deselect them with -m 'not services'."
        )


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def user(db) -> User:
    return UserFactory.create()


@pytest.fixture
def other_user(db) -> User:
    return UserFactory.create()


@pytest.fixture
def client_for():
    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def api_client_for():
    def make(user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make
