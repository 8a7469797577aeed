"""Scoring a draft and making it final (the owning office)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import rules
from assessments.models import Assessment, AssessmentChange
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
    today,
    validate_scores,
)
from assessments.services.dismissals import FlagChanges, evaluate_dismissal
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


@transaction.atomic
def assessment_finalize(*, assessment: Assessment, by, now: datetime | None = None) -> Finalized:
    """Draft → final (the owning office), after the month is over; then the dismissal rule for the patroller.

    The month must be over; every part far from its suggestion must have its reason. Raises the dismissal flags
    the patroller's outcomes now trigger and withdraws open flags they no longer justify (a county result that
    prevails over a failing township result).
    """
    require_owner(by, assessment)
    lock_patroller(assessment.patroller_id)
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.is_final:
        raise ValidationError({NON_FIELD: [_("该考核已经定稿。")]})
    if today() < rules.next_month(assessment.month):
        raise ValidationError({NON_FIELD: [_("月份结束后才能定稿。")]})
    validate_scores(assessment.scores, assessment.suggested, assessment.reasons)
    old = snapshot(assessment)
    set_scores(assessment, assessment.scores)  # grade and pass mark as they stand today, frozen from now on
    assessment.status = Assessment.Status.FINAL
    assessment.finalized_at = now or timezone.now()
    assessment.finalized_by = acting_user(by)
    save(assessment)
    record_change(
        assessment=assessment, action=AssessmentChange.Action.FINALIZE, by=by, old=old, new=snapshot(assessment)
    )
    assessment_month_refresh(patroller_id=assessment.patroller_id, month=assessment.month)
    flags = evaluate_dismissal(patroller_id=assessment.patroller_id, by=by, cause=_("考核结果变化"))
    return Finalized(assessment=assessment, flags=flags)
