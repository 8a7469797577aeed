"""Reads of patrol logs, always through the caller's scope, loaded so that no list does N+1."""

from collections import Counter
from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from accounts.models import Role
from accounts.scope import scope_filter
from config.api import updated_after
from config.web import id_or_404
from patrol.models import PatrolLog, Photo
from rivers.models import Township
from staffing import selectors as staffing_selectors
from staffing.models import Assignment, Patroller


def patrol_logs_visible_to(user) -> QuerySet[PatrolLog]:
    """A patroller their own logs; a village chief the logs on segments through their village; offices by the
    segment's place; a supervisor none (SPEC §1: a patroller never sees another patroller's logs)."""
    own = None
    if getattr(user, "is_authenticated", False) and user.role == Role.PATROLLER:
        own = Q(patroller__user_id=user.pk)
    return scope_filter(
        PatrolLog.objects.all(),
        user,
        county="segment__township__county_id",
        township="segment__township_id",
        village="segment__villages",
        own=own,
    )


def _loaded(queryset: QuerySet[PatrolLog]) -> QuerySet[PatrolLog]:
    """Everything the API and the pages show: one query for the logs with patroller and segment, one for the
    photos of all of them."""
    return queryset.select_related("patroller", "segment__water_body", "segment__township").prefetch_related(
        Prefetch("photos", queryset=Photo.objects.order_by("created_at", "id"))
    )


def patrol_log_list(*, user, filters: dict | None = None) -> QuerySet[PatrolLog]:
    """Logs in scope ordered by (updated_at, id) for sync; `filters`: patroller, segment, township, county (ids),
    date_from, date_to (dates), updated_since (datetime, strictly after) with the optional after_id (the sync
    cursor of `config.api.updated_after`), flag (a log flag code)."""
    filters = filters or {}
    qs = patrol_logs_visible_to(user)
    for key, lookup in (
        ("patroller", "patroller_id"),
        ("segment", "segment_id"),
        ("township", "segment__township_id"),
        ("county", "segment__township__county_id"),
        ("date_from", "date__gte"),
        ("date_to", "date__lte"),
    ):
        if filters.get(key) is not None:
            qs = qs.filter(**{lookup: filters[key]})
    if filters.get("updated_since") is not None:
        qs = qs.filter(updated_after(filters))
    if filters.get("flag"):
        # The flags are a JSON list of plain codes; the quoted code matches one element exactly, on both
        # SQLite and PostgreSQL (JSON containment is PostgreSQL only).
        qs = qs.filter(flags__icontains=f'"{filters["flag"]}"')
    return _loaded(qs).order_by("updated_at", "id")


def patrol_log_get(*, user, pk: int) -> PatrolLog:
    """One log in scope; Http404 otherwise (also for another patroller's log)."""
    try:
        return _loaded(patrol_logs_visible_to(user)).get(pk=id_or_404(pk))
    except PatrolLog.DoesNotExist:
        raise Http404 from None


def duty_on(*, user, on: date) -> Assignment | None:
    """The patroller user's assignment covering `on` under a contract in force that day, with its patroller and
    segment: who is submitting and where they may patrol, in the one query the submission endpoint needs when
    the log is fine. The same rule as `staffing.selectors.assignment_on` (which it reuses); None when there is
    no such assignment (the caller then reads the patroller alone)."""
    return (
        Assignment.objects.filter(staffing_selectors.assignment_in_force_q(on), patroller__user=user)
        .select_related("patroller", "segment")
        .order_by("-start")
        .first()
    )


def flag_counts(*, patroller_ids: list[int], date_from: date, date_to: date) -> dict[int, Counter]:
    """Flag codes per patroller over the logs dated in [date_from, date_to], log and photo flags together.

    Two queries (the logs' flags, the photos' flags), whatever the number of patrollers.
    """
    counts: dict[int, Counter] = {pk: Counter() for pk in patroller_ids}
    logs = PatrolLog.objects.filter(patroller_id__in=patroller_ids, date__gte=date_from, date__lte=date_to)
    for patroller_id, flags in logs.values_list("patroller_id", "flags"):
        counts[patroller_id].update(flags or [])
    photos = Photo.objects.filter(log__in=logs).exclude(flags=[])
    for patroller_id, flags in photos.values_list("log__patroller_id", "flags"):
        counts[patroller_id].update(flags or [])
    return counts


def missing_logs(*, township: Township, on: date) -> list[Patroller]:
    """Patrollers on the township's roster that day (assignment under a contract in force) with no log dated
    that day: the office's call list. Three queries."""
    roster = staffing_selectors.township_roster(township=township, on=on)
    logged = set(
        PatrolLog.objects.filter(patroller_id__in=[p.pk for p in roster], date=on).values_list(
            "patroller_id", flat=True
        )
    )
    return [p for p in roster if p.pk not in logged]
