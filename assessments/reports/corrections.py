"""The corrections of final assessments (考核更正) as the list and the workbook show them: each part before and as
asked, the totals and grades, and whether this office decides."""

from dataclasses import dataclass

from django.db.models import Case, QuerySet, Value, When

from assessments import rules, selectors
from assessments.models import PARTS, Assessment, Correction


@dataclass
class PartChange:
    label: str
    old: int | None
    new: int
    reason: str

    @property
    def changed(self) -> bool:
        return self.old != self.new


@dataclass
class CorrectionRow:
    """A correction as the list shows it: each part before and as asked, the totals and grades, who may decide."""

    correction: Correction
    parts: list[PartChange]
    old_total: int | None
    old_grade: str
    new_total: int
    new_grade: str
    new_passed: bool
    may_decide: bool


def pending_first(corrections: QuerySet[Correction]) -> QuerySet[Correction]:
    """The corrections still waiting for the county office on top, each group newest first."""
    waiting = Case(When(status=Correction.Status.PENDING, then=Value(0)), default=Value(1))
    return corrections.order_by(waiting, "-requested_at", "-id")


def correction_rows(user, corrections: list[Correction]) -> list[CorrectionRow]:
    """The corrections with the assessment as it stood when each was asked for (one query for all)."""
    before = selectors.scores_when_requested(corrections)
    rows = []
    for correction in corrections:
        assessment = correction.assessment
        old = before.get(correction.pk) or {**assessment.scores, "total": assessment.total, "grade": assessment.grade}
        new_total = sum(correction.scores.values())
        rows.append(
            CorrectionRow(
                correction=correction,
                parts=[
                    PartChange(
                        label=str(rules.PART_LABELS[part]),
                        old=old.get(part),
                        new=correction.scores[part],
                        reason=(correction.reasons or {}).get(part, ""),
                    )
                    for part in PARTS
                ],
                old_total=old.get("total"),
                old_grade=str(Assessment.Grade(old["grade"]).label) if old.get("grade") else "",
                new_total=new_total,
                new_grade=str(Assessment.Grade(rules.grade(new_total)).label),
                new_passed=rules.passed(new_total),
                may_decide=correction.status == Correction.Status.PENDING
                and selectors.may_decide_correction(user, correction),
            )
        )
    return rows
