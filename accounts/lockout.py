"""What a locked-out login sees: the API error shape for the API, the login page for people."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _("登录失败次数过多，该账号在此地址已被锁定，请%(minutes)s分钟后再试。") % {"minutes": minutes}


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"errors": {"non_field_errors": [lockout_message()]}}, status=429)
    return render(request, "registration/login.html", {"lockout_message": lockout_message()}, status=429)
