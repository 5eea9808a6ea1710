"""The platform's JSON API: one NinjaAPI at /api/v1/, one router per app."""

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from gonghui.appeals.api import router as appeals_router
from gonghui.core.api import SessionAuth, TokenAuth, install_error_handlers
from gonghui.memberimport.api import router as memberimport_router
from gonghui.members.api import router as members_router
from gonghui.orgs.api import router as orgs_router
from gonghui.stations.api import router as stations_router


class UnicodeJSONRenderer(JSONRenderer):
    """Chinese text stays readable in responses instead of unicode escapes."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=UnicodeJSONRenderer(),
    title="gonghui API",
    version="1",
    description="工会工作与服务平台 JSON API。浏览器使用会话登录，系统对接使用 Bearer 令牌。",
    auth=[TokenAuth(), SessionAuth(csrf=True)],
    urls_namespace="api",
)
install_error_handlers(api)

api.add_router("/orgs/", orgs_router)
api.add_router("/appeals/", appeals_router)
api.add_router("/members/", members_router)
api.add_router("/stations/", stations_router)
api.add_router("/members/imports/", memberimport_router)
