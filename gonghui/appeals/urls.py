from django.urls import path

from gonghui.appeals import views, views_h5

app_name = "appeals"

urlpatterns = [
    path("console/appeals/", views.appeal_list, name="list"),
    path("console/appeals/intake/", views.intake, name="intake"),
    path("console/appeals/intake/history/", views.phone_history, name="phone_history"),
    path("console/appeals/intake/suggest/", views.suggest, name="suggest"),
    path("console/appeals/intake/employers/", views.employer_search, name="employer_search"),
    path("console/appeals/walk-in/", views.walk_in, name="walk_in"),
    path("console/appeals/walk-in/visitor/", views.walk_in_visitor, name="walk_in_visitor"),
    path("console/appeals/queue/", views.appeal_queue, name="queue"),
    path("console/appeals/extensions/", views.extension_requests, name="extensions"),
    path("console/appeals/kpi/", views.kpi, name="kpi"),
    path("console/appeals/alerts/<int:alert_id>/read/", views.alert_read, name="alert_read"),
    path("console/appeals/<str:number>/", views.appeal_detail, name="detail"),
    path("console/appeals/<str:number>/dispatch/", views.dispatch, name="dispatch"),
    path("console/appeals/<str:number>/<slug:action>/", views.act, name="act"),
    path("m/appeal/", views_h5.appeal_form, name="h5_appeal"),
    path("m/appeal/<str:number>/receipt/", views_h5.receipt, name="h5_receipt"),
    path("m/track/", views_h5.track, name="h5_track"),
    path("m/track/<str:number>/<slug:action>/", views_h5.track_action, name="h5_track_action"),
]
