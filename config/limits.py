"""What the service refuses to read: bodies without a length or over the limits, over-long query strings, and the
request-size errors Django raises while reading a form — each answered with its own status, in the API error shape
for /api/ paths (API.md: 413 for a body too large) and as plain text for the pages.

The limits (config/settings.py):
- a multipart body (photos, the register spreadsheets): UPLOAD_MAX_BYTES; the photo endpoint has its own tighter
  bound, RIVER["PHOTO_MAX_BYTES"];
- any other body (JSON, forms): DATA_UPLOAD_MAX_MEMORY_SIZE — Django checks it only when something reads
  `request.body` or a form, and DRF's JSON parser reads the stream itself, so it is checked here for every body;
- a body must say its length: a chunked body without Content-Length reaches Django as an empty body (WSGI gives no
  length), so a phone's photo would be lost without a word; it is refused with 411 instead;
- the query string: QUERY_STRING_MAX_BYTES (414); the request line and headers as a whole are the web server's
  to bound (gunicorn.conf.py, and the reverse proxy: README "Security").
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


def error_response(request: HttpRequest, status: int, message: str) -> HttpResponse:
    """The API error shape for /api/ paths; a line of text for the pages (a browser never gets here by itself)."""
    if request.path.startswith("/api/"):
        response = JsonResponse({"errors": {"non_field_errors": [message]}}, status=status)
    else:
        response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    # Answered before CommonMiddleware would add it: with a length the server need not chunk the answer.
    response["Content-Length"] = str(len(response.content))
    return response


def too_large_message(limit: int) -> str:
    return _("请求内容过大，不能超过%(size)s。") % {"size": filesizeformat(limit)}


def body_limit(request: HttpRequest) -> int | None:
    """The largest body this request may carry, by its content type; None for no limit."""
    if request.META.get("CONTENT_TYPE", "").lower().startswith("multipart/"):
        return settings.UPLOAD_MAX_BYTES
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def refusal(request: HttpRequest) -> HttpResponse | None:
    """Why this request is not read at all, as the answer to send; None to go on."""
    meta = request.META
    if len(meta.get("QUERY_STRING", "")) > settings.QUERY_STRING_MAX_BYTES:
        message = _("查询字符串过长，不能超过%(limit)d字节。") % {"limit": settings.QUERY_STRING_MAX_BYTES}
        return error_response(request, 414, message)
    declared = meta.get("CONTENT_LENGTH")
    if not declared:
        if meta.get("HTTP_TRANSFER_ENCODING"):
            message = _("请求须注明内容长度(Content-Length)，不接受分块传输的请求内容。")
            return error_response(request, 411, message)
        return None
    if not (declared.isascii() and declared.isdigit()):  # Django would read a malformed length as an empty body
        return error_response(request, 400, _("请求头 Content-Length 无效。"))
    limit = body_limit(request)
    if limit is not None and int(declared) > limit:
        return error_response(request, 413, too_large_message(limit))
    return None


class RequestLimitsMiddleware:
    """Before anything reads the body (CSRF, DRF, forms): refuse what `refusal` names. After LocaleMiddleware, so
    that the message is in the caller's language."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return refusal(request) or self.get_response(request)


def reading_error(exc: BaseException) -> tuple[int, str] | None:
    """Status and message for the limits Django enforces while reading a form or a query string (it raises these
    as SuspiciousOperation, which would otherwise become its HTML 400 page); None for any other exception."""
    if isinstance(exc, RequestDataTooBig):
        return 413, too_large_message(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    if isinstance(exc, TooManyFieldsSent):
        return 400, _("请求中的字段过多，不能超过%(limit)d个。") % {"limit": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS}
    if isinstance(exc, TooManyFilesSent):
        return 400, _("请求中的文件过多，不能超过%(limit)d个。") % {"limit": settings.DATA_UPLOAD_MAX_NUMBER_FILES}
    return None
