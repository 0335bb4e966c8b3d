"""`/api/v1/`: each app lists its own routes in `<app>/api.py` (`urlpatterns`)."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from accounts.api import MeView
from boards.api import urlpatterns as boards_urlpatterns
from members.api import urlpatterns as members_urlpatterns
from messaging.api import urlpatterns as messaging_urlpatterns

router = DefaultRouter()

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    *members_urlpatterns,
    *boards_urlpatterns,
    *messaging_urlpatterns,
    path("", include(router.urls)),  # the browsable API root
]
