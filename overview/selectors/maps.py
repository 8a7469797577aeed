"""The map of the scope's segments, each with its month's patrol rate, track coverage and staffing status."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Case, Count, IntegerField, Sum, Value, When

from overview.selectors.figures import COUNTY, TOWNSHIP
from overview.selectors.scope import resolve_scope
from patrol.models import PatrolLog
from rivers.models import Segment
from staffing import rules as staffing_rules
from staffing import selectors as staffing_selectors
from staffing import summaries


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
