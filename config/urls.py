"""URL map: console pages, worker H5 pages under /m/, the JSON API under /api/v1/."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from gonghui.api import api

urlpatterns = [
    # First: the API serves the most requests, and resolving tries the patterns in order.
    path("api/v1/", api.urls),
    path("", include("gonghui.core.urls")),
    path("", include("gonghui.accounts.urls")),
    path("console/", include("gonghui.orgs.urls")),
    path("", include("gonghui.appeals.urls")),
    path("", include("gonghui.members.urls")),
    path("", include("gonghui.stations.urls")),
    path("console/member-imports/", include("gonghui.memberimport.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
