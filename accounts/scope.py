"""One place that decides which rows a user may see (SPEC §1): everything else is invisible (404)."""

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import Role

# Ids beyond the database's bigint range can never exist; looking them up would overflow on SQLite.
MAX_ID = 2**63 - 1


def sees_everything(user) -> bool:
    if not (user and user.is_authenticated):
        return False
    return bool(user.is_superuser or user.role == Role.CITY_OFFICE)


def scope_filter(
    queryset: QuerySet,
    user,
    *,
    county: str,
    township: str,
    village: str | None = None,
    own: Q | None = None,
) -> QuerySet:
    """Restrict `queryset` to what `user` may see.

    `county`, `township` and `village` are lookup paths from the model to the place ids; `own` is the
    condition for the rows a patroller or supervisor may see as their own (None: none at all).
    """
    if not (user and user.is_authenticated):
        return queryset.none()
    if sees_everything(user):
        return queryset
    role = user.role
    if role == Role.COUNTY_OFFICE:
        return queryset.filter(**{county: user.county_id})
    if role == Role.TOWNSHIP_OFFICE:
        return queryset.filter(**{township: user.township_id})
    if role == Role.VILLAGE_CHIEF and village is not None:
        return queryset.filter(**{village: user.village_id})
    if role in (Role.PATROLLER, Role.SUPERVISOR, Role.VILLAGE_CHIEF) and own is not None:
        return queryset.filter(own)
    return queryset.none()


def place_in_scope(user, *, county_id: int | None = None, township_id: int | None = None) -> bool:
    """Whether the places named in a request (filters such as ?county=ID&township=ID) exist and overlap the
    user's scope: the city office may name any place, a county office its county and the townships in it,
    everyone else the township and county they are tied to. A place that does not exist is outside.
    """
    from rivers.models import County, Township

    if not (user and user.is_authenticated) or (not sees_everything(user) and not user.role):
        return False
    if any(place is not None and not 0 < place <= MAX_ID for place in (county_id, township_id)):
        return False
    if county_id is not None:
        counties = County.objects.filter(pk=county_id)
        if not sees_everything(user):
            counties = counties.filter(pk=user.county_id)
        if not counties.exists():
            return False
    if township_id is not None:
        townships = Township.objects.filter(pk=township_id)
        if county_id is not None:
            townships = townships.filter(county_id=county_id)
        if not sees_everything(user):
            mine = Q(county_id=user.county_id) if user.role == Role.COUNTY_OFFICE else Q(pk=user.township_id)
            townships = townships.filter(mine)
        if not townships.exists():
            return False
    return True


def require_place_in_scope(user, *, county_id: int | None = None, township_id: int | None = None) -> None:
    """Raise Http404 (API.md: outside scope is not found) unless `place_in_scope`."""
    if (county_id is not None or township_id is not None) and not place_in_scope(
        user, county_id=county_id, township_id=township_id
    ):
        raise Http404


def whole_county_of(user) -> int:
    """The county a page's "全县" (whole county) choice means: the county office's own. Anyone else asking for it is
    answered as for a place outside their scope (404): a township office's scope holds no whole county, and the city
    office names a county by its id."""
    if user.role != Role.COUNTY_OFFICE or user.county_id is None:
        raise Http404
    return user.county_id
