"""Reads about the caller's own account (`GET /api/v1/me/`), their signed-in devices and their sign-outs."""

from typing import Any

from django.db.models import Q
from django.utils import timezone
from knox.models import AuthToken

from accounts.models import TokenRevocation


def me(*, user) -> dict[str, Any]:
    """What API.md promises for `GET /api/v1/me/`; the scope is the ids of the places the user is tied to."""
    return {
        "username": user.username,
        "role": user.role,
        "display_name": user.display_name or user.get_full_name() or user.username,
        "patroller": patroller_summary(user=user),
        "scope": {"county": user.county_id, "township": user.township_id, "village": user.village_id},
    }


def patroller_summary(*, user) -> dict[str, Any] | None:
    """The caller's own patroller record and the segment they patrol today (or their active assignment's).

    None for every other role and for a patroller login not linked to a roster record yet.
    """
    from staffing import selectors as staffing

    patroller = staffing.patroller_of(user)
    if patroller is None:
        return None
    assignment = staffing.assignment_on(patroller=patroller, on=timezone.localdate())
    segment = assignment.segment if assignment else staffing.current_segment(patroller)
    brief = {"id": segment.pk, "name": segment.name, "water_body": segment.water_body.name} if segment else None
    return {"id": patroller.pk, "name": patroller.name, "segment": brief}


def devices_of(*, user) -> list[AuthToken]:
    """The caller's signed-in devices: their API tokens not yet expired, newest first (created, expiry)."""
    live = Q(expiry__isnull=True) | Q(expiry__gt=timezone.now())
    return list(AuthToken.objects.filter(live, user=user).only("created", "expiry").order_by("-created"))


def last_sign_out(*, user) -> TokenRevocation | None:
    """The latest time all of `user`'s devices were signed out (who, when, why), or None."""
    return TokenRevocation.objects.filter(user=user).select_related("by").first()
