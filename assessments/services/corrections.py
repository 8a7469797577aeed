"""Corrections of final assessments: requested by the scoring office or the county office, decided by the county
office — or by the city office when the county office itself asked; nobody decides their own request (SPEC §6)."""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from assessments import rules, selectors
from assessments.models import Assessment, AssessmentChange, Correction
from assessments.services.common import (
    NON_FIELD,
    acting_user,
    clean_reasons,
    lock_patroller,
    merge_reasons,
    merged_scores,
    record_change,
    save,
    set_scores,
    snapshot,
    validate_scores,
)
from assessments.services.dismissals import FlagChanges, evaluate_dismissal
from assessments.summaries import assessment_month_refresh


@dataclass
class Approved:
    correction: Correction
    assessment: Assessment
    flags: FlagChanges


def _corrected_reasons(assessment: Assessment, scores: dict[str, Any], reasons: dict[str, str]) -> dict[str, str]:
    """A corrected part brings its own reason (the old one explained the old score); unchanged parts keep theirs."""
    kept = {part: text for part, text in assessment.reasons.items() if scores.get(part) == getattr(assessment, part)}
    return merge_reasons(kept, reasons)


def may_request_correction(by, assessment: Assessment) -> bool:
    if selectors.owns(by, assessment):
        return True
    return getattr(by, "role", None) == Role.COUNTY_OFFICE and by.county_id == assessment.county_id


@transaction.atomic
def correction_request(
    *, assessment: Assessment, by, scores: dict[str, Any], reason: str, reasons: dict[str, Any] | None = None
) -> Correction:
    """Ask to change a final assessment (the owning office, or the county office). Same ranges and reason rule
    as scoring; `reason` (why the correction) is required; one pending correction per assessment. The county
    office decides it, the city office when the county office asks (nobody approves their own request)."""
    if not may_request_correction(by, assessment):
        raise PermissionDenied(_("只有评分的河长办或所在县(市、区)河长办可以申请更正。"))
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if not assessment.is_final:
        raise ValidationError({NON_FIELD: [_("草稿可以直接修改，无需申请更正。")]})
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationError({"reason": [_("请填写更正原因。")]})
    if len(reason) > 2000:
        raise ValidationError({"reason": [_("更正原因不能超过2000字。")]})
    new_scores = merged_scores(assessment.scores, scores)
    new_reasons = clean_reasons(reasons)
    validate_scores(new_scores, assessment.suggested, _corrected_reasons(assessment, new_scores, new_reasons))
    if new_scores == assessment.scores:
        raise ValidationError({"scores": [_("更正后的评分与原评分相同。")]})
    if assessment.corrections.filter(status=Correction.Status.PENDING).exists():
        raise ValidationError({NON_FIELD: [_("该考核已有待审批的更正申请。")]})
    approver = Correction.Approver.CITY if by.role == Role.COUNTY_OFFICE else Correction.Approver.COUNTY
    correction = Correction(
        assessment=assessment,
        reasons=new_reasons,
        reason=reason.strip(),
        requested_by=by,
        approver=approver,
        **new_scores,
    )
    save(correction)
    return correction


def _require_approver(by, correction: Correction) -> None:
    if selectors.may_decide_correction(by, correction):
        return
    role = getattr(by, "role", None)
    if correction.approver == Correction.Approver.CITY and role != Role.CITY_OFFICE:
        raise PermissionDenied(_("县级河长办申请的更正须由市河长办审批。"))
    if correction.approver == Correction.Approver.COUNTY and not (
        role == Role.COUNTY_OFFICE and by.county_id == correction.assessment.county_id
    ):
        raise PermissionDenied(_("更正须由县级河长办审批。"))
    raise PermissionDenied(_("不能审批本人提交的更正申请。"))


def _pending(correction: Correction) -> Correction:
    correction = Correction.objects.select_for_update().select_related("assessment").get(pk=correction.pk)
    if correction.status != Correction.Status.PENDING:
        raise ValidationError({NON_FIELD: [_("该更正申请已审批。")]})
    return correction


@transaction.atomic
def correction_approve(*, correction: Correction, by, note: str = "") -> Approved:
    """The deciding office approves (the county office; the city office for the county's own request): the final
    assessment takes the corrected parts (grade and pass recomputed), the change is kept (who approved, who asked,
    old, new, why), and the dismissal rule runs again for the patroller: a month that no longer fails withdraws
    open flags (or leaves a confirmed dismissal without grounds: `unsupported`), a month that now fails raises
    one."""
    _require_approver(by, correction)
    lock_patroller(correction.assessment.patroller_id)
    correction = _pending(correction)
    assessment = Assessment.objects.select_for_update().get(pk=correction.assessment_id)
    reasons = _corrected_reasons(assessment, correction.scores, correction.reasons)
    # The weights or the gap may have changed since the request: the same rules once more.
    validate_scores(correction.scores, assessment.suggested, reasons)
    old = snapshot(assessment)
    set_scores(assessment, correction.scores)
    assessment.reasons = reasons
    save(assessment)
    record_change(
        assessment=assessment,
        action=AssessmentChange.Action.CORRECTION,
        by=by,
        old=old,
        new={**snapshot(assessment), "requested_by": correction.requested_by_id, "correction": correction.pk},
        reason=correction.reason,
    )
    assessment_month_refresh(patroller_id=assessment.patroller_id, month=assessment.month)
    correction.status = Correction.Status.APPROVED
    correction.decided_by = acting_user(by)
    correction.decided_at = timezone.now()
    correction.decision_note = (note or "").strip()
    save(correction)
    flags = evaluate_dismissal(
        patroller_id=assessment.patroller_id,
        by=by,
        cause=_("%(month)s考核结果已更正") % {"month": rules.month_label(assessment.month)},
    )
    return Approved(correction=correction, assessment=assessment, flags=flags)


@transaction.atomic
def correction_reject(*, correction: Correction, by, note: str = "") -> Correction:
    _require_approver(by, correction)
    correction = _pending(correction)
    correction.status = Correction.Status.REJECTED
    correction.decided_by = acting_user(by)
    correction.decided_at = timezone.now()
    correction.decision_note = (note or "").strip()
    save(correction)
    return correction
