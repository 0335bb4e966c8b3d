"""The `/api/v1/` router: each app registers its viewsets and views here."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from accounts.api import MeView
from members.api import urlpatterns as members_urlpatterns

router = DefaultRouter()

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    *members_urlpatterns,
    path("", include(router.urls)),
]
