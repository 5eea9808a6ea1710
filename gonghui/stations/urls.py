from django.urls import path

from gonghui.stations.views import console, h5

app_name = "stations"

urlpatterns = [
    path("console/stations/", console.station_list, name="station_list"),
    path("console/stations/new/", console.station_create, name="station_create"),
    path("console/stations/import/", console.station_import, name="station_import"),
    path("console/stations/export/", console.station_export, name="station_export"),
    path("console/stations/coverage/", console.station_coverage, name="station_coverage"),
    path("console/stations/<str:code>/", console.station_detail, name="station_detail"),
    path("console/stations/<str:code>/edit/", console.station_edit, name="station_edit"),
    path("console/stations/<str:code>/action/", console.station_action, name="station_action"),
    path("console/stations/<str:code>/photo/", console.station_photo, name="station_photo"),
    path("console/stations/<str:code>/count/", console.station_count, name="station_count"),
    path(
        "console/stations/<str:code>/reveal/", console.station_reveal_phone, name="station_reveal"
    ),
    path("console/stations/<str:code>/qr.<str:kind>", console.station_qr, name="station_qr"),
    path("console/stations/<str:code>/sign/", console.station_sign, name="station_sign"),
    path("m/stations/", h5.h5_map, name="h5_map"),
    path("m/stations/s/<str:code>/", h5.h5_station, name="h5_station"),
]
