"""Roster changes and their filing to the upper office (备案)."""

from django.db.models import QuerySet

from accounts.scope import scope_filter
from staffing.models import RosterChange, RosterFiling


def roster_changes(*, user, township: int | None = None, unfiled: bool | None = None) -> QuerySet[RosterChange]:
    """Roster changes in scope, oldest first."""
    qs = scope_filter(RosterChange.objects.all(), user, county="township__county_id", township="township_id")
    if township:
        qs = qs.filter(township_id=township)
    if unfiled is not None:
        qs = qs.filter(filing__isnull=unfiled)
    return qs.select_related("patroller", "township", "contract__segment", "filing").order_by("date", "id")


def unfiled_changes(*, user, township: int | None = None) -> QuerySet[RosterChange]:
    """Changes not yet filed to the upper office (备案), oldest first."""
    return roster_changes(user=user, township=township, unfiled=True)


def roster_filings(*, user, township: int | None = None) -> QuerySet[RosterFiling]:
    qs = scope_filter(RosterFiling.objects.all(), user, county="township__county_id", township="township_id")
    if township:
        qs = qs.filter(township_id=township)
    return qs.select_related("township", "filed_by").order_by("-filed_at", "-id")
