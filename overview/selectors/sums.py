"""The township sums kept on write (staffing.summaries) and the counts taken live, one GROUP BY each."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Sum

from assessments.models import DismissalFlag
from overview.selectors.figures import Figures, Staffing
from patrol import selectors as patrol_selectors
from patrol.models import ProblemReport
from patrol.rules import problems as problem_rules
from staffing import rules as staffing_rules
from staffing import selectors as staffing_selectors
from staffing import summaries
from staffing.models import RosterChange, TownshipMonth


@dataclass
class MonthSums:
    """The township sums of one place's month, with the per-day lists that cut a month in progress."""

    figures: Figures = field(default_factory=Figures)
    by_day: list[int] = field(default_factory=lambda: [0] * summaries.DAYS)
    starts: list[int] = field(default_factory=lambda: [0] * summaries.DAYS)
    hist: list[int] = field(default_factory=lambda: [0] * summaries.SCORE_BUCKETS)

    def add_lists(self, flags: dict | None, hist: list | None, by_day: list | None, starts: list | None) -> None:
        self.figures.flags.update(flags or {})
        for into, values in ((self.hist, hist), (self.by_day, by_day), (self.starts, starts)):
            for index, value in enumerate(values or []):
                into[index] += value

    def cut(self, through_day: int | None) -> Figures:
        """A copy of the figures; for a month in progress, patroller-days and patrollers up to `through_day`."""
        figures = Figures()
        figures.add(self.figures)
        figures.staffing = None
        if through_day is not None:
            figures.patroller_days = sum(self.by_day[:through_day])
            figures.patrollers = sum(self.starts[:through_day])
        return figures


def township_sums(
    *, months: list[date], month: date, in_progress: bool, group: str, **filters
) -> dict[tuple[date, int], MonthSums]:
    """{(month, group id): sums} of the township sums, in two queries: the counts of the twelve months summed in
    the database per month and group, and for the month shown the flags by code, the score distribution and (for
    a month in progress) the per-day lists, which only that month needs."""
    counts = (
        TownshipMonth.objects.filter(month__gte=months[0], month__lte=months[-1], **filters)
        .order_by()
        .values("month", group)
        .annotate(**{f"sum_{name}": Sum(name) for name in summaries.NUMBERS})
        .values_list("month", group, *[f"sum_{name}" for name in summaries.NUMBERS])
    )
    out: dict[tuple[date, int], MonthSums] = {}
    for row in counts:
        values = dict(zip(summaries.NUMBERS, row[2:], strict=True))
        out[(row[0], row[1])] = MonthSums(
            Figures(
                patrollers=values["patrollers"],
                patroller_days=values["duty_days"],
                days_patrolled=values["days_patrolled"],
                logs=values["logs"],
                flagged_logs=values["flagged_logs"],
                assessed=values["assessed"],
                failed=values["failed"],
                score_sum=values["score_sum"],
            )
        )
    lists = ("flags", "score_hist", "duty_by_day", "starts_by_day") if in_progress else ("flags", "score_hist")
    for key, *values in TownshipMonth.objects.filter(month=month, **filters).values_list(group, *lists):
        if (month, key) in out:
            out[(month, key)].add_lists(*values, *([None, None] if not in_progress else []))
    return out


# --- live counts: problem reports, dismissal flags, unfiled roster changes -------------------------------------


def problems(*, month: date, through: date, today: date, group: str, **filters) -> dict[int, tuple[int, int]]:
    """{group id: (open, overdue)} of the problem reports found in the month (by the day of the log) that are
    not resolved or closed now, and of those the ones past their deadline today. One query."""
    rows = (
        ProblemReport.objects.filter(log__date__gte=month, log__date__lte=through, **filters)
        .exclude(status__in=problem_rules.DONE)
        .order_by()
        .values(group)
        .annotate(open=Count("pk"), overdue=Count("pk", filter=patrol_selectors.overdue_q(today)))
        .values_list(group, "open", "overdue")
    )
    return {key: (n_open, n_overdue) for key, n_open, n_overdue in rows}


def open_flags(*, group: str, **filters) -> dict[int, int]:
    """{group id: dismissal flags open now (waiting for the office's decision)}. One query."""
    rows = (
        DismissalFlag.objects.filter(status=DismissalFlag.Status.OPEN, **filters)
        .order_by()
        .values(group)
        .annotate(n=Count("pk"))
        .values_list(group, "n")
    )
    return dict(rows)


def unfiled(*, group: str, **filters) -> dict[int, int]:
    """{group id: roster changes not yet filed to the upper office now}. One query."""
    rows = (
        RosterChange.objects.filter(filing__isnull=True, **filters)
        .order_by()
        .values(group)
        .annotate(n=Count("pk"))
        .values_list(group, "n")
    )
    return dict(rows)


def staffing_of(totals: staffing_selectors.Totals) -> Staffing:
    return Staffing(
        floor=totals.floor,
        standard=totals.standard,
        actual=totals.actual,
        below_floor=totals.by_status.get(staffing_rules.Status.BELOW_FLOOR, 0),
    )
