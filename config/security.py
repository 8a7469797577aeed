"""Security headers of every answer (settings CONTENT_SECURITY_POLICY*, README "Security headers").

- `Content-Security-Policy` on every answer: the policy of settings.CONTENT_SECURITY_POLICY; the pages of DRF's
  browsable API, which need inline styles, get the directives of CONTENT_SECURITY_POLICY_BROWSABLE_API instead.
- `Cache-Control: private, no-store` and `Pragma: no-cache` on every answer to a signed-in caller (session or
  API token): pages and API answers carry ID numbers, phones and scores, which must not stay in a shared office
  computer's browser cache or in a proxy. An answer whose view chose its own Cache-Control keeps it (a photo
  thumbnail, cached privately by the phone app); static assets keep their long caching (whitenoise answers them
  before authentication runs, so no user is known); answers to anonymous callers (the login page, 401s) are left
  as they are.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from rest_framework.renderers import BrowsableAPIRenderer

HEADER = "Content-Security-Policy"


def policy_for(response: HttpResponse) -> str:
    directives = dict(settings.CONTENT_SECURITY_POLICY)
    if isinstance(getattr(response, "accepted_renderer", None), BrowsableAPIRenderer):
        directives.update(settings.CONTENT_SECURITY_POLICY_BROWSABLE_API)
    return "; ".join(f"{name} {' '.join(sources)}".strip() for name, sources in directives.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if HEADER not in response:
            response[HEADER] = policy_for(response)
        # DRF sets the user it authenticated (a token too) on the Django request as well.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            patch_cache_control(response, private=True, no_store=True)
            response["Pragma"] = "no-cache"
        return response
