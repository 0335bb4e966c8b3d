"""The `/api/v1/` router: each app registers its viewsets and views here."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from accounts.api import MeView

router = DefaultRouter()

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("", include(router.urls)),
]
