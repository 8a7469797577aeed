"""The dismissal rule applied (flags raised, updated, withdrawn; confirmed dismissals judged again), a flag
confirmed by the office, and a dismissal whose grounds no longer hold undone (第九条, SPEC §6)."""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import rules, selectors
from assessments.models import DismissalFlag
from assessments.outcomes import month_outcomes
from assessments.services.common import NON_FIELD, acting_user, lock_patroller, save
from assessments.services.common import today as local_today
from rivers.models import Segment
from staffing import selectors as staffing_selectors
from staffing import services as staffing_services
from staffing.models import AuditEntry, Contract, Patroller


@dataclass
class FlagChanges:
    """What evaluating the dismissal rule did to a patroller's flags."""

    raised: list[DismissalFlag] = field(default_factory=list)
    withdrawn: list[DismissalFlag] = field(default_factory=list)
    # An open flag that took in another trigger (its months and rules grew) or lost one.
    updated: list[DismissalFlag] = field(default_factory=list)
    # Confirmed dismissals whose grounds a later result removed: the office may reinstate the person.
    unsupported: list[DismissalFlag] = field(default_factory=list)
    # Unsupported ones (not reinstated) whose grounds hold again: confirmed again.
    confirmed_again: list[DismissalFlag] = field(default_factory=list)


@dataclass
class Dismissed:
    flag: DismissalFlag
    termination: staffing_services.Termination | None


@dataclass
class Reinstated:
    flag: DismissalFlag
    reinstatement: staffing_services.Reinstatement


def _months(flag: DismissalFlag) -> list[date]:
    return sorted(m for m in map(rules.parse_month, flag.months) if m is not None)


def _labels(months) -> list[str]:
    return [rules.month_label(m) for m in months]


def _set_grounds(flag: DismissalFlag, grounds: rules.Grounds) -> bool:
    """Write the grounds on the flag; True when anything changed."""
    months, found_rules = _labels(grounds.months), list(grounds.rules)
    if (flag.months, flag.all_rules, flag.rule, flag.trigger_month) == (
        months,
        found_rules,
        found_rules[0],
        grounds.trigger_month,
    ):
        return False
    flag.months, flag.rules, flag.rule, flag.trigger_month = months, found_rules, found_rules[0], grounds.trigger_month
    return True


def _audit(flag: DismissalFlag, *, action: str, by, old=None, new=None, reason: str = "") -> None:
    """A flag's life after its confirmation (grounds changed, unsupported, confirmed again, reinstated) in the
    audit trail the roster keeps: who, when, old, new, why."""
    entry = AuditEntry(
        entity="dismissal_flag",
        entity_id=flag.pk,
        action=action,
        user=acting_user(by),
        old=old,
        new=new,
        reason=reason,
    )
    save(entry)


def _state(flag: DismissalFlag) -> dict:
    return {"status": flag.status, "rules": flag.all_rules, "months": list(flag.months)}


def evaluate_dismissal(*, patroller_id: int, by, cause: str) -> FlagChanges:
    """Bring the patroller's flags in line with the dismissal rule over their month outcomes as they stand now
    (rules.judge_dismissals), after any change of a final result (finalization, an approved correction).

    - Each dismissal not undone (confirmed, or unsupported and not reinstated), in the order of its day, is judged
      on the months that ended before that day and that no earlier standing dismissal consumed: when the rule
      still triggers, it stands (confirmed; its months follow what triggers now); otherwise its grounds are gone
      (a county result or a correction removed them): `unsupported`, for the office to reinstate the person.
    - The months of standing dismissals are consumed. What the other months trigger is the grounds of the one
      open flag: raised if there is none, its months and rules updated when they changed, withdrawn when nothing
      triggers any more.
    """
    patroller = Patroller.objects.select_related("township").get(pk=patroller_id)
    outcomes = month_outcomes(patroller=patroller)
    flags = list(patroller.dismissal_flags.exclude(status=DismissalFlag.Status.WITHDRAWN).order_by("raised_at", "id"))
    dismissals = [
        flag
        for flag in flags
        if flag.status == DismissalFlag.Status.CONFIRMED
        or (flag.status == DismissalFlag.Status.UNSUPPORTED and flag.reinstated_at is None)
    ]
    judged = rules.judge_dismissals(outcomes, [(flag.pk, flag.dismissed_on) for flag in dismissals])
    changes = FlagChanges()
    now = timezone.now()

    for flag in dismissals:
        grounds = judged.dismissals[flag.pk]
        old = _state(flag)
        if grounds is None:
            if flag.status == DismissalFlag.Status.CONFIRMED:
                flag.status = DismissalFlag.Status.UNSUPPORTED
                flag.unsupported_at = now
                flag.unsupported_reason = _("%(cause)s，辞退依据已不成立。") % {"cause": cause}
                save(flag)
                _audit(flag, action="unsupported", by=by, old=old, new=_state(flag), reason=flag.unsupported_reason)
                changes.unsupported.append(flag)
            continue
        again = flag.status == DismissalFlag.Status.UNSUPPORTED
        if again:
            flag.status = DismissalFlag.Status.CONFIRMED
            flag.unsupported_at = None
            flag.unsupported_reason = ""
        if _set_grounds(flag, grounds) or again:
            save(flag)
            _audit(
                flag, action="confirmed_again" if again else "grounds", by=by, old=old, new=_state(flag), reason=cause
            )
            if again:
                changes.confirmed_again.append(flag)

    open_flag = next((flag for flag in flags if flag.status == DismissalFlag.Status.OPEN), None)
    if open_flag is not None and judged.open is None:
        open_flag.status = DismissalFlag.Status.WITHDRAWN
        open_flag.withdrawn_at = now
        open_flag.withdrawn_reason = _("%(cause)s，不再满足辞退条件。") % {"cause": cause}
        save(open_flag)
        changes.withdrawn.append(open_flag)
    elif open_flag is not None:
        if _set_grounds(open_flag, judged.open):
            save(open_flag)
            changes.updated.append(open_flag)
    elif judged.open is not None:
        flag = DismissalFlag(
            patroller=patroller,
            township_id=patroller.township_id,
            county_id=patroller.township.county_id,
            raised_by=acting_user(by),
        )
        _set_grounds(flag, judged.open)
        save(flag)
        changes.raised.append(flag)
    return changes


def _dismissal_reason(flag: DismissalFlag) -> str:
    return _("%(rule)s(%(months)s)，予以辞退(第九条)。") % {
        "rule": _("、").join(flag.rules_display),
        "months": _("、").join(flag.months),
    }


def refuse_unsettled_flag(flag: DismissalFlag, *, on: date) -> None:
    """400 naming each month of the flag that is not settled yet and what it waits for (selectors.flag_waits)."""
    waits = selectors.flag_waits([flag], today=on).get(flag.pk)
    if waits:
        raise ValidationError(
            {NON_FIELD: [_("辞退提示的月份尚未最终确定，暂不能确认辞退。")] + [w.message for w in waits]}
        )


def refuse_bad_dismissal_day(flag: DismissalFlag, *, on: date, today: date) -> None:
    """The dismissal day lies between the day after the last failing month ends and today (SPEC §6)."""
    earliest = rules.earliest_dismissal_day(_months(flag))
    if on < earliest:
        raise ValidationError(
            {
                "date": [
                    _("辞退日期不能早于%(day)s：最后一个不合格月份(%(month)s)结束后才能辞退。")
                    % {"day": earliest.isoformat(), "month": rules.month_text(rules.previous_month(earliest))}
                ]
            }
        )
    if on > today:
        raise ValidationError({"date": [_("辞退日期不能晚于今天(%(today)s)。") % {"today": today.isoformat()}]})


@transaction.atomic
def dismissal_confirm(
    *, flag: DismissalFlag, by, on: date | None = None, reason: str = "", today: date | None = None
) -> Dismissed:
    """The township office of the flag's township or the county office above it dismisses the patroller on `on`
    (default today): from that day the person is out of service — the contract in force ends, the assignment
    ends, a vacancy opens for backfill (补聘) and a dismissal roster change waits to be filed. No contract in force
    (it already ended): the flag is confirmed and nothing else changes.

    Refused (400) while a month of the flag is not settled (an open county draft, a pending correction, the
    late-log window: `non_field_errors` naming each month and what it waits for), and for a day before the day
    after the last failing month ends or after today (`date`). The flag's months are then consumed: they never
    count toward another flag.
    """
    if not selectors.may_dismiss(by, flag):
        raise PermissionDenied(_("只有巡察员所在乡镇(街道)或县(市、区)的河长办可以确认辞退。"))
    today = today or local_today()
    on = on or today
    patroller = lock_patroller(flag.patroller_id)
    flag = DismissalFlag.objects.select_for_update().get(pk=flag.pk)
    if flag.status != DismissalFlag.Status.OPEN:
        raise ValidationError(
            {NON_FIELD: [_("该辞退提示已处理(%(status)s)。") % {"status": flag.get_status_display()}]}
        )
    refuse_bad_dismissal_day(flag, on=on, today=today)
    refuse_unsettled_flag(flag, on=today)
    termination = None
    contract = staffing_selectors.contract_in_force(patroller=patroller, on=on)
    if contract is None and patroller.contracts.exclude(status=Contract.Status.TERMINATED).filter(end__gte=on):
        # A mistyped day must not confirm a dismissal that ends nothing while a contract runs on.
        raise ValidationError({"date": [_("该日期不在巡察员的合同期内，请选择合同期内的日期。")]})
    if contract is not None:
        termination = staffing_services.contract_terminate(
            contract=contract, on=on, reason=(reason or "").strip() or _dismissal_reason(flag), by=by
        )
    flag.status = DismissalFlag.Status.CONFIRMED
    flag.confirmed_at = timezone.now()
    flag.confirmed_by = acting_user(by)
    flag.dismissed_on = on
    if termination is not None:
        flag.contract = termination.contract
        flag.vacancy = termination.vacancy
    save(flag)
    return Dismissed(flag=flag, termination=termination)


@transaction.atomic
def dismissal_reinstate(
    *, flag: DismissalFlag, by, segment: Segment | None = None, reason: str = "", today: date | None = None
) -> Reinstated:
    """Put back a person dismissed on grounds that no longer hold (an `unsupported` flag): a new contract from the
    dismissal day to the old contract's end, on the old segment while its vacancy is still open (that vacancy is
    then closed), otherwise on the `segment` the office chooses; a roster change (恢复聘用) waits to be filed
    (staffing.services.contract_reinstate). The flag keeps who reinstated, when and the new contract; the audit
    trail keeps the step with its reason. The township office of the flag's township or its county office acts."""
    if not selectors.may_dismiss(by, flag):
        raise PermissionDenied(_("只有巡察员所在乡镇(街道)或县(市、区)的河长办可以恢复聘用。"))
    lock_patroller(flag.patroller_id)
    flag = DismissalFlag.objects.select_for_update().get(pk=flag.pk)
    if not flag.awaits_reinstatement:
        raise ValidationError({NON_FIELD: [_("只有“辞退依据已不成立”且尚未恢复聘用的辞退提示可以恢复聘用。")]})
    if flag.contract is None:
        raise ValidationError({NON_FIELD: [_("辞退时该巡察员已无在岗合同，没有可恢复的合同。")]})
    text = (reason or "").strip() or _("辞退依据已不成立(%(why)s)，恢复聘用。") % {"why": flag.unsupported_reason}
    reinstatement = staffing_services.contract_reinstate(
        contract=flag.contract, vacancy=flag.vacancy, segment=segment, by=by, reason=text, today=today
    )
    old = {"status": flag.status, "reinstated_at": None}
    flag.reinstated_at = timezone.now()
    flag.reinstated_by = acting_user(by)
    flag.reinstated_contract = reinstatement.contract
    save(flag)
    _audit(
        flag,
        action="reinstated",
        by=by,
        old=old,
        new={
            "status": flag.status,
            "reinstated_at": flag.reinstated_at.isoformat(),
            "contract": reinstatement.contract.pk,
            "segment": reinstatement.contract.segment_id,
            "vacancy": reinstatement.vacancy.pk if reinstatement.vacancy else None,
            "roster_change": reinstatement.change.pk,
        },
        reason=text,
    )
    return Reinstated(flag=flag, reinstatement=reinstatement)
