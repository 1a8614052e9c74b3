from __future__ import annotations

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from bqw.accounts.api import AUTH
from bqw.core.errors import ApplicationError
from bqw.indicators.api import router as indicators_router
from bqw.plans.api import router as plans_router
from bqw.regions.api import router as regions_router

api = NinjaAPI(title="百千万工程指挥信息平台 API", version="1", auth=AUTH, urls_namespace="api",
               description="bqw：广东“百千万工程”指挥信息平台。使用会话或 `Authorization: Bearer <令牌>` 认证。")


@api.exception_handler(ApplicationError)
def application_error(request: HttpRequest, exc: ApplicationError):
    return api.create_response(request, {"message": exc.message, "extra": exc.extra}, status=exc.status_code)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError):
    message = "未登录或令牌无效：请登录，或在 Authorization 头中提供有效的 Bearer 令牌"
    return api.create_response(request, {"message": message, "extra": {}}, status=401)


@api.exception_handler(OverflowError)
def overflow(request: HttpRequest, exc: OverflowError):
    """An integer too large for the database (an id such as 99999999999999999999) names nothing: 404."""
    return api.create_response(request, {"message": "数字超出范围，找不到对应的数据", "extra": {}}, status=404)


api.add_router("/regions", regions_router)
api.add_router("/plans", plans_router)
api.add_router("", indicators_router)
