from __future__ import annotations

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from bqw.accounts.admin_api import tokens_router, users_router
from bqw.accounts.api import AUTH
from bqw.assessment.api import router as assessment_router
from bqw.core.errors import ApplicationError
from bqw.indicators.admin_api import catalog_router
from bqw.indicators.api import router as indicators_router
from bqw.orgs.api import router as orgs_router
from bqw.plans import admin_api as _plans_admin_api  # noqa: F401  (adds the plan/task creates and edits)
from bqw.plans.api import router as plans_router
from bqw.projects.api import router as projects_router
from bqw.regions.api import router as regions_router

api = NinjaAPI(title="百千万工程指挥信息平台 API", version="1", auth=AUTH, urls_namespace="api",
               description="bqw：广东“百千万工程”指挥信息平台。使用会话或 `Authorization: Bearer <令牌>` 认证。")


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError):
    """401 in the same shape as every other error, in Chinese (no token, or a bad/revoked/expired one)."""
    message = exc.message if exc.message != "Unauthorized" else "请先登录，或在请求头提供有效的 Bearer 令牌"
    return api.create_response(request, {"message": message, "extra": {}}, status=401)


@api.exception_handler(ApplicationError)
def application_error(request: HttpRequest, exc: ApplicationError):
    return api.create_response(request, {"message": exc.message, "extra": exc.extra}, status=exc.status_code)


api.add_router("/regions", regions_router)
api.add_router("/plans", plans_router)
api.add_router("/assessment", assessment_router)
api.add_router("/projects", projects_router)
api.add_router("", indicators_router)
api.add_router("/orgs", orgs_router)
api.add_router("/users", users_router)
api.add_router("/tokens", tokens_router)
api.add_router("/catalog", catalog_router)
