"""The OpenAPI schema class of the project (REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]).

API.md fixes the error answers of every endpoint: 400 invalid input, 401 unauthenticated, 403 the role may not act,
404 not found or outside the caller's scope, 411 a body without a Content-Length, 413 a body too large, 415 a body in
a format the operation does not read, all as `{"errors": {field: [message, …]}}`.
They are documented here once, for every operation, so that no view can forget one and the schema matches what
the server answers (the contract run, tests/contract/run_schemathesis.py, checks every status code and body
against it). A view documents a code itself only to say something more specific about it.
"""

from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse

from config.api import ErrorsSerializer

# Every operation.
COMMON_ERRORS = {
    "400": "请求有误(参数、格式或取值) / invalid request: parameters, format or values",
    "403": "角色或管理关系不允许 / the caller's role may not do this",
    "404": "不存在或不在管辖范围内 / not found, or outside the caller's scope",
}
# Operations that need a signed-in caller (a token or a session).
AUTH_ERRORS = {"401": "未登录或令牌无效 / not authenticated: no token, or a revoked or expired one"}
# Operations that take a request body.
BODY_ERRORS = {
    "411": "请求须注明内容长度(Content-Length) / the body must carry a Content-Length (no chunked bodies)",
    "413": "请求体过大 / request body too large",
    "415": "不支持的请求体格式 / unsupported Content-Type of the body",
}
BODY_METHODS = {"POST", "PUT", "PATCH"}


class AutoSchema(openapi.AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = dict(COMMON_ERRORS)
        if self.view.get_authenticators():
            errors.update(AUTH_ERRORS)
        if self.method in BODY_METHODS:
            errors.update(BODY_ERRORS)
        for code, description in errors.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorsSerializer, description=description),
                    code,
                    media_types=["application/json"],
                    direction=direction,
                )
        return dict(sorted(responses.items()))
