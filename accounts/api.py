"""Token login/logout (knox: hashed per-device tokens) and `GET /api/v1/me/`."""

from django.contrib.auth import authenticate, logout
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox.models import AuthToken
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.lockout import lockout_message
from accounts.models import TokenRevocation
from accounts.permissions import ANY_USER
from accounts.serializers import LoginSerializer, TokenSerializer
from config.api import ErrorsSerializer


class TooManyAttempts(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"


class TokenLoginView(APIView):
    """Username and password for a token. Failures count towards the django-axes lockout of this username
    from this address (AXES_LOCKOUT_PARAMETERS): other users behind the same address keep logging in."""

    # No authentication here: a phone has no CSRF token, and a stale token must not stop a fresh login.
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=LoginSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(ErrorsSerializer, description="用户名或密码不正确 / wrong username or password"),
            429: OpenApiResponse(ErrorsSerializer, description="尝试次数过多，已锁定 / locked out"),
        },
        summary="获取令牌 / obtain a token",
    )
    def post(self, request: Request) -> Response:
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # axes reads and marks the Django request, not DRF's wrapper around it.
        django_request = request._request
        user = authenticate(
            request=django_request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
        )
        if getattr(django_request, "axes_locked_out", False):
            # Answer here in the API shape; clearing the flag keeps AxesMiddleware from replacing our answer.
            django_request.axes_locked_out = False
            raise TooManyAttempts(lockout_message())
        if user is None or not user.is_active:
            raise exceptions.ValidationError({"non_field_errors": [_("用户名或密码不正确。")]})
        instance, token = AuthToken.objects.create(user=user)
        # Lets axes reset this username's failures and Django record last_login.
        user_logged_in.send(sender=user.__class__, request=django_request, user=user)
        return Response(TokenSerializer({"token": token, "expiry": instance.expiry}).data)


class LogoutView(APIView):
    """Revokes the token of this request; a browser session is ended instead."""

    roles = ANY_USER

    @extend_schema(request=None, responses={204: None}, summary="注销令牌 / revoke the token")
    def post(self, request: Request) -> Response:
        if isinstance(request.auth, AuthToken):
            request.auth.delete()
        else:
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(APIView):
    """Revokes every token of the caller: all their devices, this one too (API.md). With a browser session, the
    session ends as well."""

    roles = ANY_USER

    @extend_schema(request=None, responses={204: None}, summary="退出所有设备 / revoke every token of the caller")
    def post(self, request: Request) -> Response:
        services.user_tokens_revoke(user=request.user, by=request.user, reason=TokenRevocation.Reason.LOGOUT_ALL)
        if not isinstance(request.auth, AuthToken):
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)
