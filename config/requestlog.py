"""Structured log lines with a request id (settings LOGGING and MIDDLEWARE, docs/deploy.md "Health and logs").

- `RequestIdMiddleware` (first in MIDDLEWARE): takes the `X-Request-ID` header of the load balancer or the phone
  when it is a plain token (letters, digits, `.`, `_`, `-`, `:`, at most 128 characters), otherwise makes one
  (32 hex digits); keeps it for the request's log lines and echoes it in the answer's `X-Request-ID`. After the
  answer it writes one `request` line: method, path (never the query string, which may carry a name or a phone
  number searched for), status, duration and the caller's user id — never a body, a header or a name.
- `RequestIdFilter` puts the current request id on every log record (`-` outside a request: commands, start-up).
- `JsonFormatter`: one JSON object per line (LOG_FORMAT=json, the default without DEBUG) with time, level, logger,
  message, request_id and the request fields; a traceback goes into `exc` of the same line.
"""

import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
_META_KEY = "HTTP_X_REQUEST_ID"
_ACCEPTED = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# The fields of the `request` line, copied into the JSON object when a record has them.
REQUEST_FIELDS = ("method", "path", "status", "duration_ms", "user_id")

request_id: ContextVar[str] = ContextVar("request_id", default="-")
access_logger = logging.getLogger("river.request")


def incoming_or_new(value: str | None) -> str:
    if value and _ACCEPTED.match(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    # Answers to load balancers' health probes are not worth a line each when all is well.
    QUIET_PATHS = frozenset({"/healthz"})

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = incoming_or_new(request.META.get(_META_KEY))
        token = request_id.set(rid)
        request.request_id = rid
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[HEADER] = rid
            self._log(request, response.status_code, started)
            return response
        finally:
            request_id.reset(token)

    def _log(self, request: HttpRequest, status: int, started: float) -> None:
        user = getattr(request, "user", None)
        quiet = request.path in self.QUIET_PATHS and status < 500
        access_logger.log(
            logging.DEBUG if quiet else logging.INFO,
            "%s %s %s",
            request.method,
            request.path,
            status,
            extra={
                "method": request.method,
                "path": request.path,
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": user.pk if user is not None and user.is_authenticated else None,
            },
        )


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id.get()),
        }
        for field in REQUEST_FIELDS:
            if hasattr(record, field):
                line[field] = getattr(record, field)
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)
