from __future__ import annotations

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from bqw.accounts.api import AUTH
from bqw.assessment.api import router as assessment_router
from bqw.cockpit.api import router as cockpit_router
from bqw.core.errors import ApplicationError
from bqw.indicators.admin_api import catalog_router
from bqw.indicators.api import router as indicators_router
from bqw.orgs.api import router as orgs_router
from bqw.orgs.people_api import tokens_router, users_router
from bqw.pairing.api import router as pairing_router
from bqw.plans import admin_api as _plans_admin_api  # noqa: F401  (adds the plan/task creates and edits)
from bqw.plans.api import router as plans_router
from bqw.projects.api import router as projects_router
from bqw.regions.api import router as regions_router

ERROR_SCHEMA = {"type": "object", "required": ["message"], "properties": {
    "message": {"type": "string", "description": "中文错误说明"},
    "extra": {"type": "object", "description": "补充信息：字段、当前值（409）、逐行错误（422）等"}}}
ERROR_RESPONSES = {
    "400": "请求不符合业务规则（数值超出范围、期间无效等）",
    "401": "未登录或令牌无效",
    "403": "可查看但无权修改",
    "404": "不存在或不在查看范围内（二者对外不作区分）",
    "409": "版本冲突：数据已被他人修改，extra.current 为当前值",
    "422": "请求格式错误或导入被拒绝（extra.errors 逐行列出）",
}
PARAMETER_FORMATS = {  # parameter name → its documented format (the parsers refuse anything else with a 400)
    "period": {"pattern": r"^[0-9]{4}(Q[1-4]|0[1-9]|1[0-2])?$", "description": "期间：2024、2024Q2 或 202406"},
    "region": {"pattern": r"^[0-9]{1,12}$", "description": "区划代码（12 位，可省略末尾的 0）"},
    "orgUnit": {"pattern": r"^[0-9]{1,12}$", "description": "区划代码（12 位，可省略末尾的 0）"},
    "code": {"pattern": r"^[0-9]{1,12}$", "description": "区划代码（12 位，可省略末尾的 0）"},
}


class DocumentedAPI(NinjaAPI):
    """The API whose OpenAPI document states, for every operation, the error responses it may give (the one
    error shape of the handlers below) and the format of its `period` and region-code parameters — so new
    routers are documented the same way without repeating it (tests/test_api_contract.py checks it live)."""

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        for operations in schema.get("paths", {}).values():
            for op in operations.values():
                responses = op.setdefault("responses", {})
                for code, text in ERROR_RESPONSES.items():
                    responses.setdefault(code, {"description": text, "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
                for param in op.get("parameters", []):
                    fmt = PARAMETER_FORMATS.get(param.get("name"))
                    pschema = param.get("schema", {})
                    optional = [s for s in pschema.get("anyOf", []) if s.get("type") == "string"]
                    if fmt and (pschema.get("type") == "string" or optional):
                        # an optional parameter (anyOf string | null) is a plain string with the same pattern
                        param["schema"] = {k: v for k, v in pschema.items() if k != "anyOf"} | {
                            "type": "string", "pattern": fmt["pattern"]}
                        param.setdefault("description", fmt["description"])
        return schema


api = DocumentedAPI(title="百千万工程指挥信息平台 API", version="1", auth=AUTH, urls_namespace="api",
               description="bqw：广东“百千万工程”指挥信息平台。使用会话或 `Authorization: Bearer <令牌>` 认证。")


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError):
    """401 in the same shape as every other error, in Chinese (no token, or a bad/revoked/expired one)."""
    message = (exc.message if exc.message != "Unauthorized"
               else "未登录或令牌无效：请先登录，或在 Authorization 头中提供有效的 Bearer 令牌")
    return api.create_response(request, {"message": message, "extra": {}}, status=401)


@api.exception_handler(ApplicationError)
def application_error(request: HttpRequest, exc: ApplicationError):
    return api.create_response(request, {"message": exc.message, "extra": exc.extra}, status=exc.status_code)


@api.exception_handler(ValidationError)
def invalid_request(request: HttpRequest, exc: ValidationError):
    """A request that does not match the schema: 422 in the one error shape, each problem listed."""
    errors = [{"loc": [str(x) for x in e.get("loc", ())], "message": str(e.get("msg", ""))} for e in exc.errors]
    return api.create_response(request, {"message": "请求格式错误：" + "；".join(
        f"{'.'.join(e['loc'])} {e['message']}" for e in errors[:5]), "extra": {"errors": errors}}, status=422)


@api.exception_handler(OverflowError)
def overflow(request: HttpRequest, exc: OverflowError):
    """An integer too large for the database (an id such as 99999999999999999999) names nothing: 404."""
    return api.create_response(request, {"message": "数字超出范围，找不到对应的数据", "extra": {}}, status=404)


api.add_router("/regions", regions_router)
api.add_router("/plans", plans_router)
api.add_router("/assessment", assessment_router)
api.add_router("/projects", projects_router)
api.add_router("/pairings", pairing_router)
api.add_router("/cockpit", cockpit_router)
api.add_router("", indicators_router)
api.add_router("/orgs", orgs_router)
api.add_router("/users", users_router)
api.add_router("/tokens", tokens_router)
api.add_router("/catalog", catalog_router)
