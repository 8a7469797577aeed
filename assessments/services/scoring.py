"""Scoring a draft and making it final (the owning office), one at a time or a whole page of them."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import rules, selectors
from assessments.models import PARTS, Assessment, AssessmentChange, DismissalFlag
from assessments.services.common import (
    NON_FIELD,
    acting_user,
    clean_reasons,
    lock_patroller,
    merge_reasons,
    merged_scores,
    record_change,
    require_owner,
    save,
    set_scores,
    snapshot,
    validate_scores,
)
from assessments.services.dismissals import FlagChanges, evaluate_dismissal
from assessments.services.prepare import refresh_drafts
from assessments.summaries import assessment_month_refresh


@dataclass
class Finalized:
    assessment: Assessment
    flags: FlagChanges


@transaction.atomic
def assessment_update(
    *, assessment: Assessment, by, scores: dict[str, Any] | None = None, reasons: dict[str, Any] | None = None
) -> Assessment:
    """Set the final parts of a draft (any subset) and the reasons; the owning office only.

    400 under `scores` for a part outside 0–weight; under `reasons` for a part more than the gap (10 points)
    from its suggestion without a written reason; under `non_field_errors` once final (a final assessment
    changes only through a correction).
    """
    require_owner(by, assessment)
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.is_final:
        raise ValidationError({NON_FIELD: [_("考核已定稿，只能通过县级河长办批准的更正修改。")]})
    new_scores = merged_scores(assessment.scores, scores)
    new_reasons = merge_reasons(assessment.reasons, clean_reasons(reasons))
    validate_scores(new_scores, assessment.suggested, new_reasons)
    old = snapshot(assessment)
    set_scores(assessment, new_scores)
    assessment.reasons = new_reasons
    assessment.edited = True
    save(assessment)
    new = snapshot(assessment)
    if new != old:
        record_change(assessment=assessment, action=AssessmentChange.Action.UPDATE, by=by, old=old, new=new)
    return assessment


def refuse_unsettled(month: date, *, on: date) -> None:
    """Nothing of a month is finalized before its facts settle (SPEC §6): logs may arrive LOG_LATE_DAYS days late,
    so until day LOG_LATE_DAYS + 1 of the next month the suggestions can still change."""
    if on < rules.next_month(month):
        raise ValidationError({NON_FIELD: [_("月份结束后才能定稿。")]})
    if not rules.is_settled(month, today=on):
        settles = rules.settles_on(month)
        raise ValidationError(
            {
                NON_FIELD: [
                    _("%(month)s的巡查日志可补报至%(last)s，%(first)s起才能定稿。")
                    % {
                        "month": rules.month_text(month),
                        "last": (settles - timedelta(days=1)).isoformat(),
                        "first": settles.isoformat(),
                    }
                ]
            }
        )


def assessment_finalize(
    *,
    assessment: Assessment,
    by,
    now: datetime | None = None,
    confirm_no_logs: bool = False,
    reason: str = "",
) -> Finalized:
    """Draft → final (the owning office), once the month's facts are settled; then the dismissal rule for the
    patroller.

    - Refused (400) before day LOG_LATE_DAYS + 1 of the next month: late logs could still change the month.
    - The draft's suggestion is recomputed from the current facts first, in its own transaction (kept when the
      finalization is then refused, so the office sees what it is refused against); a draft nobody scored follows
      it. A part now more than the gap from the fresh suggestion without a reason refuses (400 under `reasons`).
    - A patroller with no contract day in the month any more is refused.
    - When the patroller's township recorded no patrol log at all in the month, finalizing needs
      `confirm_no_logs` and a written `reason` (400 under `confirm_no_logs` / `reason`), kept in the history: an
      empty month must not become a failing one by accident.

    Raises the dismissal flags the patroller's outcomes now trigger, withdraws open flags they no longer justify
    and marks confirmed dismissals whose grounds a county result removed (evaluate_dismissal).
    """
    require_owner(by, assessment)
    now = now or timezone.now()
    on = timezone.localdate(now)
    refuse_unsettled(assessment.month, on=on)
    with transaction.atomic():
        orphaned = refresh_drafts(month=assessment.month, patroller_ids=[assessment.patroller_id], by=by, through=on)
    return _finalize(
        assessment=assessment,
        by=by,
        now=now,
        orphaned=assessment.patroller_id in orphaned,
        confirm_no_logs=confirm_no_logs,
        reason=reason,
    )


def _no_logs_confirmation(assessment: Assessment, *, confirm_no_logs: bool, reason: str) -> str:
    """The written reason for finalizing a month in which the township recorded no log at all ("" when the
    township has logs that month); refused without the confirmation and its reason."""
    if selectors.township_has_logs(township_id=assessment.township_id, month=assessment.month):
        return ""
    described = {"township": assessment.township.name, "month": rules.month_text(assessment.month)}
    if confirm_no_logs is not True:
        raise ValidationError(
            {
                "confirm_no_logs": [
                    _("%(township)s%(month)s没有任何巡查记录，所有人都会按0条记录评分。确需定稿的，请确认并写明理由。")
                    % described
                ]
            }
        )
    text = (reason or "").strip() if isinstance(reason, str) else ""
    if not text:
        raise ValidationError({"reason": [_("请写明本月没有巡查记录仍要定稿的理由。")]})
    if len(text) > 2000:
        raise ValidationError({"reason": [_("理由不能超过2000字。")]})
    return text


@transaction.atomic
def _finalize(
    *, assessment: Assessment, by, now: datetime, orphaned: bool, confirm_no_logs: bool, reason: str
) -> Finalized:
    lock_patroller(assessment.patroller_id)
    # Only the assessment's row is locked (the township row is what a prepare locks first: never taken here).
    assessment = Assessment.objects.select_for_update(of=("self",)).select_related("township").get(pk=assessment.pk)
    if assessment.is_final:
        raise ValidationError({NON_FIELD: [_("该考核已经定稿。")]})
    if orphaned:
        raise ValidationError(
            {
                NON_FIELD: [
                    _("该巡察员%(month)s没有合同期内的日子，不能定稿。") % {"month": rules.month_text(assessment.month)}
                ]
            }
        )
    no_logs = _no_logs_confirmation(assessment, confirm_no_logs=confirm_no_logs, reason=reason)
    validate_scores(assessment.scores, assessment.suggested, assessment.reasons)
    old = snapshot(assessment)
    set_scores(assessment, assessment.scores)  # grade and pass mark as they stand today, frozen from now on
    assessment.status = Assessment.Status.FINAL
    assessment.finalized_at = now
    assessment.finalized_by = acting_user(by)
    save(assessment)
    new = snapshot(assessment)
    if no_logs:
        new["no_logs_confirmed"] = True
    record_change(
        assessment=assessment, action=AssessmentChange.Action.FINALIZE, by=by, old=old, new=new, reason=no_logs
    )
    assessment_month_refresh(patroller_id=assessment.patroller_id, month=assessment.month)
    cause = _("%(month)s%(level)s定稿") % {
        "month": rules.month_label(assessment.month),
        "level": assessment.get_level_display(),
    }
    flags = evaluate_dismissal(patroller_id=assessment.patroller_id, by=by, cause=cause)
    return Finalized(assessment=assessment, flags=flags)


@dataclass
class Applied:
    """What a "save all" or "finalize all" did: rows saved or finalized whole, and the refused ones with the
    services' refusal, by assessment id."""

    saved: int = 0
    finalized: int = 0
    raised: list[DismissalFlag] = field(default_factory=list)
    unsupported: list[DismissalFlag] = field(default_factory=list)
    failed: dict[int, ValidationError] = field(default_factory=dict)


def assessments_apply(
    *,
    assessments: list[Assessment],
    by,
    typed: Mapping[int, tuple[dict[str, Any], dict[str, str]]],
    finalize: bool,
    confirm_no_logs: bool = False,
    no_logs_reason: str = "",
) -> Applied:
    """Save (and with `finalize`, finalize) the drafts among `assessments` that have `typed` scores and reasons
    ({assessment id: (scores, reasons)}: what a page's rows hold), one at a time through assessment_update and
    assessment_finalize, which record every change. Each row is atomic on its own: saved and finalized whole or
    not at all, and a refused row (its ValidationError in `failed`) leaves the others done. A row's scores are
    saved only when they differ from `assessments` (the drafts as the page showed them).

    Finalizing first brings every such draft's suggestion up to date with the current facts, month by month in a
    transaction of its own (kept when rows are refused, so the page shows what they were refused against); a row
    left as the page showed it then follows its fresh suggestion if nobody scored it. A month in which the
    township recorded no log needs `confirm_no_logs` and `no_logs_reason`, passed on to every finalization."""
    applied = Applied()
    drafts = [a for a in assessments if a.pk in typed and not a.is_final]
    if finalize:
        for month in sorted({a.month for a in drafts}):
            with transaction.atomic():
                refresh_drafts(month=month, patroller_ids=[a.patroller_id for a in drafts if a.month == month], by=by)
    for assessment in drafts:
        scores, reasons = typed[assessment.pk]
        # Compared with what the page showed (read before the refresh): untouched rows keep following the facts.
        changed = scores != assessment.scores or any(reasons[p] != assessment.reasons.get(p, "") for p in PARTS)
        try:
            with transaction.atomic():
                current = assessment
                if changed:
                    current = assessment_update(assessment=current, by=by, scores=scores, reasons=reasons)
                done = (
                    assessment_finalize(
                        assessment=current, by=by, confirm_no_logs=confirm_no_logs, reason=no_logs_reason
                    )
                    if finalize
                    else None
                )
        except ValidationError as error:
            applied.failed[assessment.pk] = error
            continue
        applied.saved += int(changed)
        if done is not None:
            applied.finalized += 1
            applied.raised.extend(done.flags.raised)
            applied.unsupported.extend(done.flags.unsupported)
    return applied
