"""Recruitment: vacancies on a segment (opened by hand or for every segment below standard, cancelled) and their
applicants (scores, ranking with poverty-relief applicants first among equal totals, hiring one)."""

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rivers.models import Segment, Township
from staffing import rules, selectors
from staffing.models import Applicant, Contract, Patroller, Vacancy
from staffing.services.common import NON_FIELD, audit, lock, require_township_office, save, vacancy_create
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
    """One `below_standard` vacancy for each staffing unit of the township under its standard that has none open.

    A unit is a segment, or a small reservoir as a whole (2 in all, SPEC §3): a reservoir short of staff gets one
    vacancy, on its segment in this township with the fewest patrollers, unless one is open on any of its
    segments (in any township)."""
    require_township_office(by, township)
    on = on or timezone.localdate()
    report = selectors.city_staffing_report(on=on, township=township)
    short_of_staff = (rules.Status.BELOW_FLOOR, rules.Status.BELOW_STANDARD)
    candidates: list[tuple[Segment, list[int]]] = []  # (segment to open on, the unit's segments)
    for unit in report.units:
        if unit.status not in short_of_staff:
            continue
        if isinstance(unit, selectors.ReservoirLine):
            here = [part for part in unit.parts if part.segment.township_id == township.pk]
            fewest = min(here, key=lambda part: (part.actual, part.segment.code))
            candidates.append((fewest.segment, [part.segment.pk for part in unit.parts]))
        else:
            candidates.append((unit.segment, [unit.segment.pk]))
    already = set(
        Vacancy.objects.filter(
            segment__in=[pk for _segment, unit_ids in candidates for pk in unit_ids], status=Vacancy.Status.OPEN
        ).values_list("segment_id", flat=True)
    )
    return [
        vacancy_create(segment=segment, reason=Vacancy.Reason.BELOW_STANDARD, opened_on=on, by=by)
        for segment, unit_ids in candidates
        if already.isdisjoint(unit_ids)
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


def _total(exam: Decimal | None, interview: Decimal | None) -> Decimal | None:
    exam_weight, interview_weight = selectors.recruitment_weights()
    return rules.applicant_total(exam, interview, exam_weight=exam_weight, interview_weight=interview_weight)


def _rerank(vacancy: Vacancy) -> list[Applicant]:
    applicants = list(vacancy.applicants.select_related("patroller"))
    for applicant in applicants:
        applicant.total = _total(applicant.exam_score, applicant.interview_score)
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
    if vacancy.reason == Vacancy.Reason.DISMISSAL and vacancy.vacated_by_id == patroller.pk:
        raise ValidationError({"patroller": [_("被辞退的人员不能应聘本人辞退后补聘的岗位。")]})
    applicant = Applicant(
        vacancy=vacancy,
        patroller=patroller,
        exam_score=_score(exam_score),
        interview_score=_score(interview_score),
    )
    applicant.total = _total(applicant.exam_score, applicant.interview_score)
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
    applicant.total = _total(applicant.exam_score, applicant.interview_score)
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
def applicant_hire(
    *, applicant: Applicant, start: date, end: date, by, passed_over: Mapping[int, str] | None = None
) -> Contract:
    """Hire an applicant (第六条 公开、平等、择优、竞争): eligibility and contract rules as for any contract, then the
    vacancy is filled.

    Merit first: every applicant ranked above the one hired who could be hired too needs a written reason for
    passing them over, in `passed_over` ({applicant id: reason}); without one the hire is refused (error key
    `passed_over`, one message per applicant, each with `params["applicant"]`). Those who cannot be hired (on duty
    elsewhere, not eligible on the start day) are passed over with the system's reason. The reasons are kept on
    the applicants and in the vacancy's history, and shown in the vacancy page and the filing workbook.
    """
    vacancy = _lock_open_vacancy(applicant.vacancy)
    applicant = Applicant.objects.select_related("patroller", "vacancy").get(pk=applicant.pk)
    given = {int(pk): (reason or "").strip() for pk, reason in (passed_over or {}).items()}
    passed: list[tuple[Applicant, str, bool]] = []  # (applicant, reason, given by the system)
    missing: list[ValidationError] = []
    for other in selectors.applicants_ranked_above(applicant):
        with translation.override(settings.LANGUAGE_CODE):  # kept as the record, in Chinese
            automatic = selectors.why_not_hireable(other, segment=vacancy.segment, start=start)
        if automatic:
            passed.append((other, automatic, True))
        elif given.get(other.pk):
            passed.append((other, given[other.pk], False))
        else:
            message = _("排名第%(rank)d的%(name)s排名更靠前且可以聘用：不聘用须写明理由(第六条 择优)。") % {
                "rank": other.rank,
                "name": other.patroller.name,
            }
            # params name the applicant for the page's reason field; a "%" typed into a name must stay literal.
            missing.append(
                ValidationError(message.replace("%", "%%"), code="reason_required", params={"applicant": other.pk})
            )
    try:
        contract = contract_create(
            patroller=applicant.patroller, segment=vacancy.segment, start=start, end=end, by=by, vacancy=vacancy
        )
    except ValidationError as error:
        if missing:
            raise ValidationError({**error.error_dict, "passed_over": missing}) from None
        raise
    if missing:
        raise ValidationError({"passed_over": missing})  # the atomic block rolls the contract back
    for other, reason, _automatic in passed:
        other.passed_over_reason = reason
        save(other)
    vacancy.status = Vacancy.Status.FILLED
    vacancy.filled_by = applicant.patroller
    vacancy.filled_on = start
    save(vacancy)
    audit(
        entity="vacancy",
        entity_id=vacancy.pk,
        action="hire",
        by=by,
        new={
            "applicant": applicant.pk,
            "patroller": applicant.patroller_id,
            "name": applicant.patroller.name,
            "rank": applicant.rank,
            "contract": contract.pk,
            "start": start.isoformat(),
            "passed_over": [
                {
                    "applicant": other.pk,
                    "name": other.patroller.name,
                    "rank": other.rank,
                    "reason": reason,
                    "automatic": automatic,
                }
                for other, reason, automatic in passed
            ],
        },
    )
    return contract
