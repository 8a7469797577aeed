"""Contracts and assignments (第九条): signing and renewing, ending early (dismissal, resignation) with a vacancy
for backfill, and the daily expiry of contracts whose end has passed. Every one leaves a roster change to file."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from rivers.models import Segment
from staffing import rules, selectors
from staffing.models import Assignment, Contract, Patroller, RosterChange, Vacancy
from staffing.services.common import NON_FIELD, actor, audit, lock, require_manager, save, vacancy_create
from staffing.summaries import roster_months_refresh


@dataclass
class Termination:
    """What ending a contract early left behind: the contract, the vacancy for backfill and the roster change."""

    contract: Contract
    vacancy: Vacancy
    change: RosterChange


def _contract_snapshot(contract: Contract) -> dict[str, Any]:
    return {
        "patroller": contract.patroller_id,
        "segment": contract.segment_id,
        "start": contract.start.isoformat(),
        "end": contract.end.isoformat(),
        "status": contract.status,
        "origin": contract.origin,
        "vacancy": contract.vacancy_id,
        "terminated_on": contract.terminated_on.isoformat() if contract.terminated_on else None,
        "termination_reason": contract.termination_reason,
    }


def _roster_change(*, kind: str, patroller: Patroller, on: date, by, contract: Contract | None) -> RosterChange:
    change = RosterChange(
        township_id=patroller.township_id,
        kind=kind,
        patroller=patroller,
        contract=contract,
        date=on,
        created_by=actor(by),
    )
    save(change)
    return change


def save_with_assignment(contract: Contract, *, others: list[Contract], today: date) -> None:
    """Save a new contract (ended already when its end is past) with its segment assignment, and refresh the
    roster months it covers. `others`: the person's other contracts, locked.

    Contracts never overlap, so the new one is either after every other one (it becomes the current assignment and
    decides the person's status) or an older record entered late (a closed assignment in the history)."""
    patroller, segment, start, end = contract.patroller, contract.segment, contract.start, contract.end
    contract.status = Contract.Status.ENDED if end < today else Contract.Status.ACTIVE
    save(contract)
    if all(c.start < start for c in others):
        for active in patroller.assignments.filter(end__isnull=True).select_related("contract"):
            active.end = max(active.start, min(active.contract.last_day, start - timedelta(days=1)))
            save(active)
        save(
            Assignment(
                patroller=patroller, segment=segment, contract=contract, start=start, end=None if end >= today else end
            )
        )
        patroller.status = Patroller.Status.ACTIVE if end >= today else Patroller.Status.EXPIRED
        save(patroller)
    else:
        save(Assignment(patroller=patroller, segment=segment, contract=contract, start=start, end=end))
    roster_months_refresh(patroller_id=patroller.pk, first=start, last=end)


@transaction.atomic
def contract_create(
    *,
    patroller: Patroller,
    segment: Segment,
    start: date,
    end: date,
    by,
    today: date | None = None,
    origin: str | None = None,
    vacancy: Vacancy | None = None,
) -> Contract:
    """A yearly contract on `segment` (第九条) after the eligibility checks of 第四条; creates the assignment.

    Errors (ValidationError): eligibility codes `age`, `residence`, `criminal_record`, `health`; `end` for the
    term (end before start, longer than one year); `non_field_errors` for an overlap; `segment` when the segment
    is not on the patroller's township roster. Contracts wholly in the past are accepted (existing records).

    `origin` (Contract.Origin) says how the contract came about; by default it follows from the rest: hired from
    `vacancy` (given by `applicant_hire` only), a renewal (the day after the previous contract), otherwise a hire
    without a vacancy — an existing record keyed in (第六条: every new hire goes through recruitment, so any
    other is listed as such).
    """
    today = today or timezone.localdate()
    patroller = lock(patroller)
    require_manager(by, patroller)

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
    if origin is None:
        if vacancy is not None:
            origin = Contract.Origin.RECRUITMENT
        else:
            origin = Contract.Origin.RENEWAL if previous else Contract.Origin.EXISTING_RECORD
    contract = Contract(
        patroller=patroller,
        segment=segment,
        start=start,
        end=end,
        previous=previous,
        origin=origin,
        vacancy=vacancy,
        created_by=actor(by),
    )
    save_with_assignment(contract, others=others, today=today)
    kind = RosterChange.Kind.RENEWAL if previous else RosterChange.Kind.HIRE
    _roster_change(kind=kind, patroller=patroller, on=start, by=by, contract=contract)
    audit(entity="contract", entity_id=contract.pk, action=kind, by=by, new=_contract_snapshot(contract))
    return contract


def _end_service(*, contract: Contract, on: date, reason: str, by, kind: str) -> Termination:
    """End the contract early on `on`, the day of the dismissal or resignation: its last day in force is the day
    before (`rules.last_day_in_force`), from `on` the person no longer counts. Later contracts are cancelled and
    a vacancy opens."""
    patroller = lock(contract.patroller)
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
    save(contract)
    audit(entity="contract", entity_id=contract.pk, action=kind, by=by, old=old, new=_contract_snapshot(contract))

    # A renewal signed in advance is cancelled: terminated before its start, it covers no day.
    for later in patroller.contracts.select_for_update().filter(start__gt=on).exclude(status="terminated"):
        old_later = _contract_snapshot(later)
        later.status = Contract.Status.TERMINATED
        later.terminated_on = on
        later.termination_reason = reason
        save(later)
        audit(
            entity="contract",
            entity_id=later.pk,
            action="cancel",
            by=by,
            old=old_later,
            new=_contract_snapshot(later),
            reason=reason,
        )
    # Assignments end with the contract's last day; one starting on `on` or later would cover no day at all.
    last_day = on - timedelta(days=1)
    patroller.assignments.filter(start__gte=on).delete()
    for assignment in patroller.assignments.filter(start__lte=last_day).filter(
        Q(end__isnull=True) | Q(end__gt=last_day)
    ):
        assignment.end = last_day
        save(assignment)

    # The days on duty from the end on (the day before it too, whatever the rule for the last day in force).
    last = max([contract.end, *patroller.contracts.filter(start__gt=on).values_list("end", flat=True)])
    roster_months_refresh(patroller_id=patroller.pk, first=on - timedelta(days=1), last=last)
    patroller.status = Patroller.Status.DISMISSED if kind == RosterChange.Kind.DISMISSAL else Patroller.Status.RESIGNED
    save(patroller)
    vacancy = vacancy_create(
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
    """Dismissal (辞退, 第九条) on `on`: the contract and assignment end the day before (from `on` the person is
    not counted), a vacancy opens for backfill.

    No role check here: the dismissal service decides who may confirm a dismissal; `by` is recorded.
    """
    return _end_service(contract=contract, on=on, reason=reason, by=by, kind=RosterChange.Kind.DISMISSAL)


@transaction.atomic
def patroller_resign(*, patroller: Patroller, on: date, by, reason: str = "") -> Termination:
    """The patroller leaves on `on`: their last day on duty is the day before. Managing office only."""
    patroller = lock(patroller)
    require_manager(by, patroller)
    contract = selectors.contract_in_force(patroller=patroller, on=on)
    if contract is None:
        raise ValidationError({"date": [_("该日期不在巡察员的任何有效合同期内。")]})
    return _end_service(contract=contract, on=on, reason=reason, by=by, kind=RosterChange.Kind.RESIGNATION)


def contracts_expire(*, today: date, progress: Callable[[int, int], None] | None = None) -> int:
    """Contracts whose end has passed become `ended`; a person not renewed turns `expired` the day after the end.

    Idempotent: a second run on the same day finds nothing left to do. Answers how many contracts it ended.
    `progress(done, total)`, when given, is called after each contract's transaction (the command prints it).
    """
    ended = 0
    due = list(
        Contract.objects.filter(status=Contract.Status.ACTIVE, end__lt=today)
        .order_by("end", "id")
        .values_list("pk", "patroller_id")
    )
    for done, (pk, patroller_id) in enumerate(due, start=1):
        if progress is not None and done > 1:
            progress(done - 1, len(due))
        with transaction.atomic():
            patroller = lock(Patroller(pk=patroller_id))
            contract = Contract.objects.select_for_update().get(pk=pk)
            if contract.status != Contract.Status.ACTIVE:
                continue
            old = _contract_snapshot(contract)
            contract.status = Contract.Status.ENDED
            save(contract)
            audit(entity="contract", entity_id=pk, action="expire", old=old, new=_contract_snapshot(contract), by=None)
            ended += 1
            for assignment in contract.assignments.filter(end__isnull=True):
                assignment.end = contract.end
                save(assignment)
            renewed = Contract.objects.filter(previous=contract).exclude(status=Contract.Status.TERMINATED).exists()
            if renewed:
                continue
            later = patroller.contracts.filter(start__gt=contract.end).exclude(status=Contract.Status.TERMINATED)
            if patroller.status == Patroller.Status.ACTIVE and not later.exists():
                patroller.status = Patroller.Status.EXPIRED
                save(patroller)
            _roster_change(
                kind=RosterChange.Kind.EXPIRY,
                patroller=patroller,
                on=contract.end + timedelta(days=1),
                by=None,
                contract=contract,
            )
    if progress is not None and due:
        progress(len(due), len(due))
    return ended
