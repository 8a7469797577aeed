"""API token authentication: knox's hashed per-device tokens, hardened against malformed headers."""

import re

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.settings import knox_settings
from rest_framework import exceptions

# knox tokens are hex (after an optional configured prefix); anything else cannot match a stored token.
_TOKEN = re.compile(r"[\w-]+", re.ASCII)


class TokenAuthentication(KnoxTokenAuthentication):
    """`Authorization: Token <token>`; any header a client can send ends in 401, never in a 500."""

    invalid = _("令牌无效或已过期，请重新登录。")

    def authenticate_credentials(self, token: bytes):
        # knox decodes the header as UTF-8 unguarded: a Latin-1 byte in the header would be a 500.
        try:
            text = token.decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(self.invalid) from None
        if not _TOKEN.fullmatch(text):
            raise exceptions.AuthenticationFailed(self.invalid)
        try:
            return super().authenticate_credentials(token)
        except exceptions.AuthenticationFailed:
            raise exceptions.AuthenticationFailed(self.invalid) from None


class TokenScheme(OpenApiAuthenticationExtension):
    """Documents the token in the OpenAPI schema (drf-spectacular only knows knox's own class)."""

    target_class = TokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=knox_settings.AUTH_HEADER_PREFIX
        )
