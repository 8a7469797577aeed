"""Recruitment: vacancies on a segment (opened by hand or for every segment below standard, cancelled) and their
applicants (scores, ranking with poverty-relief applicants first among equal totals, hiring one)."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rivers.models import Segment, Township
from staffing import rules, selectors
from staffing.models import Applicant, Contract, Patroller, Vacancy
from staffing.services.common import NON_FIELD, lock, require_township_office, save, vacancy_create
from staffing.services.contracts import contract_create


@transaction.atomic
def vacancy_open(
    *, segment: Segment, reason: str, by, opened_on: date | None = None, vacated_by: Patroller | None = None
) -> Vacancy:
    """Open a post on a segment for recruitment (township office of the segment or its county office)."""
    require_township_office(by, segment.township)
    return vacancy_create(
        segment=segment, reason=reason, opened_on=opened_on or timezone.localdate(), by=by, vacated_by=vacated_by
    )


@transaction.atomic
def vacancies_open_below_standard(*, township: Township, by, on: date | None = None) -> list[Vacancy]:
    """One `below_standard` vacancy for each segment of the township under its standard that has none open."""
    require_township_office(by, township)
    on = on or timezone.localdate()
    report = selectors.city_staffing_report(on=on, township=township)
    short_of_staff = (rules.Status.BELOW_FLOOR, rules.Status.BELOW_STANDARD)
    short = [line.segment for line in report.lines if line.status in short_of_staff]
    already = set(
        Vacancy.objects.filter(segment__in=short, status=Vacancy.Status.OPEN).values_list("segment_id", flat=True)
    )
    return [
        vacancy_create(segment=segment, reason=Vacancy.Reason.BELOW_STANDARD, opened_on=on, by=by)
        for segment in short
        if segment.pk not in already
    ]


def _lock_open_vacancy(vacancy: Vacancy) -> Vacancy:
    vacancy = Vacancy.objects.select_for_update().select_related("segment__township").get(pk=vacancy.pk)
    if vacancy.status != Vacancy.Status.OPEN:
        raise ValidationError({NON_FIELD: [_("该岗位已不在招聘中。")]})
    return vacancy


@transaction.atomic
def vacancy_cancel(*, vacancy: Vacancy, by) -> Vacancy:
    require_township_office(by, vacancy.segment.township)
    vacancy = _lock_open_vacancy(vacancy)
    vacancy.status = Vacancy.Status.CANCELLED
    save(vacancy)
    return vacancy


def _rerank(vacancy: Vacancy) -> list[Applicant]:
    applicants = list(vacancy.applicants.select_related("patroller"))
    for applicant in applicants:
        applicant.total = rules.applicant_total(applicant.exam_score, applicant.interview_score)
    ranks = rules.rank_applicants((a.pk, a.total, a.patroller.poverty_relief) for a in applicants)
    for applicant in applicants:
        applicant.rank = ranks[applicant.pk]
    Applicant.objects.bulk_update(applicants, ["total", "rank"])
    return selectors.vacancy_ranking(vacancy=vacancy)


def _score(value) -> Decimal | None:
    return None if value is None else Decimal(value)


@transaction.atomic
def applicant_add(
    *,
    vacancy: Vacancy,
    patroller: Patroller,
    by,
    exam_score: Decimal | None = None,
    interview_score: Decimal | None = None,
) -> Applicant:
    """Record a candidate's application with their scores; the vacancy's ranking is recomputed."""
    require_township_office(by, vacancy.segment.township)
    vacancy = _lock_open_vacancy(vacancy)
    patroller = lock(patroller)
    if patroller.township_id != vacancy.segment.township_id:
        raise ValidationError({"patroller": [_("应聘人员须登记在该岗位所在乡镇(街道)的花名册上。")]})
    if patroller.status == Patroller.Status.ACTIVE:
        raise ValidationError({"patroller": [_("在岗巡察员不能应聘空缺岗位。")]})
    applicant = Applicant(
        vacancy=vacancy,
        patroller=patroller,
        exam_score=_score(exam_score),
        interview_score=_score(interview_score),
    )
    applicant.total = rules.applicant_total(applicant.exam_score, applicant.interview_score)
    save(applicant)
    _rerank(vacancy)
    applicant.refresh_from_db()
    return applicant


@transaction.atomic
def applicant_score(
    *, applicant: Applicant, by, exam_score: Decimal | None, interview_score: Decimal | None
) -> Applicant:
    vacancy = applicant.vacancy
    require_township_office(by, vacancy.segment.township)
    vacancy = _lock_open_vacancy(vacancy)
    applicant.exam_score = _score(exam_score)
    applicant.interview_score = _score(interview_score)
    applicant.total = rules.applicant_total(applicant.exam_score, applicant.interview_score)
    save(applicant)
    _rerank(vacancy)
    applicant.refresh_from_db()
    return applicant


@transaction.atomic
def applicant_rank(*, vacancy: Vacancy) -> list[Applicant]:
    """Recompute totals and the ranking (poverty-relief applicants first among equal totals)."""
    vacancy = Vacancy.objects.select_for_update().get(pk=vacancy.pk)
    return _rerank(vacancy)


@transaction.atomic
def applicant_hire(*, applicant: Applicant, start: date, end: date, by) -> Contract:
    """Hire an applicant: eligibility and contract rules as for any contract, then the vacancy is filled."""
    vacancy = _lock_open_vacancy(applicant.vacancy)
    contract = contract_create(patroller=applicant.patroller, segment=vacancy.segment, start=start, end=end, by=by)
    vacancy.status = Vacancy.Status.FILLED
    vacancy.filled_by = applicant.patroller
    vacancy.filled_on = start
    save(vacancy)
    return contract
