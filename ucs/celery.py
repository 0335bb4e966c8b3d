import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ucs.settings.local")

app = Celery("ucs")
# Every CELERY_* setting in Django's settings configures the app (see ucs/settings/base.py).
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
