"""Reads of assessments, flags, corrections, spot checks and supervision reports, always through the caller's
scope (accounts.scope), plus the month facts behind the suggested scores.

The facts of a whole township (or county) month come from a fixed number of aggregate queries whatever the
number of patrollers: the contracts of the month, one GROUP BY over the patrol logs, one over the supervision
reports (see `month_facts`).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.fields.json import KT
from django.db.models.lookups import In
from django.http import Http404
from django.utils.translation import gettext, gettext_lazy

from accounts.models import Role
from accounts.scope import scope_filter
from assessments import rules
from assessments.models import (
    Assessment,
    AssessmentChange,
    Correction,
    DismissalFlag,
    SpotCheckDraw,
    SupervisionReport,
)
from patrol import rules as patrol_rules
from patrol.models import PatrolLog, Photo
from staffing import rules as staffing_rules
from staffing import selectors as staffing_selectors
from staffing.models import Assignment, Patroller

# --- the month's population and facts --------------------------------------------------------------------------


@dataclass
class MonthRow:
    """A patroller under contract in the month, where (their contract's township) and the facts of the month."""

    patroller_id: int
    township_id: int
    county_id: int
    facts: rules.MonthFacts


def _json_has(field: str, code: str) -> Q:
    """A JSON list field holding `code`: containment (`@>`) where the database has it (PostgreSQL), else a text
    match on the stored list (SQLite): the codes never contain one another, so the match is exact."""
    if connection.features.supports_json_field_contains:
        return Q(**{f"{field}__contains": [code]})
    return Q(**{f"{field}__icontains": code})


def _problem_found() -> Q:
    """A log that found at least one problem: a check value other than normal/clean/fair/intact (SPEC §5).

    Compared as text (`checks ->> 'code'`): PostgreSQL compares the jsonb form (`checks -> 'code'`) about three
    times slower, and this runs several times per log of the month."""
    condition = Q()
    for code, (_label, values) in patrol_rules.CHECKS.items():
        bad = [value for value in values if value not in patrol_rules.OK_VALUES]
        condition |= Q(In(KT(f"checks__{code}"), bad))
    return condition


# Actions that deal with a problem on the spot or pass it on (mediating the dispute behind it too); `outreach`
# alone does not.
HANDLING_ACTIONS = ("stopped", patrol_rules.ESCALATED, "cleaned", "assisted_enforcement", patrol_rules.MEDIATION)


def _log_aggregates(*, patroller_ids: list[int] | None, first: date, last: date) -> dict[int, dict[str, int]]:
    """The month's log facts of the given patrollers (None: of everyone — the whole city), one GROUP BY query.

    Restricted by the literal patroller ids, so PostgreSQL reads only their logs through a patroller index; for
    the whole city it reads the month's logs in one pass instead of looking up tens of thousands of ids. A
    log's flagged photos are found through the partial index patrol.photo_flagged_log_idx (flagged photos only):
    PostgreSQL either probes it per log or hashes it once, both cheap; without it, it hashed a sequential scan of
    every photo of the database for each township.
    """
    logs = PatrolLog.objects.filter(date__gte=first, date__lte=last)
    if patroller_ids is not None:
        logs = logs.filter(patroller_id__in=patroller_ids)
    problem = _problem_found()
    handled = Q()
    for code in HANDLING_ACTIONS:
        handled |= _json_has("actions", code)
    escalated = _json_has("actions", patrol_rules.ESCALATED)
    on_time = timedelta(hours=int(settings.RIVER.get("ESCALATION_ON_TIME_HOURS", 24)))
    flagged_photo = Photo.objects.filter(log=OuterRef("pk")).exclude(flags=[])
    rows = (
        logs.order_by()
        .values("patroller_id")
        .annotate(
            logs=Count("id"),
            days_patrolled=Count("date", distinct=True),
            days_unhandled=Count("date", distinct=True, filter=problem & ~handled),
            logs_flagged=Count("id", filter=~Q(flags=[]) | Q(Exists(flagged_photo))),
            problem_logs=Count("id", filter=problem),
            problem_logs_with_evidence=Count("id", filter=problem & ~_json_has("flags", patrol_rules.EVIDENCE_MISSING)),
            escalations=Count("id", filter=escalated),
            escalations_on_time=Count("id", filter=escalated & Q(created_at__lte=F("ended_at") + on_time)),
        )
        .values_list(*_LOG_FACTS)
    )
    return {row[0]: dict(zip(_LOG_FACTS[1:], row[1:], strict=True)) for row in rows}


_LOG_FACTS = (
    "patroller_id",
    "logs",
    "days_patrolled",
    "days_unhandled",
    "logs_flagged",
    "problem_logs",
    "problem_logs_with_evidence",
    "escalations",
    "escalations_on_time",
)


def _supervision_aggregates(*, patroller_ids: list[int] | None, first: date, last: date) -> dict[int, dict[str, int]]:
    reports = SupervisionReport.objects.filter(observed_on__gte=first, observed_on__lte=last)
    if patroller_ids is not None:
        reports = reports.filter(patroller_id__in=patroller_ids)
    rows = (
        reports.order_by()
        .values("patroller_id")
        .annotate(
            supervision_confirmed=Count("id", filter=Q(status=SupervisionReport.Status.CONFIRMED)),
            complaints=Count("id", filter=~Q(status=SupervisionReport.Status.REJECTED)),
        )
        .values_list("patroller_id", "supervision_confirmed", "complaints")
    )
    return {pk: {"supervision_confirmed": confirmed, "complaints": complaints} for pk, confirmed, complaints in rows}


def month_facts(
    *,
    month: date,
    through: date,
    township_id: int | None = None,
    township_ids: list[int] | None = None,
    county_id: int | None = None,
    patroller_ids: list[int] | None = None,
) -> list[MonthRow]:
    """Every patroller under contract in `month` (up to `through`) whose contract's segment lies in the township
    (or any of `township_ids`, or the county), or among `patroller_ids`, with the month's facts, ordered by
    patroller id.

    Three queries whatever the number of patrollers: the contracts, one GROUP BY over the month's patrol logs of
    those patrollers, one over their supervision reports of the month. With no filter at all, every patroller of
    the city: the two GROUP BYs then read the whole month (no list of ids) and keep the patrollers under contract.
    A patroller with contracts in two of the townships (moved mid-month) is placed by the latest contract and
    counted with the days of both.
    """
    last = min(through, rules.month_end(month))
    contracts = staffing_selectors.contracts_in_force_between(month, last)
    if township_id is not None:
        contracts = contracts.filter(segment__township_id=township_id)
    if township_ids is not None:
        contracts = contracts.filter(segment__township_id__in=township_ids)
    if county_id is not None:
        contracts = contracts.filter(segment__township__county_id=county_id)
    if patroller_ids is not None:
        contracts = contracts.filter(patroller_id__in=patroller_ids)
    columns = ("patroller_id", "start", "end", "terminated_on", "segment__township_id", "segment__township__county_id")
    # Read as plain tuples (a city's month is tens of thousands of contracts); the latest contract places the
    # patroller, the first created of two starting the same day.
    contract_rows = list(contracts.order_by("patroller_id", "start", "id").values_list(*columns))

    days: dict[int, int] = defaultdict(int)
    latest: dict[int, tuple] = {}
    for row in contract_rows:
        patroller_id, start, end, terminated_on = row[:4]
        first_day = max(start, month)
        last_day = min(staffing_rules.last_day_in_force(end=end, terminated_on=terminated_on), last)
        if last_day >= first_day:
            days[patroller_id] += (last_day - first_day).days + 1
        current = latest.get(patroller_id)
        if current is None or start > current[1]:
            latest[patroller_id] = row
    if not latest:
        return []

    ids = sorted(latest)
    everyone = township_id is None and township_ids is None and county_id is None and patroller_ids is None
    restrict = None if everyone else ids
    logs = _log_aggregates(patroller_ids=restrict, first=month, last=last)
    reports = _supervision_aggregates(patroller_ids=restrict, first=month, last=rules.month_end(month))
    rows = []
    for patroller_id in ids:
        _pk, _start, _end, _terminated_on, township, county = latest[patroller_id]
        facts = rules.MonthFacts(
            days_under_contract=days[patroller_id],
            **logs.get(patroller_id, {}),
            **reports.get(patroller_id, {}),
        )
        rows.append(MonthRow(patroller_id, township, county, facts))
    return rows


def townships_without_logs(*, township_ids: list[int], month: date) -> set[int]:
    """The townships among `township_ids` that recorded no patrol log at all in `month` (one query, through
    patrol_log_segment_date_idx): finalizing their month needs an explicit, reasoned confirmation (SPEC §6)."""
    if not township_ids:
        return set()
    logged = (
        PatrolLog.objects.filter(
            segment__township_id__in=township_ids, date__gte=month, date__lte=rules.month_end(month)
        )
        .order_by()
        .values_list("segment__township_id", flat=True)
        .distinct()
    )
    return set(township_ids) - set(logged)


def township_has_logs(*, township_id: int, month: date) -> bool:
    return not townships_without_logs(township_ids=[township_id], month=month)


# --- assessments -----------------------------------------------------------------------------------------------


def assessments_visible_to(user) -> QuerySet[Assessment]:
    """Offices by place; a patroller their own FINAL assessments (drafts are the office's work in progress)."""
    own = None
    if user.is_authenticated and user.role == Role.PATROLLER:
        own = Q(patroller__user_id=user.pk, status=Assessment.Status.FINAL)
    return scope_filter(Assessment.objects.all(), user, county="county_id", township="township_id", own=own)


def _with_details(queryset: QuerySet[Assessment]) -> QuerySet[Assessment]:
    return queryset.select_related("patroller", "township", "county", "finalized_by")


def assessment_list(*, user, filters: dict | None = None) -> QuerySet[Assessment]:
    """Filters: `month` (date, the 1st), `township`, `county`, `patroller` (ids), `level`, `status`.
    Ordered by month, township code, patroller name, level (township first). One query."""
    filters = filters or {}
    qs = assessments_visible_to(user)
    for key, lookup in (
        ("month", "month"),
        ("township", "township_id"),
        ("county", "county_id"),
        ("patroller", "patroller_id"),
        ("level", "level"),
        ("status", "status"),
    ):
        if filters.get(key) is not None:
            qs = qs.filter(**{lookup: filters[key]})
    return _with_details(qs).order_by("month", "township__code", "patroller__name", "patroller_id", "-level")


def assessment_get(*, user, pk: int) -> Assessment:
    try:
        return _with_details(assessments_visible_to(user)).get(pk=pk)
    except (Assessment.DoesNotExist, ValueError, OverflowError):
        raise Http404 from None


def assessment_changes(*, assessment: Assessment) -> QuerySet[AssessmentChange]:
    """Every change of one assessment, oldest first (who, when, old, new, why)."""
    return assessment.changes.select_related("user").order_by("at", "id")


def patroller_assessment_history(*, patroller: Patroller) -> QuerySet[AssessmentChange]:
    """Every change of every assessment of a patroller, oldest first (the patroller's page)."""
    return (
        AssessmentChange.objects.filter(assessment__patroller=patroller)
        .select_related("user", "assessment")
        .order_by("at", "id")
    )


def owns(user, assessment: Assessment) -> bool:
    """The office that scores this assessment: the township office for township level, the county office for
    the county spot check."""
    if not getattr(user, "is_authenticated", False):
        return False
    if assessment.level == Assessment.Level.TOWNSHIP:
        return user.role == Role.TOWNSHIP_OFFICE and user.township_id == assessment.township_id
    return user.role == Role.COUNTY_OFFICE and user.county_id == assessment.county_id


# --- corrections -----------------------------------------------------------------------------------------------


def corrections_visible_to(user) -> QuerySet[Correction]:
    return scope_filter(
        Correction.objects.all(), user, county="assessment__county_id", township="assessment__township_id"
    )


def correction_list(*, user, filters: dict | None = None) -> QuerySet[Correction]:
    """Filters `status`, `assessment`, `township`, `month` (the assessment's month, the 1st). Newest first. One
    query, with the assessment, its patroller and township, who asked and who decided."""
    filters = filters or {}
    qs = corrections_visible_to(user)
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("assessment"):
        qs = qs.filter(assessment_id=filters["assessment"])
    if filters.get("township"):
        qs = qs.filter(assessment__township_id=filters["township"])
    if filters.get("month"):
        qs = qs.filter(assessment__month=filters["month"])
    return qs.select_related("assessment__patroller", "assessment__township", "requested_by", "decided_by").order_by(
        "-requested_at", "-id"
    )


def correction_get(*, user, pk: int) -> Correction:
    try:
        return correction_list(user=user).get(pk=pk)
    except (Correction.DoesNotExist, ValueError, OverflowError):
        raise Http404 from None


def may_decide_correction(user, correction: Correction) -> bool:
    """Who approves or rejects (the services refuse anyone else): the county office of the assessment's county,
    or the city office for a correction the county office asked for; never the person who asked."""
    if not getattr(user, "is_authenticated", False) or user.pk == correction.requested_by_id:
        return False
    if correction.approver == Correction.Approver.CITY:
        return user.role == Role.CITY_OFFICE
    return user.role == Role.COUNTY_OFFICE and user.county_id == correction.assessment.county_id


def scores_when_requested(corrections: list[Correction]) -> dict[int, dict]:
    """{correction id: the assessment as it stood when the correction was asked for} (a change snapshot: parts,
    total, grade), one query. A final assessment changes only through an approved correction, one pending at a
    time, so the last finalization or correction at or before the request is also what an approval replaced.
    A correction whose assessment has no such change (rows written outside the services) is left out."""
    if not corrections:
        return {}
    history: dict[int, list[tuple]] = defaultdict(list)
    changes = AssessmentChange.objects.filter(
        assessment_id__in={c.assessment_id for c in corrections},
        action__in=[AssessmentChange.Action.FINALIZE, AssessmentChange.Action.CORRECTION],
    ).order_by("assessment_id", "at", "id")
    for assessment_id, at, new in changes.values_list("assessment_id", "at", "new"):
        history[assessment_id].append((at, new))
    found = {}
    for correction in corrections:
        before = [new for at, new in history[correction.assessment_id] if at <= correction.requested_at and new]
        if before:
            found[correction.pk] = before[-1]
    return found


# --- dismissal flags -------------------------------------------------------------------------------------------


def dismissal_flags_visible_to(user) -> QuerySet[DismissalFlag]:
    return scope_filter(DismissalFlag.objects.all(), user, county="county_id", township="township_id")


def dismissal_flag_list(*, user, filters: dict | None = None) -> QuerySet[DismissalFlag]:
    """Filters `status`, `rule` (any of the flag's rules), `township`, `county`, `patroller`. Newest first. One
    query, with the patroller, township, who confirmed and reinstated, the contracts and the vacancy."""
    filters = filters or {}
    qs = dismissal_flags_visible_to(user)
    for key, lookup in (
        ("status", "status"),
        ("township", "township_id"),
        ("county", "county_id"),
        ("patroller", "patroller_id"),
    ):
        if filters.get(key):
            qs = qs.filter(**{lookup: filters[key]})
    if filters.get("rule"):
        qs = qs.filter(Q(rule=filters["rule"]) | _json_has("rules", filters["rule"]))
    return qs.select_related(
        "patroller",
        "township",
        "confirmed_by",
        "reinstated_by",
        "contract",
        "vacancy__segment",
        "reinstated_contract__segment",
    ).order_by("-raised_at", "-id")


def dismissal_flag_get(*, user, pk: int) -> DismissalFlag:
    try:
        return dismissal_flag_list(user=user).get(pk=pk)
    except (DismissalFlag.DoesNotExist, ValueError, OverflowError):
        raise Http404 from None


def may_dismiss(user, flag: DismissalFlag) -> bool:
    """The township office of the flag's township or the county office above it confirm dismissals (and put back
    a person whose dismissal lost its grounds)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role == Role.TOWNSHIP_OFFICE:
        return user.township_id == flag.township_id
    return user.role == Role.COUNTY_OFFICE and user.county_id == flag.county_id


class Wait(StrEnum):
    """What a month of an open flag still waits for before the flag may be confirmed (SPEC §6, settled months)."""

    COUNTY_DRAFT = "county_draft"  # the county drew the patroller that month and has not finalized its result
    CORRECTION = "correction"  # a correction of the month waits for its decision
    LATE_LOGS = "late_logs"  # the month's late-log window is still open

    @property
    def label(self) -> str:
        return str(WAIT_LABELS[self])


WAIT_LABELS = {
    Wait.COUNTY_DRAFT: gettext_lazy("等待县级抽考"),
    Wait.CORRECTION: gettext_lazy("等待更正审批"),
    Wait.LATE_LOGS: gettext_lazy("等待日志补报期结束"),
}


@dataclass(frozen=True)
class MonthWait:
    month: date
    wait: Wait

    @property
    def message(self) -> str:
        described = {"month": rules.month_text(self.month)}
        if self.wait == Wait.COUNTY_DRAFT:
            return gettext("%(month)s：县级抽考抽中该巡察员，抽考结果尚未定稿，等待县级抽考。") % described
        if self.wait == Wait.CORRECTION:
            return gettext("%(month)s：有待审批的考核更正申请，等待更正审批。") % described
        last = rules.settles_on(self.month) - timedelta(days=1)
        return gettext("%(month)s：巡查日志可补报至%(last)s，等待补报期结束。") % {
            **described,
            "last": last.isoformat(),
        }


def flag_waits(flags: list[DismissalFlag], *, today: date) -> dict[int, list[MonthWait]]:
    """{flag id: what its months still wait for, oldest month first} for the OPEN flags among `flags` that may not
    be confirmed yet: a month is settled when no county draft of the patroller's month is open, no correction of
    it is pending and its late-log window has closed. Flags that may be confirmed are absent.

    Two queries for any number of flags (none without open flags): the open county drafts and the pending
    corrections of those patrollers in those months."""
    pending_flags = [flag for flag in flags if flag.status == DismissalFlag.Status.OPEN]
    if not pending_flags:
        return {}
    months_of = {flag.pk: sorted({m for m in map(rules.parse_month, flag.months) if m}) for flag in pending_flags}
    patroller_ids = {flag.patroller_id for flag in pending_flags}
    months = {m for ms in months_of.values() for m in ms}
    county_drafts = set(
        Assessment.objects.filter(
            patroller_id__in=patroller_ids,
            month__in=months,
            level=Assessment.Level.COUNTY,
            status=Assessment.Status.DRAFT,
        )
        .order_by()
        .values_list("patroller_id", "month")
    )
    corrections = set(
        Correction.objects.filter(
            status=Correction.Status.PENDING,
            assessment__patroller_id__in=patroller_ids,
            assessment__month__in=months,
        )
        .order_by()
        .values_list("assessment__patroller_id", "assessment__month")
    )
    waits: dict[int, list[MonthWait]] = {}
    for flag in pending_flags:
        found = []
        for month in months_of[flag.pk]:
            if (flag.patroller_id, month) in county_drafts:
                found.append(MonthWait(month, Wait.COUNTY_DRAFT))
            if (flag.patroller_id, month) in corrections:
                found.append(MonthWait(month, Wait.CORRECTION))
            if not rules.is_settled(month, today=today):
                found.append(MonthWait(month, Wait.LATE_LOGS))
        if found:
            waits[flag.pk] = found
    return waits


# --- spot checks -----------------------------------------------------------------------------------------------


def spot_check_draws_visible_to(user) -> QuerySet[SpotCheckDraw]:
    """Offices: the draws of their county (a township office sees its county's draws)."""
    return scope_filter(SpotCheckDraw.objects.all(), user, county="county_id", township="county__townships")


def spot_check_draw_list(*, user, filters: dict | None = None) -> QuerySet[SpotCheckDraw]:
    filters = filters or {}
    qs = spot_check_draws_visible_to(user)
    if filters.get("month"):
        qs = qs.filter(month=filters["month"])
    if filters.get("county"):
        qs = qs.filter(county_id=filters["county"])
    return qs.select_related("county", "drawn_by").order_by("-month", "county__code")


# --- supervision reports ---------------------------------------------------------------------------------------


def supervision_reports_visible_to(user) -> QuerySet[SupervisionReport]:
    """Offices by place; a village chief or supervisor the reports they filed; nobody else (the patroller does
    not see who reported them)."""
    own = None
    if user.is_authenticated and user.role in (Role.SUPERVISOR, Role.VILLAGE_CHIEF):
        own = Q(reporter_id=user.pk)
    return scope_filter(SupervisionReport.objects.all(), user, county="county_id", township="township_id", own=own)


def supervision_report_list(*, user, filters: dict | None = None) -> QuerySet[SupervisionReport]:
    """Filters `status`, `township`, `patroller`, `month` (the 1st). Newest first. One query."""
    filters = filters or {}
    qs = supervision_reports_visible_to(user)
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("township"):
        qs = qs.filter(township_id=filters["township"])
    if filters.get("patroller"):
        qs = qs.filter(patroller_id=filters["patroller"])
    if filters.get("month"):
        qs = qs.filter(observed_on__gte=filters["month"], observed_on__lte=rules.month_end(filters["month"]))
    return qs.select_related("patroller", "reporter", "township", "decided_by").order_by("-created_at", "-id")


def supervision_report_get(*, user, pk: int) -> SupervisionReport:
    try:
        return supervision_report_list(user=user).get(pk=pk)
    except (SupervisionReport.DoesNotExist, ValueError, OverflowError):
        raise Http404 from None


def with_segment_name(patrollers: QuerySet[Patroller]) -> QuerySet[Patroller]:
    """`segment_name`: the segment of each patroller's active assignment (None without one), in the same query."""
    active = Assignment.objects.filter(patroller=OuterRef("pk"), end__isnull=True).order_by("-start")
    return patrollers.annotate(segment_name=Subquery(active.values("segment__name")[:1]))


def reportable_patrollers(user) -> QuerySet[Patroller]:
    """Whom a user may file a supervision report about: a supervisor the active patrollers of their township,
    a village chief the patrollers on segments through their village; nobody for anyone else."""
    if not getattr(user, "is_authenticated", False):
        return Patroller.objects.none()
    if user.role == Role.SUPERVISOR:
        return Patroller.objects.filter(township_id=user.township_id, status=Patroller.Status.ACTIVE)
    if user.role == Role.VILLAGE_CHIEF:
        from staffing.selectors import patrollers_visible_to

        return patrollers_visible_to(user).filter(status=Patroller.Status.ACTIVE)
    return Patroller.objects.none()
