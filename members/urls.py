from django.urls import path

from . import views

app_name = "members"

# Fixed paths first: members.validators.RESERVED_SLUGS keeps slugs from shadowing them.
urlpatterns = [
    path("", views.directory, name="directory"),
    path("export.csv", views.directory_export, name="directory_export"),
    path("new/", views.create, name="create"),
    path("switch/", views.switch_organization, name="switch"),
    path("tags/", views.tag_suggestions, name="tag_suggestions"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("join-requests/<int:pk>/", views.join_request_decide, name="join_request_decide"),
    path("shortlists/", views.shortlists, name="shortlists"),
    path("shortlists/<int:pk>/", views.shortlist_detail, name="shortlist_detail"),
    path("shortlists/<int:pk>/delete/", views.shortlist_delete, name="shortlist_delete"),
    path("shortlists/<int:pk>/export.csv", views.shortlist_export, name="shortlist_export"),
    path("shortlists/<int:pk>/entries/<slug:slug>/", views.shortlist_entry, name="shortlist_entry"),
    path("people/<int:user_id>/", views.person, name="person"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/edit/", views.edit, name="edit"),
    path("<slug:slug>/logo/", views.logo, name="logo"),
    path("<slug:slug>/verify/", views.verify, name="verify"),
    path("<slug:slug>/team/", views.team, name="team"),
    path("<slug:slug>/team/invite/", views.invite, name="invite"),
    path(
        "<slug:slug>/team/invitations/<int:pk>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("<slug:slug>/team/<int:user_id>/role/", views.change_role, name="change_role"),
    path("<slug:slug>/team/<int:user_id>/remove/", views.remove_member, name="remove_member"),
    path(
        "<slug:slug>/team/<int:user_id>/transfer/",
        views.transfer_ownership,
        name="transfer_ownership",
    ),
    path("<slug:slug>/team/leave/", views.leave, name="leave"),
    path("<slug:slug>/team/settings/", views.membership_settings, name="membership_settings"),
    path("<slug:slug>/join/", views.join, name="join"),
    path("<slug:slug>/join/withdraw/", views.join_request_withdraw, name="join_withdraw"),
    path("<slug:slug>/shortlist/", views.shortlist_add, name="shortlist_add"),
]
