"""Reads about the caller's own account (`GET /api/v1/me/`), their signed-in devices and their sign-outs."""

from typing import Any

from django.db.models import Q
from django.utils import timezone
from knox.models import AuthToken

from accounts.models import TokenRevocation


def me(*, user, patroller: dict[str, Any] | None) -> dict[str, Any]:
    """What API.md promises for `GET /api/v1/me/`; the scope is the ids of the places the user is tied to.

    `patroller`: the caller's roster record in brief (staffing.selectors.patroller_summary), None if they have none."""
    return {
        "username": user.username,
        "role": user.role,
        "display_name": user.display_name or user.get_full_name() or user.username,
        "patroller": patroller,
        "scope": {"county": user.county_id, "township": user.township_id, "village": user.village_id},
    }


def devices_of(*, user) -> list[AuthToken]:
    """The caller's signed-in devices: their API tokens not yet expired, newest first (created, expiry)."""
    live = Q(expiry__isnull=True) | Q(expiry__gt=timezone.now())
    return list(AuthToken.objects.filter(live, user=user).only("created", "expiry").order_by("-created"))


def last_sign_out(*, user) -> TokenRevocation | None:
    """The latest time all of `user`'s devices were signed out (who, when, why), or None."""
    return TokenRevocation.objects.filter(user=user).select_related("by").first()
