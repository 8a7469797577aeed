"""What every assessment write shares: the acting user, saving with validation, today, the patroller lock,
snapshots and history rows, scores and their checks (ranges, reasons far from the suggestion)."""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import rules, selectors
from assessments.models import PARTS, Assessment, AssessmentChange
from staffing.models import Patroller

NON_FIELD = "non_field_errors"


def acting_user(user) -> Any:
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def save(obj) -> None:
    obj.full_clean()
    obj.save()


def today() -> date:
    return timezone.localdate()


def lock_patroller(patroller_id: int) -> Patroller:
    """Lock the patroller row for the rest of the transaction (a no-op on SQLite, whose writes are serialised)."""
    return Patroller.objects.select_for_update().get(pk=patroller_id)


def snapshot(assessment: Assessment) -> dict[str, Any]:
    return {
        **assessment.scores,
        "total": assessment.total,
        "grade": assessment.grade,
        "passed": assessment.passed,
        "reasons": dict(assessment.reasons),
        "status": assessment.status,
    }


def record_change(*, assessment: Assessment, action: str, by, old=None, new=None, reason: str = "") -> AssessmentChange:
    change = AssessmentChange(
        assessment=assessment, action=action, user=acting_user(by), old=old, new=new, reason=reason
    )
    save(change)
    return change


def set_scores(assessment: Assessment, scores: dict[str, int]) -> None:
    for part in PARTS:
        setattr(assessment, part, scores[part])
    assessment.total = sum(scores[part] for part in PARTS)
    assessment.grade = rules.grade(assessment.total)
    assessment.passed = rules.passed(assessment.total)


def set_suggestion(assessment: Assessment, suggestion: rules.Suggestion, facts: rules.MonthFacts) -> None:
    for part in PARTS:
        setattr(assessment, f"suggested_{part}", suggestion.parts[part])
    assessment.explanation = suggestion.explanation
    assessment.facts = facts.as_dict()


def refuse_future_month(month: date, *, on: date | None = None) -> None:
    if month > rules.month_start(on or today()):
        raise ValidationError({"month": [_("不能为尚未开始的月份考评。")]})


def require_owner(by, assessment: Assessment) -> None:
    if not selectors.owns(by, assessment):
        if assessment.level == Assessment.Level.TOWNSHIP:
            raise PermissionDenied(_("乡级考评由巡察员所在乡镇(街道)的河长办评分。"))
        raise PermissionDenied(_("县级抽考由所在县(市、区)的河长办评分。"))


def clean_reasons(reasons: Any) -> dict[str, str]:
    if reasons is None:
        return {}
    if not isinstance(reasons, dict) or any(part not in PARTS for part in reasons):
        raise ValidationError({"reasons": [_("理由应按评分项填写：appearance、daily_work、records。")]})
    cleaned = {}
    for part, text in reasons.items():
        if text is not None and not isinstance(text, str):
            raise ValidationError({"reasons": [_("理由应为文字。")]})
        if text and len(text) > 1000:
            raise ValidationError({"reasons": [_("理由不能超过1000字。")]})
        cleaned[part] = (text or "").strip()
    return cleaned


def merged_scores(current: dict[str, int], scores: Any) -> dict[str, Any]:
    if scores is None:
        return dict(current)
    if not isinstance(scores, dict) or any(part not in PARTS for part in scores):
        raise ValidationError({"scores": [_("评分应按评分项填写：appearance、daily_work、records。")]})
    return {**current, **scores}


def validate_scores(scores: dict[str, Any], suggested: dict[str, int], reasons: dict[str, str]) -> None:
    """Range of every part (400 under `scores`), then a reason for every part far from its suggestion (400
    under `reasons`)."""
    range_errors = rules.range_errors(scores)
    if range_errors:
        raise ValidationError({"scores": [message for part in PARTS for message in range_errors.get(part, [])]})
    missing = rules.missing_reason_errors(scores, suggested, reasons)
    if missing:
        raise ValidationError({"reasons": [message for part in PARTS for message in missing.get(part, [])]})


def merge_reasons(current: dict[str, str], new: dict[str, str]) -> dict[str, str]:
    merged = {**current, **new}
    return {part: text for part, text in merged.items() if text}
