"""What every assessment page shares: object-level refusals, the county asked for inside the caller's scope,
months, links and figures. Roles, filters, ids and the township picker are config/web.py's."""

from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.models import Role
from accounts.scope import require_place_in_scope
from assessments import rules
from rivers.models import County
from rivers.selectors import counties_visible_to

PAGE_SIZE = 50


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def county_for(user, wanted: int | None) -> County:
    if wanted is None and user.role == Role.COUNTY_OFFICE:
        wanted = user.county_id
    if wanted is not None:
        require_place_in_scope(user, county_id=wanted)
        return County.objects.get(pk=wanted)
    county = counties_visible_to(user).order_by("code").first()
    if county is None:
        raise Http404
    return county


# --- small helpers -------------------------------------------------------------------------------------------


def default_month() -> date:
    """The month offices score now: the last one that is over."""
    return rules.previous_month(rules.month_start(timezone.localdate()))


def url_with(name: str, **params) -> str:
    query = urlencode({key: value for key, value in params.items() if value not in (None, "")})
    return f"{reverse(name)}?{query}" if query else reverse(name)


def back_to(request: HttpRequest, default: str) -> HttpResponseRedirect:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(default)


def percent(share: Decimal) -> str:
    """0.10 → "10", 0.125 → "12.5"."""
    value = share * 100
    return str(value.to_integral_value()) if value == value.to_integral_value() else str(value.normalize())
