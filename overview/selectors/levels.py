"""The overview of a city, county or township month: its rows, totals and twelve-month trend."""

from collections import Counter, defaultdict
from datetime import date, timedelta

from django.utils.translation import gettext as _

from overview.selectors.figures import (
    CITY,
    COUNTY,
    TOWNSHIP,
    TREND_MONTHS,
    Figures,
    Overview,
    Place,
    Row,
    Staffing,
    TrendPoint,
)
from overview.selectors.scope import resolve_scope, up
from overview.selectors.sums import MonthSums, open_flags, problems, staffing_of, township_sums, unfiled
from rivers.models import County, Township
from staffing import selectors as staffing_selectors
from staffing import summaries
from staffing.models import PatrollerMonth


def overview(*, user, month: date, today: date, county: int | None = None, township: int | None = None) -> Overview:
    """The caller's overview of `month` (not later than this month), at the level their scope and the filters give.

    Queries, whatever the number of patrollers (a township office's place lookups aside):
    city — counties; township sums of the 12 months; problems; flags; unfiled changes; staffing (2);
    county — townships; township sums; problems; flags; unfiled changes; staffing (2);
    township — patroller rows with names; township sums for the trend; problems; flags; unfiled; staffing (2).
    """
    level, place = resolve_scope(user=user, county=county, township=township)
    month = summaries.month_start(month)
    through = min(summaries.month_end(month), today)
    staffing_on = through
    months = _trend_window(month)
    through_day = _through_day(month, through)
    if level == CITY:
        return _city(user=user, month=month, months=months, through=through, today=today, staffing_on=staffing_on)
    if level == COUNTY:
        return _county(
            user=user, county=place, month=month, months=months, through=through, today=today, staffing_on=staffing_on
        )
    return _township(
        user=user,
        township=place,
        month=month,
        months=months,
        through=through,
        through_day=through_day,
        today=today,
        staffing_on=staffing_on,
    )


def _trend_window(month: date) -> list[date]:
    first = month
    for _step in range(TREND_MONTHS - 1):
        first = summaries.month_start(first - timedelta(days=1))
    return summaries.months_between(first, month)


def _through_day(month: date, through: date) -> int | None:
    """The day a month in progress is counted to; None for a month that is over."""
    return through.day if summaries.month_start(through) == month and through < summaries.month_end(month) else None


def _trend(sums: dict[tuple[date, int], MonthSums], months: list[date], through: date) -> list[TrendPoint]:
    per_month: dict[date, Figures] = defaultdict(Figures)
    for (month, _key), month_sums in sums.items():
        per_month[month].add(month_sums.cut(_through_day(month, through)))
    points = []
    for month in months:
        figures = per_month.get(month, Figures())
        points.append(
            TrendPoint(
                month,
                figures.patrol_rate,
                figures.average_score,
                figures.failed,
                figures.assessed,
                no_logs=figures.no_logs_received,
            )
        )
    return points


def _rows_from_sums(
    *,
    places: list,
    kind: str,
    sums: dict[tuple[date, int], MonthSums],
    month: date,
    through: date,
    problems_by: dict,
    flags_by: dict,
    unfiled_by: dict,
    staffing_by: dict,
    down: str,
) -> tuple[list[Row], list[int]]:
    rows, hist = [], [0] * summaries.SCORE_BUCKETS
    for place in places:
        month_sums = sums.get((month, place.pk), MonthSums())
        figures = month_sums.cut(_through_day(month, through))
        figures.problems_open, figures.problems_overdue = problems_by.get(place.pk, (0, 0))
        figures.open_flags = flags_by.get(place.pk, 0)
        figures.unfiled_changes = unfiled_by.get(place.pk, 0)
        figures.staffing = staffing_by.get(place.pk, Staffing())
        hist = [a + b for a, b in zip(hist, month_sums.hist, strict=True)]
        rows.append(Row(Place(place.pk, place.name, kind), figures, down=f"{down}={place.pk}"))
    return rows, hist


def _totals(rows: list[Row]) -> Figures:
    totals = Figures(staffing=Staffing())
    for row in rows:
        totals.add(row.figures)
    return totals


def _city(*, user, month, months, through, today, staffing_on) -> Overview:
    counties = list(County.objects.order_by("code"))
    sums = township_sums(
        months=months, month=month, in_progress=_through_day(month, through) is not None, group="county_id"
    )
    report = staffing_selectors.staffing_figures(on=staffing_on)
    rows, hist = _rows_from_sums(
        places=counties,
        kind=COUNTY,
        sums=sums,
        month=month,
        through=through,
        problems_by=problems(month=month, through=through, today=today, group="township__county_id"),
        flags_by=open_flags(group="county_id"),
        unfiled_by=unfiled(group="township__county_id"),
        staffing_by={pk: staffing_of(totals) for pk, totals in report.by_county.items()},
        down="county",
    )
    return Overview(
        month=month,
        through=through,
        level=CITY,
        place=Place(None, _("郑州市"), CITY),
        up=None,
        rows=rows,
        totals=_totals(rows),
        trend=_trend(sums, months, through),
        score_hist=hist,
        staffing_on=staffing_on,
    )


def _county(*, user, county, month, months, through, today, staffing_on) -> Overview:
    townships = list(Township.objects.filter(county=county).order_by("code"))
    sums = township_sums(
        months=months,
        month=month,
        in_progress=_through_day(month, through) is not None,
        group="township_id",
        county_id=county.pk,
    )
    report = staffing_selectors.staffing_figures(on=staffing_on, county_id=county.pk)
    rows, hist = _rows_from_sums(
        places=townships,
        kind=TOWNSHIP,
        sums=sums,
        month=month,
        through=through,
        problems_by=problems(
            month=month, through=through, today=today, group="township_id", township__county_id=county.pk
        ),
        flags_by=open_flags(group="township_id", county_id=county.pk),
        unfiled_by=unfiled(group="township_id", township__county_id=county.pk),
        staffing_by={pk: staffing_of(totals) for pk, totals in report.by_township.items()},
        down="township",
    )
    return Overview(
        month=month,
        through=through,
        level=COUNTY,
        place=Place(county.pk, county.name, COUNTY),
        up=up(user, COUNTY, county),
        rows=rows,
        totals=_totals(rows),
        trend=_trend(sums, months, through),
        score_hist=hist,
        staffing_on=staffing_on,
        county_id=county.pk,
    )


def _township(*, user, township, month, months, through, through_day, today, staffing_on) -> Overview:
    pm_rows = list(
        PatrollerMonth.objects.filter(township=township, month=month)
        .select_related("patroller")
        .order_by("patroller__name", "patroller_id")
    )
    sums = township_sums(
        months=months, month=month, in_progress=through_day is not None, group="township_id", township_id=township.pk
    )
    report = staffing_selectors.staffing_figures(on=staffing_on, township_id=township.pk)
    problems_by = problems(
        month=month, through=through, today=today, group="log__patroller_id", township_id=township.pk
    )
    flags_by = open_flags(group="patroller_id", township_id=township.pk)
    unfiled_by = unfiled(group="patroller_id", township_id=township.pk)
    segments = _segment_names(township=township, on=staffing_on)
    cut = summaries.mask_through(through_day) if through_day is not None else summaries.mask_through(31)
    rows, hist = [], [0] * summaries.SCORE_BUCKETS
    for pm in pm_rows:
        duty = pm.duty_mask & cut
        figures = Figures(
            patrollers=1 if duty else 0,
            patroller_days=duty.bit_count(),
            days_patrolled=(duty & pm.log_mask).bit_count(),
            logs=pm.logs,
            flagged_logs=pm.flagged_logs,
            flags=Counter(pm.flags or {}),
            assessed=1 if pm.assessed else 0,
            failed=1 if pm.failed else 0,
            score_sum=pm.score or 0,
        )
        figures.problems_open, figures.problems_overdue = problems_by.get(pm.patroller_id, (0, 0))
        figures.open_flags = flags_by.get(pm.patroller_id, 0)
        figures.unfiled_changes = unfiled_by.get(pm.patroller_id, 0)
        if pm.assessed and pm.score is not None:
            hist[min(pm.score // 10, summaries.SCORE_BUCKETS - 1)] += 1
        rows.append(
            Row(
                Place(pm.patroller_id, pm.patroller.name, "patroller"),
                figures,
                segment=segments.get(pm.patroller_id, ""),
            )
        )
    totals = _totals(rows)
    # Staffing belongs to segments, not people: the patroller rows have none, the totals carry the township's.
    totals.staffing = staffing_of(report.totals)
    # Counts that belong to a patroller no longer on the township's figures this month still count in the sums.
    totals.problems_open, totals.problems_overdue = (
        sum(n for n, _o in problems_by.values()),
        sum(o for _n, o in problems_by.values()),
    )
    totals.open_flags, totals.unfiled_changes = sum(flags_by.values()), sum(unfiled_by.values())
    return Overview(
        month=month,
        through=through,
        level=TOWNSHIP,
        place=Place(township.pk, township.name, TOWNSHIP),
        up=up(user, TOWNSHIP, township),
        rows=rows,
        totals=totals,
        trend=_trend(sums, months, through),
        score_hist=hist,
        staffing_on=staffing_on,
        county_id=township.county_id,
        township_id=township.pk,
    )


def _segment_names(*, township: Township, on: date) -> dict[int, str]:
    """{patroller id: the segment of their assignment in force on `on`} for the township. One query."""
    names = {}
    for patroller in staffing_selectors.township_roster(township=township, on=on):
        assignments = getattr(patroller, "active_assignments", [])
        if assignments:
            names[patroller.pk] = assignments[0].segment.name
    return names
