"""Writes to the roster (SPEC §4): patrollers, contracts and assignments, vacancies and applicants, filings.

Every function is atomic, validates with full_clean() before saving and locks the patroller row first, so two
requests about the same person (two offices clicking "hire" at once) run one after the other and the second one
sees what the first did. Authorisation that follows from the roster itself ("whoever hires, manages") is checked
here, once, and raises PermissionDenied; the API and the pages turn it into 403.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from rivers.models import Segment, Township, Village
from staffing import rules, selectors
from staffing.models import (
    Applicant,
    Assignment,
    AuditEntry,
    Contract,
    Patroller,
    RosterChange,
    RosterFiling,
    Vacancy,
)

NON_FIELD = "non_field_errors"


@dataclass
class Termination:
    """What ending a contract early left behind: the contract, the vacancy for backfill and the roster change."""

    contract: Contract
    vacancy: Vacancy
    change: RosterChange


# --- helpers -------------------------------------------------------------------------------------------------


def _lock(patroller: Patroller) -> Patroller:
    """Lock the patroller row for the rest of the transaction (a no-op on SQLite, whose writes are serialised)."""
    return Patroller.objects.select_for_update().select_related("township").get(pk=patroller.pk)


def _actor(user) -> Any:
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _save(obj) -> None:
    obj.full_clean()
    obj.save()


def _contract_snapshot(contract: Contract) -> dict[str, Any]:
    return {
        "patroller": contract.patroller_id,
        "segment": contract.segment_id,
        "start": contract.start.isoformat(),
        "end": contract.end.isoformat(),
        "status": contract.status,
        "terminated_on": contract.terminated_on.isoformat() if contract.terminated_on else None,
        "termination_reason": contract.termination_reason,
    }


def _audit(*, entity: str, entity_id: int, action: str, by, old=None, new=None, reason: str = "") -> None:
    AuditEntry.objects.create(
        entity=entity, entity_id=entity_id, action=action, user=_actor(by), old=old, new=new, reason=reason
    )


def _require_manager(by, patroller: Patroller) -> None:
    if not selectors.manages(by, patroller):
        raise PermissionDenied(_("只有聘用该巡察员的河长办可以执行此操作(谁聘用谁管理)。"))


def _require_township_office(by, township: Township) -> None:
    if not selectors.may_act_in_township(by, township):
        raise PermissionDenied(_("只有该乡镇(街道)或所在县(市、区)的河长办可以执行此操作。"))


def _roster_change(*, kind: str, patroller: Patroller, on: date, by, contract: Contract | None) -> RosterChange:
    change = RosterChange(
        township_id=patroller.township_id,
        kind=kind,
        patroller=patroller,
        contract=contract,
        date=on,
        created_by=_actor(by),
    )
    _save(change)
    return change


# --- patrollers ------------------------------------------------------------------------------------------------


def _hiring_office(by, township: Township | None) -> tuple[str, int, int | None, Township]:
    """(level, hiring county id, hiring township id, roster township) for a hire by `by`'s office."""
    role = getattr(by, "role", None)
    if role == Role.TOWNSHIP_OFFICE:
        if township is not None and township.pk != by.township_id:
            raise ValidationError({"township": [_("乡级河长办只能登记本乡镇(街道)的巡察员。")]})
        own = Township.objects.get(pk=by.township_id)
        return Patroller.HiringLevel.TOWNSHIP, own.county_id, own.pk, own
    if role == Role.COUNTY_OFFICE:
        if township is None:
            raise ValidationError({"township": [_("请选择巡察员所属的乡镇(街道)。")]})
        if township.county_id != by.county_id:
            raise ValidationError({"township": [_("该乡镇(街道)不在本县(市、区)。")]})
        return Patroller.HiringLevel.COUNTY, by.county_id, None, township
    raise PermissionDenied(_("巡察员由县、乡两级河长办聘用(第五条)。"))


@transaction.atomic
def patroller_create(
    *,
    by,
    name: str,
    id_number: str,
    phone: str,
    residence_village: Village,
    township: Township | None = None,
    criminal_record: bool = False,
    healthy: bool = True,
    poverty_relief: bool = False,
    user=None,
) -> Patroller:
    """Register a person (status candidate) on a township roster, hired and managed by `by`'s office."""
    level, county_id, township_id, roster = _hiring_office(by, township)
    patroller = Patroller(
        name=name.strip(),
        id_number=rules.normalize_id_number(id_number),
        phone=phone.strip(),
        residence_village=residence_village,
        criminal_record=criminal_record,
        healthy=healthy,
        poverty_relief=poverty_relief,
        hiring_level=level,
        hiring_county_id=county_id,
        hiring_township_id=township_id,
        township=roster,
        user=user,
    )
    _save(patroller)
    _audit(entity="patroller", entity_id=patroller.pk, action="create", by=by, new=_patroller_snapshot(patroller))
    return patroller


PATROLLER_EDITABLE = frozenset(
    {"name", "id_number", "phone", "residence_village", "criminal_record", "healthy", "poverty_relief", "user"}
)
_PERSONAL = frozenset({"id_number", "phone"})


def _patroller_snapshot(patroller: Patroller) -> dict[str, Any]:
    """Audit values without personal data: ID number and phone are recorded as changed, never as values."""
    return {
        "name": patroller.name,
        "residence_village": patroller.residence_village_id,
        "criminal_record": patroller.criminal_record,
        "healthy": patroller.healthy,
        "poverty_relief": patroller.poverty_relief,
        "township": patroller.township_id,
        "status": patroller.status,
        "user": patroller.user_id,
    }


@transaction.atomic
def patroller_update(*, patroller: Patroller, by, data: dict[str, Any]) -> Patroller:
    """Change a patroller's record (managing office only); `township` only for county hires not on duty."""
    patroller = _lock(patroller)
    _require_manager(by, patroller)
    unknown = set(data) - PATROLLER_EDITABLE - {"township"}
    if unknown:
        raise ValidationError({key: [_("该项不能修改。")] for key in sorted(unknown)})
    old = _patroller_snapshot(patroller)
    if "township" in data and data["township"].pk != patroller.township_id:
        if patroller.hiring_level == Patroller.HiringLevel.TOWNSHIP:
            raise ValidationError({"township": [_("乡级聘用的巡察员不能调往其他乡镇(街道)。")]})
        if patroller.assignments.filter(end__isnull=True).exists():
            raise ValidationError({"township": [_("在岗巡察员不能调整所属乡镇(街道)，请先结束当前合同。")]})
        patroller.township = data["township"]
    for key in PATROLLER_EDITABLE & set(data):
        value = data[key]
        if key == "id_number":
            value = rules.normalize_id_number(value)
        elif isinstance(value, str):
            value = value.strip()
        setattr(patroller, key, value)
    _save(patroller)
    changed_personal = sorted(key for key in _PERSONAL & set(data))
    new = _patroller_snapshot(patroller)
    if new != old or changed_personal:
        _audit(
            entity="patroller",
            entity_id=patroller.pk,
            action="update",
            by=by,
            old=old,
            new={**new, "personal_data_changed": changed_personal},
        )
    return patroller


# --- contracts and assignments ---------------------------------------------------------------------------------


@transaction.atomic
def contract_create(
    *, patroller: Patroller, segment: Segment, start: date, end: date, by, today: date | None = None
) -> Contract:
    """A yearly contract on `segment` (第九条) after the eligibility checks of 第四条; creates the assignment.

    Errors (ValidationError): eligibility codes `age`, `residence`, `criminal_record`, `health`; `end` for the
    term (end before start, longer than one year); `non_field_errors` for an overlap; `segment` when the segment
    is not on the patroller's township roster. Contracts wholly in the past are accepted (existing records).
    """
    today = today or timezone.localdate()
    patroller = _lock(patroller)
    _require_manager(by, patroller)

    errors: dict[str, list[str]] = {}
    for key, messages in rules.contract_term_problems(start=start, end=end).items():
        errors.setdefault(key, []).extend(messages)
    if segment.township_id != patroller.township_id:
        errors.setdefault("segment", []).append(_("该河段不在巡察员所属乡镇(街道)。"))
    others = list(patroller.contracts.select_for_update().order_by("start"))
    if end >= start:
        overlap = rules.contract_overlap_problem(
            start=start, end=end, others=[(c.start, c.last_day) for c in others if c.last_day >= c.start]
        )
        if overlap:
            errors.setdefault(NON_FIELD, []).append(overlap)
    if segment.township_id == patroller.township_id:
        for code, message in selectors.eligibility(patroller=patroller, segment=segment, start=start):
            errors.setdefault(code, []).append(message)
    if errors:
        raise ValidationError(errors)

    previous = next(
        (
            c
            for c in others
            if c.status != Contract.Status.TERMINATED and rules.is_renewal(previous_end=c.end, start=start)
        ),
        None,
    )
    contract = Contract(
        patroller=patroller,
        segment=segment,
        start=start,
        end=end,
        previous=previous,
        status=Contract.Status.ENDED if end < today else Contract.Status.ACTIVE,
        created_by=_actor(by),
    )
    _save(contract)

    # Contracts never overlap, so the new one is either after every other one (it becomes the current
    # assignment) or an older record entered late (a closed assignment in the history).
    latest = all(c.start < start for c in others)
    if latest:
        for active in patroller.assignments.filter(end__isnull=True).select_related("contract"):
            active.end = max(active.start, min(active.contract.last_day, start - timedelta(days=1)))
            _save(active)
        _save(
            Assignment(
                patroller=patroller,
                segment=segment,
                contract=contract,
                start=start,
                end=None if end >= today else end,
            )
        )
        patroller.status = Patroller.Status.ACTIVE if end >= today else Patroller.Status.EXPIRED
        _save(patroller)
    else:
        _save(Assignment(patroller=patroller, segment=segment, contract=contract, start=start, end=end))

    kind = RosterChange.Kind.RENEWAL if previous else RosterChange.Kind.HIRE
    _roster_change(kind=kind, patroller=patroller, on=start, by=by, contract=contract)
    _audit(entity="contract", entity_id=contract.pk, action=kind, by=by, new=_contract_snapshot(contract))
    return contract


def _end_service(*, contract: Contract, on: date, reason: str, by, kind: str) -> Termination:
    """End the contract in force early on `on` (its last day), cancel later ones, open a vacancy."""
    patroller = _lock(contract.patroller)
    contract = Contract.objects.select_for_update().select_related("segment__township").get(pk=contract.pk)
    if contract.status == Contract.Status.TERMINATED:
        raise ValidationError({NON_FIELD: [_("该合同已经终止。")]})
    if not contract.start <= on <= contract.end:
        raise ValidationError(
            {
                "date": [
                    _("终止日期应在合同期内(%(start)s至%(end)s)。")
                    % {"start": contract.start.isoformat(), "end": contract.end.isoformat()}
                ]
            }
        )
    old = _contract_snapshot(contract)
    contract.status = Contract.Status.TERMINATED
    contract.terminated_on = on
    contract.termination_reason = reason
    _save(contract)
    _audit(entity="contract", entity_id=contract.pk, action=kind, by=by, old=old, new=_contract_snapshot(contract))

    # A renewal signed in advance is cancelled: terminated before its start, it covers no day.
    for later in patroller.contracts.select_for_update().filter(start__gt=on).exclude(status="terminated"):
        old_later = _contract_snapshot(later)
        later.status = Contract.Status.TERMINATED
        later.terminated_on = on
        later.termination_reason = reason
        _save(later)
        _audit(
            entity="contract",
            entity_id=later.pk,
            action="cancel",
            by=by,
            old=old_later,
            new=_contract_snapshot(later),
            reason=reason,
        )
    patroller.assignments.filter(start__gt=on).delete()
    for assignment in patroller.assignments.filter(start__lte=on).exclude(end__lt=on):
        assignment.end = on
        _save(assignment)

    patroller.status = Patroller.Status.DISMISSED if kind == RosterChange.Kind.DISMISSAL else Patroller.Status.RESIGNED
    _save(patroller)
    vacancy = _vacancy_create(
        segment=contract.segment,
        reason=Vacancy.Reason.DISMISSAL if kind == RosterChange.Kind.DISMISSAL else Vacancy.Reason.RESIGNATION,
        opened_on=on,
        by=by,
        vacated_by=patroller,
    )
    change = _roster_change(kind=kind, patroller=patroller, on=on, by=by, contract=contract)
    return Termination(contract=contract, vacancy=vacancy, change=change)


@transaction.atomic
def contract_terminate(*, contract: Contract, on: date, reason: str, by) -> Termination:
    """Dismissal (辞退, 第九条): end the contract on `on`, end the assignment, open a vacancy for backfill.

    No role check here: the dismissal service decides who may confirm a dismissal; `by` is recorded.
    """
    return _end_service(contract=contract, on=on, reason=reason, by=by, kind=RosterChange.Kind.DISMISSAL)


@transaction.atomic
def patroller_resign(*, patroller: Patroller, on: date, by, reason: str = "") -> Termination:
    """The patroller leaves on `on` (their last day): managing office only."""
    patroller = _lock(patroller)
    _require_manager(by, patroller)
    contract = selectors.contract_in_force(patroller=patroller, on=on)
    if contract is None:
        raise ValidationError({"date": [_("该日期不在巡察员的任何有效合同期内。")]})
    return _end_service(contract=contract, on=on, reason=reason, by=by, kind=RosterChange.Kind.RESIGNATION)


def contracts_expire(*, today: date) -> int:
    """Contracts whose end has passed become `ended`; a person not renewed turns `expired` the day after the end.

    Idempotent: a second run on the same day finds nothing left to do. Answers how many contracts it ended.
    """
    ended = 0
    due = Contract.objects.filter(status=Contract.Status.ACTIVE, end__lt=today).order_by("end", "id")
    for pk, patroller_id in due.values_list("pk", "patroller_id"):
        with transaction.atomic():
            patroller = _lock(Patroller(pk=patroller_id))
            contract = Contract.objects.select_for_update().get(pk=pk)
            if contract.status != Contract.Status.ACTIVE:
                continue
            old = _contract_snapshot(contract)
            contract.status = Contract.Status.ENDED
            _save(contract)
            _audit(entity="contract", entity_id=pk, action="expire", old=old, new=_contract_snapshot(contract), by=None)
            ended += 1
            for assignment in contract.assignments.filter(end__isnull=True):
                assignment.end = contract.end
                _save(assignment)
            renewed = Contract.objects.filter(previous=contract).exclude(status=Contract.Status.TERMINATED).exists()
            if renewed:
                continue
            later = patroller.contracts.filter(start__gt=contract.end).exclude(status=Contract.Status.TERMINATED)
            if patroller.status == Patroller.Status.ACTIVE and not later.exists():
                patroller.status = Patroller.Status.EXPIRED
                _save(patroller)
            _roster_change(
                kind=RosterChange.Kind.EXPIRY,
                patroller=patroller,
                on=contract.end + timedelta(days=1),
                by=None,
                contract=contract,
            )
    return ended


# --- vacancies and applicants ----------------------------------------------------------------------------------


def _vacancy_create(*, segment: Segment, reason: str, opened_on: date, by, vacated_by=None) -> Vacancy:
    vacancy = Vacancy(segment=segment, reason=reason, opened_on=opened_on, vacated_by=vacated_by, opened_by=_actor(by))
    _save(vacancy)
    return vacancy


@transaction.atomic
def vacancy_open(
    *, segment: Segment, reason: str, by, opened_on: date | None = None, vacated_by: Patroller | None = None
) -> Vacancy:
    """Open a post on a segment for recruitment (township office of the segment or its county office)."""
    _require_township_office(by, segment.township)
    return _vacancy_create(
        segment=segment, reason=reason, opened_on=opened_on or timezone.localdate(), by=by, vacated_by=vacated_by
    )


@transaction.atomic
def vacancies_open_below_standard(*, township: Township, by, on: date | None = None) -> list[Vacancy]:
    """One `below_standard` vacancy for each segment of the township under its standard that has none open."""
    _require_township_office(by, township)
    on = on or timezone.localdate()
    report = selectors.city_staffing_report(on=on, township=township)
    short_of_staff = (rules.Status.BELOW_FLOOR, rules.Status.BELOW_STANDARD)
    short = [line.segment for line in report.lines if line.status in short_of_staff]
    already = set(
        Vacancy.objects.filter(segment__in=short, status=Vacancy.Status.OPEN).values_list("segment_id", flat=True)
    )
    return [
        _vacancy_create(segment=segment, reason=Vacancy.Reason.BELOW_STANDARD, opened_on=on, by=by)
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
    _require_township_office(by, vacancy.segment.township)
    vacancy = _lock_open_vacancy(vacancy)
    vacancy.status = Vacancy.Status.CANCELLED
    _save(vacancy)
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
    _require_township_office(by, vacancy.segment.township)
    vacancy = _lock_open_vacancy(vacancy)
    patroller = _lock(patroller)
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
    _save(applicant)
    _rerank(vacancy)
    applicant.refresh_from_db()
    return applicant


@transaction.atomic
def applicant_score(
    *, applicant: Applicant, by, exam_score: Decimal | None, interview_score: Decimal | None
) -> Applicant:
    vacancy = applicant.vacancy
    _require_township_office(by, vacancy.segment.township)
    vacancy = _lock_open_vacancy(vacancy)
    applicant.exam_score = _score(exam_score)
    applicant.interview_score = _score(interview_score)
    applicant.total = rules.applicant_total(applicant.exam_score, applicant.interview_score)
    _save(applicant)
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
    _save(vacancy)
    return contract


# --- roster filing ---------------------------------------------------------------------------------------------


@transaction.atomic
def roster_file(*, township: Township, by, now: datetime | None = None) -> RosterFiling:
    """File the township roster upward (备案): every change not yet filed is covered by this filing."""
    _require_township_office(by, township)
    changes = list(
        RosterChange.objects.select_for_update().filter(township=township, filing__isnull=True).order_by("date", "id")
    )
    if not changes:
        raise ValidationError({NON_FIELD: [_("没有待备案的花名册变动。")]})
    filing = RosterFiling(township=township, filed_at=now or timezone.now(), filed_by=by, change_count=len(changes))
    _save(filing)
    RosterChange.objects.filter(pk__in=[change.pk for change in changes]).update(filing=filing)

    from staffing import exports  # the .xlsx layout belongs to the pages; it is optional here

    build = getattr(exports, "roster_filing_xlsx", None)
    if build is not None:
        stamp = timezone.localtime(filing.filed_at).strftime("%Y%m%d-%H%M%S")
        filing.file.save(f"roster-{township.code}-{stamp}.xlsx", ContentFile(build(filing=filing)), save=True)
    return filing
