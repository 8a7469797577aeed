"""The dismissal rule applied (flags raised, updated, withdrawn) and a flag confirmed by the office (第九条)."""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import rules, selectors
from assessments.models import DismissalFlag
from assessments.services.common import NON_FIELD, acting_user, lock_patroller, save, today
from staffing import selectors as staffing_selectors
from staffing import services as staffing_services
from staffing.models import Contract, Patroller


@dataclass
class FlagChanges:
    """What evaluating the dismissal rule did to a patroller's flags."""

    raised: list[DismissalFlag] = field(default_factory=list)
    withdrawn: list[DismissalFlag] = field(default_factory=list)


@dataclass
class Dismissed:
    flag: DismissalFlag
    termination: staffing_services.Termination | None


def evaluate_dismissal(*, patroller_id: int, by, cause: str) -> FlagChanges:
    """Bring the patroller's flags in line with the dismissal rule over their month outcomes.

    A trigger with no open or confirmed flag raises one; an open flag whose trigger no longer holds is withdrawn;
    an open flag whose months changed is updated. Confirmed flags are history and never change.
    """
    patroller = Patroller.objects.select_related("township").get(pk=patroller_id)
    triggers = {
        (t.rule, t.trigger_month): t for t in rules.dismissal_triggers(selectors.month_outcomes(patroller=patroller))
    }
    flags = list(patroller.dismissal_flags.exclude(status=DismissalFlag.Status.WITHDRAWN).order_by("raised_at", "id"))
    changes = FlagChanges()
    covered = set()
    now = timezone.now()
    for flag in flags:
        key = (flag.rule, flag.trigger_month)
        if flag.status == DismissalFlag.Status.CONFIRMED:
            covered.add(key)
            continue
        trigger = triggers.get(key)
        if trigger is None:
            flag.status = DismissalFlag.Status.WITHDRAWN
            flag.withdrawn_at = now
            flag.withdrawn_reason = _("%(cause)s，不再满足辞退条件。") % {"cause": cause}
            save(flag)
            changes.withdrawn.append(flag)
            continue
        covered.add(key)
        months = [rules.month_label(m) for m in trigger.months]
        if flag.months != months:
            flag.months = months
            save(flag)
    for key, trigger in triggers.items():
        if key in covered:
            continue
        flag = DismissalFlag(
            patroller=patroller,
            rule=trigger.rule,
            trigger_month=trigger.trigger_month,
            months=[rules.month_label(m) for m in trigger.months],
            township_id=patroller.township_id,
            county_id=patroller.township.county_id,
            raised_by=acting_user(by),
        )
        save(flag)
        changes.raised.append(flag)
    return changes


def _dismissal_reason(flag: DismissalFlag) -> str:
    return _("%(rule)s(%(months)s)，予以辞退(第九条)。") % {
        "rule": flag.get_rule_display(),
        "months": _("、").join(flag.months),
    }


@transaction.atomic
def dismissal_confirm(*, flag: DismissalFlag, by, on: date | None = None, reason: str = "") -> Dismissed:
    """The township office of the flag's township or the county office above it dismisses the patroller: the
    contract in force on `on` (default today) ends that day, the assignment ends, a vacancy opens for backfill
    (补聘) and a dismissal roster change waits to be filed. Every other open flag of the patroller is answered by
    the same dismissal and confirmed with it. No contract in force (it already ended): the flag is confirmed and
    nothing else changes."""
    if not selectors.may_dismiss(by, flag):
        raise PermissionDenied(_("只有巡察员所在乡镇(街道)或县(市、区)的河长办可以确认辞退。"))
    on = on or today()
    patroller = lock_patroller(flag.patroller_id)
    flag = DismissalFlag.objects.select_for_update().get(pk=flag.pk)
    if flag.status != DismissalFlag.Status.OPEN:
        raise ValidationError(
            {NON_FIELD: [_("该辞退提示已处理(%(status)s)。") % {"status": flag.get_status_display()}]}
        )
    termination = None
    contract = staffing_selectors.contract_in_force(patroller=patroller, on=on)
    if contract is None and patroller.contracts.exclude(status=Contract.Status.TERMINATED).filter(end__gte=on):
        # A mistyped day must not confirm a dismissal that ends nothing while a contract runs on.
        raise ValidationError({"date": [_("该日期不在巡察员的合同期内，请选择合同期内的日期。")]})
    if contract is not None:
        termination = staffing_services.contract_terminate(
            contract=contract, on=on, reason=(reason or "").strip() or _dismissal_reason(flag), by=by
        )
    now = timezone.now()
    others = patroller.dismissal_flags.filter(status=DismissalFlag.Status.OPEN).exclude(pk=flag.pk)
    for each in [flag, *others]:
        each.status = DismissalFlag.Status.CONFIRMED
        each.confirmed_at = now
        each.confirmed_by = acting_user(by)
        if termination is not None:
            each.contract = termination.contract
            each.vacancy = termination.vacancy
        save(each)
    return Dismissed(flag=flag, termination=termination)
