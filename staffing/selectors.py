"""Reads for staffing: who is assigned where, and the staffing report of SPEC §3."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.scope import require_place_in_scope, scope_filter, sees_everything

# The roster's one read of a higher app: a renewing incumbent's age limit depends on their assessed months
# (第四条(二)). assessments.outcomes reads only assessment rows, never this module, so nothing loops back.
from assessments.outcomes import is_excellent
from config.api import updated_after
from rivers.models import County, Segment, Township, Village, WaterBody
from rivers.selectors import segments_visible_to
from staffing import rules
from staffing.models import Applicant, Assignment, AuditEntry, Contract, Patroller, RosterChange, RosterFiling, Vacancy


def segment_ids_assigned_to(*, user) -> list[int]:
    """Segments a patroller user holds now or from a signed renewal on: assignments not ended before today."""
    if not getattr(user, "is_authenticated", False) or user.role != Role.PATROLLER:
        return []
    today = timezone.localdate()
    return list(
        Assignment.objects.filter(patroller__user=user)
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .values_list("segment_id", flat=True)
        .distinct()
    )


def actual_patrollers(*, segment_ids: list[int], on: date) -> dict[int, int]:
    """Active patrollers per segment on a date: an assignment covering the date under a contract in force.

    One query. A long list of segments (a city report) is counted over all segments and picked here, so that
    the query never runs into the database's limit on parameters.
    """
    if not segment_ids:
        return {}
    rows = Assignment.objects.filter(_in_force_on(on))
    wanted = set(segment_ids)
    if len(wanted) <= 500:
        rows = rows.filter(segment_id__in=wanted)
    counts = rows.values("segment_id").annotate(n=Count("patroller_id", distinct=True)).order_by()
    return {row["segment_id"]: row["n"] for row in counts if row["segment_id"] in wanted}


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


# --- the roster (SPEC §4) ----------------------------------------------------------------------------------------


def contract_in_force_q(on: date, *, prefix: str = "") -> Q:
    """Contracts in force on `on`: started, not past their end, and not ended early on or before that day.

    The one "in force" rule of the roster, in its database form (`rules.last_day_in_force` is the same rule for a
    contract in hand): a person dismissed or resigning on day D (`terminated_on` = D) is in force up to D − 1 and
    not on D — not counted as staff, no log accepted for D. `prefix` reaches the contract through a relation
    ("contract__" from an assignment).
    """
    return Q(**{f"{prefix}start__lte": on, f"{prefix}end__gte": on}) & (
        Q(**{f"{prefix}terminated_on__isnull": True}) | Q(**{f"{prefix}terminated_on__gt": on})
    )


def contract_covers_q(first: date, last: date, *, prefix: str = "") -> Q:
    """Contracts in force on at least one day from `first` to `last` (the same rule as `contract_in_force_q`).

    A contract ended on or before its start (a renewal cancelled by a dismissal) covers no day and is left out.
    """
    return Q(**{f"{prefix}start__lte": last, f"{prefix}end__gte": first}) & (
        Q(**{f"{prefix}terminated_on__isnull": True})
        | (Q(**{f"{prefix}terminated_on__gt": first}) & Q(**{f"{prefix}terminated_on__gt": F(f"{prefix}start")}))
    )


def contracts_in_force_between(first: date, last: date) -> QuerySet[Contract]:
    """Contracts in force on at least one day from `first` to `last` (`contract_covers_q`): one ended early on day
    D counts up to D − 1; one cancelled before it began (ended on or before its start) covers no day at all. Every
    period read (the month's population, the phone's month, renewals) starts here."""
    return Contract.objects.filter(contract_covers_q(first, last))


def _in_force_on(on: date) -> Q:
    """Assignments covering `on` under a contract in force that day (started, not past its end, not ended early)."""
    return Q(start__lte=on) & (Q(end__isnull=True) | Q(end__gte=on)) & contract_in_force_q(on, prefix="contract__")


def manages(user, patroller: Patroller) -> bool:
    """The office that hired the person manages them (谁聘用谁管理): only it sees ID number and phone in full."""
    if not getattr(user, "is_authenticated", False):
        return False
    if patroller.hiring_level == Patroller.HiringLevel.TOWNSHIP:
        return user.role == Role.TOWNSHIP_OFFICE and user.township_id == patroller.hiring_township_id
    return user.role == Role.COUNTY_OFFICE and user.county_id == patroller.hiring_county_id


def may_act_in_township(user, township: Township) -> bool:
    """Township office of `township`, or the county office above it: vacancies, applicants, roster filing."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role == Role.TOWNSHIP_OFFICE:
        return user.township_id == township.pk
    return user.role == Role.COUNTY_OFFICE and user.county_id == township.county_id


def id_number_for(user, patroller: Patroller) -> str:
    return patroller.id_number if manages(user, patroller) else rules.mask_id_number(patroller.id_number)


def managing_office(patroller: Patroller) -> str:
    """The office that hired and manages the person, by name ("丰庆路街道河长办"). Needs hiring_township /
    hiring_county loaded (the roster selectors do)."""
    if patroller.hiring_level == Patroller.HiringLevel.TOWNSHIP and patroller.hiring_township is not None:
        return _("%(place)s河长办") % {"place": patroller.hiring_township.name}
    if patroller.hiring_county is not None:
        return _("%(place)s河长办") % {"place": patroller.hiring_county.name}
    return str(_("聘用该巡察员的河长办"))


def masked_because(user, patroller: Patroller) -> str:
    """Why `user` sees the ID number and phone of `patroller` masked, naming the office that manages the person
    ("" when they see them in full)."""
    if manages(user, patroller):
        return ""
    return _("该巡察员由%(office)s聘用和管理（谁聘用谁管理），完整的身份证号和手机号码只有该河长办能看到。") % {
        "office": managing_office(patroller)
    }


def phone_for(user, patroller: Patroller) -> str:
    return patroller.phone if manages(user, patroller) else rules.mask_phone(patroller.phone)


def _active_assignments(queryset=None) -> Prefetch:
    queryset = queryset if queryset is not None else Assignment.objects.filter(end__isnull=True)
    return Prefetch(
        "assignments", queryset=queryset.select_related("segment__water_body"), to_attr="active_assignments"
    )


def patrollers_visible_to(user) -> QuerySet[Patroller]:
    """Offices by place; a village chief the patrollers on segments through their village; a patroller self."""
    own = None
    if user.is_authenticated and user.role == Role.PATROLLER:
        own = Q(user_id=user.pk)
    elif user.is_authenticated and user.role == Role.VILLAGE_CHIEF:
        today = timezone.localdate()
        on_village = Assignment.objects.filter(patroller=OuterRef("pk"), segment__villages=user.village_id).filter(
            Q(end__isnull=True) | Q(end__gte=today)
        )
        own = Q(Exists(on_village))
    # hiring_county is always the county of the roster township, so counties need no join.
    return scope_filter(Patroller.objects.all(), user, county="hiring_county_id", township="township_id", own=own)


def _with_roster_details(queryset: QuerySet[Patroller]) -> QuerySet[Patroller]:
    return queryset.select_related(
        "residence_village", "township__county", "hiring_county", "hiring_township"
    ).prefetch_related(_active_assignments())


def patroller_list(*, user, filters: dict | None = None) -> QuerySet[Patroller]:
    """The roster in scope, two queries whatever its length (rows, then their active assignments)."""
    filters = filters or {}
    qs = patrollers_visible_to(user)
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("township"):
        qs = qs.filter(township_id=filters["township"])
    if filters.get("county"):
        qs = qs.filter(hiring_county_id=filters["county"])
    if filters.get("segment"):
        qs = qs.filter(
            Exists(Assignment.objects.filter(patroller=OuterRef("pk"), end__isnull=True, segment_id=filters["segment"]))
        )
    if filters.get("q"):
        # Names only: `q` comes from query strings, which end up in URLs, browser history and access logs, so an
        # ID number is never looked up through it (SPEC §4 personal data).
        qs = qs.filter(name__icontains=filters["q"].strip())
    if filters.get("updated_since"):
        return _with_roster_details(qs.filter(updated_after(filters))).order_by("updated_at", "id")
    return _with_roster_details(qs).order_by("township__code", "name", "id")


def patroller_get(*, user, pk: int) -> Patroller:
    try:
        return _with_roster_details(patrollers_visible_to(user)).get(pk=pk)
    except Patroller.DoesNotExist:
        raise Http404 from None


def current_segment(patroller: Patroller) -> Segment | None:
    """The segment of the active assignment, read from the list prefetched by the roster selectors."""
    assignments = getattr(patroller, "active_assignments", None)
    if assignments is None:
        assignments = list(patroller.assignments.filter(end__isnull=True).select_related("segment__water_body"))
    return assignments[0].segment if assignments else None


def patroller_of(user) -> Patroller | None:
    if not getattr(user, "is_authenticated", False) or user.role != Role.PATROLLER:
        return None
    return Patroller.objects.filter(user=user).first()


def contracts_of(*, patroller: Patroller) -> QuerySet[Contract]:
    return patroller.contracts.select_related("segment__water_body", "segment__township").order_by("start", "id")


def assignments_of(*, patroller: Patroller) -> QuerySet[Assignment]:
    return patroller.assignments.select_related("segment__water_body", "contract").order_by("start", "id")


def assignment_on(*, patroller: Patroller, on: date) -> Assignment | None:
    """The assignment covering `on` under a contract in force that day (a patrol log's date must have one)."""
    return (
        Assignment.objects.filter(_in_force_on(on), patroller=patroller)
        .select_related("segment__water_body", "contract")
        .order_by("-start")
        .first()
    )


def contract_in_force(*, patroller: Patroller, on: date) -> Contract | None:
    """The contract of `patroller` in force on `on` (`contract_in_force_q`), or None."""
    return patroller.contracts.filter(contract_in_force_q(on)).select_related("segment__township").first()


def patroller_summary(*, user) -> dict[str, Any] | None:
    """The caller's own patroller record and the segment they patrol today (or their active assignment's), for
    `GET /api/v1/me/`. None for every other role and for a patroller login not linked to a roster record yet."""
    patroller = patroller_of(user)
    if patroller is None:
        return None
    assignment = assignment_on(patroller=patroller, on=timezone.localdate())
    segment = assignment.segment if assignment else current_segment(patroller)
    brief = {"id": segment.pk, "name": segment.name, "water_body": segment.water_body.name} if segment else None
    return {"id": patroller.pk, "name": patroller.name, "segment": brief}


def is_excellent_incumbent(patroller: Patroller, on: date) -> bool:
    """Whether a renewing incumbent performed excellently (第四条(二)): they may then be hired up to 55.

    SPEC §4: no failing month and an average final score ≥ 85 over the previous 12 assessed months, which the
    monthly assessments answer (`assessments.outcomes.is_excellent`, the roster's one read of a higher app).
    """
    return is_excellent(patroller=patroller, on=on)


def eligibility(*, patroller: Patroller, segment: Segment, start: date) -> list[tuple[str, str]]:
    """The 第四条 failures of `patroller` for a contract on `segment` from `start`; empty when eligible."""
    renewing = (
        patroller.contracts.filter(end=start - timedelta(days=1)).exclude(status=Contract.Status.TERMINATED).exists()
    )
    village = Village.objects.select_related("township").get(pk=patroller.residence_village_id)
    segment_county_id = Township.objects.values_list("county_id", flat=True).get(pk=segment.township_id)
    return rules.eligibility_failures(
        birth_date=patroller.birth_date,
        on=start,
        criminal_record=patroller.criminal_record,
        healthy=patroller.healthy,
        residence_township_id=village.township_id,
        residence_county_id=village.township.county_id,
        segment_township_id=segment.township_id,
        segment_county_id=segment_county_id,
        residence_scope=settings.RIVER.get("RESIDENCE_SCOPE", rules.RESIDENCE_TOWNSHIP),
        excellent_incumbent=renewing and is_excellent_incumbent(patroller, start),
    )


def recent_dismissals(*, patroller_ids: list[int], on: date) -> dict[int, date]:
    """{patroller id: their latest dismissal day} for those dismissed within the 12 months up to `on`
    (`rules.dismissed_recently`). One query."""
    if not patroller_ids:
        return {}
    rows = RosterChange.objects.filter(
        patroller_id__in=patroller_ids,
        kind=RosterChange.Kind.DISMISSAL,
        date__gte=rules.anniversary(on, -1),
        date__lte=on,
    ).values_list("patroller_id", "date")
    found: dict[int, date] = {}
    for patroller_id, day in rows:
        if rules.dismissed_recently(dismissed_on=day, on=on):
            found[patroller_id] = max(day, found.get(patroller_id, day))
    return found


def previously_dismissed_message(day: date) -> str:
    return str(_("该人员于%(day)s被辞退(近12个月内)，请在聘用前核实原因。")) % {"day": day.isoformat()}


def eligibility_notices(*, patroller: Patroller, start: date) -> list[tuple[str, str]]:
    """Notes on a hire from `start` that do not block it, as (code, message): `previously_dismissed` for someone
    dismissed within the 12 months before the start (SPEC §4 with 第六条 择优: the office weighs it)."""
    dismissed = recent_dismissals(patroller_ids=[patroller.pk], on=start).get(patroller.pk)
    return [("previously_dismissed", previously_dismissed_message(dismissed))] if dismissed else []


def recruitment_weights() -> tuple[int, int]:
    """(exam, interview) weights of an applicant's total, in percent, from RIVER["APPLICANT_WEIGHTS"] (50/50)."""
    weights = settings.RIVER.get("APPLICANT_WEIGHTS", {})
    exam = weights.get("exam", rules.DEFAULT_APPLICANT_WEIGHTS[0])
    interview = weights.get("interview", rules.DEFAULT_APPLICANT_WEIGHTS[1])
    problem = rules.applicant_weights_problem(exam, interview)
    if problem:
        raise ImproperlyConfigured(f'RIVER["APPLICANT_WEIGHTS"]: {problem}')
    return exam, interview


def why_not_hireable(applicant: Applicant, *, segment: Segment, start: date) -> str:
    """Why an applicant cannot be hired onto `segment` from `start` (already on duty, or not eligible under 第四条
    that day), or "" when they can. Passing over such an applicant needs no reason from the office."""
    if applicant.patroller.status == Patroller.Status.ACTIVE:
        return str(_("已在岗，不能聘用。"))
    failures = eligibility(patroller=applicant.patroller, segment=segment, start=start)
    if failures:
        joined = str(_("；")).join(message for _code, message in failures)
        return str(_("不符合聘用条件：%(failures)s")) % {"failures": joined}
    return ""


def applicants_ranked_above(applicant: Applicant) -> list[Applicant]:
    """The vacancy's applicants ranked before `applicant` (ties stand together), best first."""
    others = applicant.vacancy.applicants.select_related("patroller__residence_village").exclude(pk=applicant.pk)
    above = [other for other in others if rules.ranks_above(other.rank, applicant.rank)]
    return sorted(above, key=lambda other: (other.rank, other.pk))


def vacancies_visible_to(user) -> QuerySet[Vacancy]:
    return scope_filter(
        Vacancy.objects.all(), user, county="segment__township__county_id", township="segment__township_id"
    )


def vacancy_list(*, user, filters: dict | None = None) -> QuerySet[Vacancy]:
    filters = filters or {}
    qs = vacancies_visible_to(user)
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("township"):
        qs = qs.filter(segment__township_id=filters["township"])
    if filters.get("segment"):
        qs = qs.filter(segment_id=filters["segment"])
    return (
        qs.select_related("segment__water_body", "segment__township", "filled_by", "vacated_by")
        .annotate(applicant_count=Count("applicants"))
        .order_by("-opened_on", "-id")
    )


def vacancy_get(*, user, pk: int) -> Vacancy:
    try:
        return vacancy_list(user=user).get(pk=pk)
    except Vacancy.DoesNotExist:
        raise Http404 from None


def vacancy_ranking(*, vacancy: Vacancy, on: date | None = None) -> list[Applicant]:
    """Ranked applicants first (1, 2, 2, 4 …), then those still waiting for a score. Each carries `dismissed_on`:
    the day of a dismissal within the 12 months up to `on` (default today), else None. Two queries."""
    applicants = list(vacancy.applicants.select_related("patroller__residence_village"))
    dismissed = recent_dismissals(patroller_ids=[a.patroller_id for a in applicants], on=on or timezone.localdate())
    for applicant in applicants:
        applicant.dismissed_on = dismissed.get(applicant.patroller_id)
    return sorted(applicants, key=lambda a: (a.rank is None, a.rank or 0, a.pk))


def roster_changes(*, user, township: int | None = None, unfiled: bool | None = None) -> QuerySet[RosterChange]:
    """Roster changes in scope, oldest first."""
    qs = scope_filter(RosterChange.objects.all(), user, county="township__county_id", township="township_id")
    if township:
        qs = qs.filter(township_id=township)
    if unfiled is not None:
        qs = qs.filter(filing__isnull=unfiled)
    return qs.select_related("patroller", "township", "contract__segment", "filing").order_by("date", "id")


def unfiled_changes(*, user, township: int | None = None) -> QuerySet[RosterChange]:
    """Changes not yet filed to the upper office (备案), oldest first."""
    return roster_changes(user=user, township=township, unfiled=True)


def roster_filings(*, user, township: int | None = None) -> QuerySet[RosterFiling]:
    qs = scope_filter(RosterFiling.objects.all(), user, county="township__county_id", township="township_id")
    if township:
        qs = qs.filter(township_id=township)
    return qs.select_related("township", "filed_by").order_by("-filed_at", "-id")


def township_roster(*, township: Township, on: date) -> list[Patroller]:
    """Who is on the township's roster on `on`: each row's `active_assignments` holds the assignment in force
    that day, with its segment and contract."""
    in_force = Assignment.objects.filter(_in_force_on(on))
    return list(
        Patroller.objects.filter(township=township)
        .filter(Exists(in_force.filter(patroller=OuterRef("pk"))))
        .select_related("residence_village", "township")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=in_force.select_related("segment__water_body", "contract"),
                to_attr="active_assignments",
            )
        )
        .order_by("name", "id")
    )


def vacancy_history(*, vacancy: Vacancy) -> QuerySet[AuditEntry]:
    """What was done with a vacancy (the hire, with every better-ranked applicant passed over and why)."""
    return audit_entries(entity="vacancy", entity_id=vacancy.pk)


def audit_entries(*, entity: str, entity_id: int) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(entity=entity, entity_id=entity_id).select_related("user").order_by("at", "id")


# --- staffing sums per place (dashboards) --------------------------------------------------------------------------


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
        Assignment.objects.filter(_in_force_on(on), **{f"segment__{k}": v for k, v in place.items()})
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
