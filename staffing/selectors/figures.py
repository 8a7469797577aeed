"""Staffing sums per place for the overview (dashboards): what the report sums, without a line per segment."""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import Count

from rivers.models import Segment
from staffing import rules
from staffing.models import Assignment
from staffing.selectors.contracts import (
    assignment_in_force_q,
)
from staffing.selectors.report import Totals, _requirement


@dataclass
class StaffingFigures:
    """The staffing of a place on a date, summed per township and per county, with each segment's status."""

    totals: Totals
    by_township: dict[int, Totals]
    by_county: dict[int, Totals]
    status: dict[int, rules.Status]


def staffing_figures(
    *, on: date, county_id: int | None = None, township_id: int | None = None, with_status: bool = False
) -> StaffingFigures:
    """What `staffing_report` sums (the same rule per segment, the same actual patrollers), without a line per
    segment: for the overview of a whole city. Three queries whatever the size — the segments as plain values,
    their village counts, the actual patrollers counted inside the place — and no model instances; the rule runs
    once per distinct set of segment values. `with_status`: also each segment's status (the map).

    No user: the caller has checked the place against the user's scope (overview.selectors.resolve_scope).
    """
    place: dict[str, int] = {}
    if township_id is not None:
        place = {"township_id": township_id}
    elif county_id is not None:
        place = {"township__county_id": county_id}
    segments = Segment.objects.filter(**place).values_list(
        "pk",
        "township_id",
        "township__county_id",
        "water_body__kind",
        "water_body__size_class",
        "length_km",
        "basis",
        "required_patrollers",
    )
    through = Segment.villages.through.objects.filter(**{f"segment__{k}": v for k, v in place.items()})
    villages = dict(through.order_by().values("segment_id").annotate(n=Count("pk")).values_list("segment_id", "n"))
    actual = dict(
        Assignment.objects.filter(assignment_in_force_q(on), **{f"segment__{k}": v for k, v in place.items()})
        .order_by()
        .values("segment_id")
        .annotate(n=Count("patroller_id", distinct=True))
        .values_list("segment_id", "n")
    )
    # Per township: [floor, standard, actual, segments, {status: segments}], plain numbers in the loop.
    sums: dict[int, list] = {}
    county_of: dict[int, int] = {}
    status: dict[int, rules.Status] = {}
    for pk, township, county, kind, size_class, length_km, basis, required in segments:
        req = _requirement(kind, size_class, length_km, basis, villages.get(pk, 0), required)
        count = actual.get(pk, 0)
        code = rules.status(req, count)
        entry = sums.get(township)
        if entry is None:
            entry = sums[township] = [0, 0, 0, 0, Counter()]
            county_of[township] = county
        entry[0] += req.floor or 0
        entry[1] += req.standard or 0
        entry[2] += count
        entry[3] += 1
        entry[4][code] += 1
        if with_status:
            status[pk] = code
    figures = StaffingFigures(totals=Totals(), by_township={}, by_county={}, status=status)
    for township, (floor, standard, count, n, by_status) in sums.items():
        totals = Totals(floor=floor, standard=standard, actual=count, segments=n, by_status=by_status)
        figures.by_township[township] = totals
        for into in (figures.by_county.setdefault(county_of[township], Totals()), figures.totals):
            into.floor += floor
            into.standard += standard
            into.actual += count
            into.segments += n
            into.by_status.update(by_status)
    return figures
