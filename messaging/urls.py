from django.urls import path

from . import views

app_name = "messaging"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/unblock/<int:user_id>/", views.unblock, name="unblock"),
    path("new/person/<int:user_id>/", views.start_user, name="start_user"),
    path("new/organization/<slug:slug>/", views.start_organization, name="start_organization"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("<int:pk>/", views.thread, name="thread"),
    path("<int:pk>/mute/", views.mute, name="mute"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/block/", views.block, name="block"),
    path("<int:pk>/report/", views.report, name="report"),
]
