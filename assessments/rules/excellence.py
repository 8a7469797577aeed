""" "Excellent" incumbents (第四条(二), SPEC §4) and the pay-rise recommendation list (第十条 提薪)."""

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import ROUND_CEILING, Decimal

from assessments.rules.common import setting
from assessments.rules.months import month_start, next_month, previous_month

EXCELLENCE_WINDOW_MONTHS = 12


def excellence_window(before: date) -> list[date]:
    """The 12 calendar months before the month of `before` (the month a renewal starts), oldest first."""
    months = [previous_month(month_start(before))]
    while len(months) < EXCELLENCE_WINDOW_MONTHS:
        months.append(previous_month(months[-1]))
    return months[::-1]


def is_excellent(
    month_totals: Sequence[tuple[date, int, bool]],
    *,
    before: date | None = None,
    average: int | None = None,
    min_months: int | None = None,
) -> bool:
    """ "Excellent" performance (第四条(二), SPEC §4) from (month, prevailing final total, passed) rows, any order.

    Over the 12 calendar months before the month of `before` (by default the month after the latest row): at
    least `min_months` of them assessed (setting EXCELLENT_MIN_MONTHS, 10 — one good month is not a year's
    record), no failing month among them and an average total ≥ `average` (setting EXCELLENT_AVERAGE, 85).
    Months not assessed are neither good nor bad; months outside the window do not count.
    """
    average = int(setting("EXCELLENT_AVERAGE", 85)) if average is None else average
    min_months = int(setting("EXCELLENT_MIN_MONTHS", 10)) if min_months is None else min_months
    if not month_totals:
        return False
    if before is None:
        before = next_month(max(month_start(row[0]) for row in month_totals))
    window = set(excellence_window(before))
    recent = [row for row in month_totals if month_start(row[0]) in window]
    if len(recent) < max(1, min_months) or not all(row[2] for row in recent):
        return False
    return Decimal(sum(row[1] for row in recent)) / len(recent) >= average


def pay_rise_ranking(
    year_rows: Mapping[int, Sequence[tuple[date, int, bool]]],
    *,
    share: Decimal | str | None = None,
    average: int | None = None,
) -> list[int]:
    """Patroller ids recommended for a pay rise from one calendar year's results, best first.

    `year_rows`: {patroller id: [(month, prevailing final total, passed), …]} for the year's assessed months.
    Candidates: at least one assessed month, no failing month and an average total ≥ `average` (EXCELLENT_AVERAGE,
    85) over the year — the "excellent" test applied to the year. Ranked by average (exact) descending, then more
    assessed months, then id. Quota: ceil(share × patrollers with an assessed month), share = PAY_RISE_SHARE (a
    setting, 20%); anyone tied (same average, same number of months) with the last one inside the quota is
    recommended too. Never more than the candidates.
    """
    share = Decimal(str(setting("PAY_RISE_SHARE", "0.20") if share is None else share))
    average = int(setting("EXCELLENT_AVERAGE", 85)) if average is None else average
    assessed = {pk: rows for pk, rows in year_rows.items() if rows}
    candidates = []
    for pk, rows in assessed.items():
        mean = Decimal(sum(row[1] for row in rows)) / len(rows)
        if all(row[2] for row in rows) and mean >= average:
            candidates.append((mean, len(rows), pk))
    candidates.sort(key=lambda c: (-c[0], -c[1], c[2]))
    quota = int((share * len(assessed)).to_integral_value(rounding=ROUND_CEILING)) if assessed else 0
    if quota <= 0 or not candidates:
        return []
    chosen = candidates[:quota]
    last = chosen[-1]
    chosen += [c for c in candidates[quota:] if (c[0], c[1]) == (last[0], last[1])]
    return [pk for _mean, _months, pk in chosen]
