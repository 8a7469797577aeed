"""Reads for staffing: who is assigned where, and the staffing report of SPEC §3."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count

from rivers.models import Segment
from rivers.selectors import segments_visible_to
from staffing import rules


def segment_ids_assigned_to(*, user) -> list[int]:
    """Segments a patroller user is actively assigned to (the roster fills this in)."""
    return []


def actual_patrollers(*, segment_ids: list[int], on: date) -> dict[int, int]:
    """Active patrollers per segment on a date: active assignment under an active contract.

    Until the roster exists nobody is assigned, so every segment counts 0.
    """
    return {}


@dataclass
class SegmentLine:
    segment: Segment
    floor: int | None
    standard: int | None
    actual: int
    status: rules.Status


@dataclass
class Totals:
    floor: int = 0
    standard: int = 0
    actual: int = 0
    segments: int = 0
    by_status: Counter = field(default_factory=Counter)

    def add(self, line: SegmentLine) -> None:
        self.floor += line.floor or 0
        self.standard += line.standard or 0
        self.actual += line.actual
        self.segments += 1
        self.by_status[line.status] += 1

    def as_dict(self) -> dict:
        return {
            "floor": self.floor,
            "standard": self.standard,
            "actual": self.actual,
            "segments": self.segments,
            "by_status": {status.value: self.by_status.get(status, 0) for status in rules.Status},
        }


@dataclass
class StaffingReport:
    on: date
    lines: list[SegmentLine]
    totals: Totals
    by_township: dict[int, Totals]
    by_county: dict[int, Totals]


def requirement_of(segment: Segment, village_count: int) -> rules.Requirement:
    body = segment.water_body
    return rules.requirement(
        kind=body.kind,
        size_class=body.size_class,
        length_km=segment.length_km,
        village_basis=segment.basis == Segment.Basis.VILLAGE,
        village_count=village_count,
        required=segment.required_patrollers,
    )


def staffing_report(*, user, on: date, county: int | None = None, township: int | None = None) -> StaffingReport:
    """Two queries whatever the size: the segments in scope with their village counts, then the actuals."""
    segments = segments_visible_to(user).select_related("water_body", "township__county")
    if county:
        segments = segments.filter(township__county_id=county)
    if township:
        segments = segments.filter(township_id=township)
    segments = list(segments.annotate(village_count=Count("villages")).order_by("township__code", "code"))
    actual = actual_patrollers(segment_ids=[s.pk for s in segments], on=on)

    totals = Totals()
    by_township: dict[int, Totals] = {}
    by_county: dict[int, Totals] = {}
    lines = []
    for segment in segments:
        req = requirement_of(segment, segment.village_count)
        count = actual.get(segment.pk, 0)
        line = SegmentLine(segment, req.floor, req.standard, count, rules.status(req, count))
        lines.append(line)
        totals.add(line)
        by_township.setdefault(segment.township_id, Totals()).add(line)
        by_county.setdefault(segment.township.county_id, Totals()).add(line)
    return StaffingReport(on=on, lines=lines, totals=totals, by_township=by_township, by_county=by_county)
