from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def sync_site(**kwargs: Any) -> None:
    """Keep the Sites row (used for links in emails sent outside a request) on SITE_DOMAIN."""
    from django.conf import settings
    from django.contrib.sites.models import Site

    Site.objects.using(kwargs.get("using", "default")).update_or_create(
        pk=settings.SITE_ID,
        defaults={"domain": settings.SITE_DOMAIN, "name": settings.SITE_NAME},
    )


class CoreConfig(AppConfig):
    """The shared kernel every app imports: it imports no app."""

    name = "core"
    verbose_name = "UCS core"

    def ready(self) -> None:
        # `core` has no models, so no post_migrate of its own: follow the sites app's.
        from django.apps import apps

        post_migrate.connect(sync_site, sender=apps.get_app_config("sites"))
        from . import signals  # noqa: F401
