"""Recruitment (第五条–第六条): vacancies in scope, their ranked applicants, and what was done with them."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.scope import scope_filter
from config.env import applicant_weights_problem
from rivers.models import Segment
from staffing import rules
from staffing.models import Applicant, AuditEntry, Patroller, Vacancy
from staffing.selectors.hiring import eligibility, recent_dismissals
from staffing.selectors.roster import audit_entries


def recruitment_weights() -> tuple[int, int]:
    """(exam, interview) weights of an applicant's total, in percent, from RIVER["APPLICANT_WEIGHTS"] (50/50)."""
    weights = settings.RIVER.get("APPLICANT_WEIGHTS", {})
    exam = weights.get("exam", rules.DEFAULT_APPLICANT_WEIGHTS[0])
    interview = weights.get("interview", rules.DEFAULT_APPLICANT_WEIGHTS[1])
    problem = applicant_weights_problem(exam, interview)
    if problem:
        raise ImproperlyConfigured(f'RIVER["APPLICANT_WEIGHTS"]: {problem}')
    return exam, interview


def why_not_hireable(applicant: Applicant, *, segment: Segment, start: date) -> str:
    """Why an applicant cannot be hired onto `segment` from `start` (already on duty, or not eligible under 第四条
    that day), or "" when they can. Passing over such an applicant needs no reason from the office."""
    if applicant.patroller.status == Patroller.Status.ACTIVE:
        return str(_("已在岗，不能聘用。"))
    failures = eligibility(patroller=applicant.patroller, segment=segment, start=start)
    if failures:
        joined = str(_("；")).join(message for _code, message in failures)
        return str(_("不符合聘用条件：%(failures)s")) % {"failures": joined}
    return ""


def applicants_ranked_above(applicant: Applicant) -> list[Applicant]:
    """The vacancy's applicants ranked before `applicant` (ties stand together), best first."""
    others = applicant.vacancy.applicants.select_related("patroller__residence_village").exclude(pk=applicant.pk)
    above = [other for other in others if rules.ranks_above(other.rank, applicant.rank)]
    return sorted(above, key=lambda other: (other.rank, other.pk))


def vacancies_visible_to(user) -> QuerySet[Vacancy]:
    return scope_filter(
        Vacancy.objects.all(), user, county="segment__township__county_id", township="segment__township_id"
    )


def vacancy_list(*, user, filters: dict | None = None) -> QuerySet[Vacancy]:
    filters = filters or {}
    qs = vacancies_visible_to(user)
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("township"):
        qs = qs.filter(segment__township_id=filters["township"])
    if filters.get("segment"):
        qs = qs.filter(segment_id=filters["segment"])
    return (
        qs.select_related("segment__water_body", "segment__township", "filled_by", "vacated_by")
        .annotate(applicant_count=Count("applicants"))
        .order_by("-opened_on", "-id")
    )


def vacancy_get(*, user, pk: int) -> Vacancy:
    try:
        return vacancy_list(user=user).get(pk=pk)
    except Vacancy.DoesNotExist:
        raise Http404 from None


def vacancy_ranking(*, vacancy: Vacancy, on: date | None = None) -> list[Applicant]:
    """Ranked applicants first (1, 2, 2, 4 …), then those still waiting for a score. Each carries `dismissed_on`:
    the day of a dismissal within the 12 months up to `on` (default today), else None. Two queries."""
    applicants = list(vacancy.applicants.select_related("patroller__residence_village"))
    dismissed = recent_dismissals(patroller_ids=[a.patroller_id for a in applicants], on=on or timezone.localdate())
    for applicant in applicants:
        applicant.dismissed_on = dismissed.get(applicant.patroller_id)
    return sorted(applicants, key=lambda a: (a.rank is None, a.rank or 0, a.pk))


def vacancy_history(*, vacancy: Vacancy) -> QuerySet[AuditEntry]:
    """What was done with a vacancy (the hire, with every better-ranked applicant passed over and why)."""
    return audit_entries(entity="vacancy", entity_id=vacancy.pk)
