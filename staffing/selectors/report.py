"""The staffing report of SPEC §3: per segment (a small reservoir once, in the township of its dam), with sums
per township and county, in a fixed number of queries whatever the size."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.scope import require_place_in_scope, sees_everything
from rivers.models import County, Segment, Township, WaterBody
from rivers.selectors import segments_visible_to
from staffing import rules
from staffing.selectors.contracts import (
    actual_patrollers,
)


@dataclass
class SegmentLine:
    """One segment of the report.

    `floor`, `standard`, `actual` and `status` are those of the staffing unit the segment belongs to: the segment
    itself, or — for a segment of a small reservoir — the whole reservoir (`reservoir`), whose 2 patrollers may
    work on any of its segments (第三条 "小型水库按每个2名配备"). `segment_actual` counts this segment's own.
    """

    segment: Segment
    village_count: int
    floor: int | None
    standard: int | None
    actual: int
    status: rules.Status
    segment_actual: int = 0
    reservoir: "ReservoirLine | None" = None

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def kind_label(self) -> str:
        """河流, 湖泊, or 水库(小(1)型) with the size class that decides the rule."""
        body = self.segment.water_body
        if body.size_class:
            return f"{body.get_kind_display()}({body.get_size_class_display()})"
        return str(body.get_kind_display())

    @property
    def basis_label(self) -> str:
        """Which rule of 第三条 gives the numbers of this segment."""
        body = self.segment.water_body
        if body.kind == WaterBody.Kind.RIVER:
            return str(self.segment.get_basis_display())
        if body.is_small_reservoir:
            return str(_("小型水库(每座2名)"))
        return str(_("河长办核定"))

    @property
    def counted_in(self) -> Township:
        """The township whose sums hold this segment's requirement and patrollers."""
        return self.reservoir.counted_in if self.reservoir is not None else self.segment.township

    @property
    def is_unit(self) -> bool:
        """Whether the segment is a staffing unit of its own (not a part of a small reservoir's)."""
        return self.reservoir is None


@dataclass
class ReservoirPart:
    """One segment of a small reservoir with the patrollers on it; `in_report`: inside the report's scope."""

    segment: Segment
    actual: int
    in_report: bool


@dataclass
class ReservoirLine:
    """A small reservoir, counted once with its requirement of 2 and the patrollers of all its segments, in the
    township that holds its dam (`rules.reservoir_township`)."""

    water_body: WaterBody
    parts: list[ReservoirPart]
    counted_in: Township
    dam_recorded: bool  # False: split across townships and the dam's township not recorded (provisional)
    floor: int
    standard: int
    actual: int
    status: rules.Status

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def kind_label(self) -> str:
        return f"{self.water_body.get_kind_display()}({self.water_body.get_size_class_display()})"

    @property
    def basis_label(self) -> str:
        return str(_("小型水库(每座2名)"))

    @property
    def townships(self) -> list[Township]:
        """The townships its segments lie in, in register order."""
        return list({part.segment.township_id: part.segment.township for part in self.parts}.values())

    @property
    def shared(self) -> bool:
        """Split across townships: the case the dam's township decides."""
        return len(self.townships) > 1

    @property
    def counted_in_reason(self) -> str:
        """Why the reservoir counts in `counted_in`."""
        if not self.shared:
            return str(_("水库在一个乡镇(街道)内"))
        if self.dam_recorded:
            return str(_("坝址所在乡镇(街道)"))
        return str(_("坝址未登记，暂计入第一个河段所在乡镇(街道)"))

    @property
    def segments(self) -> list[Segment]:
        return [part.segment for part in self.parts]

    @property
    def is_unit(self) -> bool:
        return True


@dataclass
class Totals:
    """Sums of a place. `floor`, `standard`, `actual` and `by_status` count staffing units (a segment; a small
    reservoir once, in the township holding its dam); `segments` counts the place's own segments."""

    floor: int = 0
    standard: int = 0
    actual: int = 0
    segments: int = 0
    by_status: Counter = field(default_factory=Counter)

    def add(self, line: "SegmentLine | ReservoirLine") -> None:
        """Add a staffing unit's numbers (not its segments: `add_segment`)."""
        self.floor += line.floor or 0
        self.standard += line.standard or 0
        self.actual += line.actual
        self.by_status[line.status] += 1

    def add_segment(self) -> None:
        self.segments += 1

    def status_counts(self) -> list[tuple[rules.Status, int]]:
        """Every status in a fixed order, zeros included (tables need the same columns on every row)."""
        return [(status, self.by_status.get(status, 0)) for status in rules.Status]

    def as_dict(self) -> dict:
        return {
            "floor": self.floor,
            "standard": self.standard,
            "actual": self.actual,
            "segments": self.segments,
            "by_status": {status.value: count for status, count in self.status_counts()},
        }


@dataclass
class PlaceTotals:
    """The sums of one township or county."""

    place: Township | County
    totals: Totals


@dataclass
class StaffingReport:
    on: date
    lines: list[SegmentLine]
    totals: Totals
    by_township: list[PlaceTotals]
    by_county: list[PlaceTotals]
    county: County | None = None  # the place the report is narrowed to, if any
    township: Township | None = None
    reservoirs: list[ReservoirLine] = field(default_factory=list)  # every small reservoir with a segment here

    @property
    def scope_label(self) -> str:
        if self.township is not None:
            return f"{self.township.county.name} {self.township.name}"
        if self.county is not None:
            return self.county.name
        return str(_("郑州市"))

    @property
    def undetermined(self) -> list[SegmentLine]:
        """Segments waiting for their office to set a number (lakes, large and medium reservoirs)."""
        return [line for line in self.lines if line.status == rules.Status.UNDETERMINED]

    @property
    def units(self) -> list["SegmentLine | ReservoirLine"]:
        """The report's staffing units in display order: each segment, a small reservoir once (where its first
        segment in the report stands)."""
        units: list[SegmentLine | ReservoirLine] = []
        shown: set[int] = set()
        for line in self.lines:
            if line.reservoir is None:
                units.append(line)
            elif line.reservoir.water_body.pk not in shown:
                shown.add(line.reservoir.water_body.pk)
                units.append(line.reservoir)
        return units

    @property
    def shared_reservoirs(self) -> list[ReservoirLine]:
        """Small reservoirs split across townships (counted once, in the township of the dam)."""
        return [reservoir for reservoir in self.reservoirs if reservoir.shared]

    @property
    def dam_missing(self) -> list[ReservoirLine]:
        """Small reservoirs split across townships whose dam township the register does not say yet."""
        return [reservoir for reservoir in self.reservoirs if not reservoir.dam_recorded]

    def counts_here(self, township: Township) -> bool:
        """Whether a unit counted in `township` belongs to this report's sums."""
        if self.township is not None:
            return township.pk == self.township.pk
        if self.county is not None:
            return township.county_id == self.county.pk
        return True


def requirement_of(segment: Segment, village_count: int) -> rules.Requirement:
    body = segment.water_body
    return _requirement(
        body.kind, body.size_class, segment.length_km, segment.basis, village_count, segment.required_patrollers
    )


@lru_cache(maxsize=4096)
def _requirement(
    kind: str, size_class: str, length_km, basis: str, village_count: int, required: int | None
) -> rules.Requirement:
    """The rule of 第三条 for a segment's values (cached: a city's segments share a few thousand combinations)."""
    return rules.requirement(
        kind=kind,
        size_class=size_class,
        length_km=length_km,
        village_basis=basis == Segment.Basis.VILLAGE,
        village_count=village_count,
        required=required,
    )


def report_places(
    *, user, county: int | None = None, township: int | None = None
) -> tuple[County | None, Township | None]:
    """The county and township a user's report covers: the ones asked for, narrowed to the user's own place.

    A place that does not exist or lies outside the user's scope raises Http404 (API.md: outside scope is 404).
    """
    require_place_in_scope(user, county_id=county, township_id=township)
    if not sees_everything(user):
        # A township office's report never covers more than its township, a county office's its county,
        # so that the report says what it really covers.
        if user.role == Role.TOWNSHIP_OFFICE:
            township = user.township_id
        elif user.role == Role.COUNTY_OFFICE and county is None:
            county = user.county_id
    if township:
        place = Township.objects.select_related("county").get(pk=township)
        return place.county, place
    if county:
        return County.objects.get(pk=county), None
    return None, None


def staffing_report(*, user, on: date, county: int | None = None, township: int | None = None) -> StaffingReport:
    """The report as `user` may see it, narrowed to a county or township id inside their scope (else Http404)."""
    county_place, township_place = report_places(user=user, county=county, township=township)
    return _build_report(segments_visible_to(user), on=on, county=county_place, township=township_place)


def city_staffing_report(*, on: date, county: County | None = None, township: Township | None = None) -> StaffingReport:
    """The whole city, or one county or township of it, with no user: for management commands only.

    Requests always go through `staffing_report`, which applies the caller's scope.
    """
    if township is not None and county is not None and township.county_id != county.pk:
        raise ValueError("the township does not lie in the county")
    if township is not None and county is None:
        county = township.county
    return _build_report(Segment.objects.all(), on=on, county=county, township=township)


def _village_count() -> Coalesce:
    """Villages along each segment, as a subquery so a scope filter joining villages cannot shrink the count."""
    through = Segment.villages.through
    per_segment = (
        through.objects.filter(segment_id=OuterRef("pk")).values("segment_id").annotate(n=Count("pk")).values("n")
    )
    return Coalesce(Subquery(per_segment), 0)


def _small_reservoir_segments(body_ids: set[int]) -> list[Segment]:
    """Every segment of these small reservoirs, in and out of the report: their patrollers count together.

    One query. A long list (a city report) reads every small reservoir's segments instead, so that the query never
    runs into the database's limit on parameters."""
    segments = Segment.objects.select_related("water_body", "township__county").defer("geometry").order_by("code")
    if len(body_ids) <= 500:
        return list(segments.filter(water_body_id__in=body_ids))
    return [
        segment
        for segment in segments.filter(
            water_body__kind=WaterBody.Kind.RESERVOIR, water_body__size_class__in=WaterBody.SMALL_RESERVOIR_CLASSES
        )
        if segment.water_body_id in body_ids
    ]


def _reservoir_lines(
    rows: list[Segment], every_segment: list[Segment], actual: dict[int, int]
) -> dict[int, ReservoirLine]:
    """One line per small reservoir with a segment in `rows`: 2 in all, the patrollers of all its segments
    (`every_segment`: those of `_small_reservoir_segments`)."""
    in_report = {segment.pk for segment in rows}
    bodies = {segment.water_body_id: segment.water_body for segment in rows if segment.water_body.is_small_reservoir}
    parts: dict[int, list[ReservoirPart]] = {pk: [] for pk in bodies}
    for segment in every_segment:
        parts[segment.water_body_id].append(ReservoirPart(segment, actual.get(segment.pk, 0), segment.pk in in_report))
    lines = {}
    for pk, body in bodies.items():
        township_id, recorded = rules.reservoir_township(
            dam_township_id=body.dam_township_id,
            segment_township_ids=[part.segment.township_id for part in parts[pk]],
        )
        counted_in = next(part.segment.township for part in parts[pk] if part.segment.township_id == township_id)
        req = rules.requirement(kind=body.kind, size_class=body.size_class)
        total = sum(part.actual for part in parts[pk])
        lines[pk] = ReservoirLine(
            water_body=body,
            parts=parts[pk],
            counted_in=counted_in,
            dam_recorded=recorded,
            floor=req.floor,
            standard=req.standard,
            actual=total,
            status=rules.status(req, total),
        )
    return lines


def _build_report(
    segments: QuerySet[Segment], *, on: date, county: County | None, township: Township | None
) -> StaffingReport:
    """The numbers, in one code path for every caller, in a fixed number of queries whatever the size: the
    segments with their water bodies, places and village counts; when small reservoirs are among them, every
    segment of those reservoirs (some may lie outside the report); then the actual patrollers of all of them."""
    # Geometry can be large and no form of the report shows it.
    segments = segments.select_related("water_body", "township__county").defer("geometry")
    if county is not None:
        segments = segments.filter(township__county_id=county.pk)
    if township is not None:
        segments = segments.filter(township_id=township.pk)
    rows = list(
        segments.annotate(village_count=_village_count()).order_by("township__county__code", "township__code", "code")
    )
    small = {segment.water_body_id for segment in rows if segment.water_body.is_small_reservoir}
    reservoir_segments = _small_reservoir_segments(small) if small else []
    actual = actual_patrollers(segment_ids=list({*(s.pk for s in rows), *(s.pk for s in reservoir_segments)}), on=on)
    reservoirs = _reservoir_lines(rows, reservoir_segments, actual)

    report = StaffingReport(
        on=on, lines=[], totals=Totals(), by_township=[], by_county=[], county=county, township=township
    )
    by_township: dict[int, PlaceTotals] = {}
    by_county: dict[int, PlaceTotals] = {}

    def place_totals(place: Township) -> tuple[Totals, Totals]:
        # Rows come ordered by county and township code, so insertion order is the display order.
        township_totals = by_township.setdefault(place.pk, PlaceTotals(place, Totals())).totals
        county_totals = by_county.setdefault(place.county_id, PlaceTotals(place.county, Totals())).totals
        return township_totals, county_totals

    for segment in rows:
        own = actual.get(segment.pk, 0)
        reservoir = reservoirs.get(segment.water_body_id)
        if reservoir is not None:
            line = SegmentLine(
                segment, segment.village_count, reservoir.floor, reservoir.standard, reservoir.actual,
                reservoir.status, segment_actual=own, reservoir=reservoir,
            )  # fmt: skip
        else:
            req = requirement_of(segment, segment.village_count)
            line = SegmentLine(
                segment, segment.village_count, req.floor, req.standard, own, rules.status(req, own), segment_actual=own
            )
        report.lines.append(line)
        for totals in (report.totals, *place_totals(segment.township)):
            totals.add_segment()
        if line.is_unit:
            for totals in (report.totals, *place_totals(segment.township)):
                totals.add(line)
    for reservoir in reservoirs.values():
        if report.counts_here(reservoir.counted_in):
            for totals in (report.totals, *place_totals(reservoir.counted_in)):
                totals.add(reservoir)
    report.reservoirs = list(reservoirs.values())
    report.by_township = list(by_township.values())
    report.by_county = list(by_county.values())
    return report
