"""Contracts and assignments in force (SPEC §4): the one "in force" rule of the roster in its database form,
who holds which segment on a day, and a patroller's contract history."""

from datetime import date

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from accounts.models import Role
from staffing.models import Assignment, Contract, Patroller


def contract_in_force_q(on: date, *, prefix: str = "") -> Q:
    """Contracts in force on `on`: started, not past their end, and not ended early on or before that day.

    The one "in force" rule of the roster, in its database form (`rules.last_day_in_force` is the same rule for a
    contract in hand): a person dismissed or resigning on day D (`terminated_on` = D) is in force up to D − 1 and
    not on D — not counted as staff, no log accepted for D. `prefix` reaches the contract through a relation
    ("contract__" from an assignment).
    """
    return Q(**{f"{prefix}start__lte": on, f"{prefix}end__gte": on}) & (
        Q(**{f"{prefix}terminated_on__isnull": True}) | Q(**{f"{prefix}terminated_on__gt": on})
    )


def contract_covers_q(first: date, last: date, *, prefix: str = "") -> Q:
    """Contracts in force on at least one day from `first` to `last` (the same rule as `contract_in_force_q`).

    A contract ended on or before its start (a renewal cancelled by a dismissal) covers no day and is left out.
    """
    return Q(**{f"{prefix}start__lte": last, f"{prefix}end__gte": first}) & (
        Q(**{f"{prefix}terminated_on__isnull": True})
        | (Q(**{f"{prefix}terminated_on__gt": first}) & Q(**{f"{prefix}terminated_on__gt": F(f"{prefix}start")}))
    )


def contracts_in_force_between(first: date, last: date) -> QuerySet[Contract]:
    """Contracts in force on at least one day from `first` to `last` (`contract_covers_q`): one ended early on day
    D counts up to D − 1; one cancelled before it began (ended on or before its start) covers no day at all. Every
    period read (the month's population, the phone's month, renewals) starts here."""
    return Contract.objects.filter(contract_covers_q(first, last))


def assignment_in_force_q(on: date) -> Q:
    """Assignments covering `on` under a contract in force that day (started, not past its end, not ended early)."""
    return Q(start__lte=on) & (Q(end__isnull=True) | Q(end__gte=on)) & contract_in_force_q(on, prefix="contract__")


def segment_ids_assigned_to(*, user) -> list[int]:
    """Segments a patroller user holds now or from a signed renewal on: assignments not ended before today."""
    if not getattr(user, "is_authenticated", False) or user.role != Role.PATROLLER:
        return []
    today = timezone.localdate()
    return list(
        Assignment.objects.filter(patroller__user=user)
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .values_list("segment_id", flat=True)
        .distinct()
    )


def actual_patrollers(*, segment_ids: list[int], on: date) -> dict[int, int]:
    """Active patrollers per segment on a date: an assignment covering the date under a contract in force.

    One query. A long list of segments (a city report) is counted over all segments and picked here, so that
    the query never runs into the database's limit on parameters.
    """
    if not segment_ids:
        return {}
    rows = Assignment.objects.filter(assignment_in_force_q(on))
    wanted = set(segment_ids)
    if len(wanted) <= 500:
        rows = rows.filter(segment_id__in=wanted)
    counts = rows.values("segment_id").annotate(n=Count("patroller_id", distinct=True)).order_by()
    return {row["segment_id"]: row["n"] for row in counts if row["segment_id"] in wanted}


def contracts_of(*, patroller: Patroller) -> QuerySet[Contract]:
    return patroller.contracts.select_related("segment__water_body", "segment__township").order_by("start", "id")


def assignment_on(*, patroller: Patroller, on: date) -> Assignment | None:
    """The assignment covering `on` under a contract in force that day (a patrol log's date must have one)."""
    return (
        Assignment.objects.filter(assignment_in_force_q(on), patroller=patroller)
        .select_related("segment__water_body", "contract")
        .order_by("-start")
        .first()
    )


def contract_in_force(*, patroller: Patroller, on: date) -> Contract | None:
    """The contract of `patroller` in force on `on` (`contract_in_force_q`), or None."""
    return patroller.contracts.filter(contract_in_force_q(on)).select_related("segment__township").first()
