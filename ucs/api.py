"""The `/api/v1/` router: each app registers its viewsets and views here."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from accounts.api import MeView
from boards import api as boards_api
from members.api import urlpatterns as members_urlpatterns
from messaging import api as messaging_api

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
    # Messaging (docs/messaging.md)
    path(
        "conversations/",
        messaging_api.ConversationListCreateApi.as_view(),
        name="conversations",
    ),
    path(
        "conversations/unread/",
        messaging_api.UnreadApi.as_view(),
        name="conversations-unread",
    ),
    path(
        "conversations/<int:pk>/",
        messaging_api.ConversationDetailApi.as_view(),
        name="conversation",
    ),
    path(
        "conversations/<int:pk>/messages/",
        messaging_api.MessageListSendApi.as_view(),
        name="conversation-messages",
    ),
    path(
        "conversations/<int:pk>/messages/<int:message_id>/",
        messaging_api.MessageDetailApi.as_view(),
        name="conversation-message",
    ),
    path(
        "conversations/<int:pk>/messages/<int:message_id>/report/",
        messaging_api.MessageReportApi.as_view(),
        name="conversation-message-report",
    ),
    path(
        "conversations/<int:pk>/read/",
        messaging_api.ConversationReadApi.as_view(),
        name="conversation-read",
    ),
    path(
        "conversations/<int:pk>/mute/",
        messaging_api.ConversationMuteApi.as_view(),
        name="conversation-mute",
    ),
    path(
        "conversations/<int:pk>/assign/",
        messaging_api.ConversationAssignApi.as_view(),
        name="conversation-assign",
    ),
    path("blocks/", messaging_api.BlockListCreateApi.as_view(), name="blocks"),
    path("blocks/<int:user_id>/", messaging_api.BlockDeleteApi.as_view(), name="block"),
    path("", include(router.urls)),
]
