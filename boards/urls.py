from django.urls import path

from . import views

app_name = "boards"

urlpatterns = [
    path("", views.board_list, name="list"),
    path("new/", views.post_create, name="create"),
    path("<int:pk>/", views.post_detail, name="detail"),
    path("<int:pk>/edit/", views.post_edit, name="edit"),
    path("<int:pk>/status/", views.post_transition, name="transition"),
    path("<int:pk>/follow/", views.post_follow, name="follow"),
    path("<int:pk>/propose/", views.proposal_create, name="propose"),
    path("proposals/<int:pk>/status/", views.proposal_status, name="proposal-status"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
]
