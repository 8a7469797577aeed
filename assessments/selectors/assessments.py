"""Monthly assessments through the caller's scope, their history, and which office scores one."""

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import Role
from accounts.scope import scope_filter
from assessments.models import Assessment, AssessmentChange
from staffing.models import Patroller


def assessments_visible_to(user) -> QuerySet[Assessment]:
    """Offices by place; a patroller their own FINAL assessments (drafts are the office's work in progress)."""
    own = None
    if user.is_authenticated and user.role == Role.PATROLLER:
        own = Q(patroller__user_id=user.pk, status=Assessment.Status.FINAL)
    return scope_filter(Assessment.objects.all(), user, county="county_id", township="township_id", own=own)


def _with_details(queryset: QuerySet[Assessment]) -> QuerySet[Assessment]:
    return queryset.select_related("patroller", "township", "county", "finalized_by")


def assessment_list(*, user, filters: dict | None = None) -> QuerySet[Assessment]:
    """Filters: `month` (date, the 1st), `township`, `county`, `patroller` (ids), `level`, `status`.
    Ordered by month, township code, patroller name, level (township first). One query."""
    filters = filters or {}
    qs = assessments_visible_to(user)
    for key, lookup in (
        ("month", "month"),
        ("township", "township_id"),
        ("county", "county_id"),
        ("patroller", "patroller_id"),
        ("level", "level"),
        ("status", "status"),
    ):
        if filters.get(key) is not None:
            qs = qs.filter(**{lookup: filters[key]})
    return _with_details(qs).order_by("month", "township__code", "patroller__name", "patroller_id", "-level")


def assessment_get(*, user, pk: int) -> Assessment:
    try:
        return _with_details(assessments_visible_to(user)).get(pk=pk)
    except (Assessment.DoesNotExist, ValueError, OverflowError):
        raise Http404 from None


def assessment_changes(*, assessment: Assessment) -> QuerySet[AssessmentChange]:
    """Every change of one assessment, oldest first (who, when, old, new, why)."""
    return assessment.changes.select_related("user").order_by("at", "id")


def patroller_assessment_history(*, patroller: Patroller) -> QuerySet[AssessmentChange]:
    """Every change of every assessment of a patroller, oldest first (the patroller's page)."""
    return (
        AssessmentChange.objects.filter(assessment__patroller=patroller)
        .select_related("user", "assessment")
        .order_by("at", "id")
    )


def owns(user, assessment: Assessment) -> bool:
    """The office that scores this assessment: the township office for township level, the county office for
    the county spot check."""
    if not getattr(user, "is_authenticated", False):
        return False
    if assessment.level == Assessment.Level.TOWNSHIP:
        return user.role == Role.TOWNSHIP_OFFICE and user.township_id == assessment.township_id
    return user.role == Role.COUNTY_OFFICE and user.county_id == assessment.county_id
