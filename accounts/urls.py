from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("sessions/end-all/", views.sessions_end_all, name="sessions_end_all"),
]
