from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_search_objects(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    # Migration members.0003 creates these; a test database built with --no-migrations
    # skips migrations, so make sure they exist there too (every statement is idempotent).
    from django.db import connections

    from .search import ensure_postgres_search_objects

    ensure_postgres_search_objects(connections[using])


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self) -> None:
        post_migrate.connect(_ensure_search_objects, sender=self)
