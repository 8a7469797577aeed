"""Reads of the register, always through the caller's scope."""

from collections.abc import Collection

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import Role
from accounts.scope import scope_filter, sees_everything
from rivers.models import County, Segment, Township, WaterBody


def _own_segments(user, held: Collection[int]) -> Q | None:
    """A patroller's own segments: the ones they hold (`held`); a supervisor's: their township's (to name the
    segment a report is about). Nobody else has "own" segments."""
    if not user.is_authenticated:
        return None
    if user.role == Role.SUPERVISOR:
        return Q(township_id=user.township_id)
    if user.role == Role.PATROLLER:
        return Q(pk__in=list(held))
    return None


def segments_visible_to(user, *, held: Collection[int] = ()) -> QuerySet[Segment]:
    """The segments `user` may see. Who holds which segment is the roster's (staffing, a layer above): a caller
    that serves patrollers passes theirs as `held` (staffing.selectors.segment_ids_assigned_to); without it a
    patroller sees none."""
    return scope_filter(
        Segment.objects.all(),
        user,
        county="township__county_id",
        township="township_id",
        village="villages",
        own=_own_segments(user, held),
    )


def segment_list(*, user, filters: dict | None = None, held: Collection[int] = ()) -> QuerySet[Segment]:
    """Segments in scope, narrowed by `filters` (water_body, county, township ids), with everything the API
    shows loaded up front: one query for the rows and their places, one for all their villages."""
    filters = filters or {}
    qs = segments_visible_to(user, held=held).with_register()
    if filters.get("water_body"):
        qs = qs.filter(water_body_id=filters["water_body"])
    if filters.get("township"):
        qs = qs.filter(township_id=filters["township"])
    if filters.get("county"):
        qs = qs.filter(township__county_id=filters["county"])
    return qs.order_by("code")


def water_bodies_visible_to(user) -> QuerySet[WaterBody]:
    """Every water body for the city office; for everyone else those with a segment in their scope (offices: the
    water-body endpoints are theirs, so no patroller's held segments)."""
    if sees_everything(user):
        return WaterBody.objects.all()
    return WaterBody.objects.filter(Exists(segments_visible_to(user).filter(water_body=OuterRef("pk"))))


def water_body_list(
    *, user, kind: str | None = None, county: int | None = None, township: int | None = None
) -> QuerySet[WaterBody]:
    """Water bodies in scope; `county`/`township` keep those with a segment there that the user may see."""
    qs = water_bodies_visible_to(user)
    if kind:
        qs = qs.filter(kind=kind)
    if county or township:
        segments = segments_visible_to(user)
        if county:
            segments = segments.filter(township__county_id=county)
        if township:
            segments = segments.filter(township_id=township)
        qs = qs.filter(Exists(segments.filter(water_body=OuterRef("pk"))))
    return qs.order_by("code")


def counties_visible_to(user) -> QuerySet[County]:
    return scope_filter(County.objects.all(), user, county="pk", township="townships")


def townships_visible_to(user) -> QuerySet[Township]:
    return scope_filter(Township.objects.select_related("county"), user, county="county_id", township="pk")
