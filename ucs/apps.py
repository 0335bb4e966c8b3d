from django.apps import AppConfig


class UcsConfig(AppConfig):
    """The composition root: settings, URLs, ASGI, the Celery app, the API router and
    `seed_demo`, which compose the apps; nothing here is imported by an app."""

    name = "ucs"
    verbose_name = "UCS"
