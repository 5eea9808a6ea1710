from django.urls import path

from gonghui.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("console/audit/", views.audit_list, name="audit_list"),
    path("m/", views.h5_home, name="h5_home"),
    path("healthz", views.healthz, name="healthz"),
]
