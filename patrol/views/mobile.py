"""The patroller's phone app (`/m/`): an installable web app (PWA) that works offline.

- `/m/` the app shell: one page with every screen, its words (gettext, rendered here: the scripts hold no text)
  and the built-in checklist of 第七条 (the app asks `/api/v1/checklist/` first and falls back to it). It holds no
  personal data: the app talks to the API with a token kept on the phone, so the shell can be cached.
- `/m/sw.js` the service worker (scope `/m/`): caches the shell and its assets under a version made of their
  contents, and sends the outbox on Background Sync.
- `/m/manifest.webmanifest` for "add to home screen".
- `/m/token/` turns a browser session (a patroller who signed in on the ordinary login page) into an API token.

Everything the app sends goes through the REST API, with the API's answers and messages (see README, "Phone app").
"""

import hashlib
import json
from functools import lru_cache

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from knox.models import AuthToken

from accounts.models import Role
from patrol import rules

# The app's own files and the vendored library, in the order the page loads them (the service worker caches them).
SCRIPTS = ("vendor/exifr/mini.umd.js", "mobile/outbox.js", "mobile/track.js", "mobile/photos.js", "mobile/app.js")
STYLES = ("mobile/app.css",)
OTHER_ASSETS = ("mobile/icon.svg", "mobile/icon-192.png", "mobile/icon-512.png")
ASSETS = STYLES + SCRIPTS + OTHER_ASSETS
SW_SCRIPTS = ("mobile/outbox.js",)


def _checklist() -> list[dict]:
    """The seven checks of 第七条(一) with their values: what the form shows when the API has no checklist."""
    return [
        {
            "code": code,
            "name": str(label),
            "values": [
                {
                    "value": value,
                    "label": str(rules.VALUE_LABELS.get(value, value)),
                    "problem": value not in rules.OK_VALUES,
                }
                for value in values
            ],
        }
        for code, (label, values) in rules.CHECKS.items()
    ]


def _actions() -> list[dict]:
    return [{"value": code, "label": str(label)} for code, label in rules.ACTIONS.items()]


def _no_store(response: HttpResponse) -> HttpResponse:
    # Always asked again when online (a new version, another language); the service worker keeps its own copy.
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def app(request: HttpRequest) -> HttpResponse:
    context = {
        "checks": _checklist(),
        "actions": _actions(),
        "scripts": SCRIPTS,
        "styles": STYLES,
        "settings": {
            "track_max_points": settings.RIVER["TRACK_MAX_POINTS"],
            "track_max_accuracy_m": settings.RIVER["TRACK_MAX_ACCURACY_M"],
            "late_days": settings.RIVER["LOG_LATE_DAYS"],
            "notes_max_length": settings.RIVER["NOTES_MAX_LENGTH"],
        },
        "language": get_language(),
    }
    return _no_store(render(request, "mobile/app.html", context))


@lru_cache(maxsize=8)
def _digest(names: tuple[str, ...], template_source: str) -> str:
    digest = hashlib.sha256(template_source.encode())
    for name in names:
        path = finders.find(name)
        if path:
            with open(path, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()[:16]


def version() -> str:
    """Changes whenever the shell's template or any asset changes, so that phones fetch the new app."""
    sources = tuple(get_template(name).template.source for name in ("mobile/app.html", "mobile/sw.js"))
    if settings.DEBUG:
        _digest.cache_clear()
    return _digest(ASSETS, "".join(sources))


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    context = {
        "version": version(),
        "shell": reverse("mobile-app"),
        "assets": json.dumps([static(name) for name in ASSETS]),
        "imports": json.dumps([static(name) for name in SW_SCRIPTS]),
    }
    response = render(request, "mobile/sw.js", context, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("mobile-app")
    return _no_store(response)


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    start = reverse("mobile-app")
    body = {
        "name": _("河湖巡查"),
        "short_name": _("河湖巡查"),
        "description": _("河湖(库)巡察员每日巡查、日志和照片"),
        "lang": get_language(),
        "start_url": start,
        "scope": start,
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#0b4f8a",
        "icons": [
            {"src": static("mobile/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("mobile/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": static("mobile/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return _no_store(response)


@require_POST
def session_token(request: HttpRequest) -> JsonResponse:
    """A patroller signed in with a browser session (CSRF-checked) gets an API token for the app on this phone."""
    user = request.user
    if not user.is_authenticated:
        return JsonResponse({"errors": {"non_field_errors": [_("请先登录。")]}}, status=401)
    if user.role != Role.PATROLLER:
        return JsonResponse(
            {"errors": {"non_field_errors": [_("巡查应用供巡察员使用，办公室人员请使用电脑端页面。")]}}, status=403
        )
    instance, token = AuthToken.objects.create(user=user)
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    response = JsonResponse({"token": token, "expiry": instance.expiry.isoformat() if instance.expiry else None})
    response["Cache-Control"] = "no-store"
    return response
