"""One place that decides which rows a user may see (SPEC §1): everything else is invisible (404)."""

from django.db.models import Q, QuerySet

from accounts.models import Role


def sees_everything(user) -> bool:
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
    if not user.is_authenticated:
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
    """Whether a place named in a request (a filter such as ?township=ID) lies inside the user's scope."""
    if sees_everything(user):
        return True
    if user.role == Role.COUNTY_OFFICE:
        if township_id is not None:
            from rivers.models import Township

            return Township.objects.filter(pk=township_id, county_id=user.county_id).exists()
        return county_id == user.county_id
    if user.role == Role.TOWNSHIP_OFFICE:
        return township_id == user.township_id and county_id in (None, user.county_id)
    return False
