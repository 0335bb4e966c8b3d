"""The `/api/v1/` router: each app registers its viewsets and views here."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from accounts.api import MeView
from boards import api as boards_api
from members.api import urlpatterns as members_urlpatterns

router = DefaultRouter()

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    *members_urlpatterns,
    path("posts/", boards_api.PostListCreateApi.as_view(), name="post-list"),
    path("posts/<int:pk>/", boards_api.PostDetailApi.as_view(), name="post-detail"),
    path("posts/<int:pk>/follow/", boards_api.PostFollowApi.as_view(), name="post-follow"),
    path(
        "posts/<int:pk>/proposals/",
        boards_api.PostProposalsApi.as_view(),
        name="post-proposals",
    ),
    path(
        "posts/<int:pk>/attachments/",
        boards_api.PostAttachmentsApi.as_view(),
        name="post-attachments",
    ),
    path("posts/<int:pk>/matches/", boards_api.PostMatchesApi.as_view(), name="post-matches"),
    path("proposals/<int:pk>/", boards_api.ProposalDetailApi.as_view(), name="proposal-detail"),
    path(
        "proposals/<int:pk>/attachments/",
        boards_api.ProposalAttachmentsApi.as_view(),
        name="proposal-attachments",
    ),
    path("", include(router.urls)),
]
