"""Supervision reports through the caller's scope, and whom a village chief or supervisor may report on."""

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from accounts.models import Role
from accounts.scope import scope_filter
from assessments import rules
from assessments.models import SupervisionReport
from assessments.selectors.common import filtered
from staffing import selectors as staffing_selectors
from staffing.models import Assignment, Patroller


def supervision_reports_visible_to(user) -> QuerySet[SupervisionReport]:
    """Offices by place; a village chief or supervisor the reports they filed; nobody else (the patroller does
    not see who reported them)."""
    own = None
    if user.is_authenticated and user.role in (Role.SUPERVISOR, Role.VILLAGE_CHIEF):
        own = Q(reporter_id=user.pk)
    return scope_filter(SupervisionReport.objects.all(), user, county="county_id", township="township_id", own=own)


def supervision_report_list(*, user, filters: dict | None = None) -> QuerySet[SupervisionReport]:
    """Filters `status`, `township`, `patroller`, `month` (the 1st). Newest first. One query."""
    filters = filters or {}
    lookups = {"status": "status", "township": "township_id", "patroller": "patroller_id"}
    qs = filtered(supervision_reports_visible_to(user), filters, lookups)
    if filters.get("month"):
        qs = qs.filter(observed_on__gte=filters["month"], observed_on__lte=rules.month_end(filters["month"]))
    return qs.select_related("patroller", "reporter", "township", "decided_by").order_by("-created_at", "-id")


def supervision_report_get(*, user, pk: int) -> SupervisionReport:
    try:
        return supervision_report_list(user=user).get(pk=pk)
    except (SupervisionReport.DoesNotExist, ValueError, OverflowError):
        raise Http404 from None


def with_segment_name(patrollers: QuerySet[Patroller]) -> QuerySet[Patroller]:
    """`segment_name`: the segment of each patroller's active assignment (None without one), in the same query."""
    active = Assignment.objects.filter(patroller=OuterRef("pk"), end__isnull=True).order_by("-start")
    return patrollers.annotate(segment_name=Subquery(active.values("segment__name")[:1]))


def reportable_patrollers(user) -> QuerySet[Patroller]:
    """Whom a user may file a supervision report about: a supervisor the active patrollers of their township,
    a village chief the patrollers on segments through their village; nobody for anyone else."""
    if not getattr(user, "is_authenticated", False):
        return Patroller.objects.none()
    if user.role == Role.SUPERVISOR:
        return Patroller.objects.filter(township_id=user.township_id, status=Patroller.Status.ACTIVE)
    if user.role == Role.VILLAGE_CHIEF:
        return staffing_selectors.patrollers_visible_to(user).filter(status=Patroller.Status.ACTIVE)
    return Patroller.objects.none()
