from django.urls import path

from gonghui.accounts import views

app_name = "accounts"

urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
    path("console/staff/", views.staff_list, name="staff_list"),
    path("console/staff/new/", views.staff_create, name="staff_create"),
    path("console/staff/<int:pk>/", views.staff_detail, name="staff_detail"),
    path(
        "console/staff/<int:pk>/roles/<int:assignment_pk>/revoke/",
        views.role_revoke,
        name="role_revoke",
    ),
    path("console/tokens/", views.token_list, name="token_list"),
    path("console/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
