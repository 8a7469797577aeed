"""The `assessment` group of the monthly figures (staffing.summaries): a patroller's month as it counts (the county
spot check prevails over the township assessment, SPEC §6), placed in the township of that assessment.

Refreshed for the patroller-month by every write that changes a final result: finalization and an approved
correction. Drafts count nowhere.
"""

from datetime import date

from assessments.models import Assessment
from staffing import summaries


def assessment_figures(*, month: date, patroller_ids: list[int] | None = None) -> summaries.Figures:
    """The assessment group of every patroller assessed in `month` (or of the given patrollers): one query."""
    finals = Assessment.objects.filter(month=month, status=Assessment.Status.FINAL)
    if patroller_ids is not None:
        finals = finals.filter(patroller_id__in=patroller_ids)
    prevailing: dict[int, tuple] = {}
    for row in finals.order_by().values_list("patroller_id", "township_id", "level", "passed", "total"):
        patroller_id, _township, level = row[:3]
        if patroller_id not in prevailing or level == Assessment.Level.COUNTY:
            prevailing[patroller_id] = row
    return {
        (patroller_id, township_id): {"assessed": True, "failed": not passed, "score": total}
        for patroller_id, township_id, _level, passed, total in prevailing.values()
    }


def assessment_month_refresh(*, patroller_id: int, month: date) -> None:
    """Recompute the assessment group of the patroller's month (call inside the write's transaction)."""
    summaries.month_figures_refresh(
        patroller_id=patroller_id, months=[month], part="assessment", compute=assessment_figures
    )
