from django.apps import AppConfig


class UcsConfig(AppConfig):
    name = "ucs"
    verbose_name = "UCS"
