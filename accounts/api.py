"""Token login/logout (knox: hashed per-device tokens) and `GET /api/v1/me/`."""

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from knox.models import AuthToken
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors
from accounts.lockout import lockout_message
from accounts.permissions import ANY_ROLE
from accounts.serializers import LoginSerializer, MeSerializer, TokenSerializer


class TooManyAttempts(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS


class TokenLoginView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(request=LoginSerializer, responses={200: TokenSerializer}, summary="获取令牌 / obtain a token")
    def post(self, request: Request) -> Response:
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        django_request = request._request
        user = authenticate(
            request=django_request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
        )
        if getattr(django_request, "axes_locked_out", False):
            # Answer here in the API shape; the flag is cleared so that the middleware keeps our answer.
            django_request.axes_locked_out = False
            raise TooManyAttempts(lockout_message())
        if user is None or not user.is_active:
            raise exceptions.ValidationError({"non_field_errors": [_("用户名或密码不正确。")]})
        instance, token = AuthToken.objects.create(user=user)
        user_logged_in.send(sender=user.__class__, request=django_request, user=user)
        return Response({"token": token, "expiry": instance.expiry})


class LogoutView(APIView):
    roles = ANY_ROLE

    @extend_schema(request=None, responses={204: None}, summary="注销令牌 / revoke the token")
    def post(self, request: Request) -> Response:
        if isinstance(request.auth, AuthToken):
            request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    roles = ANY_ROLE

    @extend_schema(responses=MeSerializer, summary="当前用户 / the caller")
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(selectors.me(user=request.user)).data)
