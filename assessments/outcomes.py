"""What a patroller's assessed months came to: the prevailing final assessment of each month, the outcomes the
dismissal rule reads, and whether an incumbent performed excellently (第四条(二)).

Apart from assessments.selectors because the roster reads `is_excellent` when it checks a renewal's age limit:
this module imports nothing of the roster's reads (staffing.selectors), so that read does not loop back.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from assessments import rules
from assessments.models import Assessment
from staffing.models import Patroller


@dataclass(frozen=True)
class MonthResult:
    """A patroller's month as it counts: the prevailing final assessment (county over township)."""

    month: date
    outcome: rules.Outcome
    total: int | None
    level: str | None
    assessment_id: int | None


def month_results(*, patroller_ids: list[int], since: date | None = None, before: date | None = None) -> dict:
    """{patroller id: {month: MonthResult}} for every month with a final assessment (one query).

    Months without a final assessment are absent: they are "not assessed".
    """
    finals = Assessment.objects.filter(patroller_id__in=patroller_ids, status=Assessment.Status.FINAL)
    if since is not None:
        finals = finals.filter(month__gte=since)
    if before is not None:
        finals = finals.filter(month__lt=before)
    per: dict[int, dict[date, dict[str, tuple]]] = defaultdict(lambda: defaultdict(dict))
    for row in finals.values_list("patroller_id", "month", "level", "passed", "total", "id"):
        patroller_id, month, level, passed, total, pk = row
        per[patroller_id][month][level] = (passed, total, pk)
    results: dict[int, dict[date, MonthResult]] = {}
    for patroller_id, months in per.items():
        results[patroller_id] = {}
        for month, levels in months.items():
            level = Assessment.Level.COUNTY if Assessment.Level.COUNTY in levels else Assessment.Level.TOWNSHIP
            passed, total, pk = levels[level]
            outcome = rules.month_outcome(
                county=levels.get(Assessment.Level.COUNTY, (None,))[0],
                township=levels.get(Assessment.Level.TOWNSHIP, (None,))[0],
            )
            results[patroller_id][month] = MonthResult(month, outcome, total, level, pk)
    return results


def month_outcomes(*, patroller: Patroller) -> dict[date, rules.Outcome]:
    """One patroller's month outcomes over their whole history (the dismissal rule's input)."""
    results = month_results(patroller_ids=[patroller.pk]).get(patroller.pk, {})
    return {month: result.outcome for month, result in results.items()}


def is_excellent(*, patroller: Patroller, on: date) -> bool:
    """SPEC §4 (`rules.is_excellent`): over the 12 calendar months before the month of `on`, at least
    EXCELLENT_MIN_MONTHS (10) assessed, no failing month and an average final score ≥ EXCELLENT_AVERAGE."""
    before = rules.month_start(on)
    window = rules.excellence_window(before)
    results = month_results(patroller_ids=[patroller.pk], since=window[0], before=before).get(patroller.pk, {})
    rows = [(r.month, r.total, r.outcome == rules.Outcome.PASS) for r in results.values()]
    return rules.is_excellent(rows, before=before)
