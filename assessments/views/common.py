"""What every assessment page shares: who may open what, the place asked for inside the caller's scope, months,
.xlsx responses."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.models import Role
from accounts.scope import MAX_ID, require_place_in_scope, sees_everything
from assessments import rules
from assessments.rules import month_text
from rivers.models import County, Township
from rivers.selectors import counties_visible_to, townships_visible_to

PAGE_SIZE = 50


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def is_office(user) -> bool:
    return bool(user.is_office or user.is_superuser)


def is_county_or_city(user) -> bool:
    return user.role == Role.COUNTY_OFFICE or sees_everything(user)


def is_reporter(user) -> bool:
    """Village chiefs and volunteer supervisors file supervision reports (第十二条)."""
    return user.role in (Role.VILLAGE_CHIEF, Role.SUPERVISOR)


def in_range(pk: int) -> int:
    """An id from the URL; one past the database's integer range cannot exist (and would overflow SQLite)."""
    if pk > MAX_ID:
        raise Http404
    return pk


def township_for(user, wanted: int | None) -> Township:
    """The township asked for, inside the caller's scope (else 404); a township office's own by default, for the
    county and city offices the first of theirs."""
    if wanted is None and user.role == Role.TOWNSHIP_OFFICE:
        wanted = user.township_id
    if wanted is not None:
        require_place_in_scope(user, township_id=wanted)
        return Township.objects.select_related("county").get(pk=wanted)
    township = townships_visible_to(user).order_by("code").first()
    if township is None:
        raise Http404
    return township


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


def other_townships(user) -> list[Township]:
    """The township picker: nothing for a township office (its own is the page), else the ones in scope."""
    if user.role == Role.TOWNSHIP_OFFICE:
        return []
    return list(townships_visible_to(user).order_by("code"))


# --- small helpers -------------------------------------------------------------------------------------------


def label_text(label: str) -> str:
    month = rules.parse_month(label)
    return month_text(month) if month else label


def default_month() -> date:
    """The month offices score now: the last one that is over."""
    return rules.previous_month(rules.month_start(timezone.localdate()))


def cleaned(form) -> dict:
    form.is_valid()  # an invalid field is shown and left out; the valid ones still apply
    return form.cleaned_data


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


def average(totals: list[int]) -> Decimal | None:
    if not totals:
        return None
    return (Decimal(sum(totals)) / len(totals)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
