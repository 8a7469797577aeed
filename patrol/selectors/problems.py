"""Reads of problem reports (第七条(二)), always through the caller's scope, loaded so that no list does N+1."""

from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Role
from accounts.scope import scope_filter
from config.api import updated_after
from patrol.models import Photo, ProblemEvent, ProblemReport, ResolutionPhoto
from patrol.rules.problems import DONE


def overdue_q(today: date) -> Q:
    """The rule of `patrol.rules.problems.is_overdue`, for querysets."""
    return Q(deadline__lt=today) & ~Q(status__in=DONE)


def problem_reports_visible_to(user) -> QuerySet[ProblemReport]:
    """Offices by the report's township; the patroller who reported sees their own; nobody else any."""
    own = None
    if getattr(user, "is_authenticated", False) and user.role == Role.PATROLLER:
        own = Q(log__patroller__user_id=user.pk)
    return scope_filter(
        ProblemReport.objects.all(), user, county="township__county_id", township="township_id", own=own
    )


def _loaded(queryset: QuerySet[ProblemReport]) -> QuerySet[ProblemReport]:
    """Everything the API and the page show, whatever the number of rows: one query for the reports with their
    log, patroller and places, one for the log photos, two for the photos of the fix (chosen among log photos,
    uploaded), one for the events with who made them."""
    return queryset.select_related(
        "log__patroller", "segment__water_body", "township__county", "local_check"
    ).prefetch_related(
        Prefetch("log__photos", queryset=Photo.objects.order_by("created_at", "id")),
        Prefetch("resolution_photos", queryset=Photo.objects.order_by("created_at", "id")),
        Prefetch("uploaded_photos", queryset=ResolutionPhoto.objects.order_by("created_at", "id")),
        Prefetch("events", queryset=ProblemEvent.objects.select_related("by").order_by("at", "id")),
    )


def problem_report_list(*, user, filters: dict | None = None, today: date | None = None) -> QuerySet[ProblemReport]:
    """Reports in scope. Filters: `status` (a status or a list of them), `overdue` (bool), `township`,
    `county`, `segment` (ids), `date_from`/`date_to` (the day of the log that found the problem),
    `updated_since` with the optional `after_id` (the sync cursor of `config.api.updated_after`; then ordered by
    updated_at, id). Otherwise newest first."""
    filters = filters or {}
    today = today or timezone.localdate()
    qs = problem_reports_visible_to(user)
    status = filters.get("status")
    if status:
        qs = qs.filter(status__in=[status] if isinstance(status, str) else list(status))
    if filters.get("overdue") is True:
        qs = qs.filter(overdue_q(today))
    elif filters.get("overdue") is False:
        qs = qs.exclude(overdue_q(today))
    if filters.get("township"):
        qs = qs.filter(township_id=filters["township"])
    if filters.get("county"):
        qs = qs.filter(township__county_id=filters["county"])
    if filters.get("segment"):
        qs = qs.filter(segment_id=filters["segment"])
    if filters.get("date_from"):
        qs = qs.filter(log__date__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(log__date__lte=filters["date_to"])
    if filters.get("updated_since"):
        return _loaded(qs.filter(updated_after(filters))).order_by("updated_at", "id")
    return _loaded(qs).order_by("-log__date", "-created_at", "-id")


def problem_report_get(*, user, pk: int) -> ProblemReport:
    try:
        return _loaded(problem_reports_visible_to(user)).get(pk=pk)
    except ProblemReport.DoesNotExist:
        raise Http404 from None


def report_photos(report: ProblemReport) -> list[Photo]:
    """The evidence of the problem: the log's photos tagged with its check, and the untagged ones."""
    return [photo for photo in report.log.photos.all() if photo.check_code in ("", report.category)]
