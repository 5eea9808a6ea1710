from django.urls import path

from gonghui.memberimport import views

app_name = "memberimport"

urlpatterns = [
    path("", views.batch_list, name="batch_list"),
    path("template.xlsx", views.template_download, name="template"),
    path("<int:pk>/", views.batch_detail, name="batch_detail"),
    path("<int:pk>/progress/", views.batch_progress, name="batch_progress"),
    path("<int:pk>/report.xlsx", views.batch_report, name="batch_report"),
    path("<int:pk>/apply/", views.batch_apply, name="batch_apply"),
    path("<int:pk>/undo/", views.batch_undo, name="batch_undo"),
]
