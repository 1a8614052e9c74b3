from __future__ import annotations

from django.http import HttpRequest
from ninja import NinjaAPI

from bqw.cockpit.api import router as cockpit_router
from bqw.core.api import AUTH
from bqw.core.errors import ApplicationError
from bqw.indicators.api import router as indicators_router
from bqw.plans.api import router as plans_router
from bqw.regions.api import router as regions_router

api = NinjaAPI(title="百千万工程指挥信息平台 API", version="1", auth=AUTH, urls_namespace="api",
               description="bqw：广东“百千万工程”指挥信息平台。使用会话或 `Authorization: Bearer <令牌>` 认证。")


@api.exception_handler(ApplicationError)
def application_error(request: HttpRequest, exc: ApplicationError):
    return api.create_response(request, {"message": exc.message, "extra": exc.extra}, status=exc.status_code)


api.add_router("/regions", regions_router)
api.add_router("/plans", plans_router)
api.add_router("/cockpit", cockpit_router)
api.add_router("", indicators_router)
