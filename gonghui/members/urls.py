from django.urls import path

from gonghui.members import views, views_h5

app_name = "members"

urlpatterns = [
    # staff console
    path("console/members/", views.member_list, name="member_list"),
    path("console/members/export/", views.member_export, name="member_export"),
    path("console/members/<int:pk>/", views.member_detail, name="member_detail"),
    path("console/members/<int:pk>/reveal/<str:field>/", views.member_reveal, name="member_reveal"),
    path("console/members/<int:pk>/change/", views.member_change, name="member_change"),
    path("console/members/<int:pk>/edit/", views.member_update, name="member_update"),
    path(
        "console/members/<int:pk>/reactivate/",
        views.member_reactivate,
        name="member_reactivate",
    ),
    path("console/members/applications/", views.application_queue, name="application_queue"),
    path(
        "console/members/applications/approve/",
        views.application_bulk_approve,
        name="application_bulk_approve",
    ),
    path(
        "console/members/applications/unions/",
        views.application_unions,
        name="application_unions",
    ),
    path(
        "console/members/applications/<int:pk>/",
        views.application_detail,
        name="application_detail",
    ),
    path(
        "console/members/applications/<int:pk>/reveal/<str:field>/",
        views.application_reveal,
        name="application_reveal",
    ),
    path("console/members/transfers/", views.transfer_list, name="transfer_list"),
    path("console/members/transfers/new/", views.transfer_new, name="transfer_new"),
    path("console/members/transfers/<int:pk>/", views.transfer_detail, name="transfer_detail"),
    # workers' phone pages (public)
    path("m/join", views_h5.join, name="join"),
    path("m/join/employers", views_h5.join_employers, name="join_employers"),
    path("m/join/status", views_h5.join_status, name="join_status"),
    path("m/transfer", views_h5.member_transfer, name="member_transfer"),
]
