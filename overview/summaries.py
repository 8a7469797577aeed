"""Rebuilding the monthly figures (staffing.summaries) from the facts: after an upgrade that adds them, after data
loaded around the services (the demo's bulk inserts, an import), and as the check that the figures kept on write
are exact (the tests compare the two).

The same compute functions as on write, for every patroller of a month at once: the roster's days on duty
(staffing), the logs (patrol), the final assessments (assessments).
"""

from datetime import date

from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from assessments.models import Assessment
from assessments.summaries import assessment_figures
from patrol.models import PatrolLog
from patrol.summaries import log_figures
from rivers.models import Township
from staffing import summaries
from staffing.models import Assignment, PatrollerMonth, TownshipMonth

COMPUTE = {
    "roster": summaries.roster_figures,
    "logs": log_figures,
    "assessment": assessment_figures,
}


def months_with_facts() -> list[date]:
    """Every month from the first assignment, log or assessment to the last (or this month)."""
    firsts, lasts = [], [timezone.localdate()]
    assignments = Assignment.objects.aggregate(first=Min("start"), last=Max("contract__end"))
    logs = PatrolLog.objects.aggregate(first=Min("date"), last=Max("date"))
    scores = Assessment.objects.aggregate(first=Min("month"), last=Max("month"))
    for bounds in (assignments, logs, scores):
        if bounds["first"] is not None:
            firsts.append(bounds["first"])
            lasts.append(bounds["last"])
    if not firsts:
        return []
    return summaries.months_between(min(firsts), max(lasts))


def month_rows(month: date) -> dict[tuple[int, int], dict]:
    """{(patroller, township): the stored columns} of `month`, from the facts."""
    rows: dict[tuple[int, int], dict] = {}
    for compute in COMPUTE.values():
        for key, values in compute(month=month).items():
            rows.setdefault(key, dict(summaries.ZERO)).update(values)
    return {key: values for key, values in rows.items() if not summaries.is_empty(values)}


@transaction.atomic
def summaries_rebuild_month(*, month: date) -> tuple[int, int]:
    """Replace the figures of one month by a recount; answers (patroller rows, township rows)."""
    month = summaries.month_start(month)
    rows = month_rows(month)
    PatrollerMonth.objects.filter(month=month).delete()
    TownshipMonth.objects.filter(month=month).delete()
    PatrollerMonth.objects.bulk_create(
        [
            PatrollerMonth(patroller_id=patroller, township_id=township, month=month, **summaries.derived(values))
            for (patroller, township), values in sorted(rows.items())
        ],
        batch_size=2000,
    )
    sums = summaries.township_sums(
        {"month": month, "township_id": township, **values} for (_patroller, township), values in rows.items()
    )
    counties = dict(Township.objects.filter(pk__in={t for _m, t in sums}).values_list("pk", "county_id"))
    TownshipMonth.objects.bulk_create(
        [
            TownshipMonth(township_id=township, county_id=counties[township], month=month, **values)
            for (_month, township), values in sorted(sums.items(), key=lambda item: item[0][1])
        ],
        batch_size=2000,
    )
    return len(rows), len(sums)


def summaries_rebuild(*, months: list[date] | None = None, stdout=None) -> tuple[int, int]:
    """Rebuild every month with facts (or the given ones), one transaction per month."""
    total_rows = total_sums = 0
    for month in months if months is not None else months_with_facts():
        rows, sums = summaries_rebuild_month(month=month)
        total_rows, total_sums = total_rows + rows, total_sums + sums
        if stdout is not None:
            stdout.write(f"{month:%Y-%m}: {rows} / {sums}")
    return total_rows, total_sums
