"""The overview's read model: one office's month at a glance, a row per county (city), township (county) or
patroller (township), with the sums and the twelve-month trend, and the map of the scope's segments.

The API, the page and the workbook all read `overview()` and `segment_map()`. Every figure comes from a fixed number
of queries whatever the number of patrollers:

- patroller-days, days patrolled, logs, flags and scores from the monthly figures kept on write
  (staffing.summaries): the township sums for the city and county levels, the patroller rows for a township;
- problem reports, open dismissal flags and unfiled roster changes counted live (they are few, and "overdue" moves
  with the calendar): one GROUP BY each;
- staffing from staffing's own report on the month's last day (today for the month in progress).

A month in progress counts up to today: patroller-days and patrollers from the per-day sums.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, IntegerField, Sum, Value, When
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import OFFICE_ROLES, Role
from accounts.scope import require_place_in_scope, sees_everything
from assessments.models import DismissalFlag
from assessments.rules import month_text
from patrol import selectors as patrol_selectors
from patrol.models import PatrolLog, ProblemReport
from patrol.rules import problems as problem_rules
from rivers.models import County, Segment, Township
from staffing import rules as staffing_rules
from staffing import selectors as staffing_selectors
from staffing import summaries
from staffing.models import PatrollerMonth, RosterChange, TownshipMonth

CITY, COUNTY, TOWNSHIP = "city", "county", "township"
LEVELS = ((CITY, CITY), (COUNTY, COUNTY), (TOWNSHIP, TOWNSHIP))  # the API's `level` (its schema enum)
TREND_MONTHS = 12

# --- what a row holds -------------------------------------------------------------------------------------------


@dataclass
class Place:
    id: int | None
    name: str
    kind: str  # "city", "county", "township" or "patroller"


@dataclass
class Staffing:
    floor: int = 0
    standard: int = 0
    actual: int = 0
    below_floor: int = 0


@dataclass
class Figures:
    """The month of one place (or the sums): every count the overview shows."""

    patrollers: int = 0
    patroller_days: int = 0
    days_patrolled: int = 0
    logs: int = 0
    flagged_logs: int = 0
    flags: Counter = field(default_factory=Counter)
    problems_open: int = 0
    problems_overdue: int = 0
    staffing: Staffing | None = None
    assessed: int = 0
    failed: int = 0
    score_sum: int = 0
    open_flags: int = 0
    unfiled_changes: int = 0

    @property
    def patrol_rate(self) -> float | None:
        """Days patrolled / patroller-days under contract (0–1), None without patroller-days."""
        return self.days_patrolled / self.patroller_days if self.patroller_days else None

    @property
    def no_logs_received(self) -> bool:
        """Patroller-days under contract and not one log: shown as "no logs received", not as a bare 0 %."""
        return self.patroller_days > 0 and self.logs == 0 and self.days_patrolled == 0

    @property
    def missing_logs(self) -> int:
        """Patroller-days under contract without a log."""
        return self.patroller_days - self.days_patrolled

    @property
    def average_score(self) -> float | None:
        return self.score_sum / self.assessed if self.assessed else None

    def add(self, other: "Figures") -> None:
        for name in (
            "patrollers",
            "patroller_days",
            "days_patrolled",
            "logs",
            "flagged_logs",
            "problems_open",
            "problems_overdue",
            "assessed",
            "failed",
            "score_sum",
            "open_flags",
            "unfiled_changes",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.flags.update(other.flags)
        if other.staffing is not None:
            mine = self.staffing or Staffing()
            self.staffing = Staffing(
                mine.floor + other.staffing.floor,
                mine.standard + other.staffing.standard,
                mine.actual + other.staffing.actual,
                mine.below_floor + other.staffing.below_floor,
            )


@dataclass
class Row:
    place: Place
    figures: Figures
    # The query string of the level below (None for a patroller) and, for a patroller, their segment.
    down: str | None = None
    segment: str = ""


@dataclass
class TrendPoint:
    month: date
    patrol_rate: float | None
    average_score: float | None
    failed: int
    assessed: int
    no_logs: bool = False  # patroller-days and not one log: "no logs received", not 0 %


@dataclass
class Overview:
    month: date
    through: date  # the last day counted: the month's end, or today for the month in progress
    level: str
    place: Place
    up: str | None  # the query string of the level above, None at the top of the caller's scope
    rows: list[Row]
    totals: Figures
    trend: list[TrendPoint]
    score_hist: list[int]  # assessed patrollers per ten points of total: 0–9, …, 90–100
    staffing_on: date
    county_id: int | None = None
    township_id: int | None = None

    @property
    def in_progress(self) -> bool:
        return self.through < summaries.month_end(self.month)

    @property
    def month_label(self) -> str:
        return month_text(self.month)

    @property
    def flag_codes(self) -> list[str]:
        """Every flag code counted in the month, in the vocabulary's order, then any others."""
        from patrol.rules import FLAG_LABELS

        seen = set(self.totals.flags)
        return [code for code in FLAG_LABELS if code in seen] + sorted(seen - set(FLAG_LABELS))


# --- scope and month --------------------------------------------------------------------------------------------


def require_office(user) -> None:
    if not (user and user.is_authenticated and (user.is_superuser or user.role in OFFICE_ROLES)):
        raise PermissionDenied(_("只有河长办可以查看总览。"))


def default_month(today: date) -> date:
    """The last complete month."""
    return summaries.month_start(summaries.month_start(today) - timedelta(days=1))


def month_problem(month: date | None, today: date) -> str | None:
    """Why `month` cannot be shown (a month not yet begun), or None."""
    if month is not None and month > summaries.month_start(today):
        return _("月份不能晚于本月。")
    return None


def resolve_scope(*, user, county: int | None = None, township: int | None = None) -> tuple[str, Any]:
    """(level, place) the caller asks for, narrowed to their own scope: a township office always sees its
    township, a county office its county unless it names one of its townships. Outside scope: Http404 — also a
    township office naming a county (even its own) without its township: the county's rows are not its to see."""
    require_office(user)
    require_place_in_scope(user, county_id=county, township_id=township)
    if not sees_everything(user) and user.role == Role.TOWNSHIP_OFFICE and county is not None and township is None:
        raise Http404
    if not sees_everything(user):
        if user.role == Role.TOWNSHIP_OFFICE:
            township = user.township_id
        elif user.role == Role.COUNTY_OFFICE and township is None:
            county = user.county_id
    if township:
        return TOWNSHIP, Township.objects.select_related("county").get(pk=township)
    if county:
        return COUNTY, County.objects.get(pk=county)
    return CITY, None


def _up(user, level: str, place) -> str | None:
    """The query string of the level above, when the caller may see it."""
    if level == TOWNSHIP and (sees_everything(user) or user.role == Role.COUNTY_OFFICE):
        return f"county={place.county_id}"
    if level == COUNTY and sees_everything(user):
        return ""
    return None


# --- reading the monthly figures --------------------------------------------------------------------------------

NUMBERS = ("patrollers", "duty_days", "days_patrolled", "logs", "flagged_logs", "assessed", "failed", "score_sum")


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


def _trend_window(month: date) -> list[date]:
    first = month
    for _step in range(TREND_MONTHS - 1):
        first = summaries.month_start(first - timedelta(days=1))
    return summaries.months_between(first, month)


def _through_day(month: date, through: date) -> int | None:
    """The day a month in progress is counted to; None for a month that is over."""
    return through.day if summaries.month_start(through) == month and through < summaries.month_end(month) else None


def _township_sums(
    *, months: list[date], month: date, in_progress: bool, group: str, **filters
) -> dict[tuple[date, int], MonthSums]:
    """{(month, group id): sums} of the township sums, in two queries: the counts of the twelve months summed in
    the database per month and group, and for the month shown the flags by code, the score distribution and (for
    a month in progress) the per-day lists, which only that month needs."""
    counts = (
        TownshipMonth.objects.filter(month__gte=months[0], month__lte=months[-1], **filters)
        .order_by()
        .values("month", group)
        .annotate(**{f"sum_{name}": Sum(name) for name in NUMBERS})
        .values_list("month", group, *[f"sum_{name}" for name in NUMBERS])
    )
    out: dict[tuple[date, int], MonthSums] = {}
    for row in counts:
        values = dict(zip(NUMBERS, row[2:], strict=True))
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


def _problems(*, month: date, through: date, today: date, group: str, **filters) -> dict[int, tuple[int, int]]:
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


def _open_flags(*, group: str, **filters) -> dict[int, int]:
    """{group id: dismissal flags open now (waiting for the office's decision)}. One query."""
    rows = (
        DismissalFlag.objects.filter(status=DismissalFlag.Status.OPEN, **filters)
        .order_by()
        .values(group)
        .annotate(n=Count("pk"))
        .values_list(group, "n")
    )
    return dict(rows)


def _unfiled(*, group: str, **filters) -> dict[int, int]:
    """{group id: roster changes not yet filed to the upper office now}. One query."""
    rows = (
        RosterChange.objects.filter(filing__isnull=True, **filters)
        .order_by()
        .values(group)
        .annotate(n=Count("pk"))
        .values_list(group, "n")
    )
    return dict(rows)


def _staffing(totals: staffing_selectors.Totals) -> Staffing:
    return Staffing(
        floor=totals.floor,
        standard=totals.standard,
        actual=totals.actual,
        below_floor=totals.by_status.get(staffing_rules.Status.BELOW_FLOOR, 0),
    )


# --- the overview -----------------------------------------------------------------------------------------------


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
    sums = _township_sums(
        months=months, month=month, in_progress=_through_day(month, through) is not None, group="county_id"
    )
    report = staffing_selectors.staffing_figures(on=staffing_on)
    rows, hist = _rows_from_sums(
        places=counties,
        kind=COUNTY,
        sums=sums,
        month=month,
        through=through,
        problems_by=_problems(month=month, through=through, today=today, group="township__county_id"),
        flags_by=_open_flags(group="county_id"),
        unfiled_by=_unfiled(group="township__county_id"),
        staffing_by={pk: _staffing(totals) for pk, totals in report.by_county.items()},
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
    sums = _township_sums(
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
        problems_by=_problems(
            month=month, through=through, today=today, group="township_id", township__county_id=county.pk
        ),
        flags_by=_open_flags(group="township_id", county_id=county.pk),
        unfiled_by=_unfiled(group="township_id", township__county_id=county.pk),
        staffing_by={pk: _staffing(totals) for pk, totals in report.by_township.items()},
        down="township",
    )
    return Overview(
        month=month,
        through=through,
        level=COUNTY,
        place=Place(county.pk, county.name, COUNTY),
        up=_up(user, COUNTY, county),
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
    sums = _township_sums(
        months=months, month=month, in_progress=through_day is not None, group="township_id", township_id=township.pk
    )
    report = staffing_selectors.staffing_figures(on=staffing_on, township_id=township.pk)
    problems_by = _problems(
        month=month, through=through, today=today, group="log__patroller_id", township_id=township.pk
    )
    flags_by = _open_flags(group="patroller_id", township_id=township.pk)
    unfiled_by = _unfiled(group="patroller_id", township_id=township.pk)
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
    totals.staffing = _staffing(report.totals)
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
        up=_up(user, TOWNSHIP, township),
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


# --- the map ----------------------------------------------------------------------------------------------------


@dataclass
class SegmentFeature:
    segment_id: int
    name: str
    township_id: int
    township_name: str
    geometry: dict
    patrol_rate: float | None
    coverage: float | None
    status: str
    status_label: str
    patroller_days: int
    days_patrolled: int


@dataclass
class SegmentMap:
    month: date
    through: date
    level: str
    features: list[SegmentFeature]

    def as_geojson(self) -> dict:
        return {
            "type": "FeatureCollection",
            "month": f"{self.month:%Y-%m}",
            "features": [
                {
                    "type": "Feature",
                    "id": feature.segment_id,
                    "geometry": feature.geometry,
                    "properties": {
                        "id": feature.segment_id,
                        "name": feature.name,
                        "township": feature.township_id,
                        "township_name": feature.township_name,
                        "patrol_rate": feature.patrol_rate,
                        "coverage": feature.coverage,
                        "status": feature.status,
                        "status_label": feature.status_label,
                        "patroller_days": feature.patroller_days,
                        "days_patrolled": feature.days_patrolled,
                    },
                }
                for feature in self.features
            ],
        }


def segment_map(
    *, user, month: date, today: date, county: int | None = None, township: int | None = None
) -> SegmentMap:
    """The scope's segments that have a geometry, each with the month's patrol rate on it (days with a log of a
    patroller on duty there / patroller-days on duty there), the mean track coverage of its logs and its staffing
    status on the month's last day (today for the month in progress).

    Five queries whatever the size: the segments with geometry, staffing's report (2), the days on duty per segment
    and patroller, the month's logs per segment and patroller.
    """
    level, place = resolve_scope(user=user, county=county, township=township)
    month = summaries.month_start(month)
    through = min(summaries.month_end(month), today)
    places: dict[str, Any] = {}
    if level == COUNTY:
        places = {"township__county_id": place.pk}
    elif level == TOWNSHIP:
        places = {"township_id": place.pk}
    segments = list(
        Segment.objects.filter(geometry__isnull=False, **places)
        .order_by("township__code", "code")
        .values_list("pk", "name", "township_id", "township__name", "geometry")
    )
    status = staffing_selectors.staffing_figures(
        on=through,
        county_id=place.pk if level == COUNTY else None,
        township_id=place.pk if level == TOWNSHIP else None,
        with_status=True,
    ).status
    cut = summaries.mask_through(through.day)
    duty = summaries.duty_masks(
        month=month, group=("segment_id", "patroller_id"), **{f"segment__{k}": v for k, v in places.items()}
    )
    # Per segment and patroller: the days with a log as a bit mask (the sum of the distinct powers of two of the
    # days is their bitwise OR, on SQLite as on PostgreSQL) and the coverage of the logs, summed in the database.
    day_bit = Case(
        *[When(date__day=day, then=Value(1 << (day - 1))) for day in range(1, summaries.DAYS + 1)],
        output_field=IntegerField(),
    )
    logged = (
        PatrolLog.objects.filter(date__gte=month, date__lte=through, **{f"segment__{k}": v for k, v in places.items()})
        .order_by()
        .values("segment_id", "patroller_id")
        .annotate(mask=Sum(day_bit, distinct=True), coverage_sum=Sum("coverage"), coverage_n=Count("coverage"))
        .values_list("segment_id", "patroller_id", "mask", "coverage_sum", "coverage_n")
    )
    days: dict[tuple[int, int], int] = {}
    coverage_sum: dict[int, float] = defaultdict(float)
    coverage_n: dict[int, int] = defaultdict(int)
    for segment_id, patroller_id, mask, total, n in logged:
        days[(segment_id, patroller_id)] = mask or 0
        if n:
            coverage_sum[segment_id] += total
            coverage_n[segment_id] += n
    duty_days: dict[int, int] = defaultdict(int)
    patrolled: dict[int, int] = defaultdict(int)
    for (segment_id, patroller_id), mask in duty.items():
        on_duty = mask & cut
        duty_days[segment_id] += on_duty.bit_count()
        patrolled[segment_id] += (on_duty & days.get((segment_id, patroller_id), 0)).bit_count()
    features = []
    for pk, name, township_id, township_name, geometry in segments:
        code = status.get(pk, staffing_rules.Status.UNDETERMINED)
        features.append(
            SegmentFeature(
                segment_id=pk,
                name=name,
                township_id=township_id,
                township_name=township_name,
                geometry=geometry,
                patrol_rate=patrolled[pk] / duty_days[pk] if duty_days[pk] else None,
                coverage=round(coverage_sum[pk] / coverage_n[pk], 4) if coverage_n[pk] else None,
                status=str(code),
                status_label=str(staffing_rules.Status(code).label),
                patroller_days=duty_days[pk],
                days_patrolled=patrolled[pk],
            )
        )
    return SegmentMap(month=month, through=through, level=level, features=features)


def query_string(overview_: Overview) -> str:
    """The filters the overview applied (for the links of the page and its workbook)."""
    params = [f"month={overview_.month:%Y-%m}"]
    if overview_.level == TOWNSHIP:
        params.append(f"township={overview_.place.id}")
    elif overview_.level == COUNTY:
        params.append(f"county={overview_.place.id}")
    return "&".join(params)


def month_format_message() -> str:
    return _("月份格式应为 YYYY-MM。")
