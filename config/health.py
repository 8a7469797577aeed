"""`GET /healthz` for load balancers (docs/deploy.md "Health and logs").

Answers 200 `{"status": "ok", "database": "ok", "storage": "ok"}` when the database answers a query and the file
storage is reachable (config.objectstore.storage_reachable), else 503 with the failing part `"unavailable"`. It
carries no data and needs no login.

It is answered by a middleware placed before Django's own, so that a probe works the way load balancers send it:
by the server's address rather than a configured host name (ALLOWED_HOSTS is not consulted), over plain HTTP
even when SECURE_SSL_REDIRECT is on, and without a session or CSRF cookie. The answer is never stored
(`Cache-Control: no-store`) and carries a Content-Security-Policy that allows nothing (it is not a page).
"""

import json
import logging
from collections.abc import Callable

from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, HttpResponse

from config.objectstore import storage_reachable

PATH = "/healthz"
logger = logging.getLogger("river.health")


def database_reachable() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True
    except Exception:  # any failure of the database means "not reachable"
        logger.warning("healthz: the database does not answer", exc_info=True)
        # A broken persistent connection must not be reused by the next request of this worker.
        connection.close_if_unusable_or_obsolete()
        return False


def health() -> tuple[int, dict[str, str]]:
    parts = {"database": database_reachable(), "storage": storage_reachable(default_storage)}
    if not parts["storage"]:
        logger.warning("healthz: the file storage is not reachable")
    ok = all(parts.values())
    body = {"status": "ok" if ok else "unavailable"}
    body.update({name: "ok" if up else "unavailable" for name, up in parts.items()})
    return (200 if ok else 503), body


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path != PATH:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            response = HttpResponse(status=405)
            response["Allow"] = "GET, HEAD"
        else:
            status, body = health()
            response = HttpResponse(json.dumps(body), status=status, content_type="application/json")
        response["Cache-Control"] = "no-store"
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
        return response
