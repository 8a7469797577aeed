"""Corrections of final assessments through the caller's scope, who decides them, and what each replaced."""

from collections import defaultdict

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import Role
from accounts.scope import scope_filter
from assessments.models import AssessmentChange, Correction
from assessments.selectors.common import filtered


def corrections_visible_to(user) -> QuerySet[Correction]:
    return scope_filter(
        Correction.objects.all(), user, county="assessment__county_id", township="assessment__township_id"
    )


def correction_list(*, user, filters: dict | None = None) -> QuerySet[Correction]:
    """Filters `status`, `assessment`, `township`, `month` (the assessment's month, the 1st). Newest first. One
    query, with the assessment, its patroller and township, who asked and who decided."""
    lookups = {
        "status": "status",
        "assessment": "assessment_id",
        "township": "assessment__township_id",
        "month": "assessment__month",
    }
    qs = filtered(corrections_visible_to(user), filters or {}, lookups)
    return qs.select_related("assessment__patroller", "assessment__township", "requested_by", "decided_by").order_by(
        "-requested_at", "-id"
    )


def correction_get(*, user, pk: int) -> Correction:
    try:
        return correction_list(user=user).get(pk=pk)
    except (Correction.DoesNotExist, ValueError, OverflowError):
        raise Http404 from None


def may_decide_correction(user, correction: Correction) -> bool:
    """Who approves or rejects (the services refuse anyone else): the county office of the assessment's county,
    or the city office for a correction the county office asked for; never the person who asked."""
    if not getattr(user, "is_authenticated", False) or user.pk == correction.requested_by_id:
        return False
    if correction.approver == Correction.Approver.CITY:
        return user.role == Role.CITY_OFFICE
    return user.role == Role.COUNTY_OFFICE and user.county_id == correction.assessment.county_id


def scores_when_requested(corrections: list[Correction]) -> dict[int, dict]:
    """{correction id: the assessment as it stood when the correction was asked for} (a change snapshot: parts,
    total, grade), one query. A final assessment changes only through an approved correction, one pending at a
    time, so the last finalization or correction at or before the request is also what an approval replaced.
    A correction whose assessment has no such change (rows written outside the services) is left out."""
    if not corrections:
        return {}
    history: dict[int, list[tuple]] = defaultdict(list)
    changes = AssessmentChange.objects.filter(
        assessment_id__in={c.assessment_id for c in corrections},
        action__in=[AssessmentChange.Action.FINALIZE, AssessmentChange.Action.CORRECTION],
    ).order_by("assessment_id", "at", "id")
    for assessment_id, at, new in changes.values_list("assessment_id", "at", "new"):
        history[assessment_id].append((at, new))
    found = {}
    for correction in corrections:
        before = [new for at, new in history[correction.assessment_id] if at <= correction.requested_at and new]
        if before:
            found[correction.pk] = before[-1]
    return found
