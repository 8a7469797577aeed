"""Reinstatement (恢复聘用): undoing an early end of a contract whose grounds proved unfounded — a dismissal that a
later county spot check or an approved correction no longer supports (assessments.services.dismissal_reinstate).

Not a new hire: the person's term resumes, so eligibility (第四条) is not checked again; the contract, its
assignment, the vacancy and the roster change are written as every other roster write is, audited.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rivers.models import Segment
from staffing import rules
from staffing.models import Contract, RosterChange, Vacancy
from staffing.services.common import NON_FIELD, actor, audit, lock, require_township_office, save
from staffing.services.contracts import _contract_snapshot, _roster_change, save_with_assignment


@dataclass
class Reinstatement:
    """What putting the person back wrote: the new contract, the vacancy it closed (None when none was open on the
    segment) and the roster change to file."""

    contract: Contract
    vacancy: Vacancy | None
    change: RosterChange


def _vacancy_to_close(*, vacancy: Vacancy | None, segment: Segment | None) -> tuple[Segment, Vacancy | None]:
    """The segment the person goes back to and the open vacancy that their return closes.

    The old segment when the vacancy the early end opened is still open (no segment chosen, or the same one);
    otherwise the segment the office chose, closing its oldest open vacancy if it has one."""
    if vacancy is not None:
        vacancy = Vacancy.objects.select_for_update(of=("self",)).select_related("segment").get(pk=vacancy.pk)
        if vacancy.status == Vacancy.Status.OPEN and (segment is None or segment.pk == vacancy.segment_id):
            return vacancy.segment, vacancy
    if segment is None:
        raise ValidationError({"segment": [_("原河段的补聘岗位已不在招聘中(已聘用或已取消)，请选择恢复聘用的河段。")]})
    open_one = (
        Vacancy.objects.select_for_update()
        .filter(segment=segment, status=Vacancy.Status.OPEN)
        .order_by("opened_on", "id")
        .first()
    )
    return segment, open_one


@transaction.atomic
def contract_reinstate(
    *,
    contract: Contract,
    by,
    reason: str,
    vacancy: Vacancy | None = None,
    segment: Segment | None = None,
    today: date | None = None,
) -> Reinstatement:
    """Put back a person whose contract was ended early (dismissal) on grounds that no longer hold.

    A new contract from the first day the early end took away (the day after the old contract's last day in force:
    the dismissal day) to the old contract's agreed end, with its assignment; on the old segment when `vacancy`
    (the one the early end opened) is still open, which it then closes (filled by the same person), otherwise on
    `segment`, chosen by the office (`segment` error when missing), closing that segment's oldest open vacancy if
    any. A roster change (恢复聘用) waits to be filed. The township office of the person's township or its county
    office acts (as for vacancies).

    Errors (ValidationError): `non_field_errors` when the contract was not ended early or nothing of it is left to
    restore, or the person holds another contract in the meantime; `segment` as above or outside the township.
    """
    today = today or timezone.localdate()
    patroller = lock(contract.patroller)
    require_township_office(by, patroller.township)
    old = Contract.objects.select_for_update().get(pk=contract.pk)
    if old.status != Contract.Status.TERMINATED or old.terminated_on is None:
        raise ValidationError({NON_FIELD: [_("只有提前终止的合同可以恢复聘用。")]})
    start = old.last_day + timedelta(days=1)
    end = old.end
    if start > end:
        raise ValidationError({NON_FIELD: [_("该合同终止时已到原定结束日，没有可恢复的合同期。")]})
    segment, closing = _vacancy_to_close(vacancy=vacancy, segment=segment)
    if segment.township_id != patroller.township_id:
        raise ValidationError({"segment": [_("该河段不在巡察员所属乡镇(街道)。")]})

    errors: dict[str, list[str]] = {}
    for key, messages in rules.contract_term_problems(start=start, end=end).items():
        errors.setdefault(key, []).extend(messages)
    # Contracts that cover no day (cancelled before their start) never overlap anything.
    others = [c for c in patroller.contracts.select_for_update().order_by("start") if c.last_day >= c.start]
    overlap = rules.contract_overlap_problem(start=start, end=end, others=[(c.start, c.last_day) for c in others])
    if overlap:
        errors.setdefault(NON_FIELD, []).append(overlap)
    if errors:
        raise ValidationError(errors)

    new = Contract(
        patroller=patroller,
        segment=segment,
        start=start,
        end=end,
        origin=Contract.Origin.REINSTATEMENT,
        created_by=actor(by),
    )
    save_with_assignment(new, others=others, today=today)
    if closing is not None:
        before = {"status": closing.status, "filled_by": None, "filled_on": None}
        closing.status = Vacancy.Status.FILLED
        closing.filled_by = patroller
        closing.filled_on = start
        save(closing)
        audit(
            entity="vacancy",
            entity_id=closing.pk,
            action="reinstatement",
            by=by,
            old=before,
            new={"status": closing.status, "filled_by": patroller.pk, "filled_on": start.isoformat()},
            reason=reason,
        )
    change = _roster_change(kind=RosterChange.Kind.REINSTATEMENT, patroller=patroller, on=start, by=by, contract=new)
    audit(
        entity="contract",
        entity_id=new.pk,
        action="reinstatement",
        by=by,
        old={"reinstates": old.pk},
        new=_contract_snapshot(new),
        reason=reason,
    )
    return Reinstatement(contract=new, vacancy=closing, change=change)
